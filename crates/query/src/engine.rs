//! The one retry engine for fetches and mutations. The core decides
//! ([`RetryPolicy::decide`]: retry after N ms, wait for the network, give up); this loop only
//! counts attempts, sleeps and stops. Offline is not a failure: a retryable error while the
//! client is paused uses up no attempt, and the count starts again after the wait, so a change
//! made on a train is never rolled back because the train was in a tunnel.

use std::ops::AsyncFnMut;

use crate::core::{QueryError, RetryDecision, RetryPolicy};
use crate::runtime::sleep;

/// One attempt, as the engine sees it.
pub(crate) enum Try<T, E> {
    /// The request answered. `fresh`: it first waited for the network, so the count restarts.
    Answered { result: Result<T, E>, fresh: bool },
    /// Nothing to send any more (cancelled, superseded, settled elsewhere).
    Stop,
}

/// How the attempts ended.
pub(crate) enum Outcome<T, E> {
    /// An attempt succeeded.
    Done(T),
    /// The last attempt failed and the decision was to give up.
    Failed { error: E, attempts: u32 },
    /// An attempt (or `retrying`) said stop.
    Stopped,
}

/// Runs `attempt` until it succeeds, the decision is to give up, or it stops. `retrying` hears
/// of each failure that will be tried again (with its backoff; 0 = waiting for the network)
/// and may stop the loop by returning false.
pub(crate) async fn run<T, E: QueryError>(
    policy: RetryPolicy,
    mut attempt: impl AsyncFnMut(u32) -> Try<T, E>,
    offline: impl Fn() -> bool,
    mut retrying: impl FnMut(&E, u64) -> bool,
) -> Outcome<T, E> {
    let mut attempts = 0;
    loop {
        let (result, fresh) = match attempt(attempts + 1).await {
            Try::Answered { result, fresh } => (result, fresh),
            Try::Stop => return Outcome::Stopped,
        };
        if fresh {
            attempts = 0;
        }
        attempts += 1;
        let error = match result {
            Ok(value) => return Outcome::Done(value),
            Err(error) => error,
        };
        match policy.decide(attempts, error.is_retryable(), offline()) {
            RetryDecision::GiveUp => return Outcome::Failed { error, attempts },
            // The next attempt waits for the resume before it sends.
            RetryDecision::WaitForNetwork => {
                if !retrying(&error, 0) {
                    return Outcome::Stopped;
                }
            }
            RetryDecision::RetryAfter(delay) => {
                if !retrying(&error, delay) {
                    return Outcome::Stopped;
                }
                sleep(delay).await;
            }
        }
    }
}
