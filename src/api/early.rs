//! The requests `public/boot.js` starts before the wasm runs, for the first screen of
//! `/events`: the list's first page and the change stream. Each is taken over once, by the
//! first read of its kind, and only when its URL is the one the app would ask for itself; any
//! other read finds nothing here and goes to the network as usual.

use gloo_net::http::Response;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Event, EventSource};

const EARLY: &str = "__eventualEarly";

fn early() -> Option<JsValue> {
    let window = web_sys::window()?;
    js_sys::Reflect::get(&window, &EARLY.into())
        .ok()
        .filter(|v| v.is_object())
}

/// Reads `name` off the early object and removes it, so nothing is taken twice.
fn take(name: &str) -> Option<JsValue> {
    let early = early()?;
    let value = js_sys::Reflect::get(&early, &name.into()).ok()?;
    let _ = js_sys::Reflect::delete_property(early.unchecked_ref::<js_sys::Object>(), &name.into());
    (!value.is_undefined()).then_some(value)
}

/// The answer boot.js already has for `GET url`, if it asked exactly that, got a 2xx and heard
/// no change since. The first list read takes it or drops it: a later read must not get an
/// answer from page load. Without one the caller asks the network, so errors take the usual path.
pub async fn list(url: &str) -> Option<Response> {
    let asked = take("listUrl")?;
    let answer = take("list")?.dyn_into::<js_sys::Promise>().ok()?;
    if asked.as_string().as_deref() != Some(url) {
        return None;
    }
    let answer = wasm_bindgen_futures::JsFuture::from(answer).await.ok()?;
    // A change heard since it was asked for may be one the app's stream was not there for.
    let fresh = early()
        .and_then(|e| js_sys::Reflect::get(&e, &"fresh".into()).ok())
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        .and_then(|f| f.call0(&JsValue::UNDEFINED).ok())
        .is_some_and(|v| v.is_truthy());
    if !fresh {
        return None;
    }
    answer
        .dyn_into::<web_sys::Response>()
        .ok()
        .map(Response::from)
}

/// The change stream boot.js opened, if it is the one at `url`, with the events it saw so far
/// (open, message, reset, error, in order) for the app's handlers to replay. A stream at
/// another URL is closed: the app opens its own.
pub fn stream(url: &str) -> Option<(EventSource, Vec<Event>)> {
    let source = take("source")?.dyn_into::<EventSource>().ok()?;
    let seen = early().and_then(|early| {
        let hand_over = js_sys::Reflect::get(&early, &"take".into()).ok()?;
        let seen = hand_over
            .dyn_into::<js_sys::Function>()
            .ok()?
            .call0(&early)
            .ok()?;
        Some(
            js_sys::Array::from(&seen)
                .iter()
                .filter_map(|e| e.dyn_into().ok())
                .collect(),
        )
    });
    match seen {
        Some(seen) if source.url() == url => Some((source, seen)),
        _ => {
            source.close();
            None
        }
    }
}
