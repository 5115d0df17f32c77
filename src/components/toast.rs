use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::toasts::{ToastKind, Toasts};

const TICK_MS: i32 = 250;

/// The toast stack: failures as `role="alert"`, the rest as `role="status"`, each with its
/// buttons. Escape closes the newest; countdowns pause while a toast is hovered or focused.
#[component]
pub fn Toaster() -> impl IntoView {
    let toasts = Toasts::use_context();
    let interval = set_interval_with_handle(
        move || toasts.tick(TICK_MS),
        std::time::Duration::from_millis(TICK_MS as u64),
    )
    .ok();
    let keydown = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.key() == "Escape" && !ev.default_prevented() && toasts.dismiss_newest() {
            ev.prevent_default();
        }
    });
    on_cleanup(move || {
        if let Some(h) = interval {
            h.clear();
        }
        keydown.remove();
    });
    view! {
        <section class="toasts" aria-label="Notifications">
            <For each=move || toasts.ids() key=|id| *id let:id>
                <ToastView id=id />
            </For>
        </section>
    }
}

#[component]
fn ToastView(id: u64) -> impl IntoView {
    let toasts = Toasts::use_context();
    let Some(toast) = toasts.get(id) else {
        return ().into_any();
    };
    let kind_class = match toast.kind {
        ToastKind::Success => "toast toast-success",
        ToastKind::Info => "toast toast-info",
        ToastKind::Error => "toast toast-error",
    };
    let live = (toast.kind != ToastKind::Error).then_some("polite");
    let actions = toast
        .actions
        .iter()
        .enumerate()
        .map(|(i, a)| {
            view! {
                <button type="button" on:click=move |_| toasts.act(id, i)>
                    {a.label.clone()}
                </button>
            }
        })
        .collect_view();
    view! {
        <div
            class=kind_class
            role=toast.kind.role()
            aria-live=live
            aria-atomic="true"
            on:mouseenter=move |_| toasts.set_paused(id, true)
            on:mouseleave=move |ev| {
                if !focus_inside(&ev) {
                    toasts.set_paused(id, false)
                }
            }
            on:focusin=move |_| toasts.set_paused(id, true)
            on:focusout=move |_| toasts.set_paused(id, false)
        >
            <p class="toast-message">{toast.message.clone()}</p>
            <div class="toast-actions">
                {actions}
                <button type="button" on:click=move |_| toasts.dismiss(id)>
                    "Dismiss"
                </button>
            </div>
        </div>
    }
    .into_any()
}

/// Whether keyboard focus is still inside the element the mouse left.
fn focus_inside(ev: &web_sys::MouseEvent) -> bool {
    let Some(el) = ev
        .current_target()
        .and_then(|t| t.dyn_into::<web_sys::Node>().ok())
    else {
        return false;
    };
    document()
        .active_element()
        .is_some_and(|a| el.contains(Some(&a)))
}
