//! Thin browser glue: localStorage, the tab's id, BroadcastChannel, Web Locks and the service
//! worker. Every call degrades to a no-op where the API is missing.

mod listen;
pub mod names;
mod worker;

pub use listen::on_document_capture;

pub use worker::register_service_worker_after_load;

use js_sys::{Function, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

thread_local! {
    /// This deployment's key prefix (see `namespace`); empty until [`set_namespace`].
    static NAMESPACE: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

/// Scopes every key, channel and lock name below to one deployment (`namespace::prefix`).
pub fn set_namespace(prefix: String) {
    NAMESPACE.with(|n| *n.borrow_mut() = prefix);
}

fn scoped(name: &str) -> String {
    NAMESPACE.with(|n| format!("{}{name}", n.borrow()))
}

fn raw_pairs(s: &web_sys::Storage) -> Vec<(String, String)> {
    let n = s.length().unwrap_or(0);
    (0..n)
        .filter_map(|i| s.key(i).ok().flatten())
        .filter_map(|k| Some((k.clone(), s.get_item(&k).ok().flatten()?)))
        .collect()
}

/// Every `(key, value)` of this deployment in localStorage, keys without the prefix.
pub fn stored_pairs() -> Vec<(String, String)> {
    let Some(s) = storage() else {
        return Vec::new();
    };
    let prefix = scoped("");
    raw_pairs(&s)
        .into_iter()
        .filter_map(|(k, v)| Some((k.strip_prefix(&prefix)?.to_owned(), v)))
        .collect()
}

/// Moves data stored before keys carried a deployment (`is_legacy`) under this one's prefix,
/// keeping what this deployment already has.
pub fn adopt_legacy(is_legacy: impl Fn(&str) -> bool) {
    let Some(s) = storage() else {
        return;
    };
    for (key, value) in raw_pairs(&s).into_iter().filter(|(k, _)| is_legacy(k)) {
        let target = scoped(&key);
        if s.get_item(&target).ok().flatten().is_none() && s.set_item(&target, &value).is_err() {
            continue;
        }
        let _ = s.remove_item(&key);
    }
}

/// Reads one localStorage value.
pub fn get(key: &str) -> Option<String> {
    storage()?.get_item(&scoped(key)).ok().flatten()
}

/// Writes one localStorage value; false when it could not be kept (quota exceeded, storage
/// disabled), so callers that must keep it can make room or say so.
pub fn set(key: &str, value: &str) -> bool {
    storage().is_some_and(|s| s.set_item(&scoped(key), value).is_ok())
}

/// Removes one localStorage value.
pub fn remove(key: &str) {
    if let Some(s) = storage() {
        let _ = s.remove_item(&scoped(key));
    }
}

/// Writes `value` under `key`, dropping the saved query cache (only a copy of server data) to
/// make room when storage is full; false when it still cannot be kept.
pub fn keep(key: &str, value: &str) -> bool {
    if set(key, value) {
        return true;
    }
    remove(names::CACHE_KEY);
    set(key, value)
}

fn session() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

/// Reads one sessionStorage value (this tab only; survives a reload).
pub fn session_get(key: &str) -> Option<String> {
    session()?.get_item(&scoped(key)).ok().flatten()
}

/// Writes one sessionStorage value (best effort).
pub fn session_set(key: &str, value: &str) {
    if let Some(s) = session() {
        let _ = s.set_item(&scoped(key), value);
    }
}

/// Wall clock (ms since the epoch).
pub fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}

/// A random UUID (ids double as server-side idempotency keys, shared by all clients):
/// `crypto.randomUUID()`, or one from `getRandomValues` outside a secure context.
pub fn uuid() -> String {
    let Some(crypto) = web_sys::window().and_then(|w| w.crypto().ok()) else {
        return uuid_v4(fallback_bytes());
    };
    let has_random_uuid =
        Reflect::get(&crypto, &"randomUUID".into()).is_ok_and(|f| f.is_function());
    if has_random_uuid {
        return crypto.random_uuid();
    }
    let mut bytes = [0u8; 16];
    if crypto.get_random_values_with_u8_array(&mut bytes).is_err() {
        bytes = fallback_bytes();
    }
    uuid_v4(bytes)
}

/// A version-4 UUID from 16 random bytes (RFC 9562 §5.4), for where `crypto.randomUUID` is
/// missing (pages outside a secure context still have `getRandomValues`).
pub fn uuid_v4(mut b: [u8; 16]) -> String {
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

/// Without Web Crypto at all: `Math.random` (no such browser runs this wasm, but never panic).
fn fallback_bytes() -> [u8; 16] {
    std::array::from_fn(|_| (js_sys::Math::random() * 256.0) as u8)
}

/// This tab's id: kept in sessionStorage, so a reload of the same tab keeps it (and its
/// queued changes) while another tab gets its own.
pub fn tab_id() -> String {
    if let Some(id) = session_get(names::TAB_ID) {
        return id;
    }
    let id = format!("tab-{}", uuid());
    session_set(names::TAB_ID, &id);
    id
}

/// `navigator.onLine` (true where unknown).
pub fn navigator_online() -> bool {
    web_sys::window().is_none_or(|w| w.navigator().on_line())
}

/// Runs `f` holding the Web Lock `name` (exclusive across tabs); without Web Locks, at once.
pub fn with_lock(name: &str, f: impl FnOnce() + 'static) {
    let locks = web_sys::window()
        .map(|w| w.navigator())
        .and_then(|n| Reflect::get(&n, &"locks".into()).ok())
        .filter(|l| !l.is_undefined() && !l.is_null());
    let request = locks
        .as_ref()
        .and_then(|l| Reflect::get(l, &"request".into()).ok())
        .and_then(|r| r.dyn_into::<Function>().ok());
    match (locks, request) {
        (Some(locks), Some(request)) => {
            let callback = Closure::once_into_js(move |_lock: JsValue| {
                f();
                JsValue::UNDEFINED
            });
            let _ = request.call2(&locks, &JsValue::from_str(&scoped(name)), &callback);
        }
        _ => f(),
    }
}

/// A BroadcastChannel to the app's other tabs.
pub struct Channel {
    channel: web_sys::BroadcastChannel,
    _on_message: Closure<dyn Fn(web_sys::MessageEvent)>,
}

impl Channel {
    /// Opens channel `name`; `on_message` gets every string another tab posts.
    pub fn open(name: &str, on_message: impl Fn(String) + 'static) -> Option<Channel> {
        let channel = web_sys::BroadcastChannel::new(&scoped(name)).ok()?;
        let closure =
            Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
                if let Some(text) = ev.data().as_string() {
                    on_message(text);
                }
            });
        channel.set_onmessage(Some(closure.as_ref().unchecked_ref()));
        Some(Channel {
            channel,
            _on_message: closure,
        })
    }

    /// Posts `text` to every other tab.
    pub fn post(&self, text: &str) {
        let _ = self.channel.post_message(&JsValue::from_str(text));
    }
}

/// Whether a text field has focus (Ctrl+Z is then the field's own undo).
pub fn typing() -> bool {
    let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.active_element())
    else {
        return false;
    };
    let tag = el.tag_name().to_ascii_lowercase();
    matches!(tag.as_str(), "input" | "textarea" | "select")
        || el.get_attribute("contenteditable").is_some()
}

#[cfg(test)]
mod tests {
    use super::uuid_v4;

    #[test]
    fn uuids_are_version_4() {
        let id = uuid_v4([0xff; 16]);
        assert_eq!(id, "ffffffff-ffff-4fff-bfff-ffffffffffff");
        assert_eq!(uuid_v4([0; 16]), "00000000-0000-4000-8000-000000000000");
    }
}
