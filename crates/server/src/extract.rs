//! Request extractors whose every rejection is a problem, so axum's plain-text rejections
//! never reach a client.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use eventual_model::{FieldError, Timestamp};
use serde::de::DeserializeOwned;

use crate::problem::{sanitize, types, ApiError};

/// Largest accepted request body (the contract's 64 KiB).
pub const BODY_LIMIT: usize = 64 * 1024;

/// A JSON body (`application/json`, `application/merge-patch+json` or any `+json` type).
/// Not JSON → 415; too large → 413; malformed or wrong member type → 400.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        if !is_json(req.headers()) {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "The body must be JSON (Content-Type: application/json or \
                 application/merge-patch+json)",
            ));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                too_large()
            } else {
                ApiError::new(StatusCode::BAD_REQUEST, "The body could not be read")
            }
        })?;
        parse_json(&bytes).map(ApiJson)
    }
}

/// 413 with the limit spelled out.
pub fn too_large() -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        format!("The body is larger than {} KiB", BODY_LIMIT / 1024),
    )
}

fn is_json(headers: &HeaderMap) -> bool {
    let Some(ct) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let essence = ct
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// Parse a body, telling malformed JSON from a member of the wrong type (with its pointer).
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Ok(v) => {
            // Trailing garbage after the value is malformed JSON too.
            de.end().map_err(|e| invalid_json(&e))?;
            Ok(v)
        }
        Err(e) => {
            let pointer = pointer_of(e.path());
            let inner = e.into_inner();
            if inner.is_data() {
                let msg = sanitize(&strip_position(&inner.to_string()));
                // A well-formed date-time outside the years 0000..=9999 is a value the rules
                // refuse (422), not a member of the wrong type (400).
                if let (Some(p), true) = (&pointer, msg.contains(Timestamp::RANGE)) {
                    return Err(ApiError::validation(vec![FieldError::new(p, msg)]));
                }
                let errors = pointer
                    .as_deref()
                    .map(|p| vec![FieldError::new(p, msg.clone())])
                    .unwrap_or_default();
                let detail = match &pointer {
                    Some(p) => format!("{}: {msg}", p.trim_start_matches('/')),
                    None => msg,
                };
                Err(ApiError::new(StatusCode::BAD_REQUEST, detail)
                    .with_type(types::INVALID_BODY)
                    .with_errors(errors))
            } else {
                Err(invalid_json(&inner))
            }
        }
    }
}

fn invalid_json(e: &serde_json::Error) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        format!("The body is not valid JSON: {}", sanitize(&e.to_string())),
    )
    .with_type(types::INVALID_BODY)
}

/// serde_json appends " at line L column C"; keep the position only for syntax errors.
fn strip_position(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_owned(),
        None => msg.to_owned(),
    }
}

/// A JSON Pointer for the member that failed, when it is a named member.
fn pointer_of(path: &serde_path_to_error::Path) -> Option<String> {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for seg in path.iter() {
        match seg {
            Segment::Map { key } | Segment::Enum { variant: key } => {
                out.push('/');
                out.push_str(&key.replace('~', "~0").replace('/', "~1"));
            }
            Segment::Seq { index } => {
                out.push('/');
                out.push_str(&index.to_string());
            }
            Segment::Unknown => return None,
        }
    }
    (!out.is_empty()).then_some(out)
}

/// The `If-Match` precondition of a write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Precondition {
    /// No `If-Match`: the write is unconditional.
    None,
    /// `If-Match: *`: any existing event matches.
    Any,
    /// `If-Match: "3", "4"`: one of these versions must be current.
    Versions(Vec<u64>),
}

impl Precondition {
    /// Whether the event at `version` satisfies it (strong comparison).
    pub fn matches(&self, version: u64) -> bool {
        match self {
            Precondition::None | Precondition::Any => true,
            Precondition::Versions(vs) => vs.contains(&version),
        }
    }

    /// Parse an `If-Match` value: `*` or a comma-separated list of entity tags. Weak tags
    /// (`W/"3"`) never match under strong comparison; a bare number is accepted for lenient
    /// clients.
    pub fn parse(value: &str) -> Result<Precondition, String> {
        let value = value.trim();
        if value == "*" {
            return Ok(Precondition::Any);
        }
        let mut versions = Vec::new();
        for tag in value.split(',').map(str::trim).filter(|t| !t.is_empty()) {
            if tag.starts_with("W/") {
                continue;
            }
            let inner = tag
                .strip_prefix('"')
                .and_then(|t| t.strip_suffix('"'))
                .unwrap_or(tag);
            match inner.parse::<u64>() {
                Ok(v) => versions.push(v),
                // A well-formed tag this server never issued simply matches nothing.
                Err(_) if tag.len() >= 2 && tag.starts_with('"') && tag.ends_with('"') => {}
                Err(_) => return Err(format!("{tag:?} is not an entity tag")),
            }
        }
        Ok(Precondition::Versions(versions))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Precondition {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let mut values = parts.headers.get_all(header::IF_MATCH).iter().peekable();
        if values.peek().is_none() {
            return Ok(Precondition::None);
        }
        let mut joined = Vec::new();
        for v in values {
            let s = v.to_str().map_err(|_| bad_if_match("it is not ASCII"))?;
            joined.push(s.to_owned());
        }
        Precondition::parse(&joined.join(",")).map_err(|e| bad_if_match(&e))
    }
}

fn bad_if_match(why: &str) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        format!(
            "If-Match must be \"*\" or a list of entity tags such as \"3\": {}",
            sanitize(why)
        ),
    )
}

/// The `{id}` of `/events/{id}`: anything that is not a stored id's form is simply not found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IdPath(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for IdPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let Path(raw) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| ApiError::not_found())?;
        match raw.parse::<i64>() {
            Ok(id) if id > 0 && !raw.starts_with('+') => Ok(IdPath(id)),
            _ => Err(ApiError::not_found()),
        }
    }
}

/// Most events one list response holds.
pub const MAX_LIMIT: u32 = 1000;

/// The list query: `q`, `from`, `to`, `_page` (from 1), `_limit` (capped at [`MAX_LIMIT`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListParams {
    /// Text to find in title, location or description (blank means none).
    pub q: Option<String>,
    /// Only events ending after this instant.
    pub from: Option<Timestamp>,
    /// Only events starting before this instant.
    pub to: Option<Timestamp>,
    /// The page, from 1.
    pub page: u32,
    /// Events per page, 1..=[`MAX_LIMIT`].
    pub limit: u32,
}

impl ListParams {
    /// How many matching events come before this page.
    pub fn offset(&self) -> u64 {
        u64::from(self.page - 1) * u64::from(self.limit)
    }

    /// Parse the decoded query pairs; the last value of a repeated key wins, unknown keys are
    /// ignored (json-server style clients send extras).
    pub fn from_pairs(pairs: &[(String, String)]) -> Result<ListParams, ApiError> {
        let get = |k: &str| {
            pairs
                .iter()
                .rev()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.as_str())
        };
        let q = get("q")
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned);
        let from = get("from").map(|v| instant("from", v)).transpose()?;
        let to = get("to").map(|v| instant("to", v)).transpose()?;
        if let (Some(f), Some(t)) = (from, to) {
            if f > t {
                return Err(bad_query("from must not be after to"));
            }
        }
        let page = get("_page")
            .map(|v| positive("_page", v))
            .transpose()?
            .unwrap_or(1);
        let limit = get("_limit")
            .map(|v| positive("_limit", v))
            .transpose()?
            .unwrap_or(MAX_LIMIT)
            .min(MAX_LIMIT);
        Ok(ListParams {
            q,
            from,
            to,
            page,
            limit,
        })
    }
}

fn instant(name: &str, v: &str) -> Result<Timestamp, ApiError> {
    // An unencoded `+01:00` offset arrives as a space after form decoding.
    Timestamp::parse(&v.trim().replace(' ', "+"))
        .map_err(|e| bad_query(&format!("{name} {}", sanitize(&e))))
}

fn positive(name: &str, v: &str) -> Result<u32, ApiError> {
    match v.trim().parse::<u32>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err(bad_query(&format!(
            "{name} must be a whole number from 1 (got {:?})",
            sanitize(v)
        ))),
    }
}

fn bad_query(detail: &str) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, detail.to_owned())
}

impl<S: Send + Sync> FromRequestParts<S> for ListParams {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        // Lossy decoding: a bad escape or invalid UTF-8 is replaced, never a plain-text rejection.
        let raw = parts.uri.query().unwrap_or("");
        let pairs: Vec<(String, String)> = form_urlencoded::parse(raw.as_bytes())
            .into_owned()
            .collect();
        ListParams::from_pairs(&pairs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use eventual_model::EventPatch;

    #[test]
    fn if_match_forms() {
        assert_eq!(Precondition::parse("*"), Ok(Precondition::Any));
        assert_eq!(
            Precondition::parse("\"3\""),
            Ok(Precondition::Versions(vec![3]))
        );
        assert_eq!(
            Precondition::parse("\"3\", W/\"4\", \"5\""),
            Ok(Precondition::Versions(vec![3, 5]))
        );
        assert_eq!(
            Precondition::parse("7"),
            Ok(Precondition::Versions(vec![7]))
        );
        assert_eq!(
            Precondition::parse("\"abc\""),
            Ok(Precondition::Versions(vec![]))
        );
        assert!(Precondition::parse("abc").is_err());
        assert!(!Precondition::Versions(vec![]).matches(1));
    }

    #[test]
    fn json_errors_classified() {
        let e = parse_json::<EventPatch>(b"{\"title\": 5}").unwrap_err();
        assert_eq!(e.status(), StatusCode::BAD_REQUEST);
        assert_eq!(e.problem.errors[0].pointer, "/title");
        assert!(
            e.problem.detail.starts_with("title: invalid type"),
            "{}",
            e.problem.detail
        );
        let e = parse_json::<EventPatch>(b"{\"title\": ").unwrap_err();
        assert!(e.problem.detail.starts_with("The body is not valid JSON"));
        let e = parse_json::<EventPatch>(b"{} x").unwrap_err();
        assert!(e.problem.detail.starts_with("The body is not valid JSON"));
        let deep = "[".repeat(10_000);
        assert!(parse_json::<EventPatch>(deep.as_bytes()).is_err());
    }

    #[test]
    fn query_pairs_decode() {
        let pairs: Vec<(String, String)> =
            form_urlencoded::parse(b"q=a+b%21&from=2026-12-01T10:00:00+01:00&x&%zz=1")
                .into_owned()
                .collect();
        assert_eq!(pairs[0], ("q".into(), "a b!".into()));
        let p = ListParams::from_pairs(&pairs).unwrap();
        assert_eq!(p.from.unwrap().to_string(), "2026-12-01T09:00:00Z");
        assert_eq!(pairs[3].0, "%zz");
    }
}
