//! Editing many entries at once (TanStack's `setQueriesData`).

use crate::core::{Target, Value};
use crate::{QueryClient, QueryKey};

impl QueryClient {
    /// Edits the confirmed data of every cached key under `prefix` that holds a `T`; keys of
    /// other types, and keys without data, are left alone. Returns how many were edited.
    ///
    /// Each edit is what [`update_query_data`](Self::update_query_data) does for one key:
    /// pending patches stay on top, and called from a mutation's success callback the writes
    /// carry that mutation's send order (skipped where newer data already landed). `f` runs
    /// outside the cache's borrow, so it may use the client.
    ///
    /// ```no_run
    /// # use eventual_query::*;
    /// # fn demo(client: QueryClient) {
    /// // Rename row 7 in every list query, whatever its filters.
    /// client.update_matching::<Vec<(u32, String)>>(&QueryKey::from("events/list"), |list| {
    ///     for row in list.iter_mut().filter(|row| row.0 == 7) {
    ///         row.1 = "Renamed".into();
    ///     }
    /// });
    /// # }
    /// ```
    pub fn update_matching<T: Clone + PartialEq + 'static>(
        &self,
        prefix: &QueryKey,
        mut f: impl FnMut(&mut T),
    ) -> usize {
        let current: Vec<(QueryKey, T)> = self
            .try_with(|i| {
                i.cache
                    .keys_matching(&Target::Prefix(prefix.clone()))
                    .into_iter()
                    .filter_map(|key| {
                        let value = i.cache.base(&key)?.value.downcast_ref::<T>()?.clone();
                        Some((key, value))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let edited: Vec<(QueryKey, T)> = current
            .into_iter()
            .map(|(key, mut value)| {
                f(&mut value);
                (key, value)
            })
            .collect();
        let count = edited.len();
        self.run(|i, now| {
            let sent = i.scope;
            for (key, value) in edited {
                i.cache.set_base(&key, Value::new(value), sent, now);
            }
        });
        count
    }
}
