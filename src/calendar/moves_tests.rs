use eventual_model::Timestamp;
use proptest::prelude::*;
use time::macros::datetime;
use time::Duration;

use super::moves::{EDGE_PX, EDGE_STEP_PX};
use super::testzones::{ts, zone, ZONES};
use super::*;

fn timed(start: &str, end: &str) -> Times {
    Times {
        start: ts(start),
        end: ts(end),
        all_day: false,
    }
}

#[test]
fn a_day_move_keeps_the_wall_clock_across_dst() {
    let ny = zone("America/New_York");
    // Sat 31 Oct 2026 09:00 EDT (13:00Z) for an hour, moved to Mon 2 Nov: 09:00 EST (14:00Z).
    let t = timed("2026-10-31T13:00:00Z", "2026-10-31T14:00:00Z");
    let moved = move_by(&ny, t, Nudge::days(2));
    assert_eq!(moved.start, ts("2026-11-02T14:00:00Z"));
    assert_eq!(moved.end, ts("2026-11-02T15:00:00Z"));
    assert_eq!(ny.to_local(moved.start), datetime!(2026-11-02 09:00));
    assert_eq!(moved.start.inner() - t.start.inner(), Duration::hours(49));
}

#[test]
fn day_moves_keep_wall_clock_in_every_zone() {
    for name in ZONES {
        let z = zone(name);
        // Across the northern and southern changes of 2026.
        for start in [
            "2026-03-07T09:00",
            "2026-03-28T09:00",
            "2026-10-03T09:00",
            "2026-10-31T09:00",
        ] {
            let local = time::PrimitiveDateTime::parse(
                start,
                time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]"),
            )
            .unwrap();
            let s = z.to_utc(local);
            let t = Times {
                start: s,
                end: Timestamp::from(s.inner() + Duration::minutes(90)),
                all_day: false,
            };
            let moved = move_by(&z, t, Nudge::days(3));
            assert_eq!(
                z.to_local(moved.start),
                local + Duration::days(3),
                "{name} {start}"
            );
            assert_eq!(
                moved.end.inner() - moved.start.inner(),
                Duration::minutes(90)
            );
        }
    }
}

#[test]
fn quarter_moves_step_the_grid_and_keep_duration() {
    let london = zone("Europe/London");
    let t = timed("2026-12-01T09:00:00Z", "2026-12-01T09:45:00Z");
    let moved = move_by(
        &london,
        t,
        Nudge {
            days: 1,
            quarters: -3,
        },
    );
    assert_eq!(moved.start, ts("2026-12-02T08:15:00Z"));
    assert_eq!(moved.end, ts("2026-12-02T09:00:00Z"));
}

#[test]
fn a_step_across_a_gap_goes_the_way_the_key_says() {
    let ny = zone("America/New_York");
    // 03:00 EDT on 8 March; 15 minutes earlier on the wall is 02:45, which does not exist.
    let t = timed("2026-03-08T07:00:00Z", "2026-03-08T08:00:00Z");
    let up = move_by(&ny, t, Nudge::quarters(-1));
    assert!(up.start < t.start);
    assert_eq!(up.start, ts("2026-03-08T06:45:00Z")); // 01:45 EST
    let down = move_by(&ny, up, Nudge::quarters(1));
    assert_eq!(down.start, t.start);
    // Lord Howe's 30-minute gap, 02:00 → 02:30.
    let lh = zone("Australia/Lord_Howe");
    let s = lh.to_utc(datetime!(2026-10-04 02:30));
    let t = Times {
        start: s,
        end: Timestamp::from(s.inner() + Duration::HOUR),
        all_day: false,
    };
    let up = move_by(&lh, t, Nudge::quarters(-1));
    assert_eq!(lh.to_local(up.start), datetime!(2026-10-04 01:45));
}

#[test]
fn all_day_events_move_by_dates() {
    let (s, e) = crate::time::all_day_range(
        time::macros::date!(2026 - 10 - 31),
        time::macros::date!(2026 - 11 - 01),
    );
    let t = Times {
        start: s,
        end: e,
        all_day: true,
    };
    for name in ZONES {
        let moved = move_by(
            &zone(name),
            t,
            Nudge {
                days: 2,
                quarters: 5,
            },
        );
        assert_eq!(moved.start, ts("2026-11-02T00:00:00Z"), "{name}");
        assert_eq!(moved.end, ts("2026-11-04T00:00:00Z"), "{name}");
        assert!(moved.all_day);
        assert_eq!(resize_by(&zone(name), t, 4), t);
    }
}

#[test]
fn resize_moves_only_the_end_and_keeps_15_minutes() {
    let utc = zone("UTC");
    let t = timed("2026-12-01T09:00:00Z", "2026-12-01T10:00:00Z");
    let longer = resize_by(&utc, t, 2);
    assert_eq!(
        (longer.start, longer.end),
        (t.start, ts("2026-12-01T10:30:00Z"))
    );
    let shortest = resize_by(&utc, t, -10);
    assert_eq!(shortest.end, ts("2026-12-01T09:15:00Z"));
    let ny = zone("America/New_York");
    // End at 01:45 EST on 8 March + 15 min = 03:00 EDT: one real quarter.
    let t = timed("2026-03-08T06:00:00Z", "2026-03-08T06:45:00Z");
    assert_eq!(resize_by(&ny, t, 1).end, ts("2026-03-08T07:00:00Z"));
}

#[test]
fn keys_and_snapping() {
    use super::dates::ViewKind::{Month, Week};
    assert_eq!(Nudge::from_key(Week, ArrowKey::Up), Nudge::quarters(-1));
    assert_eq!(Nudge::from_key(Week, ArrowKey::Down), Nudge::quarters(1));
    assert_eq!(Nudge::from_key(Month, ArrowKey::Up), Nudge::days(-7));
    assert_eq!(Nudge::from_key(Month, ArrowKey::Down), Nudge::days(7));
    assert_eq!(Nudge::from_key(Month, ArrowKey::Left), Nudge::days(-1));
    assert_eq!(Nudge::from_key(Week, ArrowKey::Right), Nudge::days(1));
    assert_eq!(ArrowKey::from_key("ArrowLeft"), Some(ArrowKey::Left));
    assert_eq!(ArrowKey::from_key(" "), None);
    assert_eq!(
        Nudge::days(1) + Nudge::quarters(-2),
        Nudge {
            days: 1,
            quarters: -2
        }
    );
    // 48 px an hour: 12 px a quarter; 17 px rounds to 1, 19 px to 2, −7 px to −1.
    assert_eq!(snap_quarters(17.0, 48.0), 1);
    assert_eq!(snap_quarters(19.0, 48.0), 2);
    assert_eq!(snap_quarters(-7.0, 48.0), -1);
    assert_eq!(snap_quarters(5.0, 0.0), 0);
    assert_eq!(snap_quarters(f64::NAN, 48.0), 0);
    assert_eq!(snap_days(-130.0, 100.0), -1);
    assert_eq!(snap_days(151.0, 100.0), 2);
    // One cell left and two rows down in a month of 100 × 80 px cells: 13 days later.
    assert_eq!(snap_month_days(-90.0, 170.0, 100.0, 80.0), 13);
}

#[test]
fn times_apply_to_an_event() {
    let e: eventual_model::Event = serde_json::from_str(
        r#"{"id": "1", "title": "T", "start": "2026-12-01T09:00:00Z",
            "end": "2026-12-01T10:00:00Z", "version": 4}"#,
    )
    .unwrap();
    let moved = move_by(&zone("UTC"), Times::of(&e), Nudge::days(1)).apply_to(&e);
    assert_eq!(moved.start, ts("2026-12-02T09:00:00Z"));
    assert_eq!((moved.title.as_str(), moved.version), ("T", Some(4)));
}

proptest! {
    #[test]
    fn day_moves_undo_in_every_zone(
        zone_i in 0..ZONES.len(),
        minutes in 0i64..(60 * 24 * 366 * 2),
        length in 1i64..(60 * 30),
        days in -400i64..400,
        all_day in any::<bool>(),
    ) {
        let z = zone(ZONES[zone_i]);
        let base = ts("2026-01-01T00:00:00Z").inner();
        let t = if all_day {
            let s = Timestamp::from(base + Duration::days(minutes / 1440));
            Times { start: s, end: Timestamp::from(s.inner() + Duration::days(1 + length / 1440)), all_day }
        } else {
            let s = Timestamp::from(base + Duration::minutes(minutes));
            // Start on a wall time that exists and is not repeated, so the round trip is exact.
            let s = z.to_utc(z.to_local(s));
            prop_assume!(z.to_utc(z.to_local(s)) == s);
            Times { start: s, end: Timestamp::from(s.inner() + Duration::minutes(length)), all_day }
        };
        let there = move_by(&z, t, Nudge::days(days));
        let local_there = z.to_local(there.start);
        prop_assume!(z.to_utc(local_there) == there.start && z.to_local(there.start).time() == z.to_local(t.start).time());
        prop_assert_eq!(move_by(&z, there, Nudge::days(-days)), t);
        prop_assert_eq!(there.end.inner() - there.start.inner(), t.end.inner() - t.start.inner());
    }

    #[test]
    fn resize_never_leaves_less_than_15_minutes(zone_i in 0..ZONES.len(), minutes in 0i64..(60 * 24 * 366), q in -200i64..200) {
        let z = zone(ZONES[zone_i]);
        let s = Timestamp::from(ts("2026-01-01T00:00:00Z").inner() + Duration::minutes(minutes));
        let t = Times { start: s, end: Timestamp::from(s.inner() + Duration::minutes(60)), all_day: false };
        let r = resize_by(&z, t, q);
        prop_assert_eq!(r.start, t.start);
        prop_assert!(r.end.inner() - r.start.inner() >= MIN_DURATION);
        prop_assert_eq!(r.end > t.end, q > 0);
    }
}

#[test]
fn a_drag_near_the_grid_edge_scrolls_it_faster_the_nearer_it_gets() {
    let (top, bottom) = (100.0, 600.0);
    assert_eq!(
        edge_step(350.0, top, bottom),
        0.0,
        "the middle does not scroll"
    );
    assert_eq!(edge_step(top + EDGE_PX, top, bottom), 0.0);
    assert_eq!(edge_step(bottom - EDGE_PX, top, bottom), 0.0);
    let near_bottom = edge_step(bottom - EDGE_PX / 2.0, top, bottom);
    assert!(
        near_bottom > 0.0 && near_bottom < EDGE_STEP_PX,
        "{near_bottom}"
    );
    assert_eq!(edge_step(bottom, top, bottom), EDGE_STEP_PX);
    assert_eq!(
        edge_step(bottom + 300.0, top, bottom),
        EDGE_STEP_PX,
        "past the edge: full speed"
    );
    assert_eq!(edge_step(top - 5.0, top, bottom), -EDGE_STEP_PX);
    assert!(edge_step(top + 10.0, top, bottom) < 0.0);
    assert_eq!(
        edge_step(120.0, 100.0, 150.0),
        0.0,
        "a grid too short to have edges"
    );
    assert_eq!(edge_step(f64::NAN, top, bottom), 0.0);
}
