//! The outbox: every change is saved to localStorage as an [`Entry`] (with the ETag it was
//! made on) until it settles, so a reload or a closed tab loses nothing; other tabs hear of
//! settled changes, and a tab adopts the entries of tabs that stopped beating ([`tabs`]).
//!
//! A leaf under the actions: it knows what a change is, never how it is sent; what to do with
//! a claimed entry is handed in to [`Outbox::start`].

mod chain;
pub mod entry;
mod intent;
mod tabs;

use std::cell::RefCell;
use std::collections::HashSet;
use std::rc::Rc;

use eventual_model::EventId;
use leptos::prelude::*;

use crate::browser;
use crate::toasts::{ToastKind, Toasts};

pub use chain::EtagChain;
pub use entry::{Change, Entry, Intent};

/// This tab's outbox, provided as context at the root. `Copy`. Until [`Outbox::start`]
/// (component tests) it stores nothing and entries carry the tag they were given.
#[derive(Clone, Copy)]
pub struct Outbox {
    shared: StoredValue<Option<Shared>, LocalStorage>,
    /// This tab's unsettled changes, oldest first (for "Waiting for connection").
    entries: RwSignal<Vec<Entry>>,
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

impl Outbox {
    /// A stopped outbox reporting through `toasts`, provided as context.
    pub fn provide(toasts: Toasts) -> Outbox {
        let outbox = Outbox {
            shared: StoredValue::new_local(None),
            entries: RwSignal::new(Vec::new()),
            toasts,
        };
        provide_context(outbox);
        outbox
    }

    /// The outbox provided at the root, if any.
    pub fn get() -> Option<Outbox> {
        use_context::<Outbox>()
    }

    /// This tab's unsettled changes, oldest first. Tracked.
    pub fn entries(&self) -> Vec<Entry> {
        self.entries.get()
    }

    fn shared<R>(&self, f: impl FnOnce(&mut Shared) -> R) -> Option<R> {
        self.shared
            .try_update_value(|s| s.as_mut().map(f))
            .flatten()
    }

    fn started(&self) -> bool {
        self.shared.try_with_value(Option::is_some).unwrap_or(false)
    }

    /// Saves a new change made on the version tagged `if_match`.
    pub fn add(&self, change: Change, if_match: Option<String>) -> Pending {
        let (tab, n) = self
            .shared(|s| {
                s.counter += 1;
                (s.tab.clone(), s.counter)
            })
            .unwrap_or_default();
        let entry = Entry {
            cid: format!("m-{}", new_uuid(n)),
            change,
            if_match,
            created_ms: now_ms(),
            owner: tab,
            failed: None,
        };
        let pending = self.adopt(entry);
        if !pending.save() {
            self.tell_full(Some(&pending.change()));
        }
        pending
    }

    /// An entry already saved (by an earlier page load or a closed tab).
    fn adopt(&self, entry: Entry) -> Pending {
        let cid = entry.cid.clone();
        self.shared(|s| s.live.insert(cid));
        let pending = Pending {
            outbox: *self,
            inner: Rc::new(Inner {
                entry: RefCell::new(entry),
                used: RefCell::new(None),
            }),
        };
        pending.publish();
        pending
    }

    /// Says (once per page load) that storage is full, naming the change that can't be kept.
    fn tell_full(&self, change: Option<&Change>) {
        if !self.started() {
            return;
        }
        let what = change.map_or_else(|| "Changes made in this tab".to_owned(), Change::describe);
        if change.is_none()
            && self.shared(|s| std::mem::replace(&mut s.told_full, true)) != Some(false)
        {
            return;
        }
        self.toasts.show(
            ToastKind::Error,
            format!(
                "{what} cannot be kept offline: this browser's storage is full. Keep this tab open \
                 until it is sent, or free some space."
            ),
            Vec::new(),
            None,
        );
    }
}

/// A change in the outbox, live in this page: the handle the actions keep until it settles.
#[derive(Clone)]
pub struct Pending {
    outbox: Outbox,
    inner: Rc<Inner>,
}

struct Inner {
    entry: RefCell<Entry>,
    /// The tag the last send carried.
    used: RefCell<Option<String>>,
}

impl Pending {
    /// The change's idempotency key: its id, the same on every send, from any tab or page load.
    pub fn key(&self) -> String {
        self.inner.entry.borrow().cid.clone()
    }

    /// The change.
    pub fn change(&self) -> Change {
        self.inner.entry.borrow().change.clone()
    }

    /// Why its last send failed, when it waits for the person.
    pub fn failure(&self) -> Option<String> {
        self.inner.entry.borrow().failed.clone()
    }

    /// Stores the entry; false when it could not be kept (storage full, or this tab has no
    /// heartbeat for others to see it is alive).
    fn save(&self) -> bool {
        if !self.outbox.started() {
            return true;
        }
        let entry = self.inner.entry.borrow().clone();
        self.outbox.shared(|s| s.beating).unwrap_or(false)
            && browser::keep(&entry.storage_key(), &entry.to_json())
    }

    /// Stores it, marks it as being sent by this page, and shows it.
    fn pending_again(&self) {
        let cid = self.key();
        self.outbox.shared(|s| s.live.insert(cid));
        self.save();
        self.publish();
    }

    /// Its last send failed and the person was offered Retry: kept stored (and listed) until
    /// they retry or dismiss it, and offered again after a reload instead of resent.
    pub fn hold(&self, reason: &str) {
        self.inner.entry.borrow_mut().failed = Some(reason.to_owned());
        self.save();
        self.publish();
    }

    /// The person pressed Retry: pending again, sent as usual.
    pub fn resume(&self) {
        self.inner.entry.borrow_mut().failed = None;
        self.pending_again();
    }

    /// A create it waited for got the real id `real`: a change to the stand-in goes there,
    /// on the version the create produced when it carries none.
    pub fn retarget(&self, real: &EventId, tag: Option<String>) {
        {
            let mut entry = self.inner.entry.borrow_mut();
            if let Change::Save { id, .. } = &mut entry.change {
                *id = real.clone();
            }
            if entry.if_match.is_none() {
                entry.if_match = tag;
            }
        }
        self.save();
        self.publish();
    }

    /// After a conflict the person chose to apply the change on the latest version `tag`.
    pub fn rebase(&self, tag: Option<String>) {
        self.inner.entry.borrow_mut().if_match = tag;
        // Pending again (it may have settled as failed): saved, shown, and not re-claimed.
        self.pending_again();
    }

    /// Shows this tab's outbox in the UI.
    fn publish(&self) {
        let entry = self.inner.entry.borrow().clone();
        self.outbox.entries.try_update(|list| {
            list.retain(|x| x.cid != entry.cid);
            list.push(entry);
            list.sort_by_key(|x| x.created_ms);
        });
    }

    /// The `If-Match` to send now: the version the change was made on, moved past this tab's
    /// own later writes. Call it right before sending (in the event's write turn).
    pub fn if_match(&self) -> Option<String> {
        let (scope, base) = {
            let entry = self.inner.entry.borrow();
            (entry.change.scope(), entry.if_match.clone())
        };
        let tag = self
            .outbox
            .shared(|s| s.chain.resolve(&scope, base.as_deref()))
            .unwrap_or(base);
        self.inner.used.replace(tag.clone());
        tag
    }

    /// The server took it, producing the version `new_tag`: later changes of this tab made on
    /// the old version follow it, and other tabs refetch what it changed.
    pub fn confirmed(&self, new_tag: Option<String>) {
        let used = self.inner.used.borrow().clone();
        let change = self.change();
        if let (Some(old), Some(new)) = (used, new_tag) {
            let scope = change.scope();
            self.outbox.shared(|s| s.chain.record(&scope, &old, &new));
        }
        self.outbox.broadcast(change.keys());
    }

    /// The change settled (saved, or failed and reported with its own Retry): forget it.
    pub fn settled(&self) {
        let entry = self.inner.entry.borrow().clone();
        if self.outbox.started() {
            browser::remove(&entry.storage_key());
        }
        self.outbox.shared(|s| s.live.remove(&entry.cid));
        self.outbox
            .entries
            .try_update(|list| list.retain(|x| x.cid != entry.cid));
    }
}

fn now_ms() -> u64 {
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
        browser::uuid_v4(bytes)
    }
}
