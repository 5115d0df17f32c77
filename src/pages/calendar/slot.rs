//! New events from empty time: a click or drag in a day's column (a 30-minute slot, or the
//! span dragged, snapped to 15 minutes), or a click in the all-day strip or a month cell (an
//! all-day slot), opens the "New event" dialog.

use leptos::prelude::*;
use time::{Date, Duration};
use wasm_bindgen::JsCast;
use web_sys::{MouseEvent, PointerEvent};

use super::dialog::NewSlot;
use super::drag::{now_ms, rect};
use super::shell::{Cal, HOUR_PX};
use crate::calendar::browser::BrowserZone;
use crate::calendar::{slot_for_click, slot_for_drag, Times};
use crate::time::day_start;

/// A press that moves less than this (px) is a click.
const CLICK_SLOP: f64 = 5.0;

/// A press or drag across empty time in one day's column.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Selection {
    pub day: Date,
    pub pointer: i32,
    /// The column's top on screen at the press, and the pointer's offsets from it (px).
    pub top: f64,
    pub y0: f64,
    pub y1: f64,
}

impl Selection {
    /// The selected band in px, snapped to 15 minutes.
    pub fn span(&self) -> (f64, f64) {
        let q = HOUR_PX / 4.0;
        let a = (self.y0.min(self.y1) / q).floor() * q;
        let b = ((self.y0.max(self.y1) / q).ceil() * q).max(a + q);
        (a, b)
    }
}

/// Pointer down on empty time in `day`'s column starts a selection.
pub fn press_slot(cal: Cal, ev: &PointerEvent, day: Date) {
    if ev.button() != 0 || cal.drag.with_untracked(Option::is_some) || on_control(ev) {
        return;
    }
    let Some(column) = ev
        .current_target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
    else {
        return;
    };
    ev.prevent_default();
    let top = rect(&column, "top");
    let y = f64::from(ev.client_y()) - top;
    cal.selection.set(Some(Selection {
        day,
        pointer: ev.pointer_id(),
        top,
        y0: y,
        y1: y,
    }));
}

/// Whether the event started on a link or button (which handle it themselves).
fn on_control(ev: &web_sys::Event) -> bool {
    ev.target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|el| el.closest("a, button").ok().flatten())
        .is_some()
}

/// A click on empty space in the all-day strip or a month cell: an all-day slot.
pub fn strip_click(cal: Cal, ev: &MouseEvent, day: Date) {
    if on_control(ev) || now_ms() < cal.swallow_until.get_untracked() {
        return;
    }
    cal.slot.set(Some(NewSlot {
        times: Times {
            start: day_start(day),
            end: day_start(day + Duration::days(1)),
            all_day: true,
        },
    }));
}

/// A move of the pointer that is selecting; false when none is.
pub fn pointer_move(cal: Cal, ev: &PointerEvent) -> bool {
    let Some(s) = cal.selection.get_untracked() else {
        return false;
    };
    if s.pointer == ev.pointer_id() {
        let y1 = f64::from(ev.client_y()) - s.top;
        cal.selection.set(Some(Selection { y1, ..s }));
    }
    true
}

/// The release that ends a selection opens the dialog for it; false when none was made.
pub fn pointer_up(cal: Cal, ev: &PointerEvent) -> bool {
    if let Some(s) = cal.selection.get_untracked() {
        if s.pointer == ev.pointer_id() {
            cal.selection.set(None);
            let slot = if (s.y1 - s.y0).abs() < CLICK_SLOP {
                slot_for_click(&BrowserZone, s.day, s.y0, HOUR_PX)
            } else {
                slot_for_drag(&BrowserZone, s.day, s.y0, s.y1, HOUR_PX)
            };
            cal.slot.set(Some(NewSlot {
                times: Times {
                    start: slot.start,
                    end: slot.end,
                    all_day: false,
                },
            }));
        }
        return true;
    }
    false
}
