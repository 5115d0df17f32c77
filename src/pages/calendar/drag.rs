//! Gestures: pointer drag to move (15-minute steps, whole days across columns or cells),
//! the bottom 8 px to resize, the keyboard's pick up / arrows / drop / Escape, empty time to
//! open the "New event" dialog, and Ctrl+Z. The preview is the dragged event shown at its
//! new times; a drop saves it through `write.rs`.

use eventual_model::{Event, EventId};
use leptos::prelude::*;
use time::Date;
use wasm_bindgen::JsCast;
use web_sys::{KeyboardEvent, PointerEvent};

use super::autoscroll;
use super::intl;
use super::item::Fit;
use super::shell::{Cal, HOUR_PX};
use super::slot;
use super::write::{self, Change};
use crate::calendar::browser::BrowserZone;
use crate::calendar::layout::in_strip;
use crate::calendar::{
    move_by, parse_route_date, resize_by, snap_quarters, ArrowKey, Nudge, Times, ViewKind,
};

/// A press that moves less than this (px) is a click.
const CLICK_SLOP: f64 = 5.0;
/// The bottom edge of a timed event that resizes it (px).
const RESIZE_EDGE: f64 = 8.0;
/// How long after a drop the click that follows is swallowed (ms).
const SWALLOW_MS: f64 = 500.0;

/// What moves the event: a pointer (until it passes [`CLICK_SLOP`] it may still be a click)
/// or the keyboard.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum By {
    Pointer {
        id: i32,
        x0: f64,
        y0: f64,
        day0: Date,
        moved: bool,
    },
    Keys,
}

/// An event picked up.
#[derive(Clone, Debug, PartialEq)]
pub struct Drag {
    pub id: EventId,
    /// The event as it was when picked up.
    pub origin: Event,
    pub resize: bool,
    pub by: By,
    pub nudge: Nudge,
}

impl Drag {
    /// Past a click: the preview shows.
    pub fn is_live(&self) -> bool {
        !matches!(self.by, By::Pointer { moved: false, .. })
    }

    pub fn times(&self) -> Times {
        let t = Times::of(&self.origin);
        if self.resize {
            resize_by(&BrowserZone, t, self.nudge.quarters)
        } else {
            move_by(&BrowserZone, t, self.nudge)
        }
    }

    /// The event at its new place.
    pub fn preview(&self) -> Event {
        self.times().apply_to(&self.origin)
    }
}

/// One side of an element's box on screen (`getBoundingClientRect()[side]`), through
/// `Reflect` so the app needs no extra `web-sys` feature (which rebuilds every dependent).
pub fn rect(el: &web_sys::Element, side: &str) -> f64 {
    let get = || -> Option<f64> {
        let f: js_sys::Function = js_sys::Reflect::get(el, &"getBoundingClientRect".into())
            .ok()?
            .dyn_into()
            .ok()?;
        let r = f.call0(el).ok()?;
        js_sys::Reflect::get(&r, &side.into()).ok()?.as_f64()
    };
    get().unwrap_or(0.0)
}

pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// The day (`data-date`) of the column or cell under a point on screen.
fn day_at(x: f64, y: f64) -> Option<Date> {
    let doc = web_sys::window()?.document()?;
    let el = doc.element_from_point(x as f32, y as f32)?;
    let host = el.closest("[data-date]").ok()??;
    parse_route_date(&host.get_attribute("data-date")?)
}

/// "Standup, Monday, December 7, 2026, 9:15 AM": where an event is, for the live region.
fn place(e: &Event) -> String {
    let day = crate::calendar::layout::days_of(&BrowserZone, e).0;
    if e.all_day {
        format!("{}, {}", e.title, intl::full_date(day))
    } else {
        format!(
            "{}, {}, {}",
            e.title,
            intl::full_date(day),
            intl::time_range(e.start, e.end)
        )
    }
}

/// Focus the event's link again once the grid has redrawn it (it may be in another column).
fn refocus(id: &EventId) {
    let selector = format!("[data-event-id=\"{}\"]", id.as_str().replace('"', ""));
    request_animation_frame(move || {
        let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        let Ok(Some(el)) = doc.query_selector(&selector) else {
            return;
        };
        let active = doc.active_element();
        if active.as_ref() != Some(&el) {
            if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
                let _ = el.focus();
            }
        }
    });
}

/// Pointer down on an event: a click, a move or (its bottom edge) a resize.
pub fn press(cal: Cal, ev: &PointerEvent, id: &EventId, day: Date, fit: Fit) {
    if ev.button() != 0 || cal.drag.with_untracked(Option::is_some) {
        return;
    }
    let Some(origin) = cal.cached(id) else {
        return;
    };
    let resize = fit == Fit::Timed
        && ev
            .current_target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .is_some_and(|el| rect(&el, "bottom") - f64::from(ev.client_y()) <= RESIZE_EDGE);
    // No text selection, no native link drag; the click still comes.
    ev.prevent_default();
    cal.drag.set(Some(Drag {
        id: id.clone(),
        origin,
        resize,
        by: By::Pointer {
            id: ev.pointer_id(),
            x0: f64::from(ev.client_x()),
            y0: f64::from(ev.client_y()),
            day0: day,
            moved: false,
        },
        nudge: Nudge::ZERO,
    }));
}

fn pointer_move(cal: Cal, ev: &PointerEvent) {
    if slot::pointer_move(cal, ev) {
        return;
    }
    let Some(drag) = cal.drag.get_untracked() else {
        return;
    };
    if matches!(drag.by, By::Pointer { id, .. } if id == ev.pointer_id()) {
        let (x, y) = (f64::from(ev.client_x()), f64::from(ev.client_y()));
        track(cal, drag, x, y, false);
        if cal.drag.with_untracked(|d| d.as_ref().is_some_and(scrolls)) {
            autoscroll::follow(cal, x, y);
        }
    }
}

/// Whether the grid scrolls under this drag near its edges: a timed event in the week.
fn scrolls(drag: &Drag) -> bool {
    drag.is_live() && !in_strip(&drag.origin)
}

/// The week grid scrolled by `by` px under a pointer drag held at `(x, y)`: the event follows
/// the time now under the pointer. False when no such drag is going on.
pub fn scrolled(cal: Cal, by: f64, x: f64, y: f64) -> bool {
    let Some(mut drag) = cal.drag.get_untracked().filter(scrolls) else {
        return false;
    };
    let By::Pointer { ref mut y0, .. } = drag.by else {
        return false;
    };
    // Content moving up under a still pointer is the pointer moving down through it.
    *y0 -= by;
    track(cal, drag, x, y, true);
    true
}

/// The pointer of `drag` is at `(x, y)`: its preview follows in steps. `rebased`: the drag's
/// origin moved (the grid scrolled), so it is stored even if the preview stays.
fn track(cal: Cal, drag: Drag, x: f64, y: f64, rebased: bool) {
    let By::Pointer {
        id,
        x0,
        y0,
        day0,
        moved,
    } = drag.by
    else {
        return;
    };
    if !moved && (x - x0).hypot(y - y0) < CLICK_SLOP {
        return;
    }
    let days = day_at(x, y)
        .map(|d| (d - day0).whole_days())
        .unwrap_or(drag.nudge.days);
    let quarters = snap_quarters(y - y0, HOUR_PX);
    let nudge = if drag.resize {
        Nudge::quarters(quarters)
    } else if cal.kind() == ViewKind::Week && !in_strip(&drag.origin) {
        Nudge { days, quarters }
    } else {
        Nudge::days(days)
    };
    if moved && nudge == drag.nudge && !rebased {
        return;
    }
    cal.drag.set(Some(Drag {
        nudge,
        by: By::Pointer {
            id,
            x0,
            y0,
            day0,
            moved: true,
        },
        ..drag
    }));
}

fn pointer_up(cal: Cal, ev: &PointerEvent) {
    if slot::pointer_up(cal, ev) {
        return;
    }
    let Some(drag) = cal.drag.get_untracked() else {
        return;
    };
    let By::Pointer { id, moved, .. } = drag.by else {
        return;
    };
    if id != ev.pointer_id() {
        return;
    }
    if moved {
        cal.swallow_until.set(now_ms() + SWALLOW_MS);
        drop_it(cal);
    } else {
        cal.drag.set(None);
    }
}

/// Saves the picked-up event at its new place (shown at once) and says so.
fn drop_it(cal: Cal) {
    let Some(drag) = cal.drag.get_untracked() else {
        return;
    };
    let times = drag.times();
    let change = if drag.resize {
        Change::Resize
    } else {
        Change::Move
    };
    write::save_times(cal.actions, &drag.origin, times, change);
    cal.drag.set(None);
    let moved = times.apply_to(&drag.origin);
    cal.announce.set(if times == Times::of(&drag.origin) {
        format!("Dropped {} where it was.", drag.origin.title)
    } else {
        format!("Dropped. {}.", place(&moved))
    });
    if drag.by == By::Keys {
        refocus(&drag.id);
    }
}

fn cancel(cal: Cal) {
    let Some(drag) = cal.drag.get_untracked() else {
        return;
    };
    cal.drag.set(None);
    if drag.is_live() {
        cal.swallow_until.set(now_ms() + SWALLOW_MS);
        cal.announce.set(format!(
            "Move cancelled. {} is back at its place.",
            drag.origin.title
        ));
        if drag.by == By::Keys {
            refocus(&drag.id);
        }
    }
}

/// Space on a focused event picks it up.
pub fn pick_up(cal: Cal, ev: &KeyboardEvent, id: &EventId) {
    if ev.key() != " " || cal.drag.with_untracked(Option::is_some) {
        return;
    }
    let Some(origin) = cal.cached(id) else {
        return;
    };
    ev.prevent_default();
    let how = match cal.kind() {
        ViewKind::Week => "Arrow keys move it by 15 minutes or a day",
        ViewKind::Month => "Arrow keys move it by a day or a week",
    };
    cal.announce.set(format!(
        "Picked up {}. {how}; Space or Enter drops it, Escape cancels.",
        place(&origin)
    ));
    cal.drag.set(Some(Drag {
        id: id.clone(),
        origin,
        resize: false,
        by: By::Keys,
        nudge: Nudge::ZERO,
    }));
}

/// Keys while something is picked up (before any other handler), and Ctrl+Z.
fn key_down(cal: Cal, ev: &KeyboardEvent) {
    let Some(drag) = cal.drag.get_untracked() else {
        let undo = (ev.ctrl_key() || ev.meta_key()) && !ev.shift_key() && !ev.alt_key();
        if undo
            && ev.key().eq_ignore_ascii_case("z")
            && !crate::browser::typing()
            && cal.actions.undo_latest()
        {
            ev.prevent_default();
        }
        return;
    };
    let key = ev.key();
    let handled = match (key.as_str(), drag.by) {
        ("Escape", _) => {
            cancel(cal);
            true
        }
        (" " | "Enter", By::Keys) => {
            drop_it(cal);
            true
        }
        (k, By::Keys) => match ArrowKey::from_key(k) {
            Some(arrow) => {
                let nudge = drag.nudge + Nudge::from_key(cal.kind(), arrow);
                let next = Drag { nudge, ..drag };
                cal.announce.set(place(&next.preview()));
                let id = next.id.clone();
                cal.drag.set(Some(next));
                refocus(&id);
                true
            }
            None => false,
        },
        _ => false,
    };
    if handled {
        ev.prevent_default();
        ev.stop_propagation();
    }
}

/// Whether a drop just happened (its click is not a click on the event).
pub fn swallowing(cal: Cal) -> bool {
    now_ms() < cal.swallow_until.get_untracked()
}

/// The page-wide listeners: pointer moves and releases anywhere, and keys (in the capture
/// phase, so Escape cancels a drag before it closes a toast).
pub fn install(cal: Cal) {
    let moves = window_event_listener(leptos::ev::pointermove, move |ev| pointer_move(cal, &ev));
    let ups = window_event_listener(leptos::ev::pointerup, move |ev| pointer_up(cal, &ev));
    let cancels = window_event_listener(leptos::ev::pointercancel, move |_| {
        cal.selection.set(None);
        cancel(cal);
    });
    crate::browser::on_document_capture("keydown", move |ev: KeyboardEvent| key_down(cal, &ev));
    on_cleanup(move || {
        moves.remove();
        ups.remove();
        cancels.remove();
    });
}
