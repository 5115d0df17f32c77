use crate::{EventInput, FieldError};

/// The contract's limits, counted in characters (not bytes) after trimming the title.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub title_max: usize,
    pub description_max: usize,
    pub location_max: usize,
}

pub const LIMITS: Limits = Limits {
    title_max: 200,
    description_max: 10_000,
    location_max: 500,
};

/// The form an event is stored in: the title without the whitespace around it, so a stored
/// title is always the 1 to 200 characters the contract (and the OpenAPI schema) promise.
pub fn normalize(mut input: EventInput) -> EventInput {
    let trimmed = input.title.trim();
    if trimmed.len() != input.title.len() {
        input.title = trimmed.to_owned();
    }
    input
}

/// Every rule an event's writable fields must meet, with one error per broken rule, each
/// pointing at its field. The app runs this before sending; the server before storing.
pub fn validate(input: &EventInput) -> Result<(), Vec<FieldError>> {
    let mut errors = Vec::new();
    let title = input.title.trim().chars().count();
    if title == 0 {
        errors.push(FieldError::new("/title", "Title is required"));
    } else if title > LIMITS.title_max {
        errors.push(FieldError::new(
            "/title",
            format!(
                "Title is too long ({title} of at most {} characters)",
                LIMITS.title_max
            ),
        ));
    }
    let description = input.description.chars().count();
    if description > LIMITS.description_max {
        errors.push(FieldError::new(
            "/description",
            format!(
                "Description is too long ({description} of at most {} characters)",
                LIMITS.description_max
            ),
        ));
    }
    let location = input.location.chars().count();
    if location > LIMITS.location_max {
        errors.push(FieldError::new(
            "/location",
            format!(
                "Location is too long ({location} of at most {} characters)",
                LIMITS.location_max
            ),
        ));
    }
    if input.end <= input.start {
        errors.push(FieldError::new("/end", "End must be after start"));
    }
    if input.all_day {
        if !input.start.is_midnight_utc() {
            errors.push(FieldError::new(
                "/start",
                "An all-day event starts on a whole day",
            ));
        }
        if !input.end.is_midnight_utc() {
            errors.push(FieldError::new(
                "/end",
                "An all-day event ends on a whole day",
            ));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Status, Timestamp};
    #[cfg(not(target_arch = "wasm32"))]
    use proptest::prelude::*;

    fn input(title: &str, start: &str, end: &str) -> EventInput {
        EventInput {
            title: title.into(),
            description: String::new(),
            location: String::new(),
            start: Timestamp::parse(start).unwrap(),
            end: Timestamp::parse(end).unwrap(),
            all_day: false,
            status: Status::Confirmed,
        }
    }

    fn pointers(r: Result<(), Vec<FieldError>>) -> Vec<String> {
        r.err()
            .unwrap_or_default()
            .into_iter()
            .map(|e| e.pointer)
            .collect()
    }

    #[test]
    fn accepts_a_plain_event() {
        assert!(validate(&input(
            "Standup",
            "2026-12-01T09:00:00Z",
            "2026-12-01T09:15:00Z"
        ))
        .is_ok());
    }

    #[test]
    fn title_rules_count_characters_after_trim() {
        let s = "2026-12-01T09:00:00Z";
        let e = "2026-12-01T10:00:00Z";
        assert_eq!(pointers(validate(&input("   ", s, e))), ["/title"]);
        assert!(validate(&input(&"é".repeat(200), s, e)).is_ok());
        assert_eq!(
            pointers(validate(&input(&"é".repeat(201), s, e))),
            ["/title"]
        );
        assert!(validate(&input(&format!("  {}  ", "a".repeat(200)), s, e)).is_ok());
    }

    #[test]
    fn end_must_be_strictly_after_start() {
        let s = "2026-12-01T09:00:00Z";
        assert_eq!(pointers(validate(&input("x", s, s))), ["/end"]);
        assert_eq!(
            pointers(validate(&input("x", s, "2026-12-01T08:00:00Z"))),
            ["/end"]
        );
    }

    #[test]
    fn all_day_needs_whole_days() {
        let mut i = input("x", "2026-12-01T00:00:00Z", "2026-12-02T00:00:00Z");
        i.all_day = true;
        assert!(validate(&i).is_ok());
        i.start = Timestamp::parse("2026-12-01T09:00:00Z").unwrap();
        assert_eq!(pointers(validate(&i)), ["/start"]);
    }

    #[test]
    fn length_limits() {
        let mut i = input("x", "2026-12-01T09:00:00Z", "2026-12-01T10:00:00Z");
        i.location = "l".repeat(501);
        i.description = "d".repeat(10_001);
        assert_eq!(pointers(validate(&i)), ["/description", "/location"]);
    }

    #[cfg(not(target_arch = "wasm32"))]
    proptest! {
        #[test]
        fn errors_point_only_at_broken_rules(title in ".{0,250}", len in 0i64..100_000, desc in 0usize..10_010) {
            let mut i = input("x", "2026-12-01T09:00:00Z", "2026-12-01T09:00:00Z");
            i.title = title.clone();
            i.end = Timestamp::from_unix_millis(i.start.unix_millis() + len - 50_000).unwrap();
            i.description = "d".repeat(desc);
            let got = pointers(validate(&i));
            let t = title.trim().chars().count();
            prop_assert_eq!(got.contains(&"/title".to_string()), t == 0 || t > 200);
            prop_assert_eq!(got.contains(&"/end".to_string()), i.end <= i.start);
            prop_assert_eq!(got.contains(&"/description".to_string()), desc > 10_000);
        }

        #[test]
        fn a_valid_title_is_stored_within_the_schema_limits(pad in "[ \\t\\r\\n]{0,5}", body in "\\PC{1,200}") {
            let mut i = input("x", "2026-12-01T09:00:00Z", "2026-12-01T10:00:00Z");
            i.title = format!("{pad}{body}{pad}");
            prop_assume!(validate(&i).is_ok());
            let stored = normalize(i).title;
            prop_assert!((1..=200).contains(&stored.chars().count()), "{:?}", stored);
            prop_assert_eq!(stored.trim(), stored.as_str());
        }
    }
}
