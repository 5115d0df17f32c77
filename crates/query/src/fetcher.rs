//! How a key is fetched: the type-erased fetch function its readers register.

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use crate::abort::AbortSignal;
use crate::core::{ErrorValue, QueryError, RetryPolicy, Value};
use crate::QueryKey;

pub(crate) type LocalFuture<T> = Pin<Box<dyn Future<Output = T>>>;
/// A fetch failure, type-erased: the error, and whether retrying may help.
#[derive(Clone)]
pub(crate) struct FetchError {
    pub(crate) error: ErrorValue,
    retryable: bool,
}

impl std::fmt::Display for FetchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.error.message())
    }
}

impl QueryError for FetchError {
    fn is_retryable(&self) -> bool {
        self.retryable
    }
}
type FetchFn = Rc<dyn Fn(QueryKey, AbortSignal) -> LocalFuture<Result<Value, FetchError>>>;

/// How to (re)fetch one key: registered by its readers, used by refetches from anywhere.
#[derive(Clone)]
pub(crate) struct Fetcher {
    pub run: FetchFn,
    pub retry: RetryPolicy,
    pub stale_time_ms: u64,
    pub gc_time_ms: u64,
}

impl Fetcher {
    pub fn new<T, E, F, Fut>(
        fetch: F,
        retry: RetryPolicy,
        stale_time_ms: u64,
        gc_time_ms: u64,
    ) -> Self
    where
        T: PartialEq + 'static,
        E: QueryError,
        F: Fn(QueryKey, AbortSignal) -> Fut + 'static,
        Fut: Future<Output = Result<T, E>> + 'static,
    {
        let run: FetchFn = Rc::new(move |key, signal| {
            let fut = fetch(key, signal);
            Box::pin(async move {
                fut.await.map(Value::new).map_err(|e| FetchError {
                    retryable: e.is_retryable(),
                    error: ErrorValue::new(e),
                })
            })
        });
        Self {
            run,
            retry,
            stale_time_ms,
            gc_time_ms,
        }
    }
}
