//! `Idempotency-Key` on writes (after draft-ietf-httpapi-idempotency-key-header): a write
//! re-sent with the key of one that already succeeded gets that first answer replayed instead
//! of being applied again.
//!
//! - functional core: [`key`] (header grammar), [`store::Fingerprint`] equality;
//! - shell: [`store`] (SQLite), [`middleware`], which runs a keyed write inside a
//!   [`HeldTx`] so its check, its effect and its record commit together.

pub mod key;
pub mod store;

use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{MatchedPath, OriginalUri, Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body_util::{BodyExt, LengthLimitError, Limited};

pub use key::IdempotencyKey;
use store::{now_ms, Fingerprint, KeyTable, Record, SavedResponse};

use crate::db::{HeldTx, Pool, Turn, WriteTurns};
use crate::extract::{too_large, BODY_LIMIT};
use crate::fate::Fate;
use crate::problem::{sanitize, types, ApiError};

/// The request header naming a write's key.
pub const IDEMPOTENCY_KEY: &str = "idempotency-key";

/// The response header marking an answer replayed from an earlier request.
pub const IDEMPOTENT_REPLAYED: &str = "idempotent-replayed";

/// The state behind [`middleware`]: the database, its write turns, the key table and the
/// task purging expired keys (stopped when this is dropped with the router).
#[derive(Debug)]
pub struct Idempotency {
    pool: Pool,
    turns: WriteTurns,
    table: KeyTable,
    purger: tokio::task::JoinHandle<()>,
}

/// How the key table is bounded.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Keyed writes that may wait for their write turn at once.
    pub max_queued: usize,
    /// Records kept; past it the oldest go.
    pub max_keys: u32,
    /// How often expired records are deleted.
    pub purge_every: Duration,
}

impl Idempotency {
    /// Keys kept in the database behind `pool` (must run inside a Tokio runtime).
    pub fn new(pool: Pool, limits: Limits) -> Idempotency {
        Idempotency {
            purger: store::spawn_purger(pool.clone(), limits.purge_every),
            pool,
            turns: WriteTurns::new(limits.max_queued),
            table: KeyTable::new(limits.max_keys),
        }
    }
}

impl Drop for Idempotency {
    fn drop(&mut self) {
        self.purger.abort();
    }
}

/// Methods a key applies to.
fn is_write(method: &Method) -> bool {
    [Method::POST, Method::PATCH, Method::PUT, Method::DELETE].contains(method)
}

/// The middleware: writes without the header, reads and unmatched paths pass untouched.
pub async fn middleware(
    State(idem): State<Arc<Idempotency>>,
    req: Request,
    next: Next,
) -> Response {
    if !is_write(req.method()) || req.extensions().get::<MatchedPath>().is_none() {
        return next.run(req).await;
    }
    let key = {
        let mut values = req.headers().get_all(IDEMPOTENCY_KEY).iter();
        let Some(value) = values.next() else {
            return next.run(req).await;
        };
        if values.next().is_some() {
            return bad_key("it was sent more than once").into_response();
        }
        match IdempotencyKey::parse(value.as_bytes()) {
            Ok(key) => key,
            Err(why) => return bad_key(&why).into_response(),
        }
    };
    let path = req
        .extensions()
        .get::<OriginalUri>()
        .map_or_else(|| req.uri(), |o| &o.0)
        .path_and_query()
        .map_or_else(|| req.uri().path().to_owned(), |pq| pq.as_str().to_owned());
    let (parts, body) = req.into_parts();
    // Read before taking the lock, so a slow upload does not hold up the key.
    let body = match read_body(body).await {
        Ok(bytes) => bytes,
        Err(e) => return e.into_response(),
    };
    let request = Fingerprint::new(parts.method.clone(), path, &body);
    let Some(queued) = idem.turns.enqueue() else {
        return queue_full().into_response();
    };
    let fate = parts.extensions.get::<Fate>().cloned().unwrap_or_default();
    let req = Request::from_parts(parts, Body::from(body));
    // Spawned so a request, once read, is carried through to a settled transaction even when
    // its connection goes: the re-send then finds its answer. One answered 503 by the timeout
    // leaves the queue or rolls back instead (see `Fate`).
    let task = tokio::spawn(async move {
        let turn = tokio::select! {
            turn = queued.turn() => turn,
            () = fate.abandoned() => return abandoned().into_response(),
        };
        once(&idem, key, request, req, next, turn, &fate).await
    });
    match task.await {
        Ok(res) => res,
        Err(e) => ApiError::internal(e).into_response(),
    }
}

/// Run `req` unless `key` already has an answer: the key check, the handler's writes and the
/// answer's record share one transaction.
async fn once(
    idem: &Idempotency,
    key: IdempotencyKey,
    request: Fingerprint,
    mut req: Request,
    next: Next,
    turn: Turn,
    fate: &Fate,
) -> Response {
    // A same-key copy waited for its turn behind the first one's commit, so finds its record.
    let held = match HeldTx::begin(&idem.pool, turn).await {
        Ok(held) => held,
        Err(e) => return ApiError::from(e).into_response(),
    };
    let found = held
        .with(async |c| idem.table.find(c, &key, now_ms()).await)
        .await;
    let refusal = match found {
        Err(e) => Some(ApiError::from(e).into_response()),
        Ok(Some(record)) if record.request == request => Some(replay(record.response)),
        Ok(Some(_)) => Some(reused(&key).into_response()),
        Ok(None) => None,
    };
    if let Some(res) = refusal {
        end(held.rollback().await);
        return res;
    }
    req.extensions_mut().insert(held.clone());
    let res = next.run(req).await;
    if !res.status().is_success() {
        end(held.rollback().await);
        return res;
    }
    let (parts, body) = res.into_parts();
    let bytes = match body.collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(e) => {
            end(held.rollback().await);
            return ApiError::internal(e).into_response();
        }
    };
    if let Some(response) = SavedResponse::capture(&parts, bytes.clone()) {
        let record = Record { request, response };
        let saved = held
            .with(async |c| idem.table.save(c, &key, &record, now_ms()).await)
            .await;
        if let Err(e) = saved {
            // Not recorded means not written: the write goes with it, so a re-send applies
            // it once instead of never being recognised.
            end(held.rollback().await);
            return ApiError::internal(e).into_response();
        }
    }
    if !fate.commit() {
        end(held.rollback().await);
        return abandoned().into_response();
    }
    match held.commit().await {
        Ok(()) => Response::from_parts(parts, Body::from(bytes)),
        Err(e) => ApiError::from(e).into_response(),
    }
}

/// Log a failed rollback (SQLite also rolls back when the connection next begins).
fn end(rolled_back: sqlx::Result<()>) {
    if let Err(e) = rolled_back {
        tracing::error!(error = %e, "could not roll back an idempotent write");
    }
}

/// The whole body, within the same limit (and the same 413) as the JSON extractor.
async fn read_body(body: Body) -> Result<Bytes, ApiError> {
    match Limited::new(body, BODY_LIMIT).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) if e.downcast_ref::<LengthLimitError>().is_some() => Err(too_large()),
        Err(_) => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "The body could not be read",
        )),
    }
}

/// The saved answer again, marked as a replay.
fn replay(saved: SavedResponse) -> Response {
    // Built by hand: `IntoResponse` for bytes would add a Content-Type the original lacked.
    let mut res = Response::new(Body::from(saved.body));
    *res.status_mut() = saved.status;
    *res.headers_mut() = saved.headers;
    res.headers_mut()
        .insert(IDEMPOTENT_REPLAYED, HeaderValue::from_static("true"));
    res
}

/// 503 with `Retry-After`: too many keyed writes already wait for their turn.
fn queue_full() -> Response {
    let error = ApiError::unavailable(
        "Too many writes are waiting in the queue for the database; try again in a moment",
    );
    (
        [(header::RETRY_AFTER, HeaderValue::from_static("1"))],
        error,
    )
        .into_response()
}

/// What an abandoned write returns; its client already has the timeout's 503.
fn abandoned() -> ApiError {
    ApiError::unavailable("The request was abandoned before it was applied")
}

fn bad_key(why: &str) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        format!(
            "Idempotency-Key must be a quoted string or token of 1 to {} visible ASCII \
             characters, such as \"8e03978e-40d5-43e8\": {}",
            key::MAX_KEY_LEN,
            sanitize(why)
        ),
    )
}

fn reused(key: &IdempotencyKey) -> ApiError {
    ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        format!(
            "Idempotency-Key \"{}\" was already used for a different request (another method, \
             path or body); send a new key for a new change",
            sanitize(key.as_str())
        ),
    )
    .with_type(types::IDEMPOTENCY_KEY_REUSED)
}
