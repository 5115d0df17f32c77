//! The settle sequence every mutation shares (`mutate` and `optimistic`): wait for its turn,
//! send with retries, then confirm → success callback → finish, or fail → roll back.

use std::future::Future;

use crate::abort::{AbortHandle, AbortSignal};
use crate::client::QueryClient;
use crate::core::{MutationId, QueryError, RetryPolicy};
use crate::engine::{self, Outcome, Try};

/// How a mutation ended.
pub(crate) enum Settled<R, E> {
    /// Confirmed; the success callback already ran.
    Succeeded(R),
    /// Failed for good; its patches are rolled back.
    Failed { error: E, attempts: u32 },
    /// It settled elsewhere (forgotten, evicted, client gone) before it could be sent.
    Gone,
}

/// Sends mutation `id` with `send` until it succeeds or `policy` gives up, and settles it in
/// the cache. `on_success` runs between confirm and finish, with `set_query_data` scoped to
/// the send (so data it writes replaces this mutation's own patches on those keys). A failed
/// mutation is kept for a manual retry unless `forget_failed`.
pub(crate) async fn send_and_settle<R, E, Fut>(
    client: QueryClient,
    id: MutationId,
    policy: RetryPolicy,
    send: impl Fn(AbortSignal) -> Fut,
    forget_failed: bool,
    on_success: impl FnOnce(&R),
) -> Settled<R, E>
where
    E: QueryError,
    Fut: Future<Output = Result<R, E>>,
{
    let attempt = async |_n: u32| {
        let Some(fresh) = client.send_turn(id).await else {
            return Try::Stop;
        };
        let Some(Some(seq)) = client.run(|i, now| i.cache.mark_sent(id, now)) else {
            return Try::Stop;
        };
        let (_handle, signal) = AbortHandle::new();
        let result = send(signal).await.map(|response| (response, seq));
        Try::Answered { result, fresh }
    };
    let retrying = |error: &E, delay: u64| {
        let msg = error.to_string();
        client.run(|i, now| i.cache.mark_retrying(id, &msg, delay, now));
        true
    };
    let offline = || client.mutations_paused_untracked();
    match engine::run(policy, attempt, offline, retrying).await {
        Outcome::Done((response, seq)) => {
            client.run(|i, now| i.cache.confirm(id, now));
            client.in_scope(seq, || on_success(&response));
            client.run(|i, now| {
                i.cache.finish(id, now);
                i.runners.remove(&id);
            });
            Settled::Succeeded(response)
        }
        Outcome::Failed { error, attempts } => {
            client.run(|i, now| {
                i.cache.fail(id, &error.to_string(), now);
                if forget_failed {
                    i.cache.forget(id);
                }
                // Failed mutations evicted from the ledger can't be retried.
                let cache = &i.cache;
                i.runners.retain(|id, _| cache.mutation(*id).is_some());
            });
            Settled::Failed { error, attempts }
        }
        Outcome::Stopped => Settled::Gone,
    }
}
