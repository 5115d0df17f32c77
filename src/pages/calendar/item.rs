//! One event on the grid: a link to it (its name begins with the title), and the handle for
//! drags, resizes and keyboard moves.

use eventual_model::{Event, EventId};
use leptos::prelude::*;

use super::drag;
use super::intl;
use super::shell::Cal;
use crate::config::href;

/// How an event sits in its day.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Fit {
    /// In the week's hour grid: the bottom edge resizes it.
    Timed,
    /// In the week's all-day strip or a month cell.
    Line,
}

/// Where an event's link sits, as CSS values ("" for none). Set through the CSSOM
/// (`style:` directives): the app's CSP forbids `style` attributes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Place {
    pub top: String,
    pub height: String,
    pub left: String,
    pub width: String,
    pub row: String,
}

/// What an event's link says after its title: its time, or nothing for all-day ones.
fn when(e: &Event) -> String {
    if e.all_day {
        String::new()
    } else {
        intl::time_range(e.start, e.end)
    }
}

/// The link for `id` on `day`, styled by `style` (its place), while `event` holds it.
#[component]
pub fn EventLink(
    id: EventId,
    day: time::Date,
    event: Memo<Option<Event>>,
    #[prop(into)] place: Signal<Place>,
    fit: Fit,
) -> impl IntoView {
    let cal = expect_context::<Cal>();
    let path = href(&format!("/events/{id}"));
    let picked = {
        let id = id.clone();
        move || {
            cal.drag
                .with(|d| d.as_ref().is_some_and(|d| d.id == id && d.is_live()))
        }
    };
    let status = move || event.with(|e| e.as_ref().map(|e| e.status.as_str()).unwrap_or(""));
    let class = move || {
        format!(
            "cal-event status-{}{}",
            status(),
            if picked() { " cal-picked" } else { "" }
        )
    };
    let (down, key) = (id.clone(), id.clone());
    view! {
        <a
            href=path
            class=class
            style:top=move || place.with(|p| p.top.clone())
            style:height=move || place.with(|p| p.height.clone())
            style:left=move || place.with(|p| p.left.clone())
            style:width=move || place.with(|p| p.width.clone())
            style:grid-row=move || place.with(|p| p.row.clone())
            draggable="false"
            data-event-id=id.to_string()
            on:pointerdown=move |ev| drag::press(cal, &ev, &down, day, fit)
            on:keydown=move |ev| drag::pick_up(cal, &ev, &key)
            on:click=move |ev| {
                if drag::swallowing(cal) {
                    ev.prevent_default();
                }
            }
        >
            <span class="cal-event-title">
                {move || event.with(|e| e.as_ref().map(|e| e.title.clone()).unwrap_or_default())}
            </span>
            " "
            <span class="cal-event-time">
                {move || event.with(|e| e.as_ref().map(when).unwrap_or_default())}
            </span>
        </a>
    }
}
