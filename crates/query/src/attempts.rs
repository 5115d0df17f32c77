//! The send loop every mutation runs: wait while paused, send, retry per policy.
//!
//! Offline is not a failure: a retryable error that finds the client paused (the app decided
//! it is offline) uses up no attempt, and the first send after a pause starts the count again,
//! so a change made on a train is never rolled back because the train was in a tunnel.

use std::future::Future;

use crate::abort::{AbortHandle, AbortSignal};
use crate::client::QueryClient;
use crate::core::{MutationId, QueryError, RetryPolicy, Seq};
use crate::runtime::sleep;

/// How the loop ended.
pub(crate) enum Attempts<R, E> {
    /// The send succeeded; `seq` is the sequence number it was sent under.
    Sent { response: R, seq: Seq },
    /// The last attempt failed and the policy gives up.
    Failed { error: E, attempts: u32 },
    /// The mutation settled elsewhere (forgotten, or evicted) before it could be sent.
    Gone,
}

/// Sends mutation `id` with `send` until it succeeds or `policy` gives up.
pub(crate) async fn run<R, E, Fut>(
    client: QueryClient,
    id: MutationId,
    policy: RetryPolicy,
    send: impl Fn(AbortSignal) -> Fut,
) -> Attempts<R, E>
where
    E: QueryError,
    Fut: Future<Output = Result<R, E>>,
{
    let mut attempts = 0;
    loop {
        match client.send_turn(id).await {
            None => return Attempts::Gone,
            Some(true) => attempts = 0,
            Some(false) => {}
        }
        let Some(Some(seq)) = client.run(|i, now| i.cache.mark_sent(id, now)) else {
            return Attempts::Gone;
        };
        attempts += 1;
        let (_handle, signal) = AbortHandle::new();
        let error = match send(signal).await {
            Ok(response) => return Attempts::Sent { response, seq },
            Err(error) => error,
        };
        let msg = error.to_string();
        if error.is_retryable() && client.mutations_paused_untracked() {
            // Held until the connection returns; the loop waits at the top.
            client.run(|i, now| i.cache.mark_retrying(id, &msg, 0, now));
            continue;
        }
        match policy.next_delay(attempts, &error) {
            Some(delay) => {
                client.run(|i, now| i.cache.mark_retrying(id, &msg, delay, now));
                sleep(delay).await;
            }
            None => return Attempts::Failed { error, attempts },
        }
    }
}
