//! `GET /events/changes`: the change feed as Server-Sent Events.

use std::convert::Infallible;
use std::pin::Pin;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::IntoResponse;
use futures_util::stream::{self, Stream};

use super::AppState;
use crate::changes::{Change, Changes, Start};
use crate::openapi::{ServerError, Unavailable};
use crate::problem::ApiError;

type Feed = Pin<Box<dyn Stream<Item = Result<SseEvent, Infallible>> + Send>>;

/// One event per committed write, from after `Last-Event-ID` (or from now).
#[utoipa::path(
    get,
    path = "/events/changes",
    operation_id = "eventChanges",
    tag = "events",
    params(("Last-Event-ID" = Option<String>, Header,
        description = "The `id` of the last change received: the stream resumes right after it, or starts with `event: reset` when it is too old")),
    responses(
        (status = 200, description = "A stream of `{id, version, op}` changes; `event: reset` means refetch everything",
            content_type = "text/event-stream", body = String),
        (status = 500, response = ServerError),
        (status = 503, response = Unavailable),
    )
)]
pub async fn stream(
    State(s): State<AppState>,
    headers: HeaderMap,
) -> Result<impl IntoResponse, ApiError> {
    let last = headers.get("last-event-id").and_then(|v| v.to_str().ok());
    let start = s.changes.start(last).await?;
    Ok(Sse::new(feed(s.changes.clone(), start)).keep_alive(KeepAlive::default()))
}

/// What the stream still has to do.
struct Cursor {
    changes: Changes,
    /// The last sequence number sent (or skipped by a reset).
    seq: i64,
    /// Read but not yet sent, oldest first.
    ready: std::collections::VecDeque<Change>,
    reset: bool,
    closed: tokio::sync::watch::Receiver<bool>,
}

fn feed(changes: Changes, start: Start) -> Feed {
    let (seq, reset) = match start {
        Start::After(seq) => (seq, false),
        Start::Reset(seq) => (seq, true),
    };
    let cursor = Cursor {
        closed: changes.closed(),
        changes,
        seq,
        ready: Default::default(),
        reset,
    };
    Box::pin(stream::unfold(cursor, next))
}

async fn next(mut c: Cursor) -> Option<(Result<SseEvent, Infallible>, Cursor)> {
    if std::mem::take(&mut c.reset) {
        let event = SseEvent::default()
            .event("reset")
            .id(c.seq.to_string())
            .data("{}");
        return Some((Ok(event), c));
    }
    loop {
        if let Some(change) = c.ready.pop_front() {
            c.seq = change.seq;
            let data = serde_json::to_string(&change).unwrap_or_else(|_| "{}".into());
            let event = SseEvent::default().id(change.seq.to_string()).data(data);
            return Some((Ok(event), c));
        }
        if *c.closed.borrow() {
            return None;
        }
        // Armed before the read, so a write committed after it still wakes us.
        let woken = c.changes.woken();
        tokio::pin!(woken);
        woken.as_mut().enable();
        match c.changes.after(c.seq).await {
            Ok(batch) if !batch.is_empty() => {
                c.ready.extend(batch);
                continue;
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "change feed: read failed; retrying"),
        }
        tokio::select! {
            () = &mut woken => {}
            () = tokio::time::sleep(c.changes.poll) => {}
            _ = c.closed.changed() => return None,
        }
    }
}
