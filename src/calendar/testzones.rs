//! Test zones over jiff's bundled tz database: the reference the browser's `Date` must agree
//! with. Native tests only; jiff never reaches the wasm.

use eventual_model::Timestamp;
use time::{PrimitiveDateTime, UtcOffset};

use super::zone::Offsets;

/// The zones every zone-dependent test runs in: DST of one hour (both hemispheres), of 30
/// minutes (Lord Howe), none (Kolkata, UTC), and a +12:45/+13:45 one (Chatham).
pub const ZONES: [&str; 6] = [
    "America/New_York",
    "Europe/London",
    "Australia/Lord_Howe",
    "Asia/Kolkata",
    "Pacific/Chatham",
    "UTC",
];

pub struct Jiff(pub jiff::tz::TimeZone);

pub fn zone(name: &str) -> Jiff {
    Jiff(jiff::tz::TimeZone::get(name).expect("zone in jiff's bundled tzdb"))
}

pub fn ts(s: &str) -> Timestamp {
    Timestamp::parse(s).unwrap()
}

impl Offsets for Jiff {
    fn offset_at(&self, utc: Timestamp) -> UtcOffset {
        let t = jiff::Timestamp::from_millisecond(utc.unix_millis()).unwrap();
        UtcOffset::from_whole_seconds(self.0.to_offset(t).seconds()).unwrap()
    }

    fn to_utc(&self, local: PrimitiveDateTime) -> Timestamp {
        let dt = jiff::civil::DateTime::new(
            local.year() as i16,
            u8::from(local.month()) as i8,
            local.day() as i8,
            local.hour() as i8,
            local.minute() as i8,
            local.second() as i8,
            local.nanosecond() as i32,
        )
        .unwrap();
        // "compatible": gap → later, fold → earlier, as JavaScript's Date and Temporal do.
        let t = self.0.to_ambiguous_timestamp(dt).compatible().unwrap();
        Timestamp::from_unix_millis(t.as_millisecond()).unwrap()
    }
}
