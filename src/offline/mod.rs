//! Offline, durability and multiple tabs: no edit is ever lost.
//!
//! - Connection: `navigator.onLine`, `online` / `offline` events and fetches that fail for
//!   network reasons; while offline the query client holds mutation sends (patches still show).
//! - Durability: every change is saved to localStorage as a [`PendingOp`] (with the ETag it was
//!   made on) until it settles; on start-up the app re-issues saved changes through its
//!   optimistic actions, so a reload or a closed tab loses nothing.
//! - Tabs: a settled change is broadcast (channel `eventual`) so other tabs refetch its keys;
//!   a tab sends only its own saved changes, and adopts those of tabs that stopped beating under
//!   the Web Lock `eventual-outbox`, so no change is sent twice.
//! - Shell: a service worker caches the app; the last data read is saved and shown at start.

mod banner;
mod browser;
pub mod cache_store;
pub mod namespace;
pub mod outbox;

use std::cell::{Cell, RefCell};
use std::collections::HashSet;
use std::rc::Rc;
use std::time::Duration;

use eventual_model::{Event, EventId};
use eventual_query::{QueryClient, QueryKey};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::api::ApiError;
use crate::keys;
use crate::mutations::Actions;
use crate::toasts::{ToastAction, ToastKind, Toasts};

pub use banner::OfflineBanner;
pub use outbox::{EtagChain, PendingOp, Queued};

const CHANNEL: &str = "eventual";
const LOCK: &str = "eventual-outbox";
const BEAT_MS: u64 = 2_000;
const PROBE_MS: u64 = 3_000;
/// A probe unanswered this long counts as "unreachable" (a dead network may never fail).
const PROBE_TIMEOUT_MS: u32 = 5_000;
const SAVE_DEBOUNCE_MS: u64 = 400;

/// What tabs tell each other: these keys changed on the server.
#[derive(Serialize, Deserialize)]
struct Changed {
    keys: Vec<String>,
}

/// Offline state shared by the banner and the actions. `Copy`.
#[derive(Clone, Copy)]
pub struct Offline {
    client: QueryClient,
    /// Whether the server is believed reachable.
    online: RwSignal<bool>,
    /// This tab's unsettled changes, oldest first (for "Waiting for connection").
    queued: RwSignal<Vec<Queued>>,
    /// Data saved by an earlier visit is on screen.
    saved_shown: RwSignal<bool>,
    probing: StoredValue<bool>,
    api_base: StoredValue<String>,
    toasts: Toasts,
}

struct Shared {
    tab: String,
    chain: EtagChain,
    /// Changes this tab is sending (so a claim does not re-issue them).
    live: HashSet<String>,
    channel: Option<browser::Channel>,
    counter: u64,
    /// This tab's heartbeat is stored: without it other tabs would adopt what it stores.
    beating: bool,
    /// Unreadable outbox keys already shown to the person.
    reported: HashSet<String>,
    /// The person was told storage is full (once per page load).
    told_full: bool,
}

thread_local! {
    static STATE: Cell<Option<Offline>> = const { Cell::new(None) };
    static SHARED: RefCell<Option<Shared>> = const { RefCell::new(None) };
}

fn state() -> Option<Offline> {
    STATE.with(Cell::get)
}

fn shared<R>(f: impl FnOnce(&mut Shared) -> R) -> Option<R> {
    SHARED.with(|s| s.borrow_mut().as_mut().map(f))
}

impl Offline {
    /// The installed state, if any (tests mounting single components have none).
    pub fn get() -> Option<Offline> {
        state()
    }

    /// Whether the server is believed reachable. Tracked.
    pub fn is_online(&self) -> bool {
        self.online.get()
    }

    /// This tab's unsettled changes. Tracked.
    pub fn queued(&self) -> Vec<Queued> {
        self.queued.get()
    }

    /// Whether saved data from an earlier visit is on screen. Tracked.
    pub fn saved_shown(&self) -> bool {
        self.saved_shown.get()
    }

    fn set_online(&self, online: bool) {
        if self.online.get_untracked() == online {
            return;
        }
        self.online.set(online);
        if online {
            self.client.resume_mutations();
            self.client.refetch_stale();
        } else {
            self.client.pause_mutations();
            self.probe();
        }
    }

    /// A request failed without an HTTP answer: offline if the browser says so, or if the
    /// server does not answer a probe either (one failing request alone is a fault, which
    /// reverts and offers Retry as usual). Resolves once decided, so the failed send is held
    /// (not rolled back) when the answer is "offline".
    async fn network_failed(&self) {
        if !(browser::navigator_online() && self.server_answers().await) {
            self.set_online(false);
        }
    }

    /// Whether the API's `/health` answers as the server does, within [`PROBE_TIMEOUT_MS`].
    async fn server_answers(&self) -> bool {
        let url = format!("{}/health", self.api_base.get_value());
        browser::reachable(&url, PROBE_TIMEOUT_MS).await
    }

    /// The browser says the network is back: believe it once the server answers (`online`
    /// fires for any interface coming up, a captive portal included), so queued changes are
    /// not sent into a network that cannot carry them.
    fn back_online(&self) {
        let this = *self;
        leptos::task::spawn_local(async move {
            if this.server_answers().await {
                this.set_online(true);
            } else {
                this.probe();
            }
        });
    }

    /// Polls the server while offline, for networks that fail without an `offline` event.
    fn probe(&self) {
        if self.probing.get_value() {
            return;
        }
        self.probing.set_value(true);
        let this = *self;
        leptos::task::spawn_local(async move {
            loop {
                gloo_sleep(PROBE_MS).await;
                if this.online.try_get_untracked() != Some(false) {
                    break;
                }
                if browser::navigator_online() && this.server_answers().await {
                    this.set_online(true);
                    break;
                }
            }
            this.probing.try_set_value(false);
        });
    }
}

async fn gloo_sleep(ms: u64) {
    let (tx, rx) = futures::channel::oneshot::channel::<()>();
    set_timeout(
        move || {
            let _ = tx.send(());
        },
        Duration::from_millis(ms),
    );
    let _ = rx.await;
}

/// Starts offline support for the app: connection tracking, saved data, saved changes (re-issued
/// through `actions`), tab sync and the service worker. Call once, under the root owner.
pub fn install(client: QueryClient, actions: Actions, api_base: &str) {
    scope_storage(api_base);
    let online = browser::navigator_online();
    let this = Offline {
        client,
        online: RwSignal::new(online),
        queued: RwSignal::new(Vec::new()),
        saved_shown: RwSignal::new(false),
        probing: StoredValue::new(false),
        api_base: StoredValue::new(api_base.to_owned()),
        toasts: actions.toasts(),
    };
    STATE.with(|s| s.set(Some(this)));
    let tab = browser::tab_id();
    let channel = browser::Channel::open(CHANNEL, move |text| {
        if let Ok(changed) = serde_json::from_str::<Changed>(&text) {
            for key in changed.keys {
                client.invalidate_queries(&QueryKey::from(key.as_str()));
            }
        }
    });
    SHARED.with(|s| {
        *s.borrow_mut() = Some(Shared {
            tab: tab.clone(),
            chain: EtagChain::default(),
            live: HashSet::new(),
            channel,
            counter: 0,
            beating: true,
            reported: HashSet::new(),
            told_full: false,
        })
    });
    if !online {
        client.pause_mutations();
    }
    let on_online = window_event_listener_untyped("online", move |_| this.back_online());
    let on_offline = window_event_listener_untyped("offline", move |_| this.set_online(false));

    // Saved data first, so re-issued changes show on top of it.
    client.persist::<Vec<Event>>(
        keys::lists(),
        |v| serde_json::to_string(v).ok(),
        |s| serde_json::from_str(s).ok(),
    );
    client.persist::<Event>(
        keys::events(),
        |v| serde_json::to_string(v).ok(),
        |s| serde_json::from_str(s).ok(),
    );
    let saved = browser::get(cache_store::CACHE_KEY)
        .map(|t| cache_store::decode(&t))
        .unwrap_or_default();
    if client.hydrate(saved) > 0 {
        this.saved_shown.set(true);
    }
    let save_timer = StoredValue::new(None::<TimeoutHandle>);
    Effect::new(move |_| {
        let entries = client.entries();
        // Fresh data replaced what was saved: no longer "may be out of date".
        if this.online.get_untracked() && entries.iter().any(|e| e.observers > 0 && !e.is_stale) {
            this.saved_shown.set(false);
        }
        if let Some(h) = save_timer.get_value() {
            h.clear();
        }
        let handle = set_timeout_with_handle(
            move || save_cache(client),
            Duration::from_millis(SAVE_DEBOUNCE_MS),
        )
        .ok();
        save_timer.set_value(handle);
    });
    // A reload or close inside the debounce would lose data read just before it (an event
    // opened, then the network gone and the page reloaded): save what is pending now.
    let on_hide = window_event_listener_untyped("pagehide", move |_| {
        if let Some(h) = save_timer.get_value() {
            h.clear();
        }
        save_cache(client);
    });

    // Heartbeat, and adopt saved changes: ours from before a reload, and orphans.
    let beat_key = format!("{}{tab}", outbox::HEARTBEAT_PREFIX);
    heartbeat(&beat_key);
    claim_and_replay(actions);
    let beat = set_interval_with_handle(
        move || {
            heartbeat(&beat_key);
            claim_and_replay(actions);
        },
        Duration::from_millis(BEAT_MS),
    )
    .ok();
    browser::register_service_worker_after_load();
    on_cleanup(move || {
        on_online.remove();
        on_hide.remove();
        on_offline.remove();
        if let Some(b) = beat {
            b.clear();
        }
        STATE.with(|s| s.set(None));
        SHARED.with(|s| s.borrow_mut().take());
    });
}

/// Writes `value` under `key`, dropping the saved query cache (only a copy of server data) to
/// make room when storage is full; false when it still cannot be kept.
fn keep(key: &str, value: &str) -> bool {
    if browser::set(key, value) {
        return true;
    }
    browser::remove(cache_store::CACHE_KEY);
    browser::set(key, value)
}

/// Stores this tab's heartbeat. A tab whose beat cannot be stored must not store or adopt
/// changes: other tabs would take them as orphans and send them too.
fn heartbeat(key: &str) {
    let ok = keep(key, &browser::now_ms().to_string());
    let was = shared(|s| std::mem::replace(&mut s.beating, ok)).unwrap_or(true);
    if was && !ok {
        tell_full(None);
    }
}

/// Says (once per page load) that storage is full, naming the change that can't be kept.
fn tell_full(op: Option<&PendingOp>) {
    let Some(st) = state() else {
        return;
    };
    let what = op.map_or_else(
        || "Changes made in this tab".to_owned(),
        PendingOp::describe,
    );
    if op.is_none() && shared(|s| std::mem::replace(&mut s.told_full, true)).unwrap_or(true) {
        return;
    }
    st.toasts.show(
        ToastKind::Error,
        format!(
            "{what} cannot be kept offline: this browser's storage is full. Keep this tab open \
             until it is sent, or free some space."
        ),
        Vec::new(),
        None,
    );
}

/// Keys, channel and lock of this deployment only; the root deployment keeps what was saved
/// before keys carried one (a sub-path cannot tell whether such data was its own).
fn scope_storage(api_base: &str) {
    let root = crate::config::router_base();
    let app_base = web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .map(|origin| format!("{origin}{root}/"))
        .unwrap_or_default();
    browser::set_namespace(namespace::prefix(&app_base, api_base));
    if root.is_empty() {
        browser::adopt_legacy(namespace::is_legacy_data);
    }
}

/// Under the outbox lock: take over this tab's saved changes and those of dead tabs, and
/// re-issue the ones this tab is not already sending; a change whose last send failed is
/// offered again (Retry / Dismiss), never resent by itself; entries this version cannot read
/// are shown, with Discard.
fn claim_and_replay(actions: Actions) {
    browser::with_lock(LOCK, move || {
        let Some((tab, beating)) = shared(|s| (s.tab.clone(), s.beating)) else {
            return;
        };
        let pairs = browser::stored_pairs();
        let (saved, unreadable) = outbox::load_all(pairs.iter().cloned());
        for bad in unreadable {
            if shared(|s| s.reported.insert(bad.key.clone())).unwrap_or(false) {
                report_unreadable(actions, bad);
            }
        }
        if !beating {
            return;
        }
        let beats = outbox::heartbeats(pairs);
        let claimed = outbox::claim(&saved, &tab, &beats, browser::now_ms());
        let fresh: Vec<Queued> = claimed
            .into_iter()
            .filter(|q| shared(|s| !s.live.contains(&q.cid)).unwrap_or(false))
            .collect();
        for q in &fresh {
            keep(&q.storage_key(), &q.to_json());
        }
        for q in fresh {
            if q.failed.is_some() {
                actions.offer(Ticket::adopt(q));
            } else {
                actions.replay(Ticket::adopt(q));
            }
        }
    });
}

/// Tells the person about a stored change this version cannot read, offering to discard it.
fn report_unreadable(actions: Actions, bad: outbox::Unreadable) {
    let named = bad
        .title
        .map(|t| format!(" (“{}”)", t.trim()))
        .unwrap_or_default();
    let key = bad.key;
    actions.toasts().show(
        ToastKind::Error,
        format!(
            "A change saved by an earlier version of the app{named} could not be read, so it \
             was not sent. Discard it, or keep it and re-enter it by hand."
        ),
        vec![ToastAction::new("Discard", move || browser::remove(&key))],
        None,
    );
}

/// Writes the cache's confirmed data to localStorage, for the next page load.
fn save_cache(client: QueryClient) {
    let text = cache_store::encode(&client.dehydrate(), cache_store::CACHE_CAP);
    browser::set(cache_store::CACHE_KEY, &text);
}

/// sessionStorage key prefix: a created event's stand-in id → the id the server gave it.
const CREATED_PREFIX: &str = "eventual:created:v1:";

/// Remembers for this tab which real id a stand-in id became, so a page reloaded on the
/// stand-in (`/events/new-…`) still finds the event.
pub fn remember_created(temp: &EventId, real: &EventId) {
    browser::session_set(&format!("{CREATED_PREFIX}{temp}"), real.as_str());
}

/// The real id a stand-in id became in this tab, if known.
pub fn created_id(temp: &EventId) -> Option<EventId> {
    browser::session_get(&format!("{CREATED_PREFIX}{temp}")).map(EventId::new)
}

/// A change's place in the outbox: saved until it settles, with the ETag it must carry.
/// Without [`install`] (component tests) it saves nothing and carries the tag it was given.
#[derive(Clone)]
pub struct Ticket {
    inner: Rc<TicketInner>,
}

struct TicketInner {
    queued: RefCell<Queued>,
    /// The tag the last send carried.
    used: RefCell<Option<String>>,
}

impl Ticket {
    /// Saves a new change made on the version tagged `if_match`.
    pub fn new(op: PendingOp, if_match: Option<String>) -> Ticket {
        let now = browser_now();
        let (tab, n) = shared(|s| {
            s.counter += 1;
            (s.tab.clone(), s.counter)
        })
        .unwrap_or_default();
        let queued = Queued {
            cid: format!("m-{}", new_uuid(n)),
            op,
            if_match,
            created_ms: now,
            owner: tab,
            failed: None,
        };
        let ticket = Ticket::adopt(queued);
        if !ticket.save() {
            tell_full(Some(&ticket.op()));
        }
        ticket
    }

    /// A change already saved (by an earlier page load or a closed tab).
    fn adopt(queued: Queued) -> Ticket {
        let cid = queued.cid.clone();
        shared(|s| s.live.insert(cid));
        let ticket = Ticket {
            inner: Rc::new(TicketInner {
                queued: RefCell::new(queued),
                used: RefCell::new(None),
            }),
        };
        ticket.publish();
        ticket
    }

    /// The change's idempotency key: its id, the same on every send, from any tab or page load.
    pub fn key(&self) -> String {
        self.inner.queued.borrow().cid.clone()
    }

    /// The change.
    pub fn op(&self) -> PendingOp {
        self.inner.queued.borrow().op.clone()
    }

    /// Stores the change; false when it could not be kept (storage full, or this tab has no
    /// heartbeat for others to see it is alive).
    fn save(&self) -> bool {
        if state().is_none() {
            return true;
        }
        let q = self.inner.queued.borrow().clone();
        shared(|s| s.beating).unwrap_or(false) && keep(&q.storage_key(), &q.to_json())
    }

    /// Why its last send failed, when it waits for the person.
    pub fn failure(&self) -> Option<String> {
        self.inner.queued.borrow().failed.clone()
    }

    /// Its last send failed and the person was offered Retry: kept stored (and listed) until
    /// they retry or dismiss it, and offered again after a reload instead of resent.
    pub fn hold(&self, reason: &str) {
        self.inner.queued.borrow_mut().failed = Some(reason.to_owned());
        self.save();
        self.publish();
    }

    /// The person pressed Retry: pending again, sent as usual.
    pub fn resume(&self) {
        self.inner.queued.borrow_mut().failed = None;
        let cid = self.key();
        shared(|s| s.live.insert(cid));
        self.save();
        self.publish();
    }

    /// A create it waited for got the real id `real`: a change to the stand-in goes there,
    /// on the version the create produced when it carries none.
    pub fn retarget(&self, real: &EventId, tag: Option<String>) {
        {
            let mut q = self.inner.queued.borrow_mut();
            if let PendingOp::Save { id, .. } = &mut q.op {
                *id = real.clone();
            }
            if q.if_match.is_none() {
                q.if_match = tag;
            }
        }
        self.save();
        self.publish();
    }

    /// Shows this tab's outbox in the UI.
    fn publish(&self) {
        if let Some(st) = state() {
            let q = self.inner.queued.borrow().clone();
            st.queued.try_update(|list| {
                list.retain(|x| x.cid != q.cid);
                list.push(q);
                list.sort_by_key(|x| x.created_ms);
            });
        }
    }

    /// The `If-Match` to send now: the version the change was made on, moved past this tab's
    /// own later writes. Call it right before sending (under the event's write lock).
    pub fn if_match(&self) -> Option<String> {
        let (scope, base) = {
            let q = self.inner.queued.borrow();
            (q.op.scope(), q.if_match.clone())
        };
        let tag = shared(|s| s.chain.resolve(&scope, base.as_deref())).unwrap_or(base);
        self.inner.used.replace(tag.clone());
        tag
    }

    /// After a conflict the person chose to apply the change on the latest version `tag`.
    pub fn rebase(&self, tag: Option<String>) {
        self.inner.queued.borrow_mut().if_match = tag;
        // Pending again (it may have settled as failed): saved, shown, and not re-claimed.
        let cid = self.inner.queued.borrow().cid.clone();
        shared(|s| s.live.insert(cid));
        self.save();
        self.publish();
    }

    /// A send answered: record the ETag our write produced, tell other tabs, or notice that
    /// the network is gone (resolves after pausing sends, so this one waits for it too).
    pub async fn sent<T>(&self, result: &Result<T, ApiError>, new_tag: Option<String>) {
        match result {
            Ok(_) => {
                let used = self.inner.used.borrow().clone();
                if let (Some(old), Some(new)) = (used, new_tag) {
                    let scope = self.inner.queued.borrow().op.scope();
                    shared(|s| s.chain.record(&scope, &old, &new));
                }
                let keys = self.inner.queued.borrow().op.keys();
                let text = serde_json::to_string(&Changed { keys }).unwrap_or_default();
                shared(|s| {
                    if let Some(c) = &s.channel {
                        c.post(&text);
                    }
                });
            }
            Err(ApiError::Network(_)) => {
                if let Some(st) = state() {
                    st.network_failed().await;
                }
            }
            Err(_) => {}
        }
    }

    /// The change settled (saved, or failed and reported with its own Retry): forget it.
    pub fn settled(&self) {
        let q = self.inner.queued.borrow().clone();
        if state().is_some() {
            browser::remove(&q.storage_key());
        }
        shared(|s| s.live.remove(&q.cid));
        if let Some(st) = state() {
            st.queued.try_update(|list| list.retain(|x| x.cid != q.cid));
        }
    }
}

fn browser_now() -> u64 {
    #[cfg(target_arch = "wasm32")]
    {
        browser::now_ms()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        0
    }
}

fn new_uuid(counter: u64) -> String {
    #[cfg(target_arch = "wasm32")]
    {
        let _ = counter;
        browser::uuid()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let mut bytes = [0u8; 16];
        bytes[8..].copy_from_slice(&counter.to_be_bytes());
        outbox::uuid_v4(bytes)
    }
}
