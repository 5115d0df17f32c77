//! The offset provider: what the calendar needs from a time zone, and nothing more.

use eventual_model::Timestamp;
use time::{Date, Duration, PrimitiveDateTime, Time, UtcOffset};

/// A time zone as the calendar sees it. The browser implements it over `js_sys::Date`
/// ([`super::browser::BrowserZone`]); tests implement it over jiff's tz database.
pub trait Offsets {
    /// The zone's offset from UTC at an instant.
    fn offset_at(&self, utc: Timestamp) -> UtcOffset;

    /// The instant a local wall-clock time names. A time skipped by a spring-forward gap
    /// shifts forward by the gap's length (02:30 → 03:30 EDT); a time repeated by a fold
    /// takes its earlier instant (01:30 EDT, not EST): what `new Date(y, m, d, h, min)` does.
    fn to_utc(&self, local: PrimitiveDateTime) -> Timestamp;

    /// The wall-clock time an instant shows in this zone.
    fn to_local(&self, utc: Timestamp) -> PrimitiveDateTime {
        let t = utc.inner();
        // Only years 0000 and 9999 can leave time's range; UTC is the least wrong there.
        let local = t.checked_to_offset(self.offset_at(utc)).unwrap_or(t);
        PrimitiveDateTime::new(local.date(), local.time())
    }

    /// The local date an instant falls on.
    fn local_date(&self, utc: Timestamp) -> Date {
        self.to_local(utc).date()
    }

    /// The first instant of a local day (01:00 where a gap swallows midnight).
    fn midnight(&self, day: Date) -> Timestamp {
        self.to_utc(PrimitiveDateTime::new(day, Time::MIDNIGHT))
    }
}

/// A zone with one offset for ever: UTC, or a fixed offset such as `+05:30`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FixedOffset(pub UtcOffset);

impl Offsets for FixedOffset {
    fn offset_at(&self, _utc: Timestamp) -> UtcOffset {
        self.0
    }

    fn to_utc(&self, local: PrimitiveDateTime) -> Timestamp {
        Timestamp::from(local.assume_offset(self.0))
    }
}

/// Wall-clock minutes since local midnight of `day` (may exceed 1440 for later days).
pub(crate) fn wall_minutes(zone: &dyn Offsets, day: Date, utc: Timestamp) -> i64 {
    let local = zone.to_local(utc);
    let days = (local.date() - day).whole_days();
    days * 1440 + i64::from(local.hour()) * 60 + i64::from(local.minute())
}

/// `local + d`, saturating at time's date range instead of panicking.
pub(crate) fn add_local(local: PrimitiveDateTime, d: Duration) -> PrimitiveDateTime {
    local.checked_add(d).unwrap_or(if d.is_negative() {
        PrimitiveDateTime::MIN
    } else {
        PrimitiveDateTime::MAX
    })
}

#[cfg(test)]
mod tests {
    use super::super::testzones::{ts, zone};
    use super::*;
    use time::macros::datetime;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn gap_shifts_forward_and_fold_takes_the_earlier_instant() {
        let ny = zone("America/New_York");
        // 2026-03-08 02:30 does not exist in New York: 03:30 EDT = 07:30Z.
        assert_eq!(
            ny.to_utc(datetime!(2026-03-08 02:30)),
            ts("2026-03-08T07:30:00Z")
        );
        // 2026-11-01 01:30 happens twice: the first, EDT (05:30Z), wins.
        assert_eq!(
            ny.to_utc(datetime!(2026-11-01 01:30)),
            ts("2026-11-01T05:30:00Z")
        );
        let lh = zone("Australia/Lord_Howe");
        // Lord Howe springs forward by 30 minutes at 02:00 on 2026-10-04.
        assert_eq!(
            lh.to_utc(datetime!(2026-10-04 02:15)),
            ts("2026-10-03T15:45:00Z")
        );
    }

    #[test]
    fn to_local_and_midnight() {
        let kolkata = zone("Asia/Kolkata");
        assert_eq!(
            kolkata.to_local(ts("2026-12-01T20:00:00Z")),
            datetime!(2026-12-02 01:30)
        );
        assert_eq!(
            kolkata.midnight(time::macros::date!(2026 - 12 - 02)),
            ts("2026-12-01T18:30:00Z")
        );
        let chatham = zone("Pacific/Chatham");
        assert_eq!(
            chatham
                .offset_at(ts("2026-12-01T00:00:00Z"))
                .whole_minutes(),
            825
        );
        let utc = FixedOffset(UtcOffset::UTC);
        assert_eq!(
            utc.to_utc(datetime!(2026-12-01 09:00)),
            ts("2026-12-01T09:00:00Z")
        );
        assert_eq!(
            utc.to_local(ts("2026-12-01T09:00:00Z")),
            datetime!(2026-12-01 09:00)
        );
    }

    #[test]
    fn wall_minutes_follow_the_wall_clock_on_dst_days() {
        let ny = zone("America/New_York");
        let day = time::macros::date!(2026 - 03 - 08);
        // 03:00 EDT is 2 hours of real time after midnight but 180 wall minutes.
        assert_eq!(wall_minutes(&ny, day, ts("2026-03-08T07:00:00Z")), 180);
        assert_eq!(wall_minutes(&ny, day, ts("2026-03-09T04:00:00Z")), 1440);
    }
}
