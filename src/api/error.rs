use std::fmt;

use eventual_model::{FieldError, Problem};

/// Why a request failed, in the terms the UI acts on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApiError {
    /// The request never got an HTTP answer (offline, DNS, CORS, connection reset).
    Network(String),
    /// We cancelled it ourselves; nobody should be told.
    Aborted,
    /// The server answered with an error status; its body read as Problem Details.
    Http(Problem),
    /// A success answer whose body was not what the contract promises.
    Decode(String),
}

impl ApiError {
    /// The HTTP status, when there was an answer.
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Http(p) => Some(p.status),
            _ => None,
        }
    }

    /// 412: the event changed elsewhere since we last read it.
    pub fn is_conflict(&self) -> bool {
        self.status() == Some(412)
    }

    /// 404: the event is gone.
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404)
    }

    /// The server's per-field complaints (422 and friends), empty otherwise.
    pub fn field_errors(&self) -> &[FieldError] {
        match self {
            ApiError::Http(p) => &p.errors,
            _ => &[],
        }
    }

    /// Worth trying again unchanged: no answer, a timeout, throttling or a server fault.
    /// A 4xx would only fail the same way again.
    pub fn is_retryable(&self) -> bool {
        match self {
            ApiError::Network(_) => true,
            ApiError::Http(p) => p.status >= 500 || p.status == 408 || p.status == 429,
            ApiError::Aborted | ApiError::Decode(_) => false,
        }
    }

    /// One sentence for a person.
    pub fn message(&self) -> String {
        match self {
            ApiError::Network(_) => "Could not reach the server. Check your connection.".into(),
            ApiError::Aborted => "The request was cancelled.".into(),
            ApiError::Http(p) => {
                let msg = p.message();
                if msg.is_empty() {
                    format!("The server answered {}.", p.status)
                } else {
                    msg.to_owned()
                }
            }
            ApiError::Decode(_) => "The server sent an answer this app cannot read.".into(),
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for ApiError {}

/// Read an error answer's body into an [`ApiError::Http`]; whatever the backend sent
/// (Problem Details, `{"error": ..}`, HTML, nothing) becomes a Problem.
pub async fn error_from_response(resp: web_sys::Response) -> ApiError {
    let status = resp.status();
    let body = match resp.text() {
        Ok(promise) => wasm_bindgen_futures::JsFuture::from(promise)
            .await
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_default(),
        Err(_) => String::new(),
    };
    ApiError::Http(problem_from_body(status, &body))
}

/// Whatever error body a backend sent as a Problem, parsed by [`crate::json`].
pub fn problem_from_body(status: u16, body: &str) -> Problem {
    Problem::from_parsed(status, crate::json::parse(body), body)
}

impl eventual_query::QueryError for ApiError {
    fn is_retryable(&self) -> bool {
        ApiError::is_retryable(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_statuses() {
        let http = |s| ApiError::Http(Problem::new(s, "x", ""));
        assert!(http(412).is_conflict());
        assert!(http(404).is_not_found());
        assert!(http(500).is_retryable());
        assert!(http(503).is_retryable());
        assert!(!http(422).is_retryable());
        assert!(!http(412).is_retryable());
        assert!(ApiError::Network("x".into()).is_retryable());
        assert!(!ApiError::Aborted.is_retryable());
    }

    #[test]
    fn field_errors_come_from_the_problem() {
        let p = problem_from_body(
            422,
            r#"{"errors": [{"pointer": "/title", "detail": "must not be empty"}]}"#,
        );
        let e = ApiError::Http(p);
        assert_eq!(e.field_errors()[0].field(), "title");
        assert!(ApiError::Network("x".into()).field_errors().is_empty());
    }

    #[test]
    fn messages_are_human() {
        let e = ApiError::Http(problem_from_body(500, r#"{"error": "db locked"}"#));
        assert_eq!(e.to_string(), "db locked");
        let e = ApiError::Http(problem_from_body(502, ""));
        assert_eq!(e.to_string(), "Bad Gateway");
    }
}
