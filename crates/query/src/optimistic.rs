//! The optimistic mutation helper: patch at once, send, retry, roll back, refetch.

use std::fmt;
use std::future::Future;
use std::rc::Rc;

use crate::abort::AbortSignal;
use crate::client::QueryClient;
use crate::core::{MutationId, Patch, QueryError, RetryPolicy, Target};
use crate::fetcher::LocalFuture;
use crate::runtime::spawn;
use crate::settle::{send_and_settle, Settled};
use crate::QueryKey;

type SendFn<R, E> = Rc<dyn Fn(AbortSignal) -> LocalFuture<Result<R, E>>>;
type OnSuccess<R> = Option<Rc<dyn Fn(&R)>>;

/// A change shown at once and confirmed by the server later.
///
/// ```no_run
/// # use eventual_query::*;
/// # #[derive(Clone, PartialEq)] struct Event { id: u32, title: String }
/// # #[derive(Clone, Debug)] struct ApiError;
/// # impl std::fmt::Display for ApiError { fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result { f.write_str("api") } }
/// # impl QueryError for ApiError { fn is_retryable(&self) -> bool { false } }
/// # async fn put(e: Event, _s: AbortSignal) -> Result<Event, ApiError> { Ok(e) }
/// # fn demo(client: QueryClient, edited: Event) {
/// let detail = QueryKey::from("events/42");
/// let id = client.optimistic(
///     Optimistic::new("Save event", {
///         let edited = edited.clone();
///         move |signal| put(edited.clone(), signal)
///     })
///     .patch::<Event>(detail.clone(), {
///         let edited = edited.clone();
///         move |_| edited.clone()
///     })
///     .patch_prefix::<Vec<Event>>(QueryKey::from("events/list"), move |list| {
///         list.iter().map(|e| if e.id == edited.id { edited.clone() } else { e.clone() }).collect()
///     })
///     .on_success(move |saved: &Event| client.set_query_data(&detail, saved.clone()))
///     .on_error(|failure: MutationFailure<ApiError>| {
///         // show a toast; its Retry button calls failure.retry()
///     })
///     .refetch(QueryKey::from("events")),
/// );
/// # let _ = id; }
/// ```
pub struct Optimistic<R, E> {
    pub(crate) label: String,
    pub(crate) send: SendFn<R, E>,
    pub(crate) patches: Vec<Patch>,
    pub(crate) refetch: Vec<Target>,
    pub(crate) on_success: OnSuccess<R>,
    pub(crate) on_error: Option<Rc<dyn Fn(MutationFailure<E>)>>,
    pub(crate) on_settled: Option<Rc<dyn Fn()>>,
    pub(crate) retry: Option<RetryPolicy>,
    pub(crate) scope: Option<String>,
}

impl<R: 'static, E: QueryError> Optimistic<R, E> {
    /// A mutation labelled `label` (shown in the log / devtools) sent by `send`.
    ///
    /// `send` is `Fn` so a retry resends the same change.
    pub fn new<F, Fut>(label: impl Into<String>, send: F) -> Self
    where
        F: Fn(AbortSignal) -> Fut + 'static,
        Fut: Future<Output = Result<R, E>> + 'static,
    {
        Self {
            label: label.into(),
            send: Rc::new(move |signal| Box::pin(send(signal))),
            patches: Vec::new(),
            refetch: Vec::new(),
            on_success: None,
            on_error: None,
            on_settled: None,
            retry: None,
            scope: None,
        }
    }

    /// Shows `f` applied to the `T` at exactly `key` until the mutation settles.
    pub fn patch<T: 'static>(
        mut self,
        key: impl Into<QueryKey>,
        f: impl Fn(&T) -> T + 'static,
    ) -> Self {
        self.patches.push(Patch::new(Target::Key(key.into()), f));
        self
    }

    /// Shows `f` applied to every `T` cached under `prefix` — including entries fetched while
    /// the mutation is pending. Entries of other types are left alone.
    pub fn patch_prefix<T: 'static>(
        mut self,
        prefix: impl Into<QueryKey>,
        f: impl Fn(&T) -> T + 'static,
    ) -> Self {
        self.patches
            .push(Patch::new(Target::Prefix(prefix.into()), f));
        self
    }

    /// Shows `f`'s answer on every `T` cached under `prefix` that it answers `Some` for. Given
    /// the key, `f` answers `None` where the change cannot show (a list that does not hold the
    /// item); that entry stays as it is and is not refetched when the mutation settles.
    pub fn patch_prefix_where<T: 'static>(
        mut self,
        prefix: impl Into<QueryKey>,
        f: impl Fn(&QueryKey, &T) -> Option<T> + 'static,
    ) -> Self {
        self.patches
            .push(Patch::partial(Target::Prefix(prefix.into()), f));
        self
    }

    /// Also refetch keys under `prefix` once the last mutation touching them settles
    /// (patched keys are refetched anyway).
    pub fn refetch(mut self, prefix: impl Into<QueryKey>) -> Self {
        self.refetch.push(Target::Prefix(prefix.into()));
        self
    }

    /// Runs with the server's answer, before the refetch. `set_query_data` called here is
    /// ignored for keys that already hold newer data.
    pub fn on_success(mut self, f: impl Fn(&R) + 'static) -> Self {
        self.on_success = Some(Rc::new(f));
        self
    }

    /// Runs after a final failure, once the patches were rolled back.
    pub fn on_error(mut self, f: impl Fn(MutationFailure<E>) + 'static) -> Self {
        self.on_error = Some(Rc::new(f));
        self
    }

    /// Runs after success or final failure.
    pub fn on_settled(mut self, f: impl Fn() + 'static) -> Self {
        self.on_settled = Some(Rc::new(f));
        self
    }

    /// Overrides the client's mutation retry policy.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Sends this mutation in line with every other mutation of the same `scope` id: one at a
    /// time, in start order. It keeps its place across automatic retries and pauses; its patches
    /// show at once all the same. A final failure lets the next one go; a manual
    /// [`MutationFailure::retry`] queues at the end.
    pub fn scope(mut self, scope: impl Into<String>) -> Self {
        self.scope = Some(scope.into());
        self
    }
}

/// A mutation that failed for good (its patches are already rolled back).
#[derive(Clone)]
pub struct MutationFailure<E> {
    /// Which mutation.
    pub id: MutationId,
    /// Its label.
    pub label: String,
    /// The final error.
    pub error: E,
    /// Attempts made.
    pub attempts: u32,
    client: QueryClient,
}

impl<E> MutationFailure<E> {
    /// Sends the same change again (patches re-applied on top). False if it can't be retried.
    pub fn retry(&self) -> bool {
        self.client.retry(self.id)
    }

    /// Gives up: the mutation is dropped from the ledger.
    pub fn dismiss(&self) {
        self.client.forget_mutation(self.id);
    }
}

impl<E: fmt::Display> fmt::Display for MutationFailure<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} failed: {}", self.label, self.error)
    }
}

impl<E: fmt::Debug> fmt::Debug for MutationFailure<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MutationFailure")
            .field("id", &self.id)
            .field("label", &self.label)
            .field("error", &self.error)
            .field("attempts", &self.attempts)
            .finish()
    }
}

impl QueryClient {
    /// Applies the patches at once, sends, retries per policy; on final failure removes only
    /// this mutation's patches and calls `on_error`; once the last mutation touching a key
    /// settles, refetches it.
    pub fn optimistic<R: 'static, E: QueryError>(&self, mutation: Optimistic<R, E>) -> MutationId {
        let Optimistic {
            label,
            send,
            patches,
            refetch,
            on_success,
            on_error,
            on_settled,
            retry,
            scope,
        } = mutation;
        let id = self
            .run(|i, now| {
                i.cache
                    .start_scoped(label.clone(), scope, patches, refetch, now)
            })
            .unwrap_or(MutationId(0));
        let policy = retry.unwrap_or(self.options().mutation_retry);
        let runner: Rc<dyn Fn(QueryClient)> = Rc::new(move |client: QueryClient| {
            let send = send.clone();
            let on_success = on_success.clone();
            let on_error = on_error.clone();
            let on_settled = on_settled.clone();
            let label = label.clone();
            spawn(async move {
                let on_success = |response: &R| {
                    if let Some(f) = &on_success {
                        f(response);
                    }
                };
                match send_and_settle(client, id, policy, |s| send(s), false, on_success).await {
                    Settled::Succeeded(_) => {}
                    Settled::Failed { error, attempts } => {
                        if let Some(f) = &on_error {
                            f(MutationFailure {
                                id,
                                label: label.clone(),
                                error,
                                attempts,
                                client,
                            });
                        }
                    }
                    Settled::Gone => return,
                }
                if let Some(f) = &on_settled {
                    f();
                }
            });
        });
        self.try_with(|i| i.runners.insert(id, runner.clone()));
        runner(*self);
        id
    }

    /// Resends a failed optimistic mutation (its patches go back on top). False if unknown,
    /// not failed, or not an optimistic mutation.
    pub fn retry(&self, id: MutationId) -> bool {
        let runner = self.try_with(|i| i.runners.get(&id).cloned()).flatten();
        let Some(runner) = runner else {
            return false;
        };
        if self.run(|i, now| i.cache.restart(id, now)) != Some(true) {
            return false;
        }
        runner(*self);
        true
    }

    /// Forgets a failed mutation (it can no longer be retried).
    pub fn forget_mutation(&self, id: MutationId) {
        self.run(|i, _| {
            i.cache.forget(id);
            if i.cache.mutation(id).is_none() {
                i.runners.remove(&id);
            }
        });
    }

    /// Runs `f` with `set_query_data` scoped to the send `seq` of a mutation.
    pub(crate) fn in_scope(&self, seq: crate::core::Seq, f: impl FnOnce()) {
        let prev = self.try_with(|i| i.scope.replace(seq)).flatten();
        f();
        self.try_with(|i| i.scope = prev);
    }
}
