use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};

/// An instant, always held in UTC and written as RFC 3339 (`2026-12-01T09:00:00Z`), so two
/// equal instants compare and serialize equal whatever offset a client sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::ToSchema),
    schema(value_type = String, format = DateTime, example = "2026-12-01T09:00:00Z")
)]
pub struct Timestamp(OffsetDateTime);

impl Timestamp {
    pub fn from_unix_millis(ms: i64) -> Option<Self> {
        OffsetDateTime::from_unix_timestamp_nanos(ms as i128 * 1_000_000)
            .ok()
            .map(Self)
    }

    pub fn unix_millis(self) -> i64 {
        (self.0.unix_timestamp_nanos() / 1_000_000) as i64
    }

    pub fn parse(s: &str) -> Result<Self, String> {
        OffsetDateTime::parse(s.trim(), &Rfc3339)
            .map(|t| Self(t.to_offset(UtcOffset::UTC)))
            .map_err(|_| {
                format!("must be an RFC 3339 date-time such as 2026-12-01T09:00:00Z (got {s:?})")
            })
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

impl From<OffsetDateTime> for Timestamp {
    fn from(t: OffsetDateTime) -> Self {
        Self(t.to_offset(UtcOffset::UTC))
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.0.format(&Rfc3339).map_err(|_| fmt::Error)?;
        f.write_str(&s)
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
