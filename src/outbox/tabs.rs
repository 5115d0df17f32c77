//! Many tabs, one outbox: a settled change is broadcast (channel `eventual`) so other tabs
//! refetch its keys; a tab sends only its own entries, and adopts those of tabs that stopped
//! beating under the Web Lock `eventual-outbox`, so no change is sent twice.

use std::collections::HashSet;
use std::time::Duration;

use eventual_query::{QueryClient, QueryKey};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::{entry, EtagChain, Outbox, Pending, Shared};
use crate::browser::{self, names};
use crate::toasts::{ToastAction, ToastKind};

const BEAT_MS: u64 = 2_000;

/// What tabs tell each other: these keys changed on the server.
#[derive(Serialize, Deserialize)]
struct Changed {
    keys: Vec<String>,
}

impl Outbox {
    /// Starts storing changes and sharing them with other tabs: `client` refetches what other
    /// tabs changed, and every entry this tab takes over (its own from before a reload, and
    /// orphans) goes to `claimed`, which re-issues it. Call once, under the root owner, after
    /// the saved cache is shown (re-issued changes show on top of it).
    pub fn start(&self, client: QueryClient, claimed: impl Fn(Pending) + Clone + 'static) {
        let tab = browser::tab_id();
        let channel = browser::Channel::open(names::CHANNEL, move |text| {
            if let Ok(changed) = crate::json::from_str::<Changed>(&text) {
                for key in changed.keys {
                    client.invalidate_queries(&QueryKey::from(key.as_str()));
                }
            }
        });
        self.shared.set_value(Some(Shared {
            tab: tab.clone(),
            chain: EtagChain::default(),
            live: HashSet::new(),
            channel,
            counter: 0,
            beating: true,
            reported: HashSet::new(),
            told_full: false,
        }));
        let this = *self;
        let beat_key = format!("{}{tab}", names::HEARTBEAT_PREFIX);
        this.heartbeat(&beat_key);
        this.claim(claimed.clone());
        let beat = set_interval_with_handle(
            move || {
                this.heartbeat(&beat_key);
                this.claim(claimed.clone());
            },
            Duration::from_millis(BEAT_MS),
        )
        .ok();
        on_cleanup(move || {
            if let Some(b) = beat {
                b.clear();
            }
            this.shared.try_set_value(None);
        });
    }

    /// Tells the other tabs that `keys` changed on the server.
    pub(super) fn broadcast(&self, keys: Vec<String>) {
        let text = crate::json::to_string(&Changed { keys }).unwrap_or_default();
        self.shared(|s| {
            if let Some(c) = &s.channel {
                c.post(&text);
            }
        });
    }

    /// Stores this tab's heartbeat. A tab whose beat cannot be stored must not store or adopt
    /// changes: other tabs would take them as orphans and send them too.
    fn heartbeat(&self, key: &str) {
        let ok = browser::keep(key, &browser::now_ms().to_string());
        let was = self
            .shared(|s| std::mem::replace(&mut s.beating, ok))
            .unwrap_or(true);
        if was && !ok {
            self.tell_full(None);
        }
    }

    /// Under the outbox lock: take over this tab's saved changes and those of dead tabs, and
    /// hand over the ones this tab is not already sending; entries this version cannot read
    /// are shown, with Discard.
    fn claim(&self, claimed: impl Fn(Pending) + 'static) {
        let this = *self;
        browser::with_lock(names::OUTBOX_LOCK, move || {
            let Some((tab, beating)) = this.shared(|s| (s.tab.clone(), s.beating)) else {
                return;
            };
            let pairs = browser::stored_pairs();
            let (saved, unreadable) = entry::load_all(pairs.iter().cloned());
            for bad in unreadable {
                if this.shared(|s| s.reported.insert(bad.key.clone())) == Some(true) {
                    this.report_unreadable(bad);
                }
            }
            if !beating {
                return;
            }
            let beats = entry::heartbeats(pairs);
            let fresh: Vec<entry::Entry> = entry::claim(&saved, &tab, &beats, browser::now_ms())
                .into_iter()
                .filter(|e| this.shared(|s| !s.live.contains(&e.cid)) == Some(true))
                .collect();
            for e in &fresh {
                browser::keep(&e.storage_key(), &e.to_json());
            }
            for e in fresh {
                claimed(this.adopt(e));
            }
        });
    }

    /// Tells the person about a stored change this version cannot read, offering to discard it.
    fn report_unreadable(&self, bad: entry::Unreadable) {
        let named = bad
            .title
            .map(|t| format!(" (“{}”)", t.trim()))
            .unwrap_or_default();
        let key = bad.key;
        self.toasts.show(
            ToastKind::Error,
            format!(
                "A change saved by an earlier version of the app{named} could not be read, so it \
                 was not sent. Discard it, or keep it and re-enter it by hand."
            ),
            vec![ToastAction::new("Discard", move || browser::remove(&key))],
            None,
        );
    }
}
