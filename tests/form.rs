//! The event form in a real browser: checks before sending, server errors next to fields.
#![cfg(target_arch = "wasm32")]

mod common;

use std::cell::RefCell;
use std::rc::Rc;

use common::*;
use eventual::api::error_from_response;
use eventual::components::{EventForm, FormState};
use eventual::draft::Draft;
use eventual_model::{EventInput, Status};
use leptos::prelude::*;
use leptos_router::components::Router;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn valid_draft() -> Draft {
    Draft {
        title: "Standup".into(),
        start: "2026-12-01T09:00".into(),
        end: "2026-12-01T09:15".into(),
        ..Draft::default()
    }
}

/// Mount a form; returns its container and every input it submitted.
fn mount_form(
    draft: Draft,
    setup: impl FnOnce(FormState) + 'static,
) -> (web_sys::HtmlElement, Rc<RefCell<Vec<EventInput>>>) {
    let root = container();
    let sent: Rc<RefCell<Vec<EventInput>>> = Rc::default();
    let record = send_wrapper::SendWrapper::new(sent.clone());
    let handle = leptos::mount::mount_to(root.clone(), move || {
        let form = FormState::new(draft);
        setup(form);
        let on_submit = Callback::new(move |input: EventInput| record.borrow_mut().push(input));
        view! {
            <Router>
                <EventForm form=form submit_label="Save" on_submit=on_submit />
            </Router>
        }
    });
    handle.forget();
    (root, sent)
}

#[wasm_bindgen_test]
async fn empty_title_is_flagged_and_nothing_is_sent() {
    let (root, sent) = mount_form(valid_draft(), |_| {});
    sleep(10).await;
    let title = query(&root, "#event-title").unwrap();
    assert_eq!(title.get_attribute("aria-invalid"), None);
    type_into(&title, "   ");
    button(&root, "Save").unwrap().click();
    sleep(20).await;
    assert_eq!(title.get_attribute("aria-invalid").as_deref(), Some("true"));
    assert_eq!(
        description_of(&root, &title).as_deref(),
        Some("Title is required")
    );
    assert!(
        sent.borrow().is_empty(),
        "an invalid form must send nothing"
    );
    // Focus goes to the first invalid field so keyboard users land on it.
    assert_eq!(
        doc().active_element().map(|e| e.id()).as_deref(),
        Some("event-title")
    );

    // Fixing it clears the message and submits exactly what was typed.
    type_into(&title, "Daily standup");
    button(&root, "Save").unwrap().click();
    sleep(20).await;
    assert_eq!(title.get_attribute("aria-invalid"), None);
    assert_eq!(title.get_attribute("aria-describedby"), None);
    let sent = sent.borrow();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].title, "Daily standup");
    assert_eq!(sent[0].status, Status::Confirmed);
}

#[wasm_bindgen_test]
async fn end_before_start_and_too_long_location_are_flagged_together() {
    let (root, sent) = mount_form(valid_draft(), |_| {});
    sleep(10).await;
    type_into(&query(&root, "#event-end").unwrap(), "2026-12-01T08:00");
    type_into(&query(&root, "#event-location").unwrap(), &"x".repeat(501));
    button(&root, "Save").unwrap().click();
    sleep(20).await;
    let end = query(&root, "#event-end").unwrap();
    let location = query(&root, "#event-location").unwrap();
    assert_eq!(end.get_attribute("aria-invalid").as_deref(), Some("true"));
    assert_eq!(
        description_of(&root, &end).as_deref(),
        Some("End must be after start")
    );
    assert_eq!(
        location.get_attribute("aria-invalid").as_deref(),
        Some("true")
    );
    assert!(description_of(&root, &location)
        .unwrap()
        .contains("Location is too long"));
    assert_eq!(
        query(&root, "#event-title")
            .unwrap()
            .get_attribute("aria-invalid"),
        None
    );
    assert!(sent.borrow().is_empty());
}

#[wasm_bindgen_test]
async fn all_day_switches_the_inputs_to_dates() {
    let (root, sent) = mount_form(valid_draft(), |_| {});
    sleep(10).await;
    let all_day = query(&root, "#event-all-day").unwrap();
    all_day.click();
    sleep(20).await;
    let start: web_sys::HtmlInputElement =
        wasm_bindgen::JsCast::unchecked_into(query(&root, "#event-start").unwrap());
    assert_eq!(start.type_(), "date");
    assert_eq!(start.value(), "2026-12-01");
    button(&root, "Save").unwrap().click();
    sleep(20).await;
    let sent = sent.borrow();
    assert_eq!(sent.len(), 1);
    assert!(sent[0].all_day);
    assert_eq!(sent[0].start.to_string(), "2026-12-01T00:00:00Z");
    assert_eq!(sent[0].end.to_string(), "2026-12-02T00:00:00Z");
}

#[wasm_bindgen_test]
async fn server_field_errors_show_next_to_their_fields() {
    // A real 422 answer, read by the app's own error parser.
    let init = web_sys::ResponseInit::new();
    init.set_status(422);
    let headers = web_sys::Headers::new().unwrap();
    headers
        .set("Content-Type", "application/problem+json")
        .unwrap();
    init.set_headers(&headers);
    let body = r#"{"type":"https://eventual.dev/problems/validation","title":"Invalid event",
        "status":422,"detail":"2 fields are invalid",
        "errors":[{"pointer":"/title","detail":"Title is already taken"},
                  {"pointer":"/start","detail":"Start is on a holiday"},
                  {"pointer":"/owner","detail":"Owner is unknown"}]}"#;
    let resp = web_sys::Response::new_with_opt_str_and_init(Some(body), &init).unwrap();
    let error = error_from_response(resp).await;
    let errors = error.field_errors().to_vec();
    assert_eq!(errors.len(), 3);

    let (root, sent) = mount_form(valid_draft(), move |form| form.server_errors.set(errors));
    sleep(20).await;
    let title = query(&root, "#event-title").unwrap();
    let start = query(&root, "#event-start").unwrap();
    assert_eq!(title.get_attribute("aria-invalid").as_deref(), Some("true"));
    assert_eq!(
        description_of(&root, &title).as_deref(),
        Some("Title is already taken")
    );
    assert_eq!(start.get_attribute("aria-invalid").as_deref(), Some("true"));
    assert_eq!(
        description_of(&root, &start).as_deref(),
        Some("Start is on a holiday")
    );
    assert_eq!(
        query(&root, "#event-end")
            .unwrap()
            .get_attribute("aria-invalid"),
        None
    );
    // A pointer the form has no field for is still shown, not dropped.
    assert!(root
        .text_content()
        .unwrap()
        .contains("owner: Owner is unknown"));
    assert!(sent.borrow().is_empty());
}

#[wasm_bindgen_test]
async fn busy_form_says_saving_and_stays_editable() {
    let root = container();
    let busy = RwSignal::new(false);
    leptos::mount::mount_to(root.clone(), move || {
        let form = FormState::new(valid_draft());
        view! {
            <Router>
                <EventForm form=form submit_label="Create" on_submit=Callback::new(|_| {}) busy=busy />
            </Router>
        }
    })
    .forget();
    sleep(10).await;
    let form = query(&root, "form").unwrap();
    assert_eq!(form.get_attribute("aria-busy").as_deref(), Some("false"));
    assert!(button(&root, "Create").is_some());
    assert!(button(&root, "Delete").is_none());
    busy.set(true);
    sleep(20).await;
    assert_eq!(form.get_attribute("aria-busy").as_deref(), Some("true"));
    assert!(form.text_content().unwrap().contains("Saving…"));
    let title: web_sys::HtmlInputElement =
        wasm_bindgen::JsCast::unchecked_into(query(&root, "#event-title").unwrap());
    assert!(!title.disabled() && !title.read_only());
}
