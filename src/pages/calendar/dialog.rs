//! The "New event" dialog a slot opens: Title, the slot's start and end (editable), Create
//! and Cancel; Escape cancels. Create shows the event at once and creates it like the
//! create page.

use eventual_model::{validate, EventInput, Status};
use leptos::html;
use leptos::prelude::*;
use time::Duration;

use super::shell::Cal;
use super::write;
use crate::calendar::Times;
use crate::components::Field;
use crate::time::{
    all_day_last, all_day_range, format_date, local_input_to_timestamp, parse_date,
    timestamp_to_local_input, utc_day,
};

/// The slot a dialog is open for.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NewSlot {
    pub times: Times,
}

#[component]
pub fn NewEventDialog() -> impl IntoView {
    let cal = expect_context::<Cal>();
    view! {
        <Show when=move || cal.slot.with(Option::is_some)>
            <Dialog />
        </Show>
    }
}

/// The input values for `times`: `datetime-local`, or the first and last day when all-day.
fn inputs(times: Times) -> (String, String) {
    if times.all_day {
        (
            format_date(utc_day(times.start)),
            format_date(all_day_last(times.start, times.end)),
        )
    } else {
        (
            timestamp_to_local_input(times.start),
            timestamp_to_local_input(times.end),
        )
    }
}

/// The inputs' values back to times, `None` where one does not parse.
fn parse(all_day: bool, start: &str, end: &str) -> Option<Times> {
    if all_day {
        let (first, last) = (parse_date(start)?, parse_date(end)?);
        let last = last.max(first - Duration::days(1));
        let (start, end) = all_day_range(first, last);
        Some(Times {
            start,
            end,
            all_day,
        })
    } else {
        Some(Times {
            start: local_input_to_timestamp(start)?,
            end: local_input_to_timestamp(end)?,
            all_day,
        })
    }
}

#[component]
fn Dialog() -> impl IntoView {
    let cal = expect_context::<Cal>();
    let Some(slot) = cal.slot.get_untracked() else {
        return ().into_any();
    };
    let all_day = slot.times.all_day;
    let (s, e) = inputs(slot.times);
    let title = RwSignal::new(String::new());
    let start = RwSignal::new(s);
    let end = RwSignal::new(e);
    let title_error = RwSignal::new(None::<String>);
    let end_error = RwSignal::new(None::<String>);
    let dialog = NodeRef::<html::Dialog>::new();
    Effect::new(move |_| {
        if let Some(d) = dialog.get() {
            if !d.open() {
                let _ = d.show_modal();
            }
        }
    });
    let close = move || {
        if let Some(d) = dialog.get_untracked() {
            d.close();
        }
        cal.slot.set(None);
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        title_error.set(None);
        end_error.set(None);
        let Some(times) = parse(all_day, &start.get_untracked(), &end.get_untracked()) else {
            end_error.set(Some("Enter a start and an end.".into()));
            return;
        };
        let input = EventInput {
            title: title.get_untracked().trim().to_owned(),
            description: String::new(),
            location: String::new(),
            start: times.start,
            end: times.end,
            all_day,
            status: Status::default(),
        };
        if let Err(errors) = validate(&input) {
            for e in errors {
                match e.pointer.as_str() {
                    "/title" => title_error.set(Some(e.detail)),
                    _ => end_error.set(Some(e.detail)),
                }
            }
            return;
        }
        cal.announce.set(format!("Created {}.", input.title));
        write::create(cal.actions, input.title, times);
        close();
    };
    let kind = if all_day { "date" } else { "datetime-local" };
    view! {
        <dialog
            node_ref=dialog
            class="cal-dialog"
            aria-labelledby="new-event-heading"
            on:keydown=move |ev| {
                if ev.key() == "Escape" {
                    ev.prevent_default();
                    ev.stop_propagation();
                    close();
                }
            }
            on:cancel=move |ev: web_sys::Event| {
                ev.prevent_default();
                close();
            }
        >
            <form class="cal-dialog-form" on:submit=submit novalidate=true>
                <h2 id="new-event-heading">"New event"</h2>
                <Field id="new-event-title" label="Title" error=title_error.into()>
                    <input
                        id="new-event-title"
                        type="text"
                        autofocus=true
                        autocomplete="off"
                        prop:value=move || title.get()
                        on:input=move |ev| title.set(event_target_value(&ev))
                        aria-invalid=move || title_error.with(Option::is_some).then_some("true")
                        aria-describedby=move || {
                            title_error.with(Option::is_some).then_some("new-event-title-error")
                        }
                    />
                </Field>
                <Field id="new-event-start" label="Start" error=Signal::stored(None)>
                    <input
                        id="new-event-start"
                        type=kind
                        prop:value=move || start.get()
                        on:input=move |ev| start.set(event_target_value(&ev))
                    />
                </Field>
                <Field id="new-event-end" label="End" error=end_error.into()>
                    <input
                        id="new-event-end"
                        type=kind
                        prop:value=move || end.get()
                        on:input=move |ev| end.set(event_target_value(&ev))
                        aria-invalid=move || end_error.with(Option::is_some).then_some("true")
                        aria-describedby=move || {
                            end_error.with(Option::is_some).then_some("new-event-end-error")
                        }
                    />
                </Field>
                <div class="cal-dialog-buttons">
                    <button type="submit" class="button primary">"Create"</button>
                    <button type="button" class="button" on:click=move |_| close()>
                        "Cancel"
                    </button>
                </div>
            </form>
        </dialog>
    }
    .into_any()
}
