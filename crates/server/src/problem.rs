//! Every error the API answers, as RFC 9457 Problem Details (`application/problem+json`).

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use eventual_model::{FieldError, Problem};

/// The media type of every error body.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// Problem `type` URIs for the errors a client may want to tell apart.
pub mod types {
    /// The body is not JSON or has a member of the wrong type.
    pub const INVALID_BODY: &str = "https://eventual.dev/problems/invalid-body";
    /// The event failed validation; see `errors`.
    pub const VALIDATION: &str = "https://eventual.dev/problems/validation";
    /// `If-Match` did not match the current version.
    pub const CONFLICT: &str = "https://eventual.dev/problems/precondition-failed";
    /// A fault injected on purpose (`--fail-rate` or `X-Eventual-Fault`).
    pub const INJECTED: &str = "https://eventual.dev/problems/injected-fault";
    /// An `Idempotency-Key` came back with a different method, path or body.
    pub const IDEMPOTENCY_KEY_REUSED: &str = "https://eventual.dev/problems/idempotency-key-reused";
}

/// An error answer: a problem plus any extra headers (`ETag` on 412, `Allow` on 405).
#[derive(Debug)]
pub struct ApiError {
    /// Boxed so `Result<_, ApiError>` stays small.
    pub problem: Box<Problem>,
    /// Headers added to the response.
    pub headers: HeaderMap,
}

impl ApiError {
    /// A problem with the standard reason phrase as its title.
    pub fn new(status: StatusCode, detail: impl Into<String>) -> ApiError {
        let title = status.canonical_reason().unwrap_or("Error");
        ApiError {
            problem: Box::new(Problem::new(status.as_u16(), title, detail)),
            headers: HeaderMap::new(),
        }
    }

    /// Set the problem `type` URI.
    pub fn with_type(mut self, type_: &str) -> ApiError {
        self.problem.type_ = type_.to_owned();
        self
    }

    /// Attach per-field errors (`errors` member).
    pub fn with_errors(mut self, errors: Vec<FieldError>) -> ApiError {
        self.problem.errors = errors;
        self
    }

    /// Add a response header.
    pub fn with_header(mut self, name: header::HeaderName, value: HeaderValue) -> ApiError {
        self.headers.insert(name, value);
        self
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    /// 404 for an event that does not exist.
    pub fn not_found() -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "No such event")
    }

    /// 412 naming the version the client should refetch.
    pub fn precondition_failed(current_version: u64) -> ApiError {
        ApiError::new(
            StatusCode::PRECONDITION_FAILED,
            format!(
                "The event changed elsewhere: If-Match does not match the current version \
                 {current_version} (ETag \"{current_version}\")"
            ),
        )
        .with_type(types::CONFLICT)
        .with_header(header::ETAG, etag(current_version))
    }

    /// 422 with one entry per broken rule.
    pub fn validation(errors: Vec<FieldError>) -> ApiError {
        let n = errors.len();
        let detail = if n == 1 {
            format!("{}: {}", errors[0].field(), errors[0].detail)
        } else {
            format!("{n} fields are invalid")
        };
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, detail)
            .with_type(types::VALIDATION)
            .with_errors(errors)
    }

    /// 500 for a failure whose cause is logged here and never sent to the client.
    pub fn internal(cause: impl std::fmt::Display) -> ApiError {
        tracing::error!(error = %cause, "internal error");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "The server failed to handle the request; it has been logged",
        )
    }

    /// 503 for a temporary condition (database busy, timeout).
    pub fn unavailable(detail: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::SERVICE_UNAVAILABLE, detail)
    }
}

/// The strong entity tag for a version.
pub fn etag(version: u64) -> HeaderValue {
    HeaderValue::from_str(&format!("\"{version}\"")).expect("digits and quotes are a valid header")
}

impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> ApiError {
        let busy = match &e {
            sqlx::Error::PoolTimedOut => true,
            sqlx::Error::Database(db) => db.message().contains("database is locked"),
            _ => false,
        };
        // PostgreSQL's text cannot hold U+0000 (SQLSTATE 22021): the client's text, not a fault.
        let nul = matches!(&e, sqlx::Error::Database(db) if db.code().as_deref() == Some("22021"));
        if busy {
            tracing::warn!(error = %e, "database busy");
            ApiError::unavailable("The database is busy; try again")
        } else if nul {
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "Text may not contain the character U+0000 on this server (PostgreSQL cannot store it)",
            )
        } else {
            ApiError::internal(e)
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let body = serde_json::to_vec(&self.problem).unwrap_or_else(|_| b"{}".to_vec());
        let mut res = (status, body).into_response();
        res.headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        res.headers_mut().extend(self.headers);
        res
    }
}

/// Short, single-line, printable: safe to echo a parser's message back to a client.
pub fn sanitize(message: &str) -> String {
    const MAX: usize = 240;
    let clean: String = message
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if clean.chars().count() > MAX {
        let mut cut: String = clean.chars().take(MAX).collect();
        cut.push('…');
        cut
    } else {
        clean
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitize_strips_controls_and_truncates() {
        assert_eq!(sanitize("a\nb\u{0}"), "a b ");
        assert_eq!(sanitize(&"x".repeat(1000)).chars().count(), 241);
    }

    #[test]
    fn validation_detail_names_the_field() {
        let e = ApiError::validation(vec![FieldError::new("/title", "Title is required")]);
        assert_eq!(e.problem.detail, "title: Title is required");
        assert_eq!(e.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
}
