//! Refetch on window focus, tab visibility and reconnect.

use crate::QueryClient;

/// Listens to window `focus`, document `visibilitychange` and window `online` (wasm only);
/// listeners are removed when the owner providing the client is cleaned up.
pub(crate) fn install(client: QueryClient) {
    #[cfg(target_arch = "wasm32")]
    wasm::install(client);
    #[cfg(not(target_arch = "wasm32"))]
    let _ = client;
}

#[cfg(target_arch = "wasm32")]
mod wasm {
    use leptos::prelude::on_cleanup;
    use send_wrapper::SendWrapper;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;

    use crate::QueryClient;

    /// A registered listener: where, which event, and the JS closure to unregister.
    type Listener = (web_sys::EventTarget, &'static str, Closure<dyn Fn()>);

    pub fn install(client: QueryClient) {
        let Some(window) = web_sys::window() else {
            return;
        };
        let Some(document) = window.document() else {
            return;
        };
        let options = client.options();
        let mut listeners: Vec<Listener> = Vec::new();
        if options.refetch_on_window_focus {
            let on_focus = Closure::<dyn Fn()>::new(move || client.refetch_stale());
            listeners.push((window.clone().into(), "focus", on_focus));
            let doc = document.clone();
            let on_visible = Closure::<dyn Fn()>::new(move || {
                if doc.visibility_state() == web_sys::VisibilityState::Visible {
                    client.refetch_stale();
                }
            });
            listeners.push((document.clone().into(), "visibilitychange", on_visible));
        }
        if options.refetch_on_reconnect {
            let on_online = Closure::<dyn Fn()>::new(move || client.refetch_stale());
            listeners.push((window.clone().into(), "online", on_online));
        }
        for (target, event, closure) in &listeners {
            let _ =
                target.add_event_listener_with_callback(event, closure.as_ref().unchecked_ref());
        }
        let listeners = SendWrapper::new(listeners);
        on_cleanup(move || {
            for (target, event, closure) in listeners.take() {
                let _ = target
                    .remove_event_listener_with_callback(event, closure.as_ref().unchecked_ref());
            }
        });
    }
}
