//! Dates and times as a person sees them: the browser's time zone and locale for timed
//! events (through `Date` and `Intl.DateTimeFormat`, no tz database in the wasm), whole UTC
//! days for all-day events.
//!
//! All-day semantics: an all-day event covering the days A..=B is stored as
//! `start = A 00:00Z`, `end = (B + 1) 00:00Z` (end exclusive, as in iCalendar). The form shows
//! the inclusive last day B in its "End" date input.

use eventual_model::Timestamp;
use time::{Date, Duration, Month, Time};

/// A wall-clock time as a `datetime-local` input holds it (`2026-12-01T09:00`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WallTime {
    pub date: Date,
    pub hour: u8,
    pub minute: u8,
}

/// Parse a `datetime-local` value (`YYYY-MM-DDTHH:MM`, seconds ignored).
pub fn parse_wall_time(s: &str) -> Option<WallTime> {
    let (d, t) = s.trim().split_once('T')?;
    let date = parse_date(d)?;
    let mut parts = t.split(':');
    let hour: u8 = parts.next()?.parse().ok()?;
    let minute: u8 = parts.next()?.parse().ok()?;
    (hour < 24 && minute < 60).then_some(WallTime { date, hour, minute })
}

/// Format a wall time the way `datetime-local` wants it.
pub fn format_wall_time(w: WallTime) -> String {
    format!("{}T{:02}:{:02}", format_date(w.date), w.hour, w.minute)
}

/// Parse a `date` input value (`YYYY-MM-DD`).
pub fn parse_date(s: &str) -> Option<Date> {
    let mut parts = s.trim().splitn(3, '-');
    let year: i32 = parts.next()?.parse().ok()?;
    let month: u8 = parts.next()?.parse().ok()?;
    let day: u8 = parts.next()?.parse().ok()?;
    Date::from_calendar_date(year, Month::try_from(month).ok()?, day).ok()
}

/// Format a date the way a `date` input wants it.
pub fn format_date(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// Midnight UTC of a day: how all-day events store their days.
pub fn day_start(d: Date) -> Timestamp {
    Timestamp::from(d.with_time(Time::MIDNIGHT).assume_utc())
}

/// The UTC day a timestamp falls on.
pub fn utc_day(t: Timestamp) -> Date {
    t.inner().date()
}

/// All-day form values (inclusive first and last day) to stored start and exclusive end.
pub fn all_day_range(first: Date, last: Date) -> (Timestamp, Timestamp) {
    (day_start(first), day_start(last + Duration::days(1)))
}

/// Stored all-day start/end to the inclusive last day the form shows.
pub fn all_day_last(start: Timestamp, end: Timestamp) -> Date {
    let end_day = utc_day(end);
    let last = if end.is_midnight_utc() {
        end_day - Duration::days(1)
    } else {
        end_day
    };
    last.max(utc_day(start))
}

/// A wall time in the browser's zone to the instant it names.
pub fn wall_to_timestamp(w: WallTime) -> Option<Timestamp> {
    let date = js_sys::Date::new_0();
    date.set_full_year_with_month_date(
        w.date.year() as u32,
        i32::from(u8::from(w.date.month())) - 1,
        i32::from(w.date.day()),
    );
    date.set_hours(u32::from(w.hour));
    date.set_minutes(u32::from(w.minute));
    date.set_seconds(0);
    date.set_milliseconds(0);
    let ms = date.get_time();
    if ms.is_nan() {
        return None;
    }
    Timestamp::from_unix_millis(ms as i64)
}

/// An instant to the wall time it shows in the browser's zone.
pub fn timestamp_to_wall(t: Timestamp) -> Option<WallTime> {
    let d = js_date(t);
    let month = Month::try_from(d.get_month() as u8 + 1).ok()?;
    let date =
        Date::from_calendar_date(d.get_full_year() as i32, month, d.get_date() as u8).ok()?;
    Some(WallTime {
        date,
        hour: d.get_hours() as u8,
        minute: d.get_minutes() as u8,
    })
}

/// `datetime-local` value → instant (browser's zone); `None` for empty or invalid input.
pub fn local_input_to_timestamp(s: &str) -> Option<Timestamp> {
    parse_wall_time(s).and_then(wall_to_timestamp)
}

/// Instant → `datetime-local` value in the browser's zone.
pub fn timestamp_to_local_input(t: Timestamp) -> String {
    timestamp_to_wall(t)
        .map(format_wall_time)
        .unwrap_or_default()
}

fn js_date(t: Timestamp) -> js_sys::Date {
    js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(t.unix_millis() as f64))
}

/// The formatter for timed (`false`) or all-day (`true`) events, made on first use: building
/// an `Intl.DateTimeFormat` costs milliseconds (the first one far more), once per row without
/// this cache.
fn formatter(all_day: bool) -> js_sys::Intl::DateTimeFormat {
    type Cell = std::cell::OnceCell<js_sys::Intl::DateTimeFormat>;
    thread_local! {
        static FORMATTERS: [Cell; 2] = const { [Cell::new(), Cell::new()] };
    }
    FORMATTERS.with(|f| {
        f[usize::from(all_day)]
            .get_or_init(|| new_formatter(all_day))
            .clone()
    })
}

fn new_formatter(all_day: bool) -> js_sys::Intl::DateTimeFormat {
    use js_sys::Intl::{
        DateTimeFormatOptions, DayFormat, MonthFormat, NumericFormat, WeekdayFormat,
    };
    let o = DateTimeFormatOptions::new();
    o.set_weekday(WeekdayFormat::Short);
    o.set_day(DayFormat::Numeric);
    o.set_month(MonthFormat::Short);
    if all_day {
        // All-day dates are UTC days; showing them in UTC keeps them on the right day.
        let _ = js_sys::Reflect::set(&o, &"timeZone".into(), &"UTC".into());
    } else {
        o.set_hour(NumericFormat::TwoDigit);
        o.set_minute(NumericFormat::TwoDigit);
    }
    js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &o)
}

/// "Tue, 1 Dec, 09:00 – 10:00" in the browser's locale and zone; all-day events show their
/// days ("Tue, 1 Dec" or "Tue, 1 Dec – Thu, 3 Dec").
pub fn format_range(start: Timestamp, end: Timestamp, all_day: bool) -> String {
    let f = formatter(all_day);
    let end = if all_day {
        day_start(all_day_last(start, end))
    } else {
        end
    };
    match f.format_range(&js_date(start), &js_date(end)) {
        Ok(s) => String::from(s),
        Err(_) => format!("{start} – {end}"),
    }
}

/// A full, unambiguous date and time for `<time datetime>` titles and screen readers.
pub fn format_instant(t: Timestamp) -> String {
    let f = formatter(false);
    let format = f.format();
    format
        .call1(&f, &js_date(t))
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_else(|| t.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wall_time_round_trips() {
        let w = parse_wall_time("2026-12-01T09:05").unwrap();
        assert_eq!(w.hour, 9);
        assert_eq!(w.minute, 5);
        assert_eq!(format_wall_time(w), "2026-12-01T09:05");
        assert_eq!(
            parse_wall_time("2026-12-01T09:05:30")
                .map(format_wall_time)
                .as_deref(),
            Some("2026-12-01T09:05")
        );
        for bad in [
            "",
            "2026-12-01",
            "2026-13-01T09:00",
            "2026-12-01T25:00",
            "x",
        ] {
            assert_eq!(parse_wall_time(bad), None, "{bad}");
        }
    }

    #[test]
    fn all_day_end_is_exclusive() {
        let d = parse_date("2026-12-01").unwrap();
        let (s, e) = all_day_range(d, d);
        assert_eq!(s.to_string(), "2026-12-01T00:00:00Z");
        assert_eq!(e.to_string(), "2026-12-02T00:00:00Z");
        assert_eq!(format_date(all_day_last(s, e)), "2026-12-01");
        let (s, e) = all_day_range(d, parse_date("2026-12-31").unwrap());
        assert_eq!(e.to_string(), "2027-01-01T00:00:00Z");
        assert_eq!(format_date(all_day_last(s, e)), "2026-12-31");
        assert!(eventual_model::validate(&eventual_model::EventInput {
            title: "x".into(),
            description: String::new(),
            location: String::new(),
            start: s,
            end: e,
            all_day: true,
            status: Default::default(),
        })
        .is_ok());
    }
}
