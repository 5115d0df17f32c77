//! The week grid scrolls while a dragged event is held near its top or bottom edge, so a
//! drag reaches hours that are not in view: one step per animation frame, faster nearer the
//! edge (`calendar::edge_step`), until the pointer leaves the edge, the grid ends or the drag
//! does.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::drag;
use super::shell::Cal;
use crate::calendar::edge_step;

/// Where the dragging pointer is, and whether a frame loop is scrolling for it.
#[derive(Clone, Copy, Default)]
pub struct Edge {
    at: Option<(f64, f64)>,
    running: bool,
}

/// A pointer drag moved to `(x, y)` (client px): scroll while it stays near an edge.
pub fn follow(cal: Cal, x: f64, y: f64) {
    let start = cal
        .edge
        .try_update_value(|e| {
            e.at = Some((x, y));
            !std::mem::replace(&mut e.running, true)
        })
        .unwrap_or(false);
    if start {
        request_animation_frame(move || tick(cal));
    }
}

fn tick(cal: Cal) {
    let at = cal.edge.try_with_value(|e| e.at).flatten();
    let going = at.is_some_and(|(x, y)| scroll(y).is_some_and(|by| drag::scrolled(cal, by, x, y)));
    if going {
        request_animation_frame(move || tick(cal));
    } else {
        cal.edge.try_update_value(|e| e.running = false);
    }
}

/// Scrolls the week grid one step for a pointer at `y`; the px it really moved, if any.
fn scroll(y: f64) -> Option<f64> {
    let el = web_sys::window()?
        .document()?
        .query_selector(".cal-scroll")
        .ok()??
        .dyn_into::<web_sys::HtmlElement>()
        .ok()?;
    let rect = el.get_bounding_client_rect();
    // The day heads and all-day strip stick over the top of the hours: the edge is below them.
    let head = el
        .query_selector(".cal-corner")
        .ok()
        .flatten()
        .map_or(rect.top(), |c| c.get_bounding_client_rect().bottom());
    let step = edge_step(y, head.max(rect.top()), rect.bottom()).round() as i32;
    if step == 0 {
        return None;
    }
    let before = el.scroll_top();
    el.set_scroll_top(before + step);
    let moved = el.scroll_top() - before;
    (moved != 0).then_some(f64::from(moved))
}
