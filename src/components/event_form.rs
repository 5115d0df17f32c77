use eventual_model::{EventInput, FieldError, Status};
use leptos::prelude::*;
use leptos_router::components::A;
use wasm_bindgen::JsCast;

use crate::draft::{BrowserClock, Draft};
use crate::events::FormFeedback;
use crate::routes;

/// The form's state, owned by its page so a failed save can put errors and values back.
#[derive(Clone, Copy)]
pub struct FormState {
    /// The fields as the person sees them.
    pub draft: RwSignal<Draft>,
    /// What the fields showed when last synced from the server's data (for the merge).
    baseline: StoredValue<Option<Draft>>,
    /// Problems found before sending.
    pub client_errors: RwSignal<Vec<FieldError>>,
    /// Problems the server reported (422).
    pub server_errors: RwSignal<Vec<FieldError>>,
}

impl FormState {
    /// A form starting from `draft`.
    pub fn new(draft: Draft) -> Self {
        Self {
            draft: RwSignal::new(draft),
            baseline: StoredValue::new(None),
            client_errors: RwSignal::new(Vec::new()),
            server_errors: RwSignal::new(Vec::new()),
        }
    }

    /// New data from the server (or an optimistic change): fields the person has not edited
    /// follow it, edited ones keep their edit.
    pub fn sync(&self, incoming: Draft) {
        let merged = match self.baseline.get_value() {
            None => incoming.clone(),
            Some(base) => self.draft.get_untracked().merge(&base, &incoming),
        };
        self.baseline.set_value(Some(incoming));
        if merged != self.draft.get_untracked() {
            self.draft.set(merged);
        }
    }

    /// Put a rejected submit (`attempted`) back into the fields over `shown`, so the person
    /// can fix it rather than type it again.
    pub fn restore(&self, attempted: &EventInput, shown: &EventInput) {
        self.baseline
            .set_value(Some(Draft::from_input(shown, &BrowserClock)));
        self.draft.set(Draft::from_input(attempted, &BrowserClock));
    }

    /// The first problem with `field` (`title`, `start`, …): checks before server. Tracked.
    pub fn error_for(&self, field: &str) -> Option<String> {
        let pointer = format!("/{field}");
        let find = |list: &Vec<FieldError>| {
            list.iter()
                .find(|e| e.pointer == pointer)
                .map(|e| e.detail.clone())
        };
        self.client_errors
            .with(find)
            .or_else(|| self.server_errors.with(find))
    }

    /// Server errors for fields this form does not have.
    pub fn other_errors(&self) -> Vec<String> {
        self.server_errors.with(|l| {
            l.iter()
                .filter(|e| !FIELDS.iter().any(|(f, _)| e.pointer == format!("/{f}")))
                .map(|e| {
                    if e.pointer.is_empty() {
                        e.detail.clone()
                    } else {
                        format!("{}: {}", e.field(), e.detail)
                    }
                })
                .collect()
        })
    }

    /// How mutations report back to this form.
    pub fn feedback(
        &self,
        shown: impl Fn() -> Option<EventInput> + Send + Sync + 'static,
    ) -> FormFeedback {
        let this = *self;
        FormFeedback {
            server_errors: Some(self.server_errors),
            restore: Some(Callback::new(move |attempted: EventInput| {
                let shown = shown().unwrap_or_else(|| attempted.clone());
                this.restore(&attempted, &shown);
            })),
        }
    }
}

/// Field name in pointers → the id of its control.
const FIELDS: [(&str, &str); 7] = [
    ("title", "event-title"),
    ("location", "event-location"),
    ("description", "event-description"),
    ("start", "event-start"),
    ("end", "event-end"),
    ("allDay", "event-all-day"),
    ("status", "event-status"),
];

fn control_id(field: &str) -> &'static str {
    FIELDS
        .iter()
        .find(|(f, _)| *f == field)
        .map_or("event-title", |(_, id)| id)
}

/// The event form: Title, Location, Description, Start, End, All day, Status, and the
/// submit button (`submit_label`: "Save" or "Create"), "Delete" when `on_delete` is given,
/// and the "Back to events" link. Checks with the server's rules before `on_submit`.
#[component]
pub fn EventForm(
    form: FormState,
    submit_label: &'static str,
    on_submit: Callback<EventInput>,
    #[prop(optional)] on_delete: Option<Callback<()>>,
    #[prop(optional, into)] busy: Signal<bool>,
) -> impl IntoView {
    let draft = form.draft;
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match draft.get_untracked().to_input(&BrowserClock) {
            Err(errors) => {
                let first = errors.first().map(|e| control_id(e.field()));
                form.server_errors.set(Vec::new());
                form.client_errors.set(errors);
                if let Some(id) = first {
                    focus(id);
                }
            }
            Ok(input) => {
                form.client_errors.set(Vec::new());
                on_submit.run(input);
            }
        }
    };
    let field_input = move |id: &'static str, label: &'static str, kind: &'static str| {
        let field = FIELDS.iter().find(|(_, i)| *i == id).map_or("", |(f, _)| f);
        let error = Signal::derive(move || form.error_for(field));
        let error_id = format!("{id}-error");
        let value = move || {
            draft.with(|d| match field {
                "title" => d.title.clone(),
                "location" => d.location.clone(),
                "start" => d.start.clone(),
                _ => d.end.clone(),
            })
        };
        let set = move |v: String| {
            draft.update(|d| match field {
                "title" => d.title = v,
                "location" => d.location = v,
                "start" => d.start = v,
                _ => d.end = v,
            })
        };
        let input_type = move || {
            if kind == "time" {
                if draft.with(|d| d.all_day) {
                    "date"
                } else {
                    "datetime-local"
                }
            } else {
                "text"
            }
        };
        view! {
            <div class="field">
                <label for=id>{label}</label>
                <input
                    id=id
                    name=field
                    type=input_type
                    prop:value=value
                    on:input=move |ev| set(event_target_value(&ev))
                    aria-invalid=move || error.get().map(|_| "true")
                    aria-describedby={
                        let error_id = error_id.clone();
                        move || error.get().map(|_| error_id.clone())
                    }
                    aria-required=(field == "title" || kind == "time").then_some("true")
                    autocomplete="off"
                />
                <FieldError id=error_id error=error />
            </div>
        }
    };
    let description_error = Signal::derive(move || form.error_for("description"));
    let status_error = Signal::derive(move || form.error_for("status"));
    view! {
        <form
            class="event-form"
            novalidate=true
            aria-busy=move || if busy.get() { "true" } else { "false" }
            aria-label="Event"
            on:submit=submit
        >
            {field_input("event-title", "Title", "text")}
            {field_input("event-location", "Location", "text")}
            <Field id="event-description" label="Description" error=description_error>
                <textarea
                    id="event-description"
                    name="description"
                    prop:value=move || draft.with(|d| d.description.clone())
                    on:input=move |ev| draft.update(|d| d.description = event_target_value(&ev))
                    aria-invalid=move || description_error.get().map(|_| "true")
                    aria-describedby=move || {
                        description_error.get().map(|_| "event-description-error")
                    }
                ></textarea>
            </Field>
            <div class="check">
                <input
                    id="event-all-day"
                    name="allDay"
                    type="checkbox"
                    prop:checked=move || draft.with(|d| d.all_day)
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        draft.update(|d| *d = d.with_all_day(on));
                    }
                />
                <label for="event-all-day">"All day"</label>
            </div>
            <div class="field-row">
                {field_input("event-start", "Start", "time")}
                {field_input("event-end", "End", "time")}
            </div>
            <Field id="event-status" label="Status" error=status_error>
                <select
                    id="event-status"
                    name="status"
                    prop:value=move || draft.with(|d| d.status.as_str())
                    on:change=move |ev| {
                        if let Ok(s) = event_target_value(&ev).parse::<Status>() {
                            draft.update(|d| d.status = s);
                        }
                    }
                    aria-invalid=move || status_error.get().map(|_| "true")
                    aria-describedby=move || status_error.get().map(|_| "event-status-error")
                >
                    {Status::ALL
                        .into_iter()
                        .map(|s| {
                            view! {
                                <option
                                    value=s.as_str()
                                    selected=move || draft.with(|d| d.status == s)
                                >
                                    {s.label()}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </Field>
            <Show when=move || !form.other_errors().is_empty()>
                <ul class="form-alert">
                    {move || {
                        form.other_errors()
                            .into_iter()
                            .map(|e| view! { <li>{e}</li> })
                            .collect_view()
                    }}
                </ul>
            </Show>
            <div class="form-actions">
                <button type="submit" class="primary">
                    {submit_label}
                </button>
                {on_delete
                    .map(|on_delete| {
                        view! {
                            <button type="button" class="danger" on:click=move |_| on_delete.run(())>
                                "Delete"
                            </button>
                        }
                    })}
                <span class="saving" aria-live="polite">
                    {move || match (busy.get(), crate::offline::Connection::get()) {
                        (false, _) => "",
                        // Not in flight: kept on this device until the connection returns.
                        (true, Some(o)) if !o.is_online() => "Waiting for connection…",
                        (true, _) => "Saving…",
                    }}
                </span>
                <span class="spacer"></span>
                <A href=crate::config::href(routes::EVENTS) exact=true>"Back to events"</A>
            </div>
        </form>
    }
}

/// A labelled control with its message below (`<id>-error`).
#[component]
pub fn Field(
    id: &'static str,
    label: &'static str,
    error: Signal<Option<String>>,
    children: Children,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{label}</label>
            {children()}
            <FieldError id=format!("{id}-error") error=error />
        </div>
    }
}

/// The message under a field, referenced by the field's `aria-describedby`.
#[component]
fn FieldError(id: String, error: Signal<Option<String>>) -> impl IntoView {
    view! {
        <Show when=move || error.get().is_some()>
            <p class="field-error" id=id.clone()>
                {move || error.get().unwrap_or_default()}
            </p>
        </Show>
    }
}

fn focus(id: &str) {
    if let Some(el) = document()
        .get_element_by_id(id)
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}
