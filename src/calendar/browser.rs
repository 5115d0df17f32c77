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
    let navigator = Reflect::get(&js_sys::global(), &"navigator".into()).ok();
    let language = navigator.and_then(|n| Reflect::get(&n, &"language".into()).ok());
    match language.and_then(|l| l.as_string()) {
        Some(language) => first_weekday_for(&language),
        None => Weekday::Monday,
    }
}

/// The first day of the week for a BCP 47 language tag (`en-US`: Sunday), Monday where
/// the browser does not know.
pub fn first_weekday_for(language: &str) -> Weekday {
    week_info_first_day(language)
        .and_then(weekday_from_iso)
        .unwrap_or(Weekday::Monday)
}

fn week_info_first_day(language: &str) -> Option<u8> {
    let global = js_sys::global();
    let intl = Reflect::get(&global, &"Intl".into()).ok()?;
    let ctor: Function = Reflect::get(&intl, &"Locale".into())
        .ok()?
        .dyn_into()
        .ok()?;
    let locale = Reflect::construct(&ctor, &Array::of1(&JsValue::from_str(language))).ok()?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;
    use wasm_bindgen_test::*;

    wasm_bindgen_test_configure!(run_in_browser);

    #[wasm_bindgen_test]
    fn week_start_comes_from_intl() {
        assert_eq!(first_weekday_for("en-US"), Weekday::Sunday);
        assert_eq!(first_weekday_for("en-GB"), Weekday::Monday);
        assert_eq!(first_weekday_for("ar-EG"), Weekday::Saturday);
        // An invalid tag makes Intl.Locale throw: Monday.
        assert_eq!(first_weekday_for("not a tag!"), Weekday::Monday);
        let _ = first_weekday();
    }

    /// Whatever zone the browser runs in, the provider agrees with `Date`'s own fields.
    #[wasm_bindgen_test]
    fn the_browser_zone_agrees_with_date() {
        let zone = BrowserZone;
        let start = Timestamp::parse("2026-01-01T00:30:00Z")
            .unwrap()
            .unix_millis();
        for hour in (0..24 * 366).step_by(7) {
            let t = Timestamp::from_unix_millis(start + hour * 3_600_000).unwrap();
            let d = Date::new(&JsValue::from_f64(t.unix_millis() as f64));
            let local = zone.to_local(t);
            assert_eq!(local.year(), d.get_full_year() as i32);
            assert_eq!(u8::from(local.month()), d.get_month() as u8 + 1);
            assert_eq!(local.day(), d.get_date() as u8);
            assert_eq!(local.hour(), d.get_hours() as u8);
            assert_eq!(local.minute(), d.get_minutes() as u8);
            // Back to UTC: the same instant, or the earlier one of a fold.
            let back = zone.to_utc(local);
            assert!(back <= t && zone.to_local(back) == local, "{t}");
        }
        // Noon in the middle of a month is no gap nor fold anywhere: it must round-trip.
        let noon = datetime!(2026-06-15 12:00);
        assert_eq!(zone.to_local(zone.to_utc(noon)), noon);
    }

    /// The browser's zone, whichever it is (run with `TZ=America/New_York` to see DST),
    /// agrees with the tz database on offsets and on resolving gaps and folds.
    #[wasm_bindgen_test]
    fn the_browser_zone_agrees_with_the_tz_database() {
        let options = js_sys::Intl::DateTimeFormat::new(&Array::new(), &js_sys::Object::new())
            .resolved_options();
        let name = Reflect::get(&options, &"timeZone".into())
            .unwrap()
            .as_string()
            .unwrap();
        let reference = super::super::testzones::zone(&name);
        let start = Timestamp::parse("2026-01-01T00:00:00Z")
            .unwrap()
            .unix_millis();
        // Every 15 minutes of 2026 as instants, and as wall times (gaps and folds included).
        for quarter in 0..(366 * 96) {
            let t = Timestamp::from_unix_millis(start + quarter * 900_000).unwrap();
            assert_eq!(
                BrowserZone.offset_at(t),
                reference.offset_at(t),
                "{name} {t}"
            );
            let wall = PrimitiveDateTime::new(t.inner().date(), t.inner().time());
            assert_eq!(
                BrowserZone.to_utc(wall),
                reference.to_utc(wall),
                "{name} {wall}"
            );
        }
    }
}
