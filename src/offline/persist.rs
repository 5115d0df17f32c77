//! The query cache saved to localStorage, so the last data read shows at the next start,
//! online or not.

use std::time::Duration;

use eventual_model::Event;
use eventual_query::QueryClient;
use leptos::prelude::*;

use super::cache_store;
use super::connection::Connection;
use crate::browser::{self, names};
use crate::keys;

const SAVE_DEBOUNCE_MS: u64 = 400;

/// Whether data saved by an earlier visit is on screen, provided as context. `Copy`.
#[derive(Clone, Copy)]
pub struct SavedData {
    shown: RwSignal<bool>,
}

impl SavedData {
    /// The saved data state provided at the root, if any.
    pub fn get() -> Option<SavedData> {
        use_context::<SavedData>()
    }

    /// Whether saved data from an earlier visit is on screen. Tracked.
    pub fn shown(&self) -> bool {
        self.shown.get()
    }

    /// Shows what an earlier visit saved and keeps saving `client`'s confirmed data (debounced,
    /// and at once when the page hides). Call once, under the root owner.
    pub fn install(client: QueryClient, connection: Connection) -> SavedData {
        let this = SavedData {
            shown: RwSignal::new(false),
        };
        provide_context(this);
        client.persist::<Vec<Event>>(
            keys::lists(),
            |v| crate::json::to_string(v).ok(),
            |s| crate::json::from_str(s).ok(),
        );
        client.persist::<Event>(
            keys::events(),
            |v| crate::json::to_string(v).ok(),
            |s| crate::json::from_str(s).ok(),
        );
        let saved = browser::get(names::CACHE_KEY)
            .map(|t| cache_store::decode(&t))
            .unwrap_or_default();
        if client.hydrate(saved) > 0 {
            this.shown.set(true);
        }
        let save_timer = StoredValue::new(None::<TimeoutHandle>);
        let changes = client.data_changes();
        Effect::new(move |_| {
            changes.track();
            // Fresh data replaced what was saved: no longer "may be out of date".
            let fresh = untrack(|| {
                client
                    .entries()
                    .iter()
                    .any(|e| e.observers > 0 && !e.is_stale)
            });
            if connection.is_online_untracked() && fresh {
                this.shown.set(false);
            }
            if let Some(h) = save_timer.get_value() {
                h.clear();
            }
            let handle = set_timeout_with_handle(
                move || save(client),
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
            save(client);
        });
        on_cleanup(move || on_hide.remove());
        this
    }
}

/// Writes the cache's confirmed data to localStorage, for the next page load.
fn save(client: QueryClient) {
    let text = cache_store::encode(&client.dehydrate(), cache_store::CACHE_CAP);
    browser::set(names::CACHE_KEY, &text);
}
