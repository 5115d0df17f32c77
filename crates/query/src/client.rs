//! The reactive shell: a `Copy` handle over the core cache, wired to Leptos triggers.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use leptos::prelude::*;
use leptos::reactive::graph::Observer;

use crate::abort::AbortHandle;
use crate::core::{
    Cache, Command, EntrySnapshot, LogRecord, MutationId, MutationRecord, Seq, Value,
};
use crate::fetcher::Fetcher;
use crate::options::{ms, QueryClientOptions};
use crate::runtime::now_ms;
use crate::QueryKey;

/// Re-runs a mutation's send loop (for [`QueryClient::retry`]).
pub(crate) type Runner = Rc<dyn Fn(QueryClient)>;

pub(crate) struct Inner {
    pub cache: Cache,
    pub options: QueryClientOptions,
    data_triggers: HashMap<QueryKey, ArcTrigger>,
    status_triggers: HashMap<QueryKey, ArcTrigger>,
    meta: ArcTrigger,
    /// Woken when the set of unsettled mutations changes (`is_mutating`).
    pub unsettled: ArcTrigger,
    /// Woken when confirmed data is written or dropped (`data_version`).
    pub written: ArcTrigger,
    pub fetchers: HashMap<QueryKey, Fetcher>,
    pub aborts: HashMap<QueryKey, (Seq, AbortHandle)>,
    pub runners: HashMap<MutationId, Runner>,
    /// Send seq of the mutation whose success callback is running (see `set_query_data`).
    pub scope: Option<Seq>,
    pub paused_trigger: ArcTrigger,
    /// Mutations waiting for their turn (scope) or the resume; woken by `Command::Ready`.
    pub send_waiters: HashMap<MutationId, futures::channel::oneshot::Sender<()>>,
    /// How to save values across page loads (see [`QueryClient::persist`]).
    pub codecs: Vec<crate::persist::Codec>,
}

/// Handle to the query cache. Cheap to copy; mutations belong to it, not to components.
///
/// Get it with [`provide_query_client`] at the root and [`use_query_client`] below.
#[derive(Clone, Copy)]
pub struct QueryClient {
    inner: StoredValue<Rc<RefCell<Inner>>, LocalStorage>,
}

/// Creates a client, provides it as context and listens to focus / visibility / online events.
pub fn provide_query_client(options: QueryClientOptions) -> QueryClient {
    let client = QueryClient::new(options);
    provide_context(client);
    crate::browser_events::install(client);
    client
}

/// The client provided by an ancestor.
///
/// # Panics
/// If no ancestor called [`provide_query_client`].
pub fn use_query_client() -> QueryClient {
    use_context::<QueryClient>()
        .expect("use_query_client: call provide_query_client in an ancestor component")
}

impl QueryClient {
    /// A client owned by the current reactive owner (not put in context).
    pub fn new(options: QueryClientOptions) -> Self {
        let inner = Inner {
            cache: Cache::new(options.log_capacity),
            options,
            data_triggers: HashMap::new(),
            status_triggers: HashMap::new(),
            meta: ArcTrigger::new(),
            unsettled: ArcTrigger::new(),
            written: ArcTrigger::new(),
            fetchers: HashMap::new(),
            aborts: HashMap::new(),
            runners: HashMap::new(),
            scope: None,
            paused_trigger: ArcTrigger::new(),
            send_waiters: HashMap::new(),
            codecs: Vec::new(),
        };
        Self {
            inner: StoredValue::new_local(Rc::new(RefCell::new(inner))),
        }
    }

    /// Runs `f` on the state, or returns `None` if the client was disposed.
    pub(crate) fn try_with<R>(&self, f: impl FnOnce(&mut Inner) -> R) -> Option<R> {
        let rc = self.inner.try_with_value(Rc::clone)?;
        let mut inner = rc.borrow_mut();
        Some(f(&mut inner))
    }

    /// Runs a core transition, then performs its commands.
    pub(crate) fn run<R>(&self, f: impl FnOnce(&mut Inner, u64) -> R) -> Option<R> {
        let out = self.try_with(|i| f(i, now_ms()))?;
        self.flush();
        Some(out)
    }

    /// Performs pending core commands outside the borrow: abort, notify, refetch.
    pub(crate) fn flush(&self) {
        let Some((commands, triggers, aborts, refetch, ready)) = self.try_with(|i| {
            let commands = i.cache.drain_commands();
            let mut triggers = Vec::new();
            let mut aborts = Vec::new();
            let mut refetch = Vec::new();
            let mut ready = Vec::new();
            let (mut unsettled, mut written) = (false, false);
            for command in &commands {
                match command {
                    Command::Data(k) => triggers.extend(i.data_triggers.get(k).cloned()),
                    Command::Status(k) => triggers.extend(i.status_triggers.get(k).cloned()),
                    Command::Abort(k, seq) => {
                        if i.aborts.get(k).is_some_and(|(s, _)| s == seq) {
                            aborts.extend(i.aborts.remove(k).map(|(_, h)| h));
                        }
                    }
                    Command::Refetch(k) => {
                        if i.cache.observers(k) > 0 && i.fetchers.contains_key(k) {
                            refetch.push(k.clone());
                        }
                    }
                    Command::Ready(id) => ready.extend(i.send_waiters.remove(id)),
                    Command::Unsettled => unsettled = true,
                    Command::Written => written = true,
                }
            }
            if unsettled {
                triggers.push(i.unsettled.clone());
            }
            if written {
                triggers.push(i.written.clone());
            }
            if !commands.is_empty() {
                triggers.push(i.meta.clone());
            }
            (commands, triggers, aborts, refetch, ready)
        }) else {
            return;
        };
        drop(commands);
        for handle in aborts {
            handle.abort();
        }
        for waiter in ready {
            let _ = waiter.send(());
        }
        for trigger in triggers {
            trigger.notify();
        }
        for key in refetch {
            self.fetch(&key);
        }
    }

    fn track(&self, key: &QueryKey, data: bool) {
        let trigger = self.try_with(|i| {
            let map = if data {
                &mut i.data_triggers
            } else {
                &mut i.status_triggers
            };
            map.entry(key.clone()).or_default().clone()
        });
        if let Some(t) = trigger.filter(|_| Observer::get().is_some()) {
            t.track();
        }
    }

    /// Tracks `trigger` if a reactive scope is reading.
    pub(crate) fn track_trigger(&self, trigger: impl FnOnce(&Inner) -> &ArcTrigger) {
        if let Some(t) = self
            .try_with(|i| trigger(i).clone())
            .filter(|_| Observer::get().is_some())
        {
            t.track();
        }
    }

    fn track_meta(&self) {
        if let Some(t) = self
            .try_with(|i| i.meta.clone())
            .filter(|_| Observer::get().is_some())
        {
            t.track();
        }
    }

    /// The client's options.
    pub fn options(&self) -> QueryClientOptions {
        self.try_with(|i| i.options.clone()).unwrap_or_default()
    }

    // ---- data access ----

    /// The value on screen for `key` (confirmed data with pending edits applied). Untracked.
    pub fn get_query_data<T: Clone + 'static>(&self, key: &QueryKey) -> Option<T> {
        self.try_with(|i| i.cache.shown(key)?.downcast_ref::<T>().cloned())
            .flatten()
    }

    /// Like [`get_query_data`](Self::get_query_data), but re-runs the reactive scope reading it
    /// when (and only when) that key's shown value changes.
    pub fn query_data<T: Clone + 'static>(&self, key: &QueryKey) -> Option<T> {
        self.with_query_data(key, |v: Option<&T>| v.cloned())
    }

    /// Runs `f` on the value on screen for `key` by reference (no clone of the data), tracked
    /// like [`query_data`](Self::query_data). `f` runs outside the cache's borrow, so it may
    /// use the client.
    pub fn with_query_data<T: 'static, R>(
        &self,
        key: &QueryKey,
        f: impl FnOnce(Option<&T>) -> R,
    ) -> R {
        self.track(key, true);
        // A cheap handle (`Rc`) to the shown value: the borrow ends before `f` runs.
        let shown = self.try_with(|i| i.cache.shown(key).cloned()).flatten();
        f(shown.as_ref().and_then(Value::downcast_ref::<T>))
    }

    /// Whether `key` has a value on screen. Tracked like [`query_data`](Self::query_data).
    pub fn has_query_data(&self, key: &QueryKey) -> bool {
        self.track(key, true);
        self.try_with(|i| i.cache.shown(key).is_some())
            .unwrap_or(false)
    }

    /// The last fetch error of `key`, if it is an `E`. Tracked by the key's status.
    pub fn query_error<E: Clone + 'static>(&self, key: &QueryKey) -> Option<E> {
        self.track(key, false);
        self.try_with(|i| i.cache.error(key)?.downcast_ref::<E>().cloned())
            .flatten()
    }

    /// Whether a fetch of `key` is in flight. Tracked.
    pub fn is_fetching(&self, key: &QueryKey) -> bool {
        self.track(key, false);
        self.try_with(|i| i.cache.is_fetching(key)).unwrap_or(false)
    }

    /// Whether `key` is stale (would refetch on mount / focus). Tracked by status changes.
    pub fn is_stale(&self, key: &QueryKey) -> bool {
        self.track(key, false);
        self.try_with(|i| i.cache.is_stale(key, now_ms()))
            .unwrap_or(true)
    }

    /// Sets the confirmed data of `key` (pending edits stay on top).
    ///
    /// Called from a mutation's success callback, it carries that mutation's send order and is
    /// ignored if newer data already landed.
    pub fn set_query_data<T: Clone + PartialEq + 'static>(&self, key: &QueryKey, value: T) {
        let created = self.run(|i, now| {
            let fresh = !i.cache.contains(key);
            let scope = i.scope;
            i.cache.set_base(key, Value::new(value), scope, now);
            fresh.then(|| ms(i.options.gc_time))
        });
        // An entry nobody reads yet is collected like an unmounted one.
        if let Some(Some(gc_time)) = created {
            self.schedule_collect(key, gc_time);
        }
    }

    /// Edits the confirmed data of `key` in place (no-op if there is none).
    pub fn update_query_data<T: Clone + PartialEq + 'static>(
        &self,
        key: &QueryKey,
        f: impl FnOnce(&mut T),
    ) {
        let current = self
            .try_with(|i| i.cache.base(key)?.value.downcast_ref::<T>().cloned())
            .flatten();
        if let Some(mut value) = current {
            f(&mut value);
            self.set_query_data(key, value);
        }
    }

    /// Marks every key under `prefix` stale and refetches the ones being read.
    pub fn invalidate_queries(&self, prefix: &QueryKey) {
        self.run(|i, _| i.cache.invalidate(prefix));
    }

    /// Aborts in-flight fetches under `prefix`; their answers are never written.
    pub fn cancel_queries(&self, prefix: &QueryKey) {
        self.run(|i, _| i.cache.cancel(prefix));
    }

    /// Drops every key under `prefix`.
    pub fn remove_queries(&self, prefix: &QueryKey) {
        self.run(|i, _| {
            for key in i.cache.remove(prefix) {
                i.fetchers.remove(&key);
            }
        });
    }

    /// Refetches `key` now (if a reader registered how), unless a fetch is already in flight.
    pub fn refetch(&self, key: &QueryKey) {
        self.fetch(key);
    }

    /// Refetches every stale key that is being read (what focus / reconnect do).
    pub fn refetch_stale(&self) {
        let keys = self
            .try_with(|i| i.cache.stale_observed(now_ms()))
            .unwrap_or_default();
        for key in keys {
            self.fetch(&key);
        }
    }

    // ---- introspection (tracked: a devtools panel re-renders on any change) ----

    /// Every entry, for devtools. Tracked.
    pub fn entries(&self) -> Vec<EntrySnapshot> {
        self.track_meta();
        self.try_with(|i| i.cache.snapshots(now_ms()))
            .unwrap_or_default()
    }

    /// Mutations pending, retrying, awaiting their refetch, or failed (kept for retry). Tracked.
    pub fn pending_mutations(&self) -> Vec<MutationRecord> {
        self.track_meta();
        self.try_with(|i| i.cache.mutations()).unwrap_or_default()
    }

    /// The transaction log, oldest first. Tracked.
    pub fn transaction_log(&self) -> Vec<LogRecord> {
        self.track_meta();
        self.try_with(|i| i.cache.log().cloned().collect())
            .unwrap_or_default()
    }
}
