use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use eventual_model::{Event, EventId, EventInput, EventPatch, Timestamp};
use gloo_net::http::{Request, RequestBuilder, Response};
use serde::de::DeserializeOwned;
use web_sys::AbortSignal;

use super::error::{error_from_response, ApiError};
use super::pages::more_after;

/// What a list request asks for; its query string is also its cache key's last segment.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct ListQuery {
    /// Free-text search (`q`); empty means everything.
    pub q: String,
}

impl ListQuery {
    /// The query string without `?`, empty for "everything" (stable, so it can be a key).
    pub fn to_query_string(&self) -> String {
        let q = self.q.trim();
        if q.is_empty() {
            String::new()
        } else {
            format!("q={}", encode(q))
        }
    }
}

/// The events API client. Cheap to clone; clones share the ETag book.
#[derive(Clone)]
pub struct Api {
    inner: Arc<Inner>,
}

struct Inner {
    base: String,
    /// The entity tag of the last confirmed server version of each event, for `If-Match`.
    etags: Mutex<HashMap<EventId, String>>,
    /// Told when a read gets no HTTP answer (see [`Api::on_read_unanswered`]).
    read_unanswered: Mutex<Option<Unanswered>>,
}

type Unanswered = Arc<dyn Fn() + Send + Sync>;

impl Api {
    /// A client for the API at `base` (no trailing slash), e.g. `https://host/api`.
    pub fn new(base: impl Into<String>) -> Api {
        Api {
            inner: Arc::new(Inner {
                base: base.into().trim_end_matches('/').to_owned(),
                etags: Mutex::new(HashMap::new()),
                read_unanswered: Mutex::new(None),
            }),
        }
    }

    /// Calls `f` whenever a read (a list, a range, one event) fails without an HTTP answer:
    /// the connection's cue to check the server, since `navigator.onLine` can say "online"
    /// on a network that carries nothing.
    pub fn on_read_unanswered(&self, f: impl Fn() + Send + Sync + 'static) {
        if let Ok(mut slot) = self.inner.read_unanswered.lock() {
            *slot = Some(Arc::new(f));
        }
    }

    fn read_failed(&self, e: &ApiError) {
        if !matches!(e, ApiError::Network(_)) {
            return;
        }
        let f = self
            .inner
            .read_unanswered
            .lock()
            .ok()
            .and_then(|s| s.clone());
        if let Some(f) = f {
            f();
        }
    }

    /// The base URL this client talks to.
    pub fn base(&self) -> &str {
        &self.inner.base
    }

    fn events_url(&self) -> String {
        format!("{}/events", self.inner.base)
    }

    fn event_url(&self, id: &EventId) -> String {
        format!("{}/events/{}", self.inner.base, encode(id.as_str()))
    }

    /// The ETag we would send in `If-Match` for this event, if the backend gave us one.
    pub fn etag(&self, id: &EventId) -> Option<String> {
        self.inner.etags.lock().ok()?.get(id).cloned()
    }

    /// The newest version of this event any answer has shown us, if its tag names one.
    pub fn known_version(&self, id: &EventId) -> Option<u64> {
        self.etag(id).as_deref().and_then(tag_version)
    }

    /// Remember an event's entity tag: the `ETag` header wins, else one derived from
    /// `version`; with neither (a generic backend) we forget it and send no `If-Match`.
    fn remember(&self, event: &Event, header: Option<String>) {
        let Ok(mut etags) = self.inner.etags.lock() else {
            return;
        };
        match header.or_else(|| event.etag()) {
            Some(tag) => {
                if is_newer(etags.get(&event.id), &tag) {
                    etags.insert(event.id.clone(), tag);
                }
            }
            None => {
                etags.remove(&event.id);
            }
        }
    }

    fn forget(&self, id: &EventId) {
        if let Ok(mut etags) = self.inner.etags.lock() {
            etags.remove(id);
        }
    }

    /// `GET /events?…`: the list (the backend's first page of it), sorted by the server.
    pub async fn list(
        &self,
        query: &ListQuery,
        signal: Option<&AbortSignal>,
    ) -> Result<Vec<Event>, ApiError> {
        let qs = query.to_query_string();
        let url = if qs.is_empty() {
            self.events_url()
        } else {
            format!("{}?{qs}", self.events_url())
        };
        self.fetch_list(&url, signal)
            .await
            .map(|(events, _)| events)
    }

    /// `GET /events?…&_page=…&_limit=…`: page `page` (from 1) of the list, with the number
    /// of matching events when the backend sends `X-Total-Count`.
    pub async fn list_page(
        &self,
        query: &ListQuery,
        page: u32,
        limit: u32,
        signal: Option<&AbortSignal>,
    ) -> Result<(Vec<Event>, Option<u64>), ApiError> {
        let qs = query.to_query_string();
        let paging = format!("_page={page}&_limit={limit}");
        let qs = if qs.is_empty() {
            paging
        } else {
            format!("{qs}&{paging}")
        };
        self.fetch_list(&format!("{}?{qs}", self.events_url()), signal)
            .await
    }

    /// `GET /events?from=…&to=…&_limit=…`: every event overlapping `[from, to)`, by start.
    /// A view must show them all, so past a full first page it asks page after page
    /// (`_page=2…`) until the contract's paging rule says the end is reached.
    pub async fn range(
        &self,
        from: Timestamp,
        to: Timestamp,
        limit: u32,
        signal: Option<&AbortSignal>,
    ) -> Result<Vec<Event>, ApiError> {
        let base = format!(
            "{}?from={}&to={}&_limit={limit}",
            self.events_url(),
            encode(&from.to_string()),
            encode(&to.to_string())
        );
        let (mut events, mut total) = self.fetch_list(&base, signal).await?;
        let mut last_len = events.len();
        let mut page = 1;
        while more_after(events.len() as u64, last_len, total, limit) {
            page += 1;
            let (more, t) = self
                .fetch_list(&format!("{base}&_page={page}"), signal)
                .await?;
            last_len = more.len();
            total = t;
            events.extend(more);
        }
        // An event moved by someone else between two pages may come back on both.
        let mut seen = std::collections::HashSet::new();
        events.retain(|e| seen.insert(e.id.clone()));
        Ok(events)
    }

    async fn fetch_list(
        &self,
        url: &str,
        signal: Option<&AbortSignal>,
    ) -> Result<(Vec<Event>, Option<u64>), ApiError> {
        let resp = match super::early::list(url).await {
            Some(resp) => resp,
            None => send(Request::get(url), signal)
                .await
                .inspect_err(|e| self.read_failed(e))?,
        };
        let total = resp
            .headers()
            .get("x-total-count")
            .and_then(|v| v.trim().parse().ok());
        let events: Vec<Event> = read_json(&resp).await?;
        if let Ok(mut etags) = self.inner.etags.lock() {
            for e in &events {
                if let Some(tag) = e.etag() {
                    if is_newer(etags.get(&e.id), &tag) {
                        etags.insert(e.id.clone(), tag);
                    }
                }
            }
        }
        Ok((events, total))
    }

    /// `GET /events/{id}`.
    pub async fn get(&self, id: &EventId, signal: Option<&AbortSignal>) -> Result<Event, ApiError> {
        let resp = send(Request::get(&self.event_url(id)), signal)
            .await
            .inspect_err(|e| self.read_failed(e))?;
        let event: Event = read_json(&resp).await?;
        self.remember(&event, resp.headers().get("etag"));
        Ok(event)
    }

    /// `POST /events`. `key` (see [`IDEMPOTENCY_KEY`]) makes re-sending the same create safe.
    pub async fn create(&self, input: &EventInput, key: Option<&str>) -> Result<Event, ApiError> {
        self.write_event(keyed(Request::post(&self.events_url()), key), input)
            .await
    }

    /// `PATCH /events/{id}` with a merge patch, sent once earlier writes to the event are done
    /// (the caller's line of writes); `if_match` picks the `If-Match` then (a change saved
    /// offline carries the version it was made on), `key` is the change's idempotency key.
    pub async fn patch(
        &self,
        id: &EventId,
        patch: &EventPatch,
        if_match: impl FnOnce() -> Option<String>,
        key: Option<&str>,
    ) -> Result<Event, ApiError> {
        let builder = keyed(Request::patch(&self.event_url(id)), key);
        self.write_event(preconditioned(builder, if_match()), patch)
            .await
    }

    /// `DELETE /events/{id}` after earlier writes to the event, with the `If-Match` chosen
    /// by `if_match` then (see [`Api::patch`]). A 404 counts as done: the event is gone
    /// either way.
    pub async fn delete(
        &self,
        id: &EventId,
        if_match: impl FnOnce() -> Option<String>,
        key: Option<&str>,
    ) -> Result<(), ApiError> {
        let builder = keyed(Request::delete(&self.event_url(id)), key);
        match send(preconditioned(builder, if_match()), None).await {
            Ok(_) => {}
            Err(e) if e.is_not_found() => {}
            Err(e) => return Err(e),
        }
        self.forget(id);
        Ok(())
    }
}

impl Api {
    /// Sends `body` as JSON and reads back the event the server stored, remembering its ETag.
    async fn write_event(
        &self,
        builder: RequestBuilder,
        body: &impl serde::Serialize,
    ) -> Result<Event, ApiError> {
        let body = crate::json::to_string(body).map_err(ApiError::Decode)?;
        let req = with_body(builder, "application/json", body)?;
        let resp = send_request(req, None).await?;
        let event: Event = read_json(&resp).await?;
        self.remember(&event, resp.headers().get("etag"));
        Ok(event)
    }
}

/// `builder` with `If-Match: tag`, when there is a tag.
fn preconditioned(builder: RequestBuilder, tag: Option<String>) -> RequestBuilder {
    with_header(builder, "If-Match", tag)
}

/// `builder` with `name: value`, when there is a value.
fn with_header(builder: RequestBuilder, name: &str, value: Option<String>) -> RequestBuilder {
    match value {
        Some(value) => builder.header(name, &value),
        None => builder,
    }
}

/// The request header naming one change, the same on every send of it, so a re-send (after a
/// lost answer, a reload or a closed tab) is answered from the server's record, not applied
/// twice (draft-ietf-httpapi-idempotency-key-header).
pub const IDEMPOTENCY_KEY: &str = "Idempotency-Key";

/// `builder` with the change's idempotency key, as a structured-field string.
fn keyed(builder: RequestBuilder, key: Option<&str>) -> RequestBuilder {
    with_header(builder, IDEMPOTENCY_KEY, key.map(|k| format!("\"{k}\"")))
}

/// Send with `Accept: application/json` and the abort signal; error statuses become
/// [`ApiError::Http`], and a failure after our own abort becomes [`ApiError::Aborted`].
async fn send(builder: RequestBuilder, signal: Option<&AbortSignal>) -> Result<Response, ApiError> {
    let req = builder
        .header("Accept", "application/json")
        .abort_signal(signal)
        .build()
        .map_err(|e| ApiError::Network(e.to_string()))?;
    send_request(req, signal).await
}

/// Like [`send`] for requests with a body, already built by the caller.
fn with_body(
    builder: RequestBuilder,
    content_type: &str,
    body: String,
) -> Result<Request, ApiError> {
    builder
        .header("Accept", "application/json")
        .header("Content-Type", content_type)
        .body(body)
        .map_err(|e| ApiError::Network(e.to_string()))
}

async fn send_request(req: Request, signal: Option<&AbortSignal>) -> Result<Response, ApiError> {
    let resp = match req.send().await {
        Ok(resp) => resp,
        Err(_) if signal.is_some_and(AbortSignal::aborted) => return Err(ApiError::Aborted),
        Err(e) => return Err(ApiError::Network(e.to_string())),
    };
    if resp.ok() {
        Ok(resp)
    } else {
        Err(error_from_response(resp.into()).await)
    }
}

async fn read_json<T: DeserializeOwned>(resp: &Response) -> Result<T, ApiError> {
    let text = resp
        .text()
        .await
        .map_err(|e| ApiError::Network(e.to_string()))?;
    crate::json::from_str(&text).map_err(ApiError::Decode)
}

/// Whether `candidate` may replace `current`: a read that started before our own write can
/// land after it, and must not put an older version's tag back. Tags that are not version
/// numbers cannot be ordered, so the latest answer wins.
/// The version an entity tag names (`"3"` → 3); a generic backend's opaque tag names none.
fn tag_version(tag: &str) -> Option<u64> {
    tag.trim_start_matches("W/").trim_matches('"').parse().ok()
}

fn is_newer(current: Option<&String>, candidate: &str) -> bool {
    match (current.and_then(|c| tag_version(c)), tag_version(candidate)) {
        (Some(old), Some(new)) => new >= old,
        _ => true,
    }
}

/// Percent-encode one URL component (ids and search text).
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn etags_never_go_back_a_version() {
        let three = "\"3\"".to_owned();
        assert!(is_newer(None, "\"1\""));
        assert!(is_newer(Some(&three), "\"4\""));
        assert!(is_newer(Some(&three), "\"3\""));
        assert!(!is_newer(Some(&three), "\"2\""));
        assert!(is_newer(Some(&three), "\"abc\""));
    }

    #[test]
    fn list_query_strings_are_stable_keys() {
        assert_eq!(ListQuery::default().to_query_string(), "");
        assert_eq!(ListQuery { q: "  ".into() }.to_query_string(), "");
        assert_eq!(
            ListQuery {
                q: "café & co".into()
            }
            .to_query_string(),
            "q=caf%C3%A9%20%26%20co"
        );
    }
}
