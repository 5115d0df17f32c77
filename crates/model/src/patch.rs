use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::{EventInput, FieldError, Status, Timestamp};

/// One member of a JSON Merge Patch (RFC 7396): absent leaves a field alone, `null` removes
/// it (resets to its default, or is refused for a required field), a value replaces it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Patch<T> {
    #[default]
    Absent,
    Null,
    Set(T),
}

impl<T> Patch<T> {
    pub fn is_absent(&self) -> bool {
        matches!(self, Patch::Absent)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Patch<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // Only called when the member is present; `#[serde(default)]` covers absence.
        Ok(match Option::<T>::deserialize(d)? {
            None => Patch::Null,
            Some(v) => Patch::Set(v),
        })
    }
}

impl<T: Serialize> Serialize for Patch<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Patch::Set(v) => v.serialize(s),
            _ => s.serialize_none(),
        }
    }
}

/// A merge patch of an event's writable fields. Read-only and unknown members are ignored,
/// the same way for PATCH, PUT and POST.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct EventPatch {
    /// 1 to 200 characters after trimming; `null` is refused (required).
    #[serde(default, skip_serializing_if = "Patch::is_absent")]
    #[cfg_attr(
        feature = "openapi",
        schema(value_type = Option<String>, min_length = 1, max_length = 200)
    )]
    pub title: Patch<String>,
    /// `null` resets it to `""`.
    #[serde(default, skip_serializing_if = "Patch::is_absent")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, max_length = 10000))]
    pub description: Patch<String>,
    /// `null` resets it to `""`.
    #[serde(default, skip_serializing_if = "Patch::is_absent")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, max_length = 500))]
    pub location: Patch<String>,
    /// `null` is refused (required).
    #[serde(default, skip_serializing_if = "Patch::is_absent")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Timestamp>))]
    pub start: Patch<Timestamp>,
    /// Strictly after `start`; `null` is refused (required).
    #[serde(default, skip_serializing_if = "Patch::is_absent")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Timestamp>))]
    pub end: Patch<Timestamp>,
    /// `null` resets it to `false`.
    #[serde(default, skip_serializing_if = "Patch::is_absent")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<bool>))]
    pub all_day: Patch<bool>,
    /// `null` resets it to `confirmed`.
    #[serde(default, skip_serializing_if = "Patch::is_absent")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Status>))]
    pub status: Patch<Status>,
}

/// Why a patch could not produce an input: the fields it left missing or cleared.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PatchError(pub Vec<FieldError>);

impl EventPatch {
    /// The patch that turns `from` into `to`: only the fields that differ.
    pub fn diff(from: &EventInput, to: &EventInput) -> EventPatch {
        fn d<T: PartialEq + Clone>(a: &T, b: &T) -> Patch<T> {
            if a == b {
                Patch::Absent
            } else {
                Patch::Set(b.clone())
            }
        }
        EventPatch {
            title: d(&from.title, &to.title),
            description: d(&from.description, &to.description),
            location: d(&from.location, &to.location),
            start: d(&from.start, &to.start),
            end: d(&from.end, &to.end),
            all_day: d(&from.all_day, &to.all_day),
            status: d(&from.status, &to.status),
        }
    }

    pub fn is_empty(&self) -> bool {
        *self == EventPatch::default()
    }

    /// Apply to an existing event's fields (PATCH).
    pub fn apply(&self, base: &EventInput) -> Result<EventInput, PatchError> {
        let mut errors = Vec::new();
        let out = EventInput {
            title: required(&self.title, Some(&base.title), "/title", &mut errors),
            description: optional(&self.description, &base.description),
            location: optional(&self.location, &base.location),
            start: required(&self.start, Some(&base.start), "/start", &mut errors),
            end: required(&self.end, Some(&base.end), "/end", &mut errors),
            all_day: optional(&self.all_day, &base.all_day),
            status: optional(&self.status, &base.status),
        };
        finish(out, errors)
    }

    /// Build a whole new set of fields (POST, PUT): required fields must be present.
    pub fn into_input(&self) -> Result<EventInput, PatchError> {
        let mut errors = Vec::new();
        let title = required(&self.title, None, "/title", &mut errors);
        let start = required(&self.start, None, "/start", &mut errors);
        let end = required(&self.end, None, "/end", &mut errors);
        let out = EventInput {
            title,
            description: optional(&self.description, &String::new()),
            location: optional(&self.location, &String::new()),
            start,
            end,
            all_day: optional(&self.all_day, &false),
            status: optional(&self.status, &Status::default()),
        };
        finish(out, errors)
    }
}

fn finish(out: EventInput, errors: Vec<FieldError>) -> Result<EventInput, PatchError> {
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(PatchError(errors))
    }
}

fn optional<T: Clone + Default>(p: &Patch<T>, base: &T) -> T {
    match p {
        Patch::Absent => base.clone(),
        Patch::Null => T::default(),
        Patch::Set(v) => v.clone(),
    }
}

/// A required field; on error returns a placeholder that `finish` never lets out.
fn required<T: Clone + Placeholder>(
    p: &Patch<T>,
    base: Option<&T>,
    pointer: &str,
    errors: &mut Vec<FieldError>,
) -> T {
    match (p, base) {
        (Patch::Set(v), _) => v.clone(),
        (Patch::Absent, Some(b)) => b.clone(),
        (Patch::Absent, None) => {
            errors.push(FieldError::new(pointer, "is required"));
            T::placeholder()
        }
        (Patch::Null, _) => {
            errors.push(FieldError::new(pointer, "is required and cannot be null"));
            T::placeholder()
        }
    }
}

trait Placeholder {
    fn placeholder() -> Self;
}
impl Placeholder for String {
    fn placeholder() -> Self {
        String::new()
    }
}
impl Placeholder for Timestamp {
    fn placeholder() -> Self {
        Timestamp::from_unix_millis(0).expect("epoch is representable")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> EventInput {
        serde_json::from_str(
            r#"{"title": "Standup", "description": "daily", "location": "Room 1",
                "start": "2026-12-01T09:00:00Z", "end": "2026-12-01T09:15:00Z",
                "status": "tentative"}"#,
        )
        .unwrap()
    }

    #[test]
    fn absent_null_and_set() {
        let p: EventPatch =
            serde_json::from_str(r#"{"title": "Retro", "location": null, "version": 99}"#).unwrap();
        let out = p.apply(&base()).unwrap();
        assert_eq!(out.title, "Retro");
        assert_eq!(out.location, "");
        assert_eq!(out.description, "daily");
        assert_eq!(out.status, Status::Tentative);
    }

    #[test]
    fn null_on_required_is_an_error_with_pointer() {
        let p: EventPatch = serde_json::from_str(r#"{"title": null, "end": null}"#).unwrap();
        let err = p.apply(&base()).unwrap_err();
        let pointers: Vec<_> = err.0.iter().map(|e| e.pointer.as_str()).collect();
        assert_eq!(pointers, ["/title", "/end"]);
    }

    #[test]
    fn into_input_requires_fields_and_defaults_the_rest() {
        let p: EventPatch = serde_json::from_str(r#"{"title": "x"}"#).unwrap();
        let err = p.into_input().unwrap_err();
        assert_eq!(err.0.len(), 2);
        let p: EventPatch = serde_json::from_str(
            r#"{"title": "x", "start": "2026-12-01T09:00:00Z", "end": "2026-12-01T10:00:00Z"}"#,
        )
        .unwrap();
        let input = p.into_input().unwrap();
        assert_eq!(input.status, Status::Confirmed);
        assert!(!input.all_day);
    }

    #[test]
    fn wrong_types_fail_to_parse() {
        assert!(serde_json::from_str::<EventPatch>(r#"{"title": 5}"#).is_err());
        assert!(serde_json::from_str::<EventPatch>(r#"{"status": "maybe"}"#).is_err());
        assert!(serde_json::from_str::<EventPatch>(r#"{"allDay": "yes"}"#).is_err());
        assert!(serde_json::from_str::<EventPatch>(r#"{"start": "soon"}"#).is_err());
    }

    #[test]
    fn diff_then_apply_round_trips() {
        let a = base();
        let mut b = base();
        b.title = "Changed".into();
        b.all_day = true;
        let p = EventPatch::diff(&a, &b);
        let json = serde_json::to_value(&p).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"title": "Changed", "allDay": true})
        );
        assert_eq!(p.apply(&a).unwrap(), b);
        assert!(EventPatch::diff(&a, &a).is_empty());
    }
}
