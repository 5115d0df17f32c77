//! What the event form holds, as plain data: strings as the inputs have them, conversion to a
//! validated [`EventInput`], and the three-way merge that lets server data flow into fields
//! the person has not touched.

use eventual_model::{validate, EventInput, FieldError, Status, Timestamp};

use crate::time;

/// The form's fields, exactly as its inputs hold them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Draft {
    pub title: String,
    pub location: String,
    pub description: String,
    /// `datetime-local` value, or `date` value when `all_day`.
    pub start: String,
    /// `datetime-local` value, or the inclusive last day when `all_day`.
    pub end: String,
    pub all_day: bool,
    pub status: Status,
}

/// Converts between instants and `datetime-local` values (the browser's zone in the app).
pub trait LocalClock {
    fn format_local(&self, t: Timestamp) -> String;
    fn parse_local(&self, s: &str) -> Option<Timestamp>;
}

/// The browser's own time zone, through `Date`.
pub struct BrowserClock;

impl LocalClock for BrowserClock {
    fn format_local(&self, t: Timestamp) -> String {
        time::timestamp_to_local_input(t)
    }
    fn parse_local(&self, s: &str) -> Option<Timestamp> {
        time::local_input_to_timestamp(s)
    }
}

impl Draft {
    /// The fields showing `input`.
    pub fn from_input(input: &EventInput, clock: &impl LocalClock) -> Draft {
        let (start, end) = if input.all_day {
            (
                time::format_date(time::utc_day(input.start)),
                time::format_date(time::all_day_last(input.start, input.end)),
            )
        } else {
            (
                clock.format_local(input.start),
                clock.format_local(input.end),
            )
        };
        Draft {
            title: input.title.clone(),
            location: input.location.clone(),
            description: input.description.clone(),
            start,
            end,
            all_day: input.all_day,
            status: input.status,
        }
    }

    /// The input these fields describe, checked with the same rules as the server.
    pub fn to_input(&self, clock: &impl LocalClock) -> Result<EventInput, Vec<FieldError>> {
        let mut errors = Vec::new();
        let (start, end) = if self.all_day {
            let first = time::parse_date(&self.start);
            let last = time::parse_date(&self.end);
            if first.is_none() {
                errors.push(FieldError::new("/start", "Enter a start date"));
            }
            if last.is_none() {
                errors.push(FieldError::new("/end", "Enter an end date"));
            }
            match (first, last) {
                (Some(f), Some(l)) if l < f => {
                    errors.push(FieldError::new("/end", "End must not be before start"));
                    (None, None)
                }
                (Some(f), Some(l)) => {
                    let (s, e) = time::all_day_range(f, l);
                    (Some(s), Some(e))
                }
                _ => (None, None),
            }
        } else {
            let start = clock.parse_local(&self.start);
            let end = clock.parse_local(&self.end);
            if start.is_none() {
                errors.push(FieldError::new("/start", "Enter a start date and time"));
            }
            if end.is_none() {
                errors.push(FieldError::new("/end", "Enter an end date and time"));
            }
            (start, end)
        };
        let input = EventInput {
            title: self.title.clone(),
            description: self.description.clone(),
            location: self.location.clone(),
            start: start.unwrap_or_else(placeholder_time),
            end: end.unwrap_or_else(placeholder_time),
            all_day: self.all_day,
            status: self.status,
        };
        if let Err(more) = validate(&input) {
            // Time rules only mean something once both times parsed.
            let times_ok = start.is_some() && end.is_some();
            errors.extend(
                more.into_iter()
                    .filter(|e| times_ok || !matches!(e.pointer.as_str(), "/start" | "/end")),
            );
        }
        if errors.is_empty() {
            Ok(input)
        } else {
            errors.sort_by_key(|e| field_order(&e.pointer));
            Err(errors)
        }
    }

    /// Three-way merge: fields the person left as they were (`self == baseline`) take the
    /// `incoming` value; fields they edited keep their edit.
    pub fn merge(&self, baseline: &Draft, incoming: &Draft) -> Draft {
        fn pick<T: PartialEq + Clone>(mine: &T, base: &T, theirs: &T) -> T {
            if mine == base {
                theirs.clone()
            } else {
                mine.clone()
            }
        }
        // Start, end and all-day go together: their strings only mean something as a set.
        let times_untouched = self.start == baseline.start
            && self.end == baseline.end
            && self.all_day == baseline.all_day;
        let (start, end, all_day) = if times_untouched {
            (
                incoming.start.clone(),
                incoming.end.clone(),
                incoming.all_day,
            )
        } else {
            (self.start.clone(), self.end.clone(), self.all_day)
        };
        Draft {
            title: pick(&self.title, &baseline.title, &incoming.title),
            location: pick(&self.location, &baseline.location, &incoming.location),
            description: pick(
                &self.description,
                &baseline.description,
                &incoming.description,
            ),
            start,
            end,
            all_day,
            status: pick(&self.status, &baseline.status, &incoming.status),
        }
    }

    /// Switch between timed and all-day, keeping the days the person picked.
    pub fn with_all_day(&self, all_day: bool) -> Draft {
        if all_day == self.all_day {
            return self.clone();
        }
        let day = |s: &str| s.split('T').next().unwrap_or_default().to_owned();
        let (start, end) = if all_day {
            (day(&self.start), day(&self.end))
        } else {
            let s = day(&self.start);
            let e = day(&self.end);
            (
                if s.is_empty() {
                    s
                } else {
                    format!("{s}T09:00")
                },
                if e.is_empty() {
                    e
                } else {
                    format!("{e}T10:00")
                },
            )
        };
        Draft {
            start,
            end,
            all_day,
            ..self.clone()
        }
    }
}

/// Stands in for an unparsable time so the other rules can still be checked.
fn placeholder_time() -> Timestamp {
    Timestamp::from(::time::OffsetDateTime::UNIX_EPOCH)
}

/// Form order, so the first error is the first invalid field.
fn field_order(pointer: &str) -> usize {
    [
        "/title",
        "/location",
        "/description",
        "/start",
        "/end",
        "/allDay",
        "/status",
    ]
    .iter()
    .position(|p| *p == pointer)
    .unwrap_or(usize::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// UTC as the "local" zone, so native tests need no browser.
    struct Utc;
    impl LocalClock for Utc {
        fn format_local(&self, t: Timestamp) -> String {
            t.to_string()[..16].to_owned()
        }
        fn parse_local(&self, s: &str) -> Option<Timestamp> {
            time::parse_wall_time(s)?;
            Timestamp::parse(&format!("{s}:00Z")).ok()
        }
    }

    fn draft() -> Draft {
        Draft {
            title: "Standup".into(),
            start: "2026-12-01T09:00".into(),
            end: "2026-12-01T09:15".into(),
            ..Draft::default()
        }
    }

    #[test]
    fn round_trips_timed_and_all_day() {
        let input = draft().to_input(&Utc).unwrap();
        assert_eq!(input.start.to_string(), "2026-12-01T09:00:00Z");
        assert_eq!(Draft::from_input(&input, &Utc), draft());
        let all_day = draft().with_all_day(true);
        assert_eq!(all_day.start, "2026-12-01");
        assert_eq!(all_day.end, "2026-12-01");
        let input = all_day.to_input(&Utc).unwrap();
        assert_eq!(input.end.to_string(), "2026-12-02T00:00:00Z");
        assert_eq!(Draft::from_input(&input, &Utc), all_day);
    }

    #[test]
    fn reports_every_broken_field_in_form_order() {
        let mut d = draft();
        d.title = "  ".into();
        d.end = "2026-12-01T08:00".into();
        let errors = d.to_input(&Utc).unwrap_err();
        let pointers: Vec<_> = errors.iter().map(|e| e.pointer.as_str()).collect();
        assert_eq!(pointers, ["/title", "/end"]);
        d.start = String::new();
        let errors = d.to_input(&Utc).unwrap_err();
        let pointers: Vec<_> = errors.iter().map(|e| e.pointer.as_str()).collect();
        assert_eq!(pointers, ["/title", "/start"]);
    }

    #[test]
    fn merge_keeps_edits_and_takes_the_rest() {
        let baseline = draft();
        let mut mine = draft();
        mine.title = "Daily standup".into();
        let mut theirs = draft();
        theirs.title = "Renamed elsewhere".into();
        theirs.location = "Room 2".into();
        let merged = mine.merge(&baseline, &theirs);
        assert_eq!(merged.title, "Daily standup");
        assert_eq!(merged.location, "Room 2");
        assert_eq!(baseline.merge(&baseline, &theirs), theirs);
    }
}
