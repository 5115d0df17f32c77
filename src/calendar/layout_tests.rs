use eventual_model::{Event, EventId};
use proptest::prelude::*;
use time::macros::{date, datetime};
use time::{Date, Duration};

use super::layout::*;
use super::testzones::{ts, zone, ZONES};
use super::zone::Offsets;

fn event(id: &str, start: &str, end: &str, all_day: bool) -> Event {
    serde_json::from_value(serde_json::json!({
        "id": id, "title": id, "start": start, "end": end, "allDay": all_day,
    }))
    .unwrap()
}

fn week(first: Date) -> Vec<Date> {
    (0..7).map(|i| first + Duration::days(i)).collect()
}

const HOUR: f64 = 1.0 / 24.0;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn top_and_height_follow_start_and_duration() {
    let ny = zone("America/New_York");
    let days = week(date!(2026 - 11 - 01));
    let events = [
        // 09:00–10:30 EDT on Sunday 1 Nov (the fall-back day), 09:00–10:30 EST on Monday.
        event("a", "2026-11-01T14:00:00Z", "2026-11-01T15:30:00Z", false),
        event("b", "2026-11-02T14:00:00Z", "2026-11-02T15:30:00Z", false),
    ];
    let cols = week_columns(&ny, &days, &events);
    let (a, b) = (cols[0].events[0], cols[1].events[0]);
    assert_eq!((a.index, b.index), (0, 1));
    assert!(
        close(a.top, 9.0 * HOUR) && close(b.top, 9.0 * HOUR),
        "{a:?} {b:?}"
    );
    assert!(close(a.height, 1.5 * HOUR) && close(b.height, 1.5 * HOUR));
    assert_eq!((a.column, a.columns), (0, 1));
    assert!(cols[2..].iter().all(|c| c.events.is_empty()));
}

#[test]
fn the_wall_clock_scale_on_23_and_25_hour_days() {
    let ny = zone("America/New_York");
    // 8 March 2026: 01:00 EST to 04:00 EDT is 2 real hours, drawn 01:00 to 04:00.
    let spring = [event(
        "s",
        "2026-03-08T06:00:00Z",
        "2026-03-08T08:00:00Z",
        false,
    )];
    let p = week_columns(&ny, &[date!(2026 - 03 - 08)], &spring)[0].events[0];
    assert!(close(p.top, HOUR) && close(p.height, 3.0 * HOUR), "{p:?}");
    // 1 Nov 2026: 01:15 EDT to 01:45 EST is 1.5 real hours, drawn 01:15 to 01:45.
    let fall = [event(
        "f",
        "2026-11-01T05:15:00Z",
        "2026-11-01T06:45:00Z",
        false,
    )];
    let p = week_columns(&ny, &[date!(2026 - 11 - 01)], &fall)[0].events[0];
    assert!(
        close(p.top, 1.25 * HOUR) && close(p.height, 0.5 * HOUR),
        "{p:?}"
    );
    // 01:30 EDT to 01:10 EST runs the wall clock back: drawn for its real 40 minutes.
    let back = [event(
        "b",
        "2026-11-01T05:30:00Z",
        "2026-11-01T06:10:00Z",
        false,
    )];
    let p = week_columns(&ny, &[date!(2026 - 11 - 01)], &back)[0].events[0];
    assert!(
        close(p.top, 1.5 * HOUR) && close(p.height, 40.0 / 1440.0),
        "{p:?}"
    );
}

#[test]
fn a_day_whose_midnight_is_skipped_starts_at_01_00() {
    // Havana springs forward at 00:00 on 8 March 2026: the day starts at 01:00 CDT.
    let havana = zone("America/Havana");
    let day = date!(2026 - 03 - 08);
    assert_eq!(
        havana.to_local(havana.midnight(day)),
        datetime!(2026-03-08 01:00)
    );
    let first = [event(
        "f",
        "2026-03-08T05:00:00Z",
        "2026-03-08T06:00:00Z",
        false,
    )];
    let p = week_columns(&havana, &[day], &first)[0].events[0];
    assert!(close(p.top, HOUR) && close(p.height, HOUR), "{p:?}");
    assert!(!p.continues_before);
}

#[test]
fn an_event_across_midnight_shows_on_both_days_clipped() {
    let kolkata = zone("Asia/Kolkata");
    // 22:00 Tue 1 Dec to 02:00 Wed 2 Dec IST.
    let events = [event(
        "n",
        "2026-12-01T16:30:00Z",
        "2026-12-01T20:30:00Z",
        false,
    )];
    let cols = week_columns(
        &kolkata,
        &[date!(2026 - 12 - 01), date!(2026 - 12 - 02)],
        &events,
    );
    let (a, b) = (cols[0].events[0], cols[1].events[0]);
    assert!(close(a.top, 22.0 * HOUR) && close(a.height, 2.0 * HOUR));
    assert!(a.continues_after && !a.continues_before);
    assert!(close(b.top, 0.0) && close(b.height, 2.0 * HOUR));
    assert!(b.continues_before && !b.continues_after);
    // Ending exactly at midnight is one day only.
    let events = [event(
        "m",
        "2026-12-01T16:30:00Z",
        "2026-12-01T18:30:00Z",
        false,
    )];
    let cols = week_columns(
        &kolkata,
        &[date!(2026 - 12 - 01), date!(2026 - 12 - 02)],
        &events,
    );
    assert_eq!(cols[0].events.len(), 1);
    assert!(close(cols[0].events[0].top + cols[0].events[0].height, 1.0));
    assert!(cols[1].events.is_empty());
    assert_eq!(
        days_of(&kolkata, &events[0]),
        (date!(2026 - 12 - 01), date!(2026 - 12 - 01))
    );
}

#[test]
fn overlapping_events_stand_side_by_side() {
    let utc = zone("UTC");
    let events = [
        event("a", "2026-12-01T09:00:00Z", "2026-12-01T11:00:00Z", false),
        event("b", "2026-12-01T10:00:00Z", "2026-12-01T12:00:00Z", false),
        event("c", "2026-12-01T11:00:00Z", "2026-12-01T12:00:00Z", false),
        event("d", "2026-12-01T14:00:00Z", "2026-12-01T15:00:00Z", false),
    ];
    let col = &week_columns(&utc, &[date!(2026 - 12 - 01)], &events)[0].events;
    let by = |i: usize| *col.iter().find(|p| p.index == i).unwrap();
    // a and b overlap; c fits under a in column 0; all three share 2 columns; d is alone.
    assert_eq!((by(0).column, by(1).column, by(2).column), (0, 1, 0));
    assert!([0, 1, 2].iter().all(|&i| by(i).columns == 2));
    assert_eq!((by(3).column, by(3).columns), (0, 1));
}

#[test]
fn strip_rows_and_long_timed_events() {
    let utc = zone("UTC");
    let days = week(date!(2026 - 11 - 30));
    let events = [
        event("two", "2026-12-01T00:00:00Z", "2026-12-03T00:00:00Z", true),
        event("one", "2026-12-02T00:00:00Z", "2026-12-03T00:00:00Z", true),
        event(
            "long",
            "2026-12-02T12:00:00Z",
            "2026-12-04T12:00:00Z",
            false,
        ),
        event(
            "short",
            "2026-12-02T12:00:00Z",
            "2026-12-02T13:00:00Z",
            false,
        ),
    ];
    let strip = all_day_strip(&utc, &days, &events);
    assert!(strip[0].is_empty());
    assert_eq!(
        strip[1],
        vec![AllDayItem {
            index: 0,
            row: 0,
            continues_before: false,
            continues_after: true
        }]
    );
    let wed: Vec<(usize, usize)> = strip[2].iter().map(|i| (i.index, i.row)).collect();
    // Longer first: the 48-hour event takes row 1 before the one-day event.
    assert_eq!(wed, vec![(0, 0), (2, 1), (1, 2)]);
    let fri: Vec<(usize, usize)> = strip[4].iter().map(|i| (i.index, i.row)).collect();
    assert_eq!(fri, vec![(2, 1)]);
    // The 48-hour timed event is not in the hour grid; the 1-hour one is.
    let cols = week_columns(&utc, &days, &events);
    assert_eq!(
        cols[2].events.iter().map(|p| p.index).collect::<Vec<_>>(),
        vec![3]
    );
}

#[test]
fn all_day_events_stay_on_their_dates_in_every_zone() {
    let e = [event(
        "x",
        "2026-12-01T00:00:00Z",
        "2026-12-02T00:00:00Z",
        true,
    )];
    for name in ZONES {
        let z = zone(name);
        assert_eq!(
            days_of(&z, &e[0]),
            (date!(2026 - 12 - 01), date!(2026 - 12 - 01)),
            "{name}"
        );
        let strip = all_day_strip(&z, &week(date!(2026 - 11 - 30)), &e);
        assert_eq!(
            strip.iter().map(Vec::len).collect::<Vec<_>>(),
            [0, 1, 0, 0, 0, 0, 0],
            "{name}"
        );
    }
}

#[test]
fn month_cells_sort_and_count_more() {
    let london = zone("Europe/London");
    let d = "2026-12-01";
    let events = [
        event(
            "late",
            &format!("{d}T15:00:00Z"),
            &format!("{d}T16:00:00Z"),
            false,
        ),
        event(
            "early",
            &format!("{d}T08:00:00Z"),
            &format!("{d}T09:00:00Z"),
            false,
        ),
        event(
            "allday",
            &format!("{d}T00:00:00Z"),
            "2026-12-02T00:00:00Z",
            true,
        ),
        event(
            "night",
            "2026-11-30T23:00:00Z",
            &format!("{d}T01:00:00Z"),
            false,
        ),
        event(
            "other",
            "2026-12-05T08:00:00Z",
            "2026-12-05T09:00:00Z",
            false,
        ),
    ];
    let days = [date!(2026 - 11 - 30), date!(2026 - 12 - 01)];
    let cells = month_cells(&london, &days, &events, 10);
    assert_eq!(cells[0].visible, vec![3]);
    assert_eq!(cells[1].visible, vec![2, 3, 1, 0]);
    assert_eq!(cells[1].more, 0);
    // Three lines for four events: two events and "+2 more".
    let cells = month_cells(&london, &days, &events, 3);
    assert_eq!((cells[1].visible.clone(), cells[1].more), (vec![2, 3], 2));
    let cells = month_cells(&london, &days, &events, 4);
    assert_eq!((cells[1].visible.len(), cells[1].more), (4, 0));
}

#[test]
fn now_line_and_slots() {
    let ny = zone("America/New_York");
    let day = date!(2026 - 12 - 01);
    let now = ny.to_utc(datetime!(2026-12-01 13:30));
    assert!(close(now_fraction(&ny, day, now).unwrap(), 13.5 * HOUR));
    assert_eq!(now_fraction(&ny, date!(2026 - 12 - 02), now), None);
    // 48 px an hour: y = 442 px is 09:12:30, in the 09:00 quarter.
    let s = slot_for_click(&ny, day, 442.0, 48.0);
    assert_eq!(ny.to_local(s.start), datetime!(2026-12-01 09:00));
    assert_eq!(s.end.inner() - s.start.inner(), Duration::minutes(30));
    // Dragging up from 10:05 to 09:20: 09:15 to 10:15.
    let s = slot_for_drag(&ny, day, 484.0, 448.0, 48.0);
    assert_eq!(ny.to_local(s.start), datetime!(2026-12-01 09:15));
    assert_eq!(ny.to_local(s.end), datetime!(2026-12-01 10:15));
    // A drag that stays in one quarter is that quarter; the bottom of the day ends at 24:00.
    let s = slot_for_drag(&ny, day, 1150.0, 1151.0, 48.0);
    assert_eq!(s.end.inner() - s.start.inner(), Duration::minutes(15));
    let s = slot_for_drag(&ny, day, 1100.0, 5000.0, 48.0);
    assert_eq!(s.end, ny.midnight(date!(2026 - 12 - 02)));
    // The last quarter of a click still gives 30 minutes, into the next day.
    let s = slot_for_click(&ny, day, 1151.0, 48.0);
    assert_eq!(ny.to_local(s.end), datetime!(2026-12-02 00:15));
}

fn overlap(a: &Placed, b: &Placed) -> bool {
    let min = 15.0 / 1440.0;
    a.top < b.top + b.height.max(min) && b.top < a.top + a.height.max(min)
}

proptest! {
    #[test]
    fn no_two_overlapping_events_share_a_column(
        zone_i in 0..ZONES.len(),
        spans in proptest::collection::vec((0i64..(60 * 24 * 9), 1i64..(60 * 20)), 0..30),
    ) {
        let z = zone(ZONES[zone_i]);
        let base = ts("2026-10-30T00:00:00Z").inner();
        let events: Vec<Event> = spans
            .iter()
            .enumerate()
            .map(|(i, &(s, len))| {
                let start = base + Duration::minutes(s);
                Event::from_input(EventId::new(i.to_string()), eventual_model::EventInput {
                    title: format!("e{i}"),
                    description: String::new(),
                    location: String::new(),
                    start: start.into(),
                    end: (start + Duration::minutes(len)).into(),
                    all_day: false,
                    status: Default::default(),
                })
            })
            .collect();
        let days = week(date!(2026 - 10 - 31));
        for col in week_columns(&z, &days, &events) {
            for p in &col.events {
                prop_assert!(p.column < p.columns);
                prop_assert!(p.top >= 0.0 && p.height > 0.0 && p.top + p.height <= 1.0 + 1e-9);
            }
            for (i, a) in col.events.iter().enumerate() {
                for b in &col.events[i + 1..] {
                    if overlap(a, b) {
                        prop_assert!(a.column != b.column, "{:?} {:?}", a, b);
                        prop_assert_eq!(a.columns, b.columns);
                    }
                }
            }
        }
    }
}
