//! A document listener in the capture phase, removed with the reactive owner that added it
//! (Leptos' `window_event_listener` only listens in the bubble phase).

use leptos::prelude::on_cleanup;
use send_wrapper::SendWrapper;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// Listens for `event` on the document before any element does; the listener goes when the
/// current owner is cleaned up (the page that added it leaves).
pub fn on_document_capture<E: JsCast + 'static>(
    event: &'static str,
    handler: impl Fn(E) + 'static,
) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let listener = Closure::<dyn Fn(web_sys::Event)>::new(move |ev: web_sys::Event| {
        handler(ev.unchecked_into::<E>())
    })
    .into_js_value();
    let _ = doc.add_event_listener_with_callback_and_bool(event, listener.unchecked_ref(), true);
    // Cleanups must be Send; this one only ever runs on the page's one thread.
    let held = SendWrapper::new((doc, listener));
    on_cleanup(move || {
        let (doc, listener) = &*held;
        let _ =
            doc.remove_event_listener_with_callback_and_bool(event, listener.unchecked_ref(), true);
    });
}
