//! Whether the API server is reachable: `navigator.onLine`, `online` / `offline` events and
//! fetches that fail for network reasons, checked by a probe of the API's `/health`.

use std::time::Duration;

use eventual_query::QueryClient;
use leptos::prelude::*;

use super::probe;
use crate::browser;

const PROBE_MS: u64 = 3_000;
/// A probe unanswered this long counts as "unreachable" (a dead network may never fail).
const PROBE_TIMEOUT_MS: u32 = 5_000;

/// Whether the server is believed reachable, provided as context. `Copy`.
#[derive(Clone, Copy)]
pub struct Connection {
    client: QueryClient,
    online: RwSignal<bool>,
    probing: StoredValue<bool>,
    api_base: StoredValue<String>,
}

impl Connection {
    /// The connection provided at the root, if any (tests mounting single components have none).
    pub fn get() -> Option<Connection> {
        use_context::<Connection>()
    }

    /// Starts tracking the connection to the API at `api_base`, pausing `client`'s mutation
    /// sends while offline, and provides it. Call once, under the root owner.
    pub fn install(client: QueryClient, api_base: &str) -> Connection {
        let online = browser::navigator_online();
        let this = Connection {
            client,
            online: RwSignal::new(online),
            probing: StoredValue::new(false),
            api_base: StoredValue::new(api_base.to_owned()),
        };
        provide_context(this);
        if !online {
            client.pause_mutations();
        }
        let on_online = window_event_listener_untyped("online", move |_| this.back_online());
        let on_offline = window_event_listener_untyped("offline", move |_| this.set_online(false));
        on_cleanup(move || {
            on_online.remove();
            on_offline.remove();
        });
        this
    }

    /// Whether the server is believed reachable. Tracked.
    pub fn is_online(&self) -> bool {
        self.online.get()
    }

    /// Whether the server is believed reachable, untracked.
    pub fn is_online_untracked(&self) -> bool {
        self.online.get_untracked()
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
    pub async fn network_failed(&self) {
        if !(browser::navigator_online() && self.server_answers().await) {
            self.set_online(false);
        }
    }

    /// A read got no HTTP answer: the same check as for a failed send, in the background
    /// (reads are not held), so "Offline" shows whatever `navigator.onLine` says.
    pub fn read_failed(&self) {
        if !self.is_online_untracked() {
            return;
        }
        let this = *self;
        leptos::task::spawn_local(async move { this.network_failed().await });
    }

    /// Whether the API's `/health` answers as the server does, within [`PROBE_TIMEOUT_MS`].
    async fn server_answers(&self) -> bool {
        let url = format!("{}/health", self.api_base.get_value());
        probe::reachable(&url, PROBE_TIMEOUT_MS).await
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
                sleep(PROBE_MS).await;
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

async fn sleep(ms: u64) {
    let (tx, rx) = futures::channel::oneshot::channel::<()>();
    set_timeout(
        move || {
            let _ = tx.send(());
        },
        Duration::from_millis(ms),
    );
    let _ = rx.await;
}
