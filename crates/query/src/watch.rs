//! Narrow reactive reads: "is this key being changed?" and "did confirmed data change?",
//! each woken by its own trigger instead of by every cache change.

use leptos::prelude::*;

use crate::{MutationId, QueryClient, QueryKey};

impl QueryClient {
    /// Whether an unsettled mutation (pending, queued in its scope, paused or retrying)
    /// touches `key` through a patch or a refetch target. Tracked: re-runs the reading scope
    /// when a mutation starts, settles or restarts (use [`mutating`](Self::mutating) to wake
    /// only when the answer changes).
    ///
    /// ```no_run
    /// # use eventual_query::*;
    /// # fn demo(client: QueryClient) {
    /// let saving = client.is_mutating(&QueryKey::from("events/42"));
    /// # let _ = saving; }
    /// ```
    pub fn is_mutating(&self, key: &QueryKey) -> bool {
        self.track_trigger(|i| &i.unsettled);
        self.try_with(|i| i.cache.is_mutating(key)).unwrap_or(false)
    }

    /// Whether mutation `id` is still unsettled (pending, queued, paused or retrying). Tracked
    /// like [`is_mutating`](Self::is_mutating): for a form waiting on the one call it started.
    pub fn is_unsettled(&self, id: MutationId) -> bool {
        self.track_trigger(|i| &i.unsettled);
        self.try_with(|i| i.cache.mutation(id).is_some_and(|m| m.state.is_unsettled()))
            .unwrap_or(false)
    }

    /// [`is_mutating`](Self::is_mutating) as a signal that notifies its readers only when the
    /// answer for `key` flips (a memo), e.g. for a form's `busy` state.
    ///
    /// ```no_run
    /// # use eventual_query::*;
    /// # use leptos::prelude::*;
    /// # fn demo(client: QueryClient) {
    /// let saving = client.mutating(&QueryKey::from("events/42"));
    /// Effect::new(move |_| leptos::logging::log!("saving: {}", saving.get()));
    /// # }
    /// ```
    pub fn mutating(&self, key: &QueryKey) -> Signal<bool> {
        let (client, key) = (*self, key.clone());
        Memo::new(move |_| client.is_mutating(&key)).into()
    }

    /// A counter bumped whenever confirmed data is written or dropped anywhere in the cache
    /// (fetch answers, `set_query_data`, hydration, removal, garbage collection); optimistic
    /// patches don't bump it. Tracked: a persistence effect reads it to know when to save
    /// [`dehydrate`](Self::dehydrate)'s output, without `entries()` as a change feed.
    pub fn data_version(&self) -> u64 {
        self.track_trigger(|i| &i.written);
        self.try_with(|i| i.cache.data_version()).unwrap_or(0)
    }

    /// [`data_version`](Self::data_version) as a signal.
    ///
    /// ```no_run
    /// # use eventual_query::*;
    /// # use leptos::prelude::*;
    /// # fn demo(client: QueryClient, save: impl Fn(Vec<Dehydrated>) + 'static) {
    /// let changes = client.data_changes();
    /// Effect::new(move |_| {
    ///     changes.track();
    ///     save(client.dehydrate()); // debounce in a real app
    /// });
    /// # }
    /// ```
    pub fn data_changes(&self) -> Signal<u64> {
        let client = *self;
        Signal::derive(move || client.data_version())
    }
}
