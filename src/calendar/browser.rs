//! The browser's time zone and week start, over `js_sys::Date` and `Intl.Locale`: the only
//! part of the calendar that needs a browser, and no tz database in the wasm.

use eventual_model::Timestamp;
use js_sys::{Array, Date, Function, Reflect};
use time::{PrimitiveDateTime, UtcOffset, Weekday};
use wasm_bindgen::{JsCast, JsValue};

use super::dates::weekday_from_iso;
use super::zone::Offsets;

/// The browser's own time zone.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BrowserZone;

impl Offsets for BrowserZone {
    fn offset_at(&self, utc: Timestamp) -> UtcOffset {
        let d = Date::new(&JsValue::from_f64(utc.unix_millis() as f64));
        // getTimezoneOffset is minutes *behind* UTC (New York in winter: 300).
        let seconds = (-d.get_timezone_offset() * 60.0).round() as i32;
        UtcOffset::from_whole_seconds(seconds).unwrap_or(UtcOffset::UTC)
    }

    fn to_utc(&self, local: PrimitiveDateTime) -> Timestamp {
        // The local-time constructor resolves gaps forward and folds to the earlier instant.
        let d = Date::new_with_year_month_day_hr_min_sec_milli(
            local.year().max(0) as u32,
            i32::from(u8::from(local.month())) - 1,
            i32::from(local.day()),
            i32::from(local.hour()),
            i32::from(local.minute()),
            i32::from(local.second()),
            (local.nanosecond() / 1_000_000) as i32,
        );
        if (0..100).contains(&local.year()) {
            // The constructor reads years 0–99 as 1900–1999; setFullYear keeps the rest.
            d.set_full_year(local.year() as u32);
        }
        let ms = d.get_time();
        if ms.is_nan() {
            return Timestamp::from(local.assume_utc());
        }
        Timestamp::from_unix_millis(ms as i64)
            .unwrap_or_else(|| Timestamp::from(local.assume_utc()))
    }
}

/// Now, from the browser's clock.
pub fn now() -> Timestamp {
    Timestamp::from_unix_millis(Date::now() as i64)
        .unwrap_or_else(|| Timestamp::from(time::OffsetDateTime::UNIX_EPOCH))
}

/// The first day of the week for the browser's language
/// (`new Intl.Locale(navigator.language).getWeekInfo().firstDay`), Monday where unknown.
pub fn first_weekday() -> Weekday {
    week_info_first_day()
        .and_then(weekday_from_iso)
        .unwrap_or(Weekday::Monday)
}

fn week_info_first_day() -> Option<u8> {
    let global = js_sys::global();
    let language = Reflect::get(
        &Reflect::get(&global, &"navigator".into()).ok()?,
        &"language".into(),
    )
    .ok()?;
    let intl = Reflect::get(&global, &"Intl".into()).ok()?;
    let ctor: Function = Reflect::get(&intl, &"Locale".into())
        .ok()?
        .dyn_into()
        .ok()?;
    let locale = Reflect::construct(&ctor, &Array::of1(&language)).ok()?;
    // `getWeekInfo()` is the standard; older Chrome and Safari only have the `weekInfo` getter.
    let info = match Reflect::get(&locale, &"getWeekInfo".into())
        .ok()
        .and_then(|f| f.dyn_into::<Function>().ok())
    {
        Some(f) => f.call0(&locale).ok()?,
        None => Reflect::get(&locale, &"weekInfo".into()).ok()?,
    };
    let first = Reflect::get(&info, &"firstDay".into()).ok()?.as_f64()?;
    (1.0..=7.0).contains(&first).then_some(first as u8)
}
