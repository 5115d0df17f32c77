//! The dates a view shows, how routes write them, and the UTC range a view loads.

use eventual_model::Timestamp;
use time::{Date, Duration, Month, Weekday};

use super::zone::Offsets;

/// Parses a route date, exactly `YYYY-MM-DD`; `None` for anything else or a day that does
/// not exist (`2026-02-30`).
pub fn parse_route_date(s: &str) -> Option<Date> {
    let b = s.as_bytes();
    let shape = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape {
        return None;
    }
    let year: i32 = s[..4].parse().ok()?;
    let month: u8 = s[5..7].parse().ok()?;
    let day: u8 = s[8..].parse().ok()?;
    Date::from_calendar_date(year, Month::try_from(month).ok()?, day).ok()
}

/// Writes a date as routes do: `2026-12-07`.
pub fn format_route_date(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// The local date in `zone` at the instant `now`.
pub fn today(zone: &dyn Offsets, now: Timestamp) -> Date {
    zone.local_date(now)
}

/// `d + n` days, saturating at time's date range instead of panicking.
pub(crate) fn add_days(d: Date, n: i64) -> Date {
    d.checked_add(Duration::days(n))
        .unwrap_or(if n < 0 { Date::MIN } else { Date::MAX })
}

/// The first day of the week containing `d`, for weeks starting on `first`.
pub fn week_start(d: Date, first: Weekday) -> Date {
    let back = (7 + d.weekday().number_days_from_monday() - first.number_days_from_monday()) % 7;
    add_days(d, -i64::from(back))
}

/// The same day of the month `n` months away, clamped to that month's length
/// (2026-03-31 − 1 month = 2026-02-28), as Google Calendar's Previous / Next do.
pub fn add_months(d: Date, n: i32) -> Date {
    let index = d.year() * 12 + i32::from(u8::from(d.month())) - 1 + n;
    let (year, month0) = (index.div_euclid(12), index.rem_euclid(12));
    let Ok(month) = Month::try_from(month0 as u8 + 1) else {
        return d;
    };
    let day = d.day().min(time::util::days_in_month(month, year));
    Date::from_calendar_date(year, month, day).unwrap_or(d)
}

/// ISO weekday numbers as `Intl`'s `weekInfo.firstDay` gives them: 1 = Monday … 7 = Sunday.
pub fn weekday_from_iso(n: u8) -> Option<Weekday> {
    (1..=7).contains(&n).then(|| Weekday::Sunday.nth_next(n))
}

/// Week or month.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ViewKind {
    Week,
    Month,
}

impl ViewKind {
    /// The route segment: `week` or `month`.
    pub fn as_str(self) -> &'static str {
        match self {
            ViewKind::Week => "week",
            ViewKind::Month => "month",
        }
    }

    pub fn parse(s: &str) -> Option<ViewKind> {
        match s {
            "week" => Some(ViewKind::Week),
            "month" => Some(ViewKind::Month),
            _ => None,
        }
    }
}

/// `[from, to)` in UTC: what `GET /events?from&to` asks for (its overlap filter).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct UtcRange {
    pub from: Timestamp,
    pub to: Timestamp,
}

impl UtcRange {
    /// True when `[start, end)` overlaps the range, as the server's filter decides.
    pub fn overlaps(&self, start: Timestamp, end: Timestamp) -> bool {
        start < self.to && end > self.from
    }
}

/// What a calendar route shows: a week or a month around `date`, weeks starting on
/// `first_day` (the locale's).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct View {
    pub kind: ViewKind,
    /// The date in the URL; it stays the anchor when switching Week / Month.
    pub date: Date,
    pub first_day: Weekday,
}

impl View {
    pub fn new(kind: ViewKind, date: Date, first_day: Weekday) -> View {
        View {
            kind,
            date,
            first_day,
        }
    }

    /// The view a route names (`week` or `month`, then `YYYY-MM-DD`); `None` if either is wrong.
    pub fn from_route(kind: &str, date: &str, first_day: Weekday) -> Option<View> {
        Some(View::new(
            ViewKind::parse(kind)?,
            parse_route_date(date)?,
            first_day,
        ))
    }

    /// The route path: `/calendar/week/2026-12-07`.
    pub fn path(&self) -> String {
        format!(
            "/calendar/{}/{}",
            self.kind.as_str(),
            format_route_date(self.date)
        )
    }

    /// The same date in the other kind of view.
    pub fn with_kind(self, kind: ViewKind) -> View {
        View { kind, ..self }
    }

    /// The previous week, or the previous month (same day, clamped).
    pub fn prev(self) -> View {
        self.step(-1)
    }

    /// The next week, or the next month (same day, clamped).
    pub fn next(self) -> View {
        self.step(1)
    }

    fn step(self, n: i32) -> View {
        let date = match self.kind {
            ViewKind::Week => add_days(self.date, 7 * i64::from(n)),
            ViewKind::Month => add_months(self.date, n),
        };
        View { date, ..self }
    }

    /// The rows of the view: one week, or the whole weeks that cover the month (4 to 6).
    pub fn weeks(&self) -> Vec<[Date; 7]> {
        let (first, last) = match self.kind {
            ViewKind::Week => (self.date, self.date),
            ViewKind::Month => {
                let first = self.date.replace_day(1).unwrap_or(self.date);
                let last = add_days(add_months(first, 1), -1);
                (first, last)
            }
        };
        let mut weeks = Vec::new();
        let mut start = week_start(first, self.first_day);
        while start <= last && weeks.len() < 6 {
            weeks.push(std::array::from_fn(|i| add_days(start, i as i64)));
            start = add_days(start, 7);
        }
        weeks
    }

    /// Every date shown, first to last.
    pub fn days(&self) -> Vec<Date> {
        self.weeks().into_iter().flatten().collect()
    }

    /// The first and last date shown.
    pub fn bounds(&self) -> (Date, Date) {
        let weeks = self.weeks();
        (weeks[0][0], weeks[weeks.len() - 1][6])
    }

    /// From local midnight of the first day shown to local midnight after the last. It also
    /// holds every all-day event (stored on UTC dates) of the days shown: any zone's local
    /// day overlaps the UTC day of the same date, offsets being under 24 hours.
    pub fn range(&self, zone: &dyn Offsets) -> UtcRange {
        let (first, last) = self.bounds();
        UtcRange {
            from: zone.midnight(first),
            to: zone.midnight(add_days(last, 1)),
        }
    }

    /// The ranges of the previous and next view, to load ahead.
    pub fn neighbours(&self, zone: &dyn Offsets) -> [UtcRange; 2] {
        [self.prev().range(zone), self.next().range(zone)]
    }
}

#[cfg(test)]
mod tests {
    use super::super::testzones::{ts, zone, ZONES};
    use super::*;
    use time::macros::date;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn route_dates_parse_strictly() {
        assert_eq!(parse_route_date("2026-12-07"), Some(date!(2026 - 12 - 07)));
        assert_eq!(parse_route_date("2028-02-29"), Some(date!(2028 - 02 - 29)));
        for bad in [
            "2026-02-30",
            "2027-02-29",
            "2026-13-01",
            "2026-00-10",
            "2026-12-7",
            "2026-12-07 ",
            "+026-12-07",
            "2026/12/07",
            "",
            "today",
        ] {
            assert_eq!(parse_route_date(bad), None, "{bad:?}");
        }
        assert_eq!(format_route_date(date!(2026 - 01 - 05)), "2026-01-05");
    }

    #[test]
    fn week_start_follows_the_first_weekday() {
        // 2026-12-09 is a Wednesday.
        let d = date!(2026 - 12 - 09);
        assert_eq!(week_start(d, Weekday::Monday), date!(2026 - 12 - 07));
        assert_eq!(week_start(d, Weekday::Sunday), date!(2026 - 12 - 06));
        assert_eq!(week_start(d, Weekday::Saturday), date!(2026 - 12 - 05));
        assert_eq!(week_start(d, Weekday::Wednesday), d);
        assert_eq!(weekday_from_iso(1), Some(Weekday::Monday));
        assert_eq!(weekday_from_iso(7), Some(Weekday::Sunday));
        assert_eq!(weekday_from_iso(0), None);
        assert_eq!(weekday_from_iso(8), None);
        let week = View::new(ViewKind::Week, d, Weekday::Sunday).weeks();
        assert_eq!(week.len(), 1);
        assert_eq!(week[0][0], date!(2026 - 12 - 06));
        assert_eq!(week[0][6], date!(2026 - 12 - 12));
    }

    #[test]
    fn month_is_whole_weeks() {
        // February 2026 starts on a Sunday: 4 rows from Sunday, 5 from Monday.
        let feb = View::new(ViewKind::Month, date!(2026 - 02 - 14), Weekday::Sunday);
        assert_eq!(feb.weeks().len(), 4);
        assert_eq!(feb.bounds(), (date!(2026 - 02 - 01), date!(2026 - 02 - 28)));
        let feb = feb.with_kind(ViewKind::Month);
        let monday = View {
            first_day: Weekday::Monday,
            ..feb
        };
        assert_eq!(
            monday.bounds(),
            (date!(2026 - 01 - 26), date!(2026 - 03 - 01))
        );
        // August 2026 from Monday: Sat 1 .. Mon 31 needs 6 rows.
        let aug = View::new(ViewKind::Month, date!(2026 - 08 - 31), Weekday::Monday);
        assert_eq!(aug.weeks().len(), 6);
        assert_eq!(aug.days().len(), 42);
    }

    #[test]
    fn previous_and_next() {
        let w = View::new(ViewKind::Week, date!(2026 - 12 - 30), Weekday::Monday);
        assert_eq!(w.next().date, date!(2027 - 01 - 06));
        assert_eq!(w.prev().date, date!(2026 - 12 - 23));
        let m = View::new(ViewKind::Month, date!(2026 - 03 - 31), Weekday::Monday);
        assert_eq!(m.prev().date, date!(2026 - 02 - 28));
        assert_eq!(m.next().date, date!(2026 - 04 - 30));
        let jan = View::new(ViewKind::Month, date!(2026 - 01 - 15), Weekday::Monday);
        assert_eq!(jan.prev().date, date!(2025 - 12 - 15));
        assert_eq!(jan.prev().next(), jan);
        assert_eq!(m.path(), "/calendar/month/2026-03-31");
        assert_eq!(
            View::from_route("month", "2026-03-31", Weekday::Monday),
            Some(m)
        );
        assert_eq!(
            View::from_route("month", "2026-02-30", Weekday::Monday),
            None
        );
        assert_eq!(
            View::from_route("year", "2026-03-31", Weekday::Monday),
            None
        );
        assert_eq!(ViewKind::parse("week"), Some(ViewKind::Week));
        assert_eq!(ViewKind::parse("day"), None);
    }

    #[test]
    fn range_is_local_midnights() {
        let ny = zone("America/New_York");
        // The week of the fall-back change, Sunday first: Sun Nov 1 (EDT) .. Sun Nov 8 (EST).
        let w = View::new(ViewKind::Week, date!(2026 - 11 - 04), Weekday::Sunday);
        let r = w.range(&ny);
        assert_eq!(r.from, ts("2026-11-01T04:00:00Z"));
        assert_eq!(r.to, ts("2026-11-08T05:00:00Z"));
        let [prev, next] = w.neighbours(&ny);
        assert_eq!(prev.to, r.from);
        assert_eq!(next.from, r.to);
        let kolkata = zone("Asia/Kolkata");
        let r = w.range(&kolkata);
        assert_eq!(r.from, ts("2026-10-31T18:30:00Z"));
    }

    #[test]
    fn today_is_the_local_date() {
        let now = ts("2026-12-01T23:30:00Z");
        assert_eq!(today(&zone("UTC"), now), date!(2026 - 12 - 01));
        assert_eq!(today(&zone("Asia/Kolkata"), now), date!(2026 - 12 - 02));
        assert_eq!(today(&zone("Pacific/Chatham"), now), date!(2026 - 12 - 02));
        assert_eq!(today(&zone("America/New_York"), now), date!(2026 - 12 - 01));
    }

    #[test]
    fn range_holds_the_all_day_events_of_its_days() {
        let extremes = ["Pacific/Kiritimati", "Etc/GMT+12", "Pacific/Pago_Pago"];
        for name in ZONES.iter().chain(&extremes) {
            let z = zone(name);
            let v = View::new(ViewKind::Month, date!(2026 - 10 - 15), Weekday::Monday);
            let r = v.range(&z);
            for d in v.days() {
                let (s, e) = crate::time::all_day_range(d, d);
                assert!(r.overlaps(s, e), "{name} {d}");
            }
        }
    }
}
