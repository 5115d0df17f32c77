use serde::{Deserialize, Serialize};

use crate::{EventId, Status, Timestamp};

// The schema attributes restate `LIMITS` as literals (utoipa takes no constants); the server's
// OpenAPI tests compare them with `LIMITS`.

/// An event as a backend returns it. Read-only fields are optional because generic backends
/// may omit them; unknown fields are ignored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Event {
    /// Server-assigned.
    #[cfg_attr(feature = "openapi", schema(read_only, value_type = String, example = "1"))]
    pub id: EventId,
    /// 1 to 200 characters after trimming.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub title: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 10000))]
    pub description: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 500))]
    pub location: String,
    pub start: Timestamp,
    /// Strictly after `start`.
    pub end: Timestamp,
    /// When true, `start` and `end` are at 00:00:00Z.
    #[serde(default)]
    pub all_day: bool,
    #[serde(default)]
    pub status: Status,
    /// +1 on every change; the `ETag` is this number quoted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(read_only, value_type = u64, minimum = 1))]
    pub version: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(read_only, value_type = String, format = DateTime))]
    pub created_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(read_only, value_type = String, format = DateTime))]
    pub updated_at: Option<Timestamp>,
}

/// The writable fields: the body of POST and PUT, and what a form edits.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct EventInput {
    /// 1 to 200 characters after trimming.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub title: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 10000))]
    pub description: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 500))]
    pub location: String,
    pub start: Timestamp,
    /// Strictly after `start`.
    pub end: Timestamp,
    /// When true, `start` and `end` must be at 00:00:00Z.
    #[serde(default)]
    pub all_day: bool,
    #[serde(default)]
    pub status: Status,
}

impl Event {
    pub fn input(&self) -> EventInput {
        EventInput {
            title: self.title.clone(),
            description: self.description.clone(),
            location: self.location.clone(),
            start: self.start,
            end: self.end,
            all_day: self.all_day,
            status: self.status,
        }
    }

    /// This event with its writable fields replaced, read-only ones kept.
    pub fn with_input(&self, input: EventInput) -> Event {
        Event {
            id: self.id.clone(),
            title: input.title,
            description: input.description,
            location: input.location,
            start: input.start,
            end: input.end,
            all_day: input.all_day,
            status: input.status,
            version: self.version,
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }

    pub fn from_input(id: EventId, input: EventInput) -> Event {
        Event {
            id,
            title: input.title,
            description: input.description,
            location: input.location,
            start: input.start,
            end: input.end,
            all_day: input.all_day,
            status: input.status,
            version: None,
            created_at: None,
            updated_at: None,
        }
    }

    /// The strong entity tag the contract derives from `version`.
    pub fn etag(&self) -> Option<String> {
        self.version.map(|v| format!("\"{v}\""))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tolerates_generic_backends() {
        let e: Event = serde_json::from_str(
            r#"{"id": 7, "title": "T", "start": "2026-12-01T09:00:00Z",
                "end": "2026-12-01T10:00:00Z", "owner": {"name": "x"}}"#,
        )
        .unwrap();
        assert_eq!(e.id.as_str(), "7");
        assert_eq!(e.status, Status::Confirmed);
        assert_eq!(e.version, None);
        assert_eq!(e.etag(), None);
        assert_eq!(e.description, "");
    }

    #[test]
    fn serialises_camel_case() {
        let e: Event = serde_json::from_str(
            r#"{"id": "1", "title": "T", "start": "2026-12-01T09:00:00Z",
                "end": "2026-12-01T10:00:00Z", "allDay": true, "version": 3,
                "status": "tentative"}"#,
        )
        .unwrap();
        let v = serde_json::to_value(&e).unwrap();
        assert_eq!(v["allDay"], true);
        assert_eq!(v["status"], "tentative");
        assert_eq!(e.etag().as_deref(), Some("\"3\""));
    }
}
