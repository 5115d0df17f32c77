use serde::{Deserialize, Serialize};
use serde_json::Value;

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
    /// `invalid_params` lists, a plain `{"error": "..."}`, or text. Never fails.
    pub fn from_response(status: u16, body: &str) -> Problem {
        let fallback_title = reason(status);
        let Ok(Value::Object(map)) = serde_json::from_str::<Value>(body) else {
            let text = body.trim();
            let detail = if text.is_empty() || text.starts_with('<') {
                String::new()
            } else {
                text.chars().take(300).collect()
            };
            return Problem::new(status, fallback_title, detail);
        };
        let s = |k: &str| map.get(k).and_then(Value::as_str).map(str::to_owned);
        let mut errors = Vec::new();
        if let Some(Value::Array(list)) = map.get("errors") {
            errors.extend(list.iter().filter_map(|e| {
                let pointer = e.get("pointer").and_then(Value::as_str)?;
                let detail = e
                    .get("detail")
                    .or_else(|| e.get("message"))
                    .and_then(Value::as_str)
                    .unwrap_or("is invalid");
                Some(FieldError::new(pointer, detail))
            }));
        }
        for key in ["invalid-params", "invalid_params"] {
            if let Some(Value::Array(list)) = map.get(key) {
                errors.extend(list.iter().filter_map(|e| {
                    let name = e.get("name").and_then(Value::as_str)?;
                    let reason = e
                        .get("reason")
                        .and_then(Value::as_str)
                        .unwrap_or("is invalid");
                    let pointer = if name.starts_with('/') {
                        name.to_owned()
                    } else {
                        format!("/{name}")
                    };
                    Some(FieldError::new(&pointer, reason))
                }));
            }
        }
        Problem {
            type_: s("type").unwrap_or_else(about_blank),
            title: s("title").unwrap_or_else(|| fallback_title.to_owned()),
            status: map
                .get("status")
                .and_then(Value::as_u64)
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
