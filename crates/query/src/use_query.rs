//! `use_query`: a component's reactive view of one cache entry.

use std::future::Future;
use std::marker::PhantomData;
use std::rc::Rc;
use std::sync::{Arc, Mutex};

use leptos::prelude::*;
use send_wrapper::SendWrapper;

use crate::abort::AbortSignal;
use crate::client::{use_query_client, QueryClient};
use crate::core::QueryError;
use crate::fetcher::Fetcher;
use crate::options::{ms, QueryOptions};
use crate::QueryKey;

/// What a component sees of a query. Every field is a reactive signal; the handle is `Copy`.
pub struct QueryResult<T: Send + Sync + 'static, E: Send + Sync + 'static> {
    /// The value on screen: confirmed data with pending optimistic edits applied.
    pub data: Signal<Option<T>>,
    /// The last fetch error (data, if any, is kept).
    pub error: Signal<Option<E>>,
    /// No data and no error yet (first load).
    pub is_loading: Signal<bool>,
    /// A fetch is in flight.
    pub is_fetching: Signal<bool>,
    /// The data is stale (will refetch on mount / focus / invalidation).
    pub is_stale: Signal<bool>,
    /// The key currently read.
    pub key: Signal<QueryKey>,
    client: QueryClient,
    _types: PhantomData<fn() -> (T, E)>,
}

impl<T: Send + Sync + 'static, E: Send + Sync + 'static> Clone for QueryResult<T, E> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T: Send + Sync + 'static, E: Send + Sync + 'static> Copy for QueryResult<T, E> {}

impl<T: Send + Sync + 'static, E: Send + Sync + 'static> QueryResult<T, E> {
    /// Runs `f` on the value on screen by reference (tracked like `data`, without cloning it):
    /// for large values read on every change.
    pub fn with_data<R>(&self, f: impl FnOnce(Option<&T>) -> R) -> R
    where
        T: 'static,
    {
        self.client.with_query_data(&self.key.get(), f)
    }

    /// Fetches the current key again (no second request if one is in flight).
    pub fn refetch(&self) {
        self.client.refetch(&self.key.get_untracked());
    }
}

/// Reads the query at `key` (reactive: when it changes, the handle switches entries), fetching
/// it with `fetcher` when missing or stale. Readers of one key share one entry and one request.
///
/// The fetcher gets the key and an [`AbortSignal`]; pass `signal.web()` to the HTTP request so
/// cancellation aborts it.
pub fn use_query<T, E, F, Fut>(
    key: impl Fn() -> QueryKey + 'static,
    fetcher: F,
) -> QueryResult<T, E>
where
    T: Clone + PartialEq + Send + Sync + 'static,
    E: QueryError + Send + Sync,
    F: Fn(QueryKey, AbortSignal) -> Fut + 'static,
    Fut: Future<Output = Result<T, E>> + 'static,
{
    use_query_with_options(key, fetcher, QueryOptions::default())
}

/// [`use_query`] with per-query options.
pub fn use_query_with_options<T, E, F, Fut>(
    key: impl Fn() -> QueryKey + 'static,
    fetcher: F,
    options: QueryOptions,
) -> QueryResult<T, E>
where
    T: Clone + PartialEq + Send + Sync + 'static,
    E: QueryError + Send + Sync,
    F: Fn(QueryKey, AbortSignal) -> Fut + 'static,
    Fut: Future<Output = Result<T, E>> + 'static,
{
    let client = use_query_client();
    let defaults = client.options();
    let fetcher = Fetcher::new(
        fetcher,
        options.retry.unwrap_or(defaults.retry),
        ms(options.stale_time.unwrap_or(defaults.stale_time)),
        ms(options.gc_time.unwrap_or(defaults.gc_time)),
    );
    // Leptos wants Send closures; everything here lives on the one browser thread.
    let key_fn = SendWrapper::new(Rc::new(key) as Rc<dyn Fn() -> QueryKey>);
    let key = Memo::new(move |_| (key_fn)());
    let fetcher = SendWrapper::new(fetcher);
    let observed: Arc<Mutex<Option<QueryKey>>> = Arc::default();

    Effect::new({
        let observed = observed.clone();
        move |_: Option<()>| {
            let next = key.get();
            let prev = observed
                .lock()
                .ok()
                .and_then(|mut o| o.replace(next.clone()));
            if prev.as_ref() != Some(&next) {
                client.observe(&next, (*fetcher).clone());
                if let Some(prev) = prev {
                    client.unobserve(&prev, true);
                }
            }
        }
    });
    on_cleanup(move || {
        if let Some(prev) = observed.lock().ok().and_then(|mut o| o.take()) {
            client.unobserve(&prev, false);
        }
    });

    let data = Signal::derive(move || client.query_data::<T>(&key.get()));
    let error = Signal::derive(move || client.query_error::<E>(&key.get()));
    let is_fetching = Signal::derive(move || client.is_fetching(&key.get()));
    let is_stale = Signal::derive(move || client.is_stale(&key.get()));
    let is_loading = Signal::derive(move || {
        let k = key.get();
        !client.has_query_data(&k) && client.query_error::<E>(&k).is_none()
    });
    QueryResult {
        data,
        error,
        is_loading,
        is_fetching,
        is_stale,
        key: key.into(),
        client,
        _types: PhantomData,
    }
}
