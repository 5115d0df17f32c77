//! TanStack-style mutations: `on_mutate` / `on_error` / `on_success` / `on_settled`.

use std::future::Future;
use std::rc::Rc;

use leptos::prelude::*;

use crate::abort::AbortSignal;
use crate::client::{use_query_client, QueryClient};
use crate::core::{MutationId, QueryError, RetryPolicy};
use crate::fetcher::LocalFuture;
use crate::runtime::spawn;
use crate::settle::{send_and_settle, Settled};

type MutationFn<V, R, E> = Rc<dyn Fn(V, AbortSignal) -> LocalFuture<Result<R, E>>>;
type OnError<V, E, C> = Option<Rc<dyn Fn(&E, &V, C)>>;
type OnSuccess<V, R, C> = Option<Rc<dyn Fn(&R, &V, &C)>>;
type OnSettled<V, R, E> = Option<Rc<dyn Fn(Option<&R>, Option<&E>, &V)>>;

/// A mutation described by callbacks, for cases the [`crate::Optimistic`] helper doesn't fit.
///
/// The classic optimistic pattern — cancel, snapshot, set, roll back, invalidate:
///
/// ```no_run
/// # use eventual_query::*;
/// # #[derive(Clone, Debug)] struct ApiError;
/// # impl std::fmt::Display for ApiError { fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result { f.write_str("api") } }
/// # impl QueryError for ApiError { fn is_retryable(&self) -> bool { false } }
/// # async fn rename(_t: String, _s: AbortSignal) -> Result<String, ApiError> { Ok(String::new()) }
/// # fn demo(client: QueryClient) {
/// let key = QueryKey::from("todo/1/title");
/// let options = MutationOptions::new(|title: String, signal| rename(title, signal))
///     .on_mutate({
///         let key = key.clone();
///         move |title: &String| {
///             client.cancel_queries(&key); // an in-flight fetch must not overwrite us
///             let snapshot = client.get_query_data::<String>(&key);
///             client.set_query_data(&key, title.clone());
///             snapshot
///         }
///     })
///     .on_error({
///         let key = key.clone();
///         move |_err, _title, snapshot: Option<String>| {
///             if let Some(old) = snapshot {
///                 client.set_query_data(&key, old); // roll back
///             }
///         }
///     })
///     .on_settled(move |_ok, _err, _title| client.invalidate_queries(&key));
/// client.mutate(&options, "New title".to_string());
/// # }
/// ```
pub struct MutationOptions<V, R, E, C = ()> {
    label: String,
    mutation_fn: MutationFn<V, R, E>,
    on_mutate: Rc<dyn Fn(&V) -> C>,
    on_error: OnError<V, E, C>,
    on_success: OnSuccess<V, R, C>,
    on_settled: OnSettled<V, R, E>,
    retry: Option<RetryPolicy>,
    scope: Option<String>,
}

impl<V, R, E, C> Clone for MutationOptions<V, R, E, C> {
    fn clone(&self) -> Self {
        Self {
            label: self.label.clone(),
            mutation_fn: self.mutation_fn.clone(),
            on_mutate: self.on_mutate.clone(),
            on_error: self.on_error.clone(),
            on_success: self.on_success.clone(),
            on_settled: self.on_settled.clone(),
            retry: self.retry,
            scope: self.scope.clone(),
        }
    }
}

impl<V: 'static, R: 'static, E: QueryError> MutationOptions<V, R, E, ()> {
    /// A mutation sending `vars` with `mutation_fn`.
    pub fn new<F, Fut>(mutation_fn: F) -> Self
    where
        F: Fn(V, AbortSignal) -> Fut + 'static,
        Fut: Future<Output = Result<R, E>> + 'static,
    {
        Self {
            label: "mutation".into(),
            mutation_fn: Rc::new(move |v, s| Box::pin(mutation_fn(v, s))),
            on_mutate: Rc::new(|_| ()),
            on_error: None,
            on_success: None,
            on_settled: None,
            retry: None,
            scope: None,
        }
    }

    /// Runs before sending; its result is the context given to `on_error` / `on_success`.
    /// Call it before `on_error` / `on_success` (they are typed by the context).
    pub fn on_mutate<C2: 'static>(
        self,
        f: impl Fn(&V) -> C2 + 'static,
    ) -> MutationOptions<V, R, E, C2> {
        debug_assert!(
            self.on_error.is_none() && self.on_success.is_none(),
            "MutationOptions: call on_mutate before on_error/on_success"
        );
        MutationOptions {
            label: self.label,
            mutation_fn: self.mutation_fn,
            on_mutate: Rc::new(f),
            on_error: None,
            on_success: None,
            on_settled: self.on_settled,
            retry: self.retry,
            scope: self.scope,
        }
    }
}

impl<V: 'static, R: 'static, E: QueryError, C: 'static> MutationOptions<V, R, E, C> {
    /// Label shown in the transaction log.
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = label.into();
        self
    }

    /// Runs after a final failure with the context from `on_mutate` (e.g. to roll back).
    pub fn on_error(mut self, f: impl Fn(&E, &V, C) + 'static) -> Self {
        self.on_error = Some(Rc::new(f));
        self
    }

    /// Runs with the server's answer.
    pub fn on_success(mut self, f: impl Fn(&R, &V, &C) + 'static) -> Self {
        self.on_success = Some(Rc::new(f));
        self
    }

    /// Runs last, after success or failure.
    pub fn on_settled(mut self, f: impl Fn(Option<&R>, Option<&E>, &V) + 'static) -> Self {
        self.on_settled = Some(Rc::new(f));
        self
    }

    /// Overrides the client's mutation retry policy.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Sends calls in line with every mutation of the same `scope` id: one at a time, in start
    /// order, keeping their place across automatic retries and pauses (TanStack's `scope`).
    pub fn scope(mut self, scope: impl Into<String>) -> Self {
        self.scope = Some(scope.into());
        self
    }
}

impl QueryClient {
    /// Runs a callback-style mutation. It belongs to the client: it completes (and calls its
    /// callbacks) even if the component that started it is gone.
    pub fn mutate<V, R, E, C>(&self, options: &MutationOptions<V, R, E, C>, vars: V) -> MutationId
    where
        V: Clone + 'static,
        R: 'static,
        E: QueryError,
        C: 'static,
    {
        self.mutate_then(options, vars, |_| {})
    }

    pub(crate) fn mutate_then<V, R, E, C>(
        &self,
        options: &MutationOptions<V, R, E, C>,
        vars: V,
        done: impl FnOnce(Result<&R, &E>) + 'static,
    ) -> MutationId
    where
        V: Clone + 'static,
        R: 'static,
        E: QueryError,
        C: 'static,
    {
        let options = options.clone();
        let ctx = (options.on_mutate)(&vars);
        let id = self
            .run(|i, now| {
                i.cache.start_scoped(
                    options.label.clone(),
                    options.scope.clone(),
                    vec![],
                    vec![],
                    now,
                )
            })
            .unwrap_or(MutationId(0));
        let policy = options.retry.unwrap_or(self.options().mutation_retry);
        let client = *self;
        spawn(async move {
            let send = |signal| (options.mutation_fn)(vars.clone(), signal);
            let on_success = |response: &R| {
                if let Some(f) = &options.on_success {
                    f(response, &vars, &ctx);
                }
            };
            match send_and_settle(client, id, policy, send, true, on_success).await {
                Settled::Succeeded(response) => {
                    if let Some(f) = &options.on_settled {
                        f(Some(&response), None, &vars);
                    }
                    done(Ok(&response));
                }
                Settled::Failed { error, .. } => {
                    if let Some(f) = &options.on_error {
                        f(&error, &vars, ctx);
                    }
                    if let Some(f) = &options.on_settled {
                        f(None, Some(&error), &vars);
                    }
                    done(Err(&error));
                }
                Settled::Gone => {}
            }
        });
        id
    }
}

/// A component's handle on a mutation: `mutate(vars)` plus reactive state. `Copy`.
pub struct MutationHandle<V, R, E, C = ()>
where
    R: Send + Sync + 'static,
    E: Send + Sync + 'static,
{
    /// Whether a call is in flight.
    pub is_pending: Signal<bool>,
    /// The last call's error.
    pub error: Signal<Option<E>>,
    /// The last call's result.
    pub data: Signal<Option<R>>,
    pending: RwSignal<usize>,
    error_w: RwSignal<Option<E>>,
    data_w: RwSignal<Option<R>>,
    options: StoredValue<MutationOptions<V, R, E, C>, LocalStorage>,
    client: QueryClient,
}

impl<V, R: Send + Sync, E: Send + Sync, C> Clone for MutationHandle<V, R, E, C> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<V, R: Send + Sync, E: Send + Sync, C> Copy for MutationHandle<V, R, E, C> {}

/// A mutation handle for a component; the mutation itself runs on the client.
pub fn use_mutation<V, R, E, C>(options: MutationOptions<V, R, E, C>) -> MutationHandle<V, R, E, C>
where
    V: Clone + 'static,
    R: Clone + Send + Sync + 'static,
    E: QueryError + Send + Sync,
    C: 'static,
{
    let pending = RwSignal::new(0usize);
    let error_w = RwSignal::new(None::<E>);
    let data_w = RwSignal::new(None::<R>);
    MutationHandle {
        is_pending: Signal::derive(move || pending.get() > 0),
        error: error_w.into(),
        data: data_w.into(),
        pending,
        error_w,
        data_w,
        options: StoredValue::new_local(options),
        client: use_query_client(),
    }
}

impl<V, R, E, C> MutationHandle<V, R, E, C>
where
    V: Clone + 'static,
    R: Clone + Send + Sync + 'static,
    E: QueryError + Send + Sync,
    C: 'static,
{
    /// Starts the mutation with `vars`.
    pub fn mutate(&self, vars: V) -> Option<MutationId> {
        let options = self.options.try_with_value(Clone::clone)?;
        let (pending, error_w, data_w) = (self.pending, self.error_w, self.data_w);
        pending.update(|n| *n += 1);
        error_w.set(None);
        // The component may be gone when it settles: write with try_*.
        Some(self.client.mutate_then(&options, vars, move |result| {
            pending.try_update(|n| *n = n.saturating_sub(1));
            match result {
                Ok(data) => {
                    data_w.try_set(Some(data.clone()));
                }
                Err(error) => {
                    error_w.try_set(Some(error.clone()));
                }
            }
        }))
    }
}
