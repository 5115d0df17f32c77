//! Client-wide and per-query options.

use std::time::Duration;

use crate::core::RetryPolicy;

/// Global options of a [`crate::QueryClient`].
#[derive(Clone, Debug, PartialEq)]
pub struct QueryClientOptions {
    /// How long fetched data counts as fresh (default 0: always refetch on mount/focus).
    pub stale_time: Duration,
    /// How long an entry with no readers is kept (default 5 min).
    pub gc_time: Duration,
    /// Retry policy of fetches (default 3 attempts).
    pub retry: RetryPolicy,
    /// Retry policy of mutations (default 2 retries on retryable errors).
    pub mutation_retry: RetryPolicy,
    /// Refetch stale observed queries when the window regains focus / becomes visible.
    pub refetch_on_window_focus: bool,
    /// Refetch stale observed queries when the browser goes back online.
    pub refetch_on_reconnect: bool,
    /// Records kept in the transaction log.
    pub log_capacity: usize,
}

impl Default for QueryClientOptions {
    fn default() -> Self {
        Self {
            stale_time: Duration::ZERO,
            gc_time: Duration::from_secs(5 * 60),
            retry: RetryPolicy::QUERY_DEFAULT,
            mutation_retry: RetryPolicy::MUTATION_DEFAULT,
            refetch_on_window_focus: true,
            refetch_on_reconnect: true,
            log_capacity: crate::core::TxLog::DEFAULT_CAPACITY,
        }
    }
}

/// Per-query overrides of the client options (`None` = use the client's).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct QueryOptions {
    /// Overrides [`QueryClientOptions::stale_time`].
    pub stale_time: Option<Duration>,
    /// Overrides [`QueryClientOptions::gc_time`].
    pub gc_time: Option<Duration>,
    /// Overrides [`QueryClientOptions::retry`].
    pub retry: Option<RetryPolicy>,
}

pub(crate) fn ms(d: Duration) -> u64 {
    d.as_millis().min(u64::MAX as u128) as u64
}
