//! `Intl` glue: every label of the calendar in the browser's locale, and the locale's first
//! day of the week. Calendar dates are formatted as UTC noon in UTC, so no zone shifts a day.

use std::cell::OnceCell;

use eventual_model::Timestamp;
use js_sys::Intl::{
    DateTimeFormat, DateTimeFormatOptions, DayFormat, MonthFormat, NumericFormat, WeekdayFormat,
    YearFormat,
};
use time::Date;
use wasm_bindgen::JsValue;

/// The browser's language (`navigator.language`), `en-US` where there is none.
pub fn locale() -> String {
    web_sys::window()
        .and_then(|w| w.navigator().language())
        .filter(|l| !l.is_empty())
        .unwrap_or_else(|| "en-US".into())
}

#[derive(Clone, Copy)]
enum Style {
    /// "Monday, December 7, 2026": a day's group name.
    FullDate,
    /// "December 7 – 13, 2026" (as a range): the week heading.
    MonthDayYear,
    /// "December 2026": the month heading.
    MonthYear,
    /// "Mon 7": a column head.
    ShortDay,
    /// "Mon": a month column's head.
    Weekday,
    /// "9 AM": an hour of the gutter.
    Hour,
    /// "9:00 – 10:30 AM" (as a range, local zone): an event's time.
    Time,
}

const STYLES: usize = 7;

thread_local! {
    /// Building an `Intl.DateTimeFormat` costs milliseconds: one per style, made on first use.
    static FORMATS: [OnceCell<DateTimeFormat>; STYLES] = Default::default();
}

fn formatter(style: Style) -> DateTimeFormat {
    FORMATS.with(|f| f[style as usize].get_or_init(|| build(style)).clone())
}

fn build(style: Style) -> DateTimeFormat {
    let o = DateTimeFormatOptions::new();
    match style {
        Style::FullDate => {
            o.set_weekday(WeekdayFormat::Long);
            o.set_year(YearFormat::Numeric);
            o.set_month(MonthFormat::Long);
            o.set_day(DayFormat::Numeric);
        }
        Style::MonthDayYear => {
            o.set_year(YearFormat::Numeric);
            o.set_month(MonthFormat::Long);
            o.set_day(DayFormat::Numeric);
        }
        Style::MonthYear => {
            o.set_year(YearFormat::Numeric);
            o.set_month(MonthFormat::Long);
        }
        Style::ShortDay => {
            o.set_weekday(WeekdayFormat::Short);
            o.set_day(DayFormat::Numeric);
        }
        Style::Weekday => o.set_weekday(WeekdayFormat::Short),
        Style::Hour => o.set_hour(NumericFormat::Numeric),
        Style::Time => {
            o.set_hour(NumericFormat::Numeric);
            o.set_minute(NumericFormat::TwoDigit);
        }
    }
    if !matches!(style, Style::Time) {
        o.set_time_zone("UTC");
    }
    let locales = js_sys::Array::of1(&JsValue::from_str(&locale()));
    DateTimeFormat::new(&locales, &o)
}

/// A calendar date as the JS `Date` of its UTC noon (formatted in UTC: the same day).
fn noon(d: Date) -> js_sys::Date {
    let ms = (d.midnight().assume_utc().unix_timestamp() + 12 * 3600) as f64 * 1000.0;
    js_sys::Date::new(&JsValue::from_f64(ms))
}

fn instant(t: Timestamp) -> js_sys::Date {
    js_sys::Date::new(&JsValue::from_f64(t.unix_millis() as f64))
}

fn format(style: Style, d: &js_sys::Date) -> String {
    let f = formatter(style);
    f.format()
        .call1(&f, d)
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default()
}

fn format_range(style: Style, a: &js_sys::Date, b: &js_sys::Date) -> String {
    formatter(style)
        .format_range(a, b)
        .map(String::from)
        .unwrap_or_default()
}

/// "Monday, December 7, 2026" (en-US): the accessible name of a day.
pub fn full_date(d: Date) -> String {
    format(Style::FullDate, &noon(d))
}

/// "December 7 – 13, 2026" (en-US): the heading of a week from `first` to `last`.
pub fn week_heading(first: Date, last: Date) -> String {
    format_range(Style::MonthDayYear, &noon(first), &noon(last))
}

/// "December 2026" (en-US): the heading of the month holding `d`.
pub fn month_heading(d: Date) -> String {
    format(Style::MonthYear, &noon(d))
}

/// "Mon 7" (en-US): a week column's visible head.
pub fn short_day(d: Date) -> String {
    format(Style::ShortDay, &noon(d))
}

/// "Mon" (en-US): a month column's head.
pub fn weekday(d: Date) -> String {
    format(Style::Weekday, &noon(d))
}

/// "9 AM" (en-US): the label of hour `h` in the gutter.
pub fn hour_label(h: u8) -> String {
    let d = noon(time::macros::date!(2026 - 01 - 01));
    d.set_utc_hours(u32::from(h));
    format(Style::Hour, &d)
}

/// "9:00 – 10:30 AM" (en-US, local zone): a timed event's time.
pub fn time_range(start: Timestamp, end: Timestamp) -> String {
    format_range(Style::Time, &instant(start), &instant(end))
}
