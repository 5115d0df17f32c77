//! Moving and resizing: whole days keep the wall-clock time across daylight-saving changes,
//! 15-minute steps follow the grid, all-day events move by whole dates.

use eventual_model::{Event, EventInput, Timestamp};
use time::{Duration, PrimitiveDateTime};

use super::dates::ViewKind;
use super::zone::{add_local, Offsets};

/// One step of the grid, and the shortest a resize leaves an event.
pub const MIN_DURATION: Duration = Duration::minutes(15);

/// An event's place in time: what moves and resizes change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Times {
    pub start: Timestamp,
    pub end: Timestamp,
    /// Start and end at 00:00Z, the end exclusive (see [`crate::time`]).
    pub all_day: bool,
}

impl Times {
    pub fn of(e: &Event) -> Times {
        Times {
            start: e.start,
            end: e.end,
            all_day: e.all_day,
        }
    }

    /// `input` with these times: the body of the PUT that saves a move.
    pub fn apply(self, input: EventInput) -> EventInput {
        EventInput {
            start: self.start,
            end: self.end,
            all_day: self.all_day,
            ..input
        }
    }

    /// `event` with these times, the rest kept: what the screen shows on drop.
    pub fn apply_to(self, event: &Event) -> Event {
        event.with_input(self.apply(event.input()))
    }

    fn duration(self) -> Duration {
        self.end.inner() - self.start.inner()
    }
}

/// A move as the gestures count it: whole days and 15-minute steps. A drag or a run of
/// arrow keys adds up to one nudge, applied once to where the event was picked up.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Nudge {
    pub days: i64,
    pub quarters: i64,
}

impl Nudge {
    pub const ZERO: Nudge = Nudge {
        days: 0,
        quarters: 0,
    };

    pub fn days(days: i64) -> Nudge {
        Nudge { days, quarters: 0 }
    }

    pub fn quarters(quarters: i64) -> Nudge {
        Nudge { days: 0, quarters }
    }

    pub fn is_zero(self) -> bool {
        self == Nudge::ZERO
    }

    /// What an arrow key does in a view: ArrowUp / ArrowDown 15 minutes earlier / later in
    /// the week, a week earlier / later in the month; ArrowLeft / ArrowRight a day.
    pub fn from_key(view: ViewKind, key: ArrowKey) -> Nudge {
        match (view, key) {
            (ViewKind::Week, ArrowKey::Up) => Nudge::quarters(-1),
            (ViewKind::Week, ArrowKey::Down) => Nudge::quarters(1),
            (ViewKind::Month, ArrowKey::Up) => Nudge::days(-7),
            (ViewKind::Month, ArrowKey::Down) => Nudge::days(7),
            (_, ArrowKey::Left) => Nudge::days(-1),
            (_, ArrowKey::Right) => Nudge::days(1),
        }
    }
}

impl std::ops::Add for Nudge {
    type Output = Nudge;
    fn add(self, o: Nudge) -> Nudge {
        Nudge {
            days: self.days.saturating_add(o.days),
            quarters: self.quarters.saturating_add(o.quarters),
        }
    }
}

/// The arrow keys the contract gives meaning to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ArrowKey {
    Up,
    Down,
    Left,
    Right,
}

impl ArrowKey {
    /// From `KeyboardEvent.key`: `ArrowUp`, …; `None` for other keys.
    pub fn from_key(key: &str) -> Option<ArrowKey> {
        match key {
            "ArrowUp" => Some(ArrowKey::Up),
            "ArrowDown" => Some(ArrowKey::Down),
            "ArrowLeft" => Some(ArrowKey::Left),
            "ArrowRight" => Some(ArrowKey::Right),
            _ => None,
        }
    }
}

/// Moves an event, keeping its duration. A timed event lands on the wall-clock time
/// `days` later and `quarters` × 15 minutes on (09:00 stays 09:00 across a DST change);
/// an all-day event moves by whole dates and ignores `quarters`.
pub fn move_by(zone: &dyn Offsets, t: Times, n: Nudge) -> Times {
    if t.all_day {
        let shift = Duration::days(n.days);
        return Times {
            start: shift_utc(t.start, shift),
            end: shift_utc(t.end, shift),
            all_day: true,
        };
    }
    let start = wall_shift(zone, t.start, n);
    Times {
        start,
        end: shift_utc(start, t.duration()),
        all_day: false,
    }
}

/// Moves only the end by `quarters` × 15 minutes of wall-clock time, never to less than 15
/// minutes after the start. All-day events keep their end (the week's strip has no edge).
pub fn resize_by(zone: &dyn Offsets, t: Times, quarters: i64) -> Times {
    if t.all_day {
        return t;
    }
    let end = wall_shift(zone, t.end, Nudge::quarters(quarters));
    Times {
        end: end.max(shift_utc(t.start, MIN_DURATION)),
        ..t
    }
}

/// The instant at the wall-clock time `n` away from `t`'s. A pure 15-minute move that the
/// zone's gap or fold would send the wrong way (03:00 EDT − 15 min is 02:45, which lands at
/// 03:45) moves by real minutes instead, so each arrow press goes the way it says.
fn wall_shift(zone: &dyn Offsets, t: Timestamp, n: Nudge) -> Timestamp {
    let minutes = Duration::minutes(n.quarters.saturating_mul(15));
    let local: PrimitiveDateTime = add_local(zone.to_local(t), Duration::days(n.days));
    let moved = zone.to_utc(add_local(local, minutes));
    if n.days == 0 && n.quarters != 0 && (moved > t) != (n.quarters > 0) {
        return shift_utc(t, minutes);
    }
    moved
}

fn shift_utc(t: Timestamp, d: Duration) -> Timestamp {
    Timestamp::from(t.inner().saturating_add(d))
}

/// A pointer's vertical offset to 15-minute steps, to the nearest step.
pub fn snap_quarters(dy_px: f64, px_per_hour: f64) -> i64 {
    if px_per_hour.is_nan() || px_per_hour <= 0.0 || !dy_px.is_finite() {
        return 0;
    }
    (dy_px / (px_per_hour / 4.0)).round() as i64
}

/// A pointer's horizontal offset to whole day columns (or month cells), to the nearest.
pub fn snap_days(dx_px: f64, column_px: f64) -> i64 {
    if column_px.is_nan() || column_px <= 0.0 || !dx_px.is_finite() {
        return 0;
    }
    (dx_px / column_px).round() as i64
}

/// A pointer's offset in the month grid to whole days: columns are days, rows are weeks.
pub fn snap_month_days(dx_px: f64, dy_px: f64, cell_w_px: f64, cell_h_px: f64) -> i64 {
    snap_days(dx_px, cell_w_px) + 7 * snap_days(dy_px, cell_h_px)
}

/// How near the grid's top or bottom edge (px) a dragged event starts scrolling it.
pub const EDGE_PX: f64 = 40.0;
/// The fastest that scroll goes (px per frame): with the pointer at the edge or past it.
pub const EDGE_STEP_PX: f64 = 16.0;

/// Pixels to scroll the grid this frame with the pointer at `y` over a grid that spans
/// `top..bottom` on screen: negative near the top, positive near the bottom, 0 in between;
/// faster the nearer the edge, so a person can slow it down by moving back.
pub fn edge_step(y: f64, top: f64, bottom: f64) -> f64 {
    if !(y.is_finite() && top.is_finite() && bottom.is_finite()) || bottom - top < 2.0 * EDGE_PX {
        return 0.0;
    }
    let into = |depth: f64| (depth / EDGE_PX).clamp(0.0, 1.0) * EDGE_STEP_PX;
    if y < top + EDGE_PX {
        -into(top + EDGE_PX - y)
    } else if y > bottom - EDGE_PX {
        into(y - (bottom - EDGE_PX))
    } else {
        0.0
    }
}
