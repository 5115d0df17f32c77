//! Thin browser glue: localStorage, the tab's id, BroadcastChannel, Web Locks, the service
//! worker and connectivity probes. Every call degrades to a no-op where the API is missing.

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
        return super::outbox::uuid_v4(fallback_bytes());
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
    super::outbox::uuid_v4(bytes)
}

/// Without Web Crypto at all: `Math.random` (no such browser runs this wasm, but never panic).
fn fallback_bytes() -> [u8; 16] {
    std::array::from_fn(|_| (js_sys::Math::random() * 256.0) as u8)
}

/// This tab's id: kept in sessionStorage, so a reload of the same tab keeps it (and its
/// queued changes) while another tab gets its own.
pub fn tab_id() -> String {
    const KEY: &str = "eventual:tab-id";
    if let Some(id) = session_get(KEY) {
        return id;
    }
    let id = format!("tab-{}", uuid());
    session_set(KEY, &id);
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

/// How long after the page's `load` event the service worker is registered.
const SERVICE_WORKER_AFTER_LOAD: std::time::Duration = std::time::Duration::from_millis(1_000);

/// Registers the service worker a moment after the page has loaded, not at start: installing
/// it downloads and caches the whole shell again, which on a cold start competed with the
/// first render (a first row 50 ms later out of 300, measured against workers blocked).
pub fn register_service_worker_after_load() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let later = || {
        leptos::prelude::set_timeout(register_service_worker, SERVICE_WORKER_AFTER_LOAD);
    };
    if window
        .document()
        .is_some_and(|d| d.ready_state() == "complete")
    {
        later();
    } else {
        let on_load = Closure::once_into_js(later);
        let _ = window.add_event_listener_with_callback("load", on_load.unchecked_ref());
    }
}

/// Registers `sw.js` next to the document (relative to its base URL), versioned by the hashed
/// wasm file Trunk emitted so each deploy installs a fresh worker and cache.
fn register_service_worker() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let navigator = window.navigator();
    if !Reflect::has(&navigator, &"serviceWorker".into()).unwrap_or(false) {
        return;
    }
    // The wasm's hashed name first: boot.js comes before it and never changes its name.
    let version = window
        .document()
        .and_then(|d| {
            d.query_selector("script[data-wasm], link[href$='.wasm'], link[href$='.js']")
                .ok()
                .flatten()
        })
        .and_then(|el| {
            el.get_attribute("data-wasm")
                .or_else(|| el.get_attribute("href"))
        })
        .map(|href| asset_version(&href))
        .unwrap_or_else(|| "dev".into());
    let base = crate::config::document_base_uri();
    let Ok(url) = web_sys::Url::new_with_base(&format!("sw.js?v={version}"), &base) else {
        return;
    };
    let promise = navigator.service_worker().register(&url.href());
    wasm_bindgen_futures::spawn_local(async move {
        if let Err(e) = wasm_bindgen_futures::JsFuture::from(promise).await {
            web_sys::console::warn_2(&"service worker not registered".into(), &e);
        }
    });
}

/// The build's version from a hashed asset URL: `/eventual-3fa9_bg.wasm` → `eventual-3fa9_bg`.
pub fn asset_version(href: &str) -> String {
    let file = href.rsplit('/').next().unwrap_or(href);
    let stem = file.split(['?', '#']).next().unwrap_or(file);
    let stem = stem.rsplit_once('.').map_or(stem, |(s, _)| s);
    stem.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

/// Whether the API itself answers `GET <url>` (its `/health`) within `timeout_ms`, never
/// cached: the answer must be JSON (a captive portal's 200 login page is not the server).
pub async fn reachable(url: &str, timeout_ms: u32) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let init = web_sys::RequestInit::new();
    init.set_method("GET");
    init.set_cache(web_sys::RequestCache::NoStore);
    init.set_signal(Some(&web_sys::AbortSignal::timeout_with_u32(timeout_ms)));
    let promise = window.fetch_with_str_and_init(url, &init);
    let Ok(resp) = wasm_bindgen_futures::JsFuture::from(promise).await else {
        return false;
    };
    let Ok(resp) = resp.dyn_into::<web_sys::Response>() else {
        return false;
    };
    let content_type = resp
        .headers()
        .get("content-type")
        .ok()
        .flatten()
        .unwrap_or_default();
    let Ok(text) = resp.text() else {
        return false;
    };
    let body = wasm_bindgen_futures::JsFuture::from(text)
        .await
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default();
    is_server_health(resp.status(), &content_type, &body)
}

/// Whether an answer to `GET /health` came from the API: JSON (any status: a 503 "database
/// down" is the server too), and for a 200 the server's own `{"status":"ok"}`.
pub fn is_server_health(status: u16, content_type: &str, body: &str) -> bool {
    let media = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if !(media == "application/json" || media.ends_with("+json")) {
        return false;
    }
    let Ok(value) = serde_json::from_str::<serde_json::Value>(body) else {
        return false;
    };
    status != 200 || value.get("status").and_then(|s| s.as_str()) == Some("ok")
}

#[cfg(test)]
mod tests {
    use super::{asset_version, is_server_health};

    #[test]
    fn only_the_servers_health_answer_counts() {
        assert!(is_server_health(
            200,
            "application/json",
            r#"{"status":"ok"}"#
        ));
        assert!(is_server_health(
            503,
            "application/problem+json",
            r#"{"status":503}"#
        ));
        assert!(!is_server_health(200, "text/html", "<html>Log in</html>"));
        assert!(!is_server_health(200, "application/json", "<html>"));
        assert!(!is_server_health(
            200,
            "application/json",
            r#"{"login":true}"#
        ));
    }

    #[test]
    fn versions_come_from_hashed_asset_names() {
        assert_eq!(
            asset_version("/eventual-3fa9c0_bg.wasm"),
            "eventual-3fa9c0_bg"
        );
        assert_eq!(
            asset_version("https://x.test/app/eventual-ab12.js?x=1"),
            "eventual-ab12"
        );
        assert_eq!(asset_version("a\"b.js"), "ab");
    }
}
