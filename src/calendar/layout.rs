//! Where events go: the week's day columns and all-day strip, the month's cells, and the
//! slot a click or drag on empty time names.
//!
//! Scale: a day column is 24 hours of wall clock, 00:00 at the top and 24:00 at the bottom,
//! the same on every day (as in Google Calendar). On a 23-hour spring-forward day the
//! skipped hour stays empty; on a 25-hour fall-back day the repeated hour shares its rows.
//! So 09:00 sits at the same height every day and a move by whole days never changes it.

use eventual_model::{Event, Timestamp};
use time::{Date, Duration, PrimitiveDateTime, Time};

use super::dates::add_days;
use super::zone::{add_local, wall_minutes, Offsets};

const DAY_MINUTES: f64 = 1440.0;
/// Events shorter than this still take this much room when deciding who overlaps, so a
/// 5-minute event drawn at a readable minimum height does not cover its neighbour.
const MIN_EXTENT_MINUTES: f64 = 15.0;

/// A timed event in a day column. `top` and `height` are fractions of the 24-hour column.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Placed {
    /// Index into the events passed in.
    pub index: usize,
    pub top: f64,
    pub height: f64,
    /// Its column among the events it overlaps (0-based), and how many columns they need:
    /// draw it at `left = column / columns`, `width = 1 / columns` of the day.
    pub column: usize,
    pub columns: usize,
    /// It started on an earlier day / goes on past this one (clipped at 00:00 / 24:00).
    pub continues_before: bool,
    pub continues_after: bool,
}

/// One day of the week grid and its timed events.
#[derive(Clone, Debug, PartialEq)]
pub struct DayColumn {
    pub date: Date,
    pub events: Vec<Placed>,
}

/// An event in the all-day strip on one day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AllDayItem {
    pub index: usize,
    /// Its row in the strip, the same on every day it covers.
    pub row: usize,
    pub continues_before: bool,
    pub continues_after: bool,
}

/// One month cell: the events to list and how many more hide behind "+N more".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MonthCell {
    pub date: Date,
    /// Indices into the events passed in: all-day first, then by start.
    pub visible: Vec<usize>,
    pub more: usize,
}

/// A new event's time from empty space in the grid.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Slot {
    pub start: Timestamp,
    pub end: Timestamp,
}

/// True for events the week shows in its all-day strip: all-day ones and timed ones of 24
/// hours or more (as Google Calendar does); the rest go in the hour grid.
pub fn in_strip(e: &Event) -> bool {
    e.all_day || e.end.inner() - e.start.inner() >= Duration::DAY
}

/// The first and last date an event shows on (inclusive): all-day events on their UTC
/// dates, timed ones on the local dates they touch (an end at 00:00 ends the day before).
pub fn days_of(zone: &dyn Offsets, e: &Event) -> (Date, Date) {
    if e.all_day {
        let first = crate::time::utc_day(e.start);
        return (first, crate::time::all_day_last(e.start, e.end).max(first));
    }
    let first = zone.local_date(e.start);
    let last_instant = Timestamp::from(e.end.inner() - Duration::NANOSECOND);
    (first, zone.local_date(last_instant.max(e.start)))
}

/// The week grid: for each day, the timed events that intersect its local day, clipped to
/// it, overlapping ones side by side. Strip events ([`in_strip`]) are left out.
pub fn week_columns(zone: &dyn Offsets, days: &[Date], events: &[Event]) -> Vec<DayColumn> {
    days.iter()
        .map(|&date| {
            let (from, to) = (zone.midnight(date), zone.midnight(add_days(date, 1)));
            let mut placed: Vec<Placed> = events
                .iter()
                .enumerate()
                .filter(|(_, e)| !in_strip(e) && e.start < to && e.end > from)
                .map(|(index, e)| place(zone, date, (from, to), index, e))
                .collect();
            side_by_side(&mut placed);
            DayColumn {
                date,
                events: placed,
            }
        })
        .collect()
}

fn place(
    zone: &dyn Offsets,
    date: Date,
    (from, to): (Timestamp, Timestamp),
    index: usize,
    e: &Event,
) -> Placed {
    let after = e.end >= to;
    // From the day's first instant, which is 01:00 where a gap swallows midnight.
    let top = wall_minutes(zone, date, e.start.max(from)).clamp(0, 1440);
    let mut bottom = if after {
        1440
    } else {
        wall_minutes(zone, date, e.end)
    }
    .clamp(0, 1440);
    if bottom <= top {
        // Only in a fold, where the wall clock runs back: give it its real length.
        let real = (e.end.min(to).inner() - e.start.max(from).inner()).whole_minutes();
        bottom = (top + real.max(1)).min(1440);
    }
    Placed {
        index,
        top: top as f64 / DAY_MINUTES,
        height: (bottom - top) as f64 / DAY_MINUTES,
        column: 0,
        columns: 1,
        continues_before: e.start < from,
        continues_after: e.end > to,
    }
}

/// Groups events that overlap (directly or through others) and gives each the first free
/// column of its group; every event of a group gets the group's column count.
fn side_by_side(placed: &mut [Placed]) {
    placed.sort_by(|a, b| {
        a.top
            .total_cmp(&b.top)
            .then(b.height.total_cmp(&a.height))
            .then(a.index.cmp(&b.index))
    });
    let min = MIN_EXTENT_MINUTES / DAY_MINUTES;
    let bottom = |p: &Placed| p.top + p.height.max(min);
    let mut group_start = 0;
    let mut group_end = f64::NEG_INFINITY;
    let mut column_ends: Vec<f64> = Vec::new();
    for i in 0..placed.len() {
        if placed[i].top >= group_end {
            finish_group(&mut placed[group_start..i], column_ends.len());
            group_start = i;
            column_ends.clear();
        }
        let p = placed[i];
        let free = column_ends.iter().position(|&end| end <= p.top);
        let column = free.unwrap_or(column_ends.len());
        if column == column_ends.len() {
            column_ends.push(bottom(&p));
        } else {
            column_ends[column] = bottom(&p);
        }
        placed[i].column = column;
        group_end = group_end.max(bottom(&p));
    }
    let columns = column_ends.len();
    finish_group(&mut placed[group_start..], columns);
}

fn finish_group(group: &mut [Placed], columns: usize) {
    for p in group {
        p.columns = columns.max(1);
    }
}

/// The all-day strip: for each day, the strip events ([`in_strip`]) that cover it, each
/// in one row for all its days (earliest and longest first).
pub fn all_day_strip(zone: &dyn Offsets, days: &[Date], events: &[Event]) -> Vec<Vec<AllDayItem>> {
    let (Some(&first), Some(&last)) = (days.first(), days.last()) else {
        return Vec::new();
    };
    let mut spans: Vec<(usize, Date, Date)> = events
        .iter()
        .enumerate()
        .filter(|(_, e)| in_strip(e))
        .map(|(i, e)| {
            let (a, b) = days_of(zone, e);
            (i, a, b)
        })
        .filter(|&(_, a, b)| a <= last && b >= first)
        .collect();
    spans.sort_by_key(|&(i, a, b)| (a.max(first), std::cmp::Reverse(b), events[i].start, i));
    let mut row_ends: Vec<Date> = Vec::new();
    let mut rows = Vec::with_capacity(spans.len());
    for &(_, a, b) in &spans {
        let a = a.max(first);
        let row = row_ends
            .iter()
            .position(|&end| end < a)
            .unwrap_or(row_ends.len());
        if row == row_ends.len() {
            row_ends.push(b);
        } else {
            row_ends[row] = b;
        }
        rows.push(row);
    }
    days.iter()
        .map(|&d| {
            let mut items: Vec<AllDayItem> = spans
                .iter()
                .zip(&rows)
                .filter(|((_, a, b), _)| *a <= d && d <= *b)
                .map(|(&(index, a, b), &row)| AllDayItem {
                    index,
                    row,
                    continues_before: a < d,
                    continues_after: b > d,
                })
                .collect();
            items.sort_by_key(|it| it.row);
            items
        })
        .collect()
}

/// The month grid: for each day, the events that show on it (all-day first, then by start,
/// then longest first). A cell holds `capacity` lines; when more events than that show, the
/// last line is "+N more": `visible` has `capacity - 1` events and `more` the rest.
pub fn month_cells(
    zone: &dyn Offsets,
    days: &[Date],
    events: &[Event],
    capacity: usize,
) -> Vec<MonthCell> {
    let spans: Vec<(Date, Date)> = events.iter().map(|e| days_of(zone, e)).collect();
    days.iter()
        .map(|&date| {
            let mut on: Vec<usize> = (0..events.len())
                .filter(|&i| spans[i].0 <= date && date <= spans[i].1)
                .collect();
            on.sort_by_key(|&i| {
                let e = &events[i];
                (!e.all_day, e.start, std::cmp::Reverse(e.end), i)
            });
            let shown = if on.len() > capacity {
                capacity.saturating_sub(1)
            } else {
                on.len()
            };
            let more = on.len() - shown;
            on.truncate(shown);
            MonthCell {
                date,
                visible: on,
                more,
            }
        })
        .collect()
}

/// Where the now-line goes in `day`'s column (a fraction from the top), if `now` is on it.
pub fn now_fraction(zone: &dyn Offsets, day: Date, now: Timestamp) -> Option<f64> {
    (zone.local_date(now) == day).then(|| wall_minutes(zone, day, now) as f64 / DAY_MINUTES)
}

/// The slot a click at `y_px` from the top of `day`'s column names: the 15 minutes under
/// the pointer, 30 minutes long.
pub fn slot_for_click(zone: &dyn Offsets, day: Date, y_px: f64, px_per_hour: f64) -> Slot {
    let q = quarter_at(y_px, px_per_hour).floor().clamp(0.0, 95.0) as i64;
    let start = at_quarter(zone, day, q);
    Slot {
        start,
        end: Timestamp::from(start.inner() + Duration::minutes(30)),
    }
}

/// The slot a drag across empty time from `y0_px` to `y1_px` (either way) names: from the
/// quarter the higher end is in to the end of the quarter the lower end is in.
pub fn slot_for_drag(
    zone: &dyn Offsets,
    day: Date,
    y0_px: f64,
    y1_px: f64,
    px_per_hour: f64,
) -> Slot {
    let (a, b) = (
        quarter_at(y0_px, px_per_hour),
        quarter_at(y1_px, px_per_hour),
    );
    let lo = a.min(b).floor().clamp(0.0, 95.0) as i64;
    let hi = (a.max(b).ceil() as i64).clamp(lo + 1, 96);
    let start = at_quarter(zone, day, lo);
    let end =
        at_quarter(zone, day, hi).max(Timestamp::from(start.inner() + super::moves::MIN_DURATION));
    Slot { start, end }
}

fn quarter_at(y_px: f64, px_per_hour: f64) -> f64 {
    if px_per_hour.is_nan() || px_per_hour <= 0.0 || !y_px.is_finite() {
        return 0.0;
    }
    y_px / (px_per_hour / 4.0)
}

fn at_quarter(zone: &dyn Offsets, day: Date, q: i64) -> Timestamp {
    let midnight = PrimitiveDateTime::new(day, Time::MIDNIGHT);
    zone.to_utc(add_local(midnight, Duration::minutes(q * 15)))
}
