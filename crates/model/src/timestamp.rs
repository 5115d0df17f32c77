use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::format_description::well_known::Rfc3339;
use time::macros::datetime;
use time::{OffsetDateTime, UtcOffset};

/// An instant, always held in UTC and written as RFC 3339 (`2026-12-01T09:00:00Z`), so two
/// equal instants compare and serialize equal whatever offset a client sent. Only years
/// 0000 to 9999 in UTC, the ones RFC 3339 can write: parsing refuses the rest, so converting
/// and formatting never fail (nor panic, in the server or the WASM app).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::ToSchema),
    schema(value_type = String, format = DateTime, example = "2026-12-01T09:00:00Z")
)]
pub struct Timestamp(OffsetDateTime);

const MIN: OffsetDateTime = datetime!(0000-01-01 00:00:00 UTC);
const MAX: OffsetDateTime = datetime!(9999-12-31 23:59:59.999_999_999 UTC);

impl Timestamp {
    /// The instants a timestamp can hold, as error messages name them.
    pub const RANGE: &'static str =
        "between 0000-01-01T00:00:00Z and 9999-12-31T23:59:59.999999999Z";

    /// The instant, or `None` outside years 0000..=9999 in UTC.
    pub fn new(t: OffsetDateTime) -> Option<Self> {
        let utc = t.checked_to_offset(UtcOffset::UTC)?;
        (MIN..=MAX).contains(&utc).then_some(Self(utc))
    }

    pub fn from_unix_millis(ms: i64) -> Option<Self> {
        OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
            .ok()
            .and_then(Self::new)
    }

    pub fn unix_millis(self) -> i64 {
        // In range by construction: years 0..=9999 are about ±2.5e14 ms.
        (self.0.unix_timestamp_nanos() / 1_000_000) as i64
    }

    pub fn parse(s: &str) -> Result<Self, String> {
        let t = OffsetDateTime::parse(s.trim(), &Rfc3339).map_err(|_| {
            format!("must be an RFC 3339 date-time such as 2026-12-01T09:00:00Z (got {s:?})")
        })?;
        Self::new(t).ok_or_else(|| format!("must be {} (got {s:?})", Self::RANGE))
    }

    /// True at 00:00:00 UTC: the form all-day events use for their dates.
    pub fn is_midnight_utc(self) -> bool {
        let t = self.0.time();
        t.hour() == 0 && t.minute() == 0 && t.second() == 0 && t.nanosecond() == 0
    }

    pub fn inner(self) -> OffsetDateTime {
        self.0
    }
}

/// Clamped to the nearest representable instant: an out-of-range date-time here comes from
/// the program, not from input (input goes through [`Timestamp::parse`]).
impl From<OffsetDateTime> for Timestamp {
    fn from(t: OffsetDateTime) -> Self {
        Self::new(t).unwrap_or(if t < MIN { Self(MIN) } else { Self(MAX) })
    }
}

/// RFC 3339 in UTC, written by hand so it cannot fail: `2026-12-01T09:00:00Z`, with a
/// fraction only when there is one, trailing zeros trimmed (as the `time` crate writes it).
impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (d, t) = (self.0.date(), self.0.time());
        write!(
            f,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            d.year(),
            u8::from(d.month()),
            d.day(),
            t.hour(),
            t.minute(),
            t.second()
        )?;
        if t.nanosecond() != 0 {
            let digits = format!("{:09}", t.nanosecond());
            write!(f, ".{}", digits.trim_end_matches('0'))?;
        }
        f.write_str("Z")
    }
}

impl FromStr for Timestamp {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_offsets_to_utc() {
        let a = Timestamp::parse("2026-12-01T10:00:00+01:00").unwrap();
        let b = Timestamp::parse("2026-12-01T09:00:00Z").unwrap();
        assert_eq!(a, b);
        assert_eq!(a.to_string(), "2026-12-01T09:00:00Z");
    }

    #[test]
    fn rejects_non_rfc3339() {
        for bad in [
            "2026-12-01",
            "tomorrow",
            "2026-13-01T00:00:00Z",
            "",
            "2026-12-01 09:00",
        ] {
            assert!(Timestamp::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn millis_round_trip() {
        let t = Timestamp::parse("2026-12-01T09:00:00.250Z").unwrap();
        assert_eq!(Timestamp::from_unix_millis(t.unix_millis()), Some(t));
    }
}
