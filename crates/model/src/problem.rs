use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A parsed JSON document, as much of it as lenient readers need: serde_json's `Value`
/// natively, the browser's `JSON.parse` result in the wasm app (which links no serde_json).
pub trait JsonTree: Sized {
    /// Whether it is an object (not an array, not null).
    fn is_object(&self) -> bool;
    /// The member `key` of an object; `None` for anything else.
    fn get(&self, key: &str) -> Option<Self>;
    /// The string it is, if it is one.
    fn as_str(&self) -> Option<String>;
    /// The non-negative integer it is, if it is one.
    fn as_u64(&self) -> Option<u64>;
    /// The elements of an array; `None` for anything else.
    fn items(&self) -> Option<Vec<Self>>;
    /// The member values of an object; `None` for anything else.
    fn values(&self) -> Option<Vec<Self>>;
}

impl JsonTree for Value {
    fn is_object(&self) -> bool {
        self.is_object()
    }
    fn get(&self, key: &str) -> Option<Self> {
        self.as_object()?.get(key).cloned()
    }
    fn as_str(&self) -> Option<String> {
        Value::as_str(self).map(str::to_owned)
    }
    fn as_u64(&self) -> Option<u64> {
        Value::as_u64(self)
    }
    fn items(&self) -> Option<Vec<Self>> {
        self.as_array().cloned()
    }
    fn values(&self) -> Option<Vec<Self>> {
        Some(self.as_object()?.values().cloned().collect())
    }
}

/// A validation failure tied to one member of the body by JSON Pointer (`/title`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    /// A JSON Pointer into the request body, such as `/title`.
    #[cfg_attr(feature = "openapi", schema(format = JsonPointer))]
    pub pointer: String,
    pub detail: String,
}

impl FieldError {
    pub fn new(pointer: &str, detail: impl Into<String>) -> Self {
        Self {
            pointer: pointer.to_owned(),
            detail: detail.into(),
        }
    }

    /// The field name the pointer names (`/title` → `title`).
    pub fn field(&self) -> &str {
        self.pointer.trim_start_matches('/')
    }
}

/// RFC 9457 Problem Details, as the server sends them and as the client reads any backend's
/// error body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Problem {
    /// A URI naming the kind of problem; `about:blank` when the status says it all.
    #[serde(rename = "type", default = "about_blank")]
    #[cfg_attr(feature = "openapi", schema(required = true, example = "about:blank"))]
    pub type_: String,
    /// The status's reason phrase.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub title: String,
    /// The HTTP status, repeated.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(required = true, minimum = 400, maximum = 599)
    )]
    pub status: u16,
    /// What went wrong, for a person.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub detail: String,
    /// One entry per invalid member (400 and 422).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

fn about_blank() -> String {
    "about:blank".to_owned()
}

impl Problem {
    pub fn new(status: u16, title: &str, detail: impl Into<String>) -> Self {
        Self {
            type_: about_blank(),
            title: title.to_owned(),
            status,
            detail: detail.into(),
            errors: Vec::new(),
        }
    }

    pub fn with_type(mut self, type_: &str) -> Self {
        self.type_ = type_.to_owned();
        self
    }

    pub fn with_errors(mut self, errors: Vec<FieldError>) -> Self {
        self.errors = errors;
        self
    }

    /// Read whatever error body a backend sent: Problem Details, `invalid-params` /
    /// `invalid_params` lists, a plain `{"error": "..."}`, or text. Never fails. (The wasm
    /// app calls [`Problem::from_parsed`] instead, so serde_json is not linked into it.)
    pub fn from_response(status: u16, body: &str) -> Problem {
        Problem::from_parsed(status, serde_json::from_str::<Value>(body).ok(), body)
    }

    /// [`Problem::from_response`] with the body already parsed (`None`: not JSON), so the
    /// wasm app can parse with the browser's `JSON.parse` instead of linking serde_json.
    pub fn from_parsed<T: JsonTree>(status: u16, parsed: Option<T>, body: &str) -> Problem {
        let fallback_title = reason(status);
        let Some(map) = parsed.filter(JsonTree::is_object) else {
            let text = body.trim();
            let detail = if text.is_empty() || text.starts_with('<') {
                String::new()
            } else {
                text.chars().take(300).collect()
            };
            return Problem::new(status, fallback_title, detail);
        };
        let s = |k: &str| map.get(k).and_then(|v| v.as_str());
        let mut errors = Vec::new();
        for e in map
            .get("errors")
            .and_then(|l| l.items())
            .unwrap_or_default()
        {
            let Some(pointer) = e.get("pointer").and_then(|p| p.as_str()) else {
                continue;
            };
            let detail = e
                .get("detail")
                .or_else(|| e.get("message"))
                .and_then(|d| d.as_str())
                .unwrap_or_else(|| "is invalid".into());
            errors.push(FieldError::new(&pointer, detail));
        }
        for key in ["invalid-params", "invalid_params"] {
            for e in map.get(key).and_then(|l| l.items()).unwrap_or_default() {
                let Some(name) = e.get("name").and_then(|n| n.as_str()) else {
                    continue;
                };
                let reason = e
                    .get("reason")
                    .and_then(|r| r.as_str())
                    .unwrap_or_else(|| "is invalid".into());
                let pointer = if name.starts_with('/') {
                    name
                } else {
                    format!("/{name}")
                };
                errors.push(FieldError::new(&pointer, reason));
            }
        }
        Problem {
            type_: s("type").unwrap_or_else(about_blank),
            title: s("title").unwrap_or_else(|| fallback_title.to_owned()),
            status: map
                .get("status")
                .and_then(|n| n.as_u64())
                .and_then(|n| u16::try_from(n).ok())
                .unwrap_or(status),
            detail: s("detail")
                .or_else(|| s("error"))
                .or_else(|| s("message"))
                .unwrap_or_default(),
            errors,
        }
    }

    /// One line for a person: the detail when there is one, else the title.
    pub fn message(&self) -> &str {
        if self.detail.is_empty() {
            &self.title
        } else {
            &self.detail
        }
    }
}

/// The standard reason phrase for the statuses the contract uses.
pub fn reason(status: u16) -> &'static str {
    match status {
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        412 => "Precondition Failed",
        413 => "Content Too Large",
        415 => "Unsupported Media Type",
        422 => "Unprocessable Content",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Error",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_problem_details() {
        let p = Problem::from_response(
            422,
            r#"{"type": "https://eventual.dev/problems/validation", "title": "Invalid event",
                "status": 422, "detail": "1 field is invalid",
                "errors": [{"pointer": "/title", "detail": "must not be empty"}]}"#,
        );
        assert_eq!(p.status, 422);
        assert_eq!(p.errors, [FieldError::new("/title", "must not be empty")]);
        assert_eq!(p.errors[0].field(), "title");
        assert_eq!(p.message(), "1 field is invalid");
    }

    #[test]
    fn reads_invalid_params_and_plain_errors() {
        let p = Problem::from_response(
            400,
            r#"{"title": "Bad", "invalid_params": [{"name": "end", "reason": "before start"}]}"#,
        );
        assert_eq!(p.errors, [FieldError::new("/end", "before start")]);
        let p = Problem::from_response(
            422,
            r#"{"invalid-params": [{"name": "title", "reason": "empty"}]}"#,
        );
        assert_eq!(p.errors[0].pointer, "/title");
        let p = Problem::from_response(500, r#"{"error": "database is locked"}"#);
        assert_eq!(p.message(), "database is locked");
        assert_eq!(p.title, "Internal Server Error");
    }

    #[test]
    fn survives_non_json_bodies() {
        let p = Problem::from_response(502, "<html><body>Bad gateway</body></html>");
        assert_eq!(p.status, 502);
        assert_eq!(p.message(), "Bad Gateway");
        let p = Problem::from_response(503, "");
        assert_eq!(p.message(), "Service Unavailable");
        let p = Problem::from_response(500, "[1,2]");
        assert_eq!(p.status, 500);
    }
}
