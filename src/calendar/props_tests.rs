//! Properties that tie the modules together: what a view shows is what its range loads,
//! and cells and slots keep their promises in every zone.

use eventual_model::{Event, EventId, EventInput, Timestamp};
use proptest::prelude::*;
use time::{Date, Duration, Weekday};

use super::dates::{View, ViewKind};
use super::layout::{days_of, month_cells, slot_for_click, slot_for_drag, week_columns};
use super::testzones::{ts, zone, ZONES};
use super::zone::Offsets;

fn make(i: usize, start: Timestamp, minutes: i64, all_day: bool) -> Event {
    let (start, end) = if all_day {
        let d = start.inner().date();
        crate::time::all_day_range(d, d + Duration::days(minutes / 1440))
    } else {
        (
            start,
            Timestamp::from(start.inner() + Duration::minutes(minutes.max(1))),
        )
    };
    Event::from_input(
        EventId::new(i.to_string()),
        EventInput {
            title: format!("e{i}"),
            description: String::new(),
            location: String::new(),
            start,
            end,
            all_day,
            status: Default::default(),
        },
    )
}

fn events() -> impl Strategy<Value = Vec<(i64, i64, bool)>> {
    proptest::collection::vec(
        (0i64..(60 * 24 * 120), 1i64..(60 * 24 * 4), any::<bool>()),
        0..25,
    )
}

fn weekday(i: u8) -> Weekday {
    Weekday::Monday.nth_next(i % 7)
}

proptest! {
    #[test]
    fn a_view_shows_exactly_the_events_its_range_loads(
        zone_i in 0..ZONES.len(),
        spans in events(),
        anchor in 0i64..120,
        first in 0u8..7,
        month in any::<bool>(),
    ) {
        let z = zone(ZONES[zone_i]);
        let base = ts("2026-09-01T00:00:00Z");
        let list: Vec<Event> = spans
            .iter()
            .enumerate()
            .map(|(i, &(s, len, all_day))| make(i, Timestamp::from(base.inner() + Duration::minutes(s)), len, all_day))
            .collect();
        let kind = if month { ViewKind::Month } else { ViewKind::Week };
        let view = View::new(kind, base.inner().date() + Duration::days(anchor), weekday(first));
        let (a, b) = view.bounds();
        let range = view.range(&z);
        for e in &list {
            let (first, last) = days_of(&z, e);
            let shown = first <= b && last >= a;
            // Every event shown is loaded; a timed event loaded is shown.
            if shown {
                prop_assert!(range.overlaps(e.start, e.end), "{:?} {:?}", e, range);
            } else if !e.all_day {
                prop_assert!(!range.overlaps(e.start, e.end), "{:?} {:?}", e, range);
            }
        }
        let [prev, next] = view.neighbours(&z);
        prop_assert!(prev.from < range.from && next.to > range.to);
        if !month {
            // Weeks tile; months share their edge weeks.
            prop_assert!(prev.to == range.from && next.from == range.to);
        }
    }

    #[test]
    fn month_cells_count_every_event_once(
        zone_i in 0..ZONES.len(),
        spans in events(),
        capacity in 0usize..6,
    ) {
        let z = zone(ZONES[zone_i]);
        let base = ts("2026-09-01T00:00:00Z");
        let list: Vec<Event> = spans
            .iter()
            .enumerate()
            .map(|(i, &(s, len, all_day))| make(i, Timestamp::from(base.inner() + Duration::minutes(s)), len, all_day))
            .collect();
        let days: Vec<Date> = View::new(ViewKind::Month, base.inner().date() + Duration::days(40), Weekday::Sunday).days();
        for cell in month_cells(&z, &days, &list, capacity) {
            let on = list.iter().filter(|e| {
                let (f, l) = days_of(&z, e);
                f <= cell.date && cell.date <= l
            }).count();
            prop_assert_eq!(cell.visible.len() + cell.more, on);
            prop_assert!(cell.visible.len() <= capacity);
            prop_assert!(cell.more == 0 || cell.visible.len() < capacity.max(1));
            let all_day: Vec<bool> = cell.visible.iter().map(|&i| list[i].all_day).collect();
            prop_assert!(all_day.windows(2).all(|w| w[0] >= w[1]), "all-day first");
        }
    }

    #[test]
    fn slots_land_in_their_day_and_are_placed_where_clicked(
        zone_i in 0..ZONES.len(),
        day in 0i64..366,
        y in 0.0f64..1152.0,
        y2 in -100.0f64..1300.0,
    ) {
        let z = zone(ZONES[zone_i]);
        let day = ts("2026-01-01T00:00:00Z").inner().date() + Duration::days(day);
        let click = slot_for_click(&z, day, y, 48.0);
        prop_assert_eq!(click.end.inner() - click.start.inner(), Duration::minutes(30));
        prop_assert_eq!(z.local_date(click.start), day);
        let drag = slot_for_drag(&z, day, y, y2, 48.0);
        prop_assert!(drag.end.inner() - drag.start.inner() >= Duration::minutes(15));
        prop_assert!(drag.start >= z.midnight(day) && drag.end <= z.midnight(day + Duration::days(1)));
        // A new event made from the click shows at the clicked quarter, unless a gap moved it.
        let e = make(0, click.start, 30, false);
        let placed = week_columns(&z, &[day], &[e])[0].events[0];
        let quarter = (y / 12.0).floor() / 96.0;
        let local = z.to_local(click.start);
        if z.to_utc(local) == click.start && local.minute().is_multiple_of(15) && z.local_date(click.start) == day {
            let exists = (local.hour() as f64 * 4.0 + (local.minute() / 15) as f64) / 96.0;
            prop_assert!((placed.top - exists).abs() < 1e-9);
            prop_assert!(exists >= quarter - 1e-9);
        }
    }
}
