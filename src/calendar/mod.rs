//! The calendar's plain-Rust core: dates of a view, the UTC range it loads, moves and
//! resizes that keep wall-clock time across daylight-saving changes, and the week and month
//! layouts. Everything here works over an [`Offsets`] provider, so it runs natively in tests
//! (against jiff's tz database, a dev-dependency) and over `js_sys::Date` in the browser
//! ([`browser`]), with no tz table in the wasm.

pub mod dates;
pub mod layout;
pub mod moves;
pub mod zone;

// Compiled natively too (js_sys builds there), so the pages that use it build for tests.
pub mod browser;

// The native tests use proptest, which does not build for wasm32; browser.rs has the
// browser's own tests, against the same jiff zones.

#[cfg(all(test, not(target_arch = "wasm32")))]
mod layout_tests;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod moves_tests;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod props_tests;
#[cfg(test)]
mod testzones;

pub use dates::{
    add_months, format_route_date, parse_route_date, today, week_start, weekday_from_iso, UtcRange,
    View, ViewKind,
};
pub use layout::{
    all_day_strip, days_of, in_strip, month_cells, now_fraction, slot_for_click, slot_for_drag,
    week_columns, AllDayItem, DayColumn, MonthCell, Placed, Slot,
};
pub use moves::{
    edge_step, move_by, resize_by, snap_days, snap_month_days, snap_quarters, ArrowKey, Nudge,
    Times, MIN_DURATION,
};
pub use zone::{FixedOffset, Offsets};
