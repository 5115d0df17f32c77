//! Timestamps at and past the edges of what RFC 3339 can write (years 0000 to 9999 in UTC):
//! rejected or clamped, never a panic, and whatever parses formats and parses back unchanged.
// proptest is a native-only dev-dependency (its getrandom does not build for wasm32).
#![cfg(not(target_arch = "wasm32"))]

use eventual_model::{Event, Timestamp};
use proptest::prelude::*;
use time::macros::datetime;

/// Valid RFC 3339 whose UTC instant falls outside years 0000..=9999.
const PAST_THE_EDGE: [&str; 4] = [
    "9999-12-31T23:30:00-01:00",
    "9999-12-31T23:59:59.999999999-00:01",
    "0000-01-01T00:00:00+01:00",
    "0000-01-01T00:59:59.999+01:00",
];

#[test]
fn instants_past_year_9999_or_before_year_0_in_utc_are_refused() {
    for s in PAST_THE_EDGE {
        let err = Timestamp::parse(s).expect_err(s);
        assert!(err.contains(Timestamp::RANGE), "{s}: {err}");
        let json = format!(r#"{{"id":"1","title":"x","start":"{s}","end":"{s}"}}"#);
        assert!(serde_json::from_str::<Event>(&json).is_err(), "{s}");
    }
}

#[test]
fn the_edges_themselves_are_accepted_and_written_in_utc() {
    for (s, utc) in [
        ("0000-01-01T00:00:00Z", "0000-01-01T00:00:00Z"),
        ("0000-01-01T00:00:00-01:00", "0000-01-01T01:00:00Z"),
        (
            "9999-12-31T23:59:59.999999999Z",
            "9999-12-31T23:59:59.999999999Z",
        ),
        ("9999-12-31T23:30:00+01:00", "9999-12-31T22:30:00Z"),
        ("2026-12-01T09:00:00.250+00:00", "2026-12-01T09:00:00.25Z"),
    ] {
        let t = Timestamp::parse(s).expect(s);
        assert_eq!(t.to_string(), utc);
        assert_eq!(Timestamp::parse(utc), Ok(t));
    }
}

#[test]
fn millis_outside_the_range_are_none() {
    let min = Timestamp::parse("0000-01-01T00:00:00Z")
        .unwrap()
        .unix_millis();
    let max = Timestamp::parse("9999-12-31T23:59:59.999Z")
        .unwrap()
        .unix_millis();
    assert!(Timestamp::from_unix_millis(min).is_some());
    assert!(Timestamp::from_unix_millis(max).is_some());
    assert_eq!(Timestamp::from_unix_millis(min - 1), None);
    assert_eq!(Timestamp::from_unix_millis(max + 1), None);
    assert_eq!(Timestamp::from_unix_millis(i64::MIN), None);
}

#[test]
fn a_date_time_outside_the_range_is_clamped_to_the_nearest_edge() {
    let late = Timestamp::from(datetime!(9999-12-31 23:30 -1));
    assert_eq!(late.to_string(), "9999-12-31T23:59:59.999999999Z");
    let early = Timestamp::from(datetime!(-0001-06-01 12:00 UTC));
    assert_eq!(early.to_string(), "0000-01-01T00:00:00Z");
    assert_eq!(
        Timestamp::from(datetime!(2026-12-01 10:00 +1)).to_string(),
        "2026-12-01T09:00:00Z"
    );
}

/// Often one of the two edges, otherwise anything in `range` (a little past both edges).
fn edge_or(low: u8, high: u8, range: std::ops::RangeInclusive<u8>) -> impl Strategy<Value = u8> {
    prop_oneof![Just(low), Just(high), range]
}

/// RFC 3339-shaped text from parts that are mostly valid, edges included.
fn rfc3339ish() -> impl Strategy<Value = String> {
    let year = prop_oneof![Just(0i32), Just(9999), 0..=9999i32, Just(10000)];
    let frac = prop_oneof![
        Just(String::new()),
        (0u32..1_000_000_000, 1usize..=9).prop_map(|(n, d)| format!(".{:09}", n)[..=d].to_owned()),
    ];
    let offset = prop_oneof![
        Just("Z".to_owned()),
        Just("z".to_owned()),
        (
            any::<bool>(),
            edge_or(1, 23, 0..=24),
            edge_or(0, 59, 0..=60)
        )
            .prop_map(|(neg, h, m)| format!("{}{h:02}:{m:02}", if neg { '-' } else { '+' })),
    ];
    (
        year,
        edge_or(1, 12, 0..=13),
        edge_or(1, 31, 0..=32),
        edge_or(0, 23, 0..=24),
        edge_or(0, 59, 0..=60),
        edge_or(0, 59, 0..=60),
        frac,
        offset,
        prop_oneof![Just('T'), Just('t'), Just(' ')],
    )
        .prop_map(|(y, mo, d, h, mi, s, f, o, sep)| {
            format!("{y:04}-{mo:02}-{d:02}{sep}{h:02}:{mi:02}:{s:02}{f}{o}")
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn whatever_parses_formats_and_parses_back_to_the_same_instant(s in rfc3339ish()) {
        if let Ok(t) = Timestamp::parse(&s) {
            let written = t.to_string();
            prop_assert_eq!(Timestamp::parse(&written), Ok(t), "{} -> {}", s, written);
            prop_assert!(written.ends_with('Z'));
            let json = serde_json::to_string(&t).unwrap();
            prop_assert_eq!(serde_json::from_str::<Timestamp>(&json).unwrap(), t);
        }
    }

    #[test]
    fn arbitrary_text_never_panics(s in "\\PC{0,40}") {
        if let Ok(t) = Timestamp::parse(&s) {
            prop_assert_eq!(Timestamp::parse(&t.to_string()), Ok(t));
        }
    }

    #[test]
    fn any_millis_either_round_trip_or_are_none(
        ms in prop_oneof![any::<i64>(), -320_000_000_000_000..=320_000_000_000_000i64]
    ) {
        if let Some(t) = Timestamp::from_unix_millis(ms) {
            prop_assert_eq!(t.unix_millis(), ms);
            prop_assert_eq!(Timestamp::parse(&t.to_string()), Ok(t));
        }
    }
}
