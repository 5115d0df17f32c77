//! The connection banner: offline notice, changes waiting for the connection, saved data.

use leptos::prelude::*;

use crate::offline::{Connection, SavedData};
use crate::outbox::Outbox;

/// A live region (role `status`) saying when the app is offline, which changes wait for the
/// connection, and when the data shown was saved by an earlier visit.
#[component]
pub fn OfflineBanner() -> impl IntoView {
    let (Some(connection), Some(outbox)) = (Connection::get(), Outbox::get()) else {
        return ().into_any();
    };
    let saved_shown = move || SavedData::get().is_some_and(|s| s.shown());
    let waiting = move || {
        if connection.is_online() {
            return Vec::new();
        }
        outbox.entries()
    };
    view! {
        <div class="offline-banner" role="status" aria-live="polite">
            <Show when=move || !connection.is_online()>
                <p class="offline-notice">
                    "Offline — changes will be sent when the connection returns"
                </p>
            </Show>
            <Show when=move || !connection.is_online() && saved_shown()>
                <p class="offline-saved">"Showing saved data — may be out of date"</p>
            </Show>
            <Show when=move || !waiting().is_empty()>
                <ul class="offline-waiting" aria-label="Waiting for connection">
                    <For each=waiting key=|e| e.cid.clone() let:e>
                        <li>"Waiting for connection: " {e.change.describe()}</li>
                    </For>
                </ul>
            </Show>
        </div>
    }
    .into_any()
}
