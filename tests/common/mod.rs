//! Helpers shared by the browser tests: a fresh container, waiting for effects, querying.

#![allow(dead_code)]

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// A new empty `<div>` attached to the body.
pub fn container() -> web_sys::HtmlElement {
    let doc = doc();
    let div = doc.create_element("div").unwrap();
    doc.body().unwrap().append_child(&div).unwrap();
    div.unchecked_into()
}

pub fn doc() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// Wait `ms` milliseconds (lets Leptos run its scheduled effects).
pub async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    JsFuture::from(promise).await.unwrap();
}

pub fn query(root: &web_sys::Element, css: &str) -> Option<web_sys::HtmlElement> {
    root.query_selector(css)
        .unwrap()
        .map(|e| e.unchecked_into())
}

pub fn query_all(root: &web_sys::Element, css: &str) -> Vec<web_sys::HtmlElement> {
    let list = root.query_selector_all(css).unwrap();
    (0..list.length())
        .filter_map(|i| list.item(i))
        .map(|n| n.unchecked_into())
        .collect()
}

/// The text of the element a control's `aria-describedby` points at, looked up within `root`
/// (tests run side by side in one document).
pub fn description_of(root: &web_sys::Element, el: &web_sys::Element) -> Option<String> {
    let id = el.get_attribute("aria-describedby")?;
    root.query_selector(&format!("[id='{id}']"))
        .ok()
        .flatten()
        .and_then(|d| d.text_content())
}

/// Set an input's value the way typing does (fires `input`).
pub fn type_into(el: &web_sys::HtmlElement, value: &str) {
    if let Some(input) = el.dyn_ref::<web_sys::HtmlInputElement>() {
        input.set_value(value);
    } else if let Some(area) = el.dyn_ref::<web_sys::HtmlTextAreaElement>() {
        area.set_value(value);
    }
    let ev = web_sys::Event::new_with_event_init_dict("input", &{
        let init = web_sys::EventInit::new();
        init.set_bubbles(true);
        init
    })
    .unwrap();
    el.dispatch_event(&ev).unwrap();
}

/// The button inside `root` whose text is `name`.
pub fn button(root: &web_sys::Element, name: &str) -> Option<web_sys::HtmlElement> {
    query_all(root, "button")
        .into_iter()
        .find(|b| b.text_content().as_deref().map(str::trim) == Some(name))
}
