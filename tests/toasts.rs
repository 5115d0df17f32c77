//! The toast stack in a real browser: roles, buttons, Escape, pausing.
#![cfg(target_arch = "wasm32")]

mod common;

use std::cell::Cell;
use std::rc::Rc;

use common::*;
use eventual::components::Toaster;
use eventual::toasts::{ToastAction, ToastKind, Toasts};
use leptos::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Mount a toaster; dropping the returned handle unmounts it (and its Escape listener), so
/// one test's toasts never meet another's.
fn mount_toaster() -> (web_sys::HtmlElement, Toasts, Box<dyn std::any::Any>) {
    let root = container();
    let slot: Rc<Cell<Option<Toasts>>> = Rc::default();
    let out = send_wrapper::SendWrapper::new(slot.clone());
    let handle = leptos::mount::mount_to(root.clone(), move || {
        out.set(Some(Toasts::provide()));
        view! { <Toaster /> }
    });
    (root, slot.get().unwrap(), Box::new(handle))
}

fn escape() {
    let init = web_sys::KeyboardEventInit::new();
    init.set_key("Escape");
    init.set_bubbles(true);
    let ev = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    web_sys::window().unwrap().dispatch_event(&ev).unwrap();
}

#[wasm_bindgen_test]
async fn roles_buttons_and_escape() {
    let (root, toasts, _mounted) = mount_toaster();
    let retried = Rc::new(Cell::new(0));
    let dismissed = Rc::new(Cell::new(0));
    toasts.success("Saved “Standup”.");
    let (r, d) = (retried.clone(), dismissed.clone());
    toasts.show(
        ToastKind::Error,
        "Couldn't save “Standup” — changes reverted.",
        vec![ToastAction::new("Retry", move || r.set(r.get() + 1))],
        Some(Rc::new(move || d.set(d.get() + 1))),
    );
    sleep(20).await;

    let status = query_all(&root, "[role=status]");
    assert_eq!(status.len(), 1);
    assert_eq!(
        status[0].get_attribute("aria-live").as_deref(),
        Some("polite")
    );
    assert!(status[0]
        .text_content()
        .unwrap()
        .contains("Saved “Standup”."));
    let alert = query(&root, "[role=alert]").unwrap();
    assert!(alert.text_content().unwrap().contains("changes reverted"));
    assert!(button(&alert, "Retry").is_some());
    assert!(button(&alert, "Dismiss").is_some());

    // Retry runs its action once and closes the toast without counting as a dismissal.
    button(&alert, "Retry").unwrap().click();
    sleep(20).await;
    assert_eq!(retried.get(), 1);
    assert_eq!(dismissed.get(), 0);
    assert!(query(&root, "[role=alert]").is_none());

    // Escape closes the newest toast first.
    toasts.info("Second");
    sleep(20).await;
    escape();
    sleep(20).await;
    let left = query_all(&root, "[role=status]");
    assert_eq!(left.len(), 1);
    assert!(left[0].text_content().unwrap().contains("Saved"));
    escape();
    sleep(20).await;
    assert!(query(&root, "[role=status]").is_none());
}

#[wasm_bindgen_test]
async fn dismiss_button_runs_on_dismiss() {
    let (root, toasts, _mounted) = mount_toaster();
    let dismissed = Rc::new(Cell::new(false));
    let d = dismissed.clone();
    toasts.show(
        ToastKind::Error,
        "Failed",
        Vec::new(),
        Some(Rc::new(move || d.set(true))),
    );
    sleep(20).await;
    let alert = query(&root, "[role=alert]").unwrap();
    button(&alert, "Dismiss").unwrap().click();
    sleep(20).await;
    assert!(dismissed.get());
    assert!(query(&root, "[role=alert]").is_none());
}

#[wasm_bindgen_test]
async fn countdown_closes_toasts_but_waits_while_hovered_or_focused() {
    let (root, toasts, _mounted) = mount_toaster();
    let kept = toasts.info("Hovered");
    toasts.info("Ignored");
    sleep(20).await;
    // Hover the first toast.
    let first = query_all(&root, "[role=status]").remove(0);
    let ev = web_sys::MouseEvent::new("mouseenter").unwrap();
    first.dispatch_event(&ev).unwrap();
    toasts.tick(6_000);
    sleep(20).await;
    let left = query_all(&root, "[role=status]");
    assert_eq!(left.len(), 1);
    assert!(left[0].text_content().unwrap().contains("Hovered"));
    // Focus inside keeps it paused after the mouse leaves.
    button(&left[0], "Dismiss").unwrap().focus().unwrap();
    left[0]
        .dispatch_event(&web_sys::MouseEvent::new("mouseleave").unwrap())
        .unwrap();
    toasts.tick(6_000);
    sleep(20).await;
    assert!(toasts.get(kept).is_some());
    // Blur: the countdown resumes and it closes.
    left[0].blur().ok();
    button(&left[0], "Dismiss").unwrap().blur().unwrap();
    sleep(20).await;
    toasts.tick(6_000);
    sleep(20).await;
    assert!(query(&root, "[role=status]").is_none());

    // And the real timer closes a toast by itself within a few seconds.
    toasts.success("Short-lived");
    sleep(20).await;
    assert!(query(&root, "[role=status]").is_some());
    sleep(5_600).await;
    assert!(query(&root, "[role=status]").is_none());
}
