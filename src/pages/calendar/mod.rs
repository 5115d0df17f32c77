//! The calendar (issue 14): week and month views of the range in the URL, with drag, resize,
//! keyboard moves and slot creates, all through the optimistic write path (`write.rs`).
//! Dates, ranges, moves and layout come from [`crate::calendar`]; this module renders.

mod autoscroll;
mod data;
mod dialog;
mod drag;
mod intl;
mod item;
mod month;
mod shell;
mod slot;
mod week;
mod write;

pub use shell::{CalendarRedirect, MonthPage, WeekPage};
