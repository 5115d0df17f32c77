//! The connection banner: offline notice, changes waiting for the connection, saved data.

use leptos::prelude::*;

use super::Offline;

/// A live region (role `status`) saying when the app is offline, which changes wait for the
/// connection, and when the data shown was saved by an earlier visit.
#[component]
pub fn OfflineBanner() -> impl IntoView {
    let Some(offline) = Offline::get() else {
        return ().into_any();
    };
    let waiting = move || {
        if offline.is_online() {
            return Vec::new();
        }
        offline.queued()
    };
    view! {
        <div class="offline-banner" role="status" aria-live="polite">
            <Show when=move || !offline.is_online()>
                <p class="offline-notice">
                    "Offline — changes will be sent when the connection returns"
                </p>
            </Show>
            <Show when=move || !offline.is_online() && offline.saved_shown()>
                <p class="offline-saved">"Showing saved data — may be out of date"</p>
            </Show>
            <Show when=move || !waiting().is_empty()>
                <ul class="offline-waiting" aria-label="Waiting for connection">
                    <For each=waiting key=|q| q.cid.clone() let:q>
                        <li>"Waiting for connection: " {q.op.describe()}</li>
                    </For>
                </ul>
            </Show>
        </div>
    }
    .into_any()
}
