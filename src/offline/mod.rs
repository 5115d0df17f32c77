//! Offline support: no edit is ever lost, and the app says honestly what it shows.
//!
//! - Connection ([`Connection`]): `navigator.onLine`, `online` / `offline` events and fetches
//!   that fail for network reasons, checked by a probe of the API's `/health`; while offline
//!   the query client holds mutation sends (patches still show).
//! - Saved data ([`SavedData`]): the last data read is saved and shown at start.
//! - Storage is per deployment ([`scope_storage`]). The outbox of unsettled changes is its
//!   own part, and a service worker caches the app shell.

pub mod cache_store;
mod connection;
mod persist;
mod probe;

use crate::browser::{self, names};

pub use connection::Connection;
pub use persist::SavedData;

/// Keys, channel and lock of this deployment only; the root deployment keeps what was saved
/// before keys carried one (a sub-path cannot tell whether such data was its own). Call
/// before anything is stored.
pub fn scope_storage(api_base: &str) {
    let root = crate::config::router_base();
    let app_base = web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .map(|origin| format!("{origin}{root}/"))
        .unwrap_or_default();
    browser::set_namespace(names::prefix(&app_base, api_base));
    if root.is_empty() {
        browser::adopt_legacy(names::is_legacy_data);
    }
}
