use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use eventual_model::{normalize, validate, Event, EventInput, EventPatch, PatchError, Timestamp};

use super::AppState;
use crate::db::{Store, WriteOutcome};
use crate::extract::{ApiJson, IdPath, ListParams, Precondition};
use crate::openapi::{
    BadRequest, ContentTooLarge, EventPath, KeyHeader, NotFound, PreconditionFailed, ServerError,
    Unavailable, Unprocessable, UnsupportedMediaType, WriteHeaders,
};
use crate::problem::{etag, ApiError};

/// How often a write retries after losing a race it did not pin with `If-Match`.
const MAX_ATTEMPTS: usize = 16;

/// The `X-Total-Count` header.
pub const TOTAL_COUNT: &str = "x-total-count";

/// An event body with its strong `ETag`.
struct Tagged(Event);

impl IntoResponse for Tagged {
    fn into_response(self) -> Response {
        let version = crate::db::stored_version(&self.0);
        ([(header::ETAG, etag(version))], Json(self.0)).into_response()
    }
}

#[utoipa::path(
    get,
    path = "/events",
    operation_id = "listEvents",
    tag = "events",
    params(
        ("q" = Option<String>, Query, description = "Text to find in title, location or description"),
        ("from" = Option<Timestamp>, Query, description = "Only events ending after this instant"),
        ("to" = Option<Timestamp>, Query, description = "Only events starting before this instant; not before `from`"),
        ("_page" = Option<u32>, Query, minimum = 1, description = "The page, from 1"),
        ("_limit" = Option<u32>, Query, minimum = 1, description = "Events per page; more than 1000 is capped at 1000"),
    ),
    responses(
        (status = 200, description = "One page of the matching events, sorted by `start`",
            body = Vec<Event>, headers(("X-Total-Count" = u64, description = "How many events match, on all pages"))),
        (status = 400, response = BadRequest),
        (status = 500, response = ServerError),
        (status = 503, response = Unavailable),
    )
)]
pub async fn list(State(s): State<AppState>, params: ListParams) -> Result<Response, ApiError> {
    let page = s.repo.list(&params).await?;
    Ok((
        [(TOTAL_COUNT, HeaderValue::from(page.total))],
        Json(page.events),
    )
        .into_response())
}

#[utoipa::path(
    get,
    path = "/events/{id}",
    operation_id = "getEvent",
    tag = "events",
    params(EventPath),
    responses(
        (status = 200, description = "The event", body = Event, headers(("ETag" = String, description = "The strong entity tag of its version, such as `\"3\"`"))),
        (status = 404, response = NotFound),
        (status = 500, response = ServerError),
        (status = 503, response = Unavailable),
    )
)]
pub async fn get_one(State(s): State<AppState>, IdPath(id): IdPath) -> Result<Response, ApiError> {
    let event = s.repo.get(id).await?.ok_or_else(ApiError::not_found)?;
    Ok(Tagged(event).into_response())
}

#[utoipa::path(
    post,
    path = "/events",
    operation_id = "createEvent",
    tag = "events",
    params(KeyHeader),
    request_body(content = EventInput, content_type = "application/json",
        description = "The writable fields; read-only and unknown members are ignored"),
    responses(
        (status = 201, description = "Created (or, for a re-sent `Idempotency-Key`, the first answer again)",
            body = Event, headers(
                ("Location" = String, description = "The new event's URL"),
                ("ETag" = String, description = "The strong entity tag of its version, such as `\"3\"`"),
                ("Idempotent-Replayed" = Option<String>, description = "`true` on the stored answer to an earlier request with this `Idempotency-Key`"),
            ),
            links(
                ("GetEvent" = (operation_id = "getEvent", parameters(("id" = "$response.body#/id")))),
                ("PatchEvent" = (operation_id = "patchEvent", parameters(("id" = "$response.body#/id"), ("If-Match" = "$response.header.ETag")))),
                ("PutEvent" = (operation_id = "putEvent", parameters(("id" = "$response.body#/id"), ("If-Match" = "$response.header.ETag")))),
                ("DeleteEvent" = (operation_id = "deleteEvent", parameters(("id" = "$response.body#/id")))),
            )),
        (status = 400, response = BadRequest),
        (status = 413, response = ContentTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable),
        (status = 500, response = ServerError),
        (status = 503, response = Unavailable),
    )
)]
pub async fn create(
    State(s): State<AppState>,
    mut store: Store,
    ApiJson(body): ApiJson<EventPatch>,
) -> Result<Response, ApiError> {
    let input = checked(body.into_input())?;
    let event = store.insert(&input).await?;
    let location = format!("{}/events/{}", s.prefix, event.id);
    let location = HeaderValue::from_str(&location).map_err(ApiError::internal)?;
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Tagged(event),
    )
        .into_response())
}

#[utoipa::path(
    patch,
    path = "/events/{id}",
    operation_id = "patchEvent",
    tag = "events",
    params(EventPath, WriteHeaders),
    request_body(content(
        (EventPatch = "application/merge-patch+json"),
        (EventPatch = "application/json"),
    ), description = "A JSON Merge Patch (RFC 7396) of the writable fields"),
    responses(
        (status = 200, description = "The event as stored now", body = Event, headers(
            ("ETag" = String, description = "The strong entity tag of its version, such as `\"3\"`"),
            ("Idempotent-Replayed" = Option<String>, description = "`true` on the stored answer to an earlier request with this `Idempotency-Key`"),
        ), links(
            ("GetEvent" = (operation_id = "getEvent", parameters(("id" = "$request.path.id")))),
            ("DeleteEvent" = (operation_id = "deleteEvent", parameters(("id" = "$request.path.id"), ("If-Match" = "$response.header.ETag")))),
        )),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 412, response = PreconditionFailed),
        (status = 413, response = ContentTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable),
        (status = 500, response = ServerError),
        (status = 503, response = Unavailable),
    )
)]
pub async fn patch(
    mut store: Store,
    IdPath(id): IdPath,
    pre: Precondition,
    ApiJson(body): ApiJson<EventPatch>,
) -> Result<Response, ApiError> {
    let event = modify(&mut store, id, &pre, |current| body.apply(&current.input())).await?;
    Ok(Tagged(event).into_response())
}

#[utoipa::path(
    put,
    path = "/events/{id}",
    operation_id = "putEvent",
    tag = "events",
    params(EventPath, WriteHeaders),
    request_body(content = EventInput, content_type = "application/json",
        description = "Every writable field; omitted optional ones reset to their defaults"),
    responses(
        (status = 200, description = "The event as stored now", body = Event, headers(
            ("ETag" = String, description = "The strong entity tag of its version, such as `\"3\"`"),
            ("Idempotent-Replayed" = Option<String>, description = "`true` on the stored answer to an earlier request with this `Idempotency-Key`"),
        ), links(
            ("GetEvent" = (operation_id = "getEvent", parameters(("id" = "$request.path.id")))),
            ("DeleteEvent" = (operation_id = "deleteEvent", parameters(("id" = "$request.path.id"), ("If-Match" = "$response.header.ETag")))),
        )),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 412, response = PreconditionFailed),
        (status = 413, response = ContentTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable),
        (status = 500, response = ServerError),
        (status = 503, response = Unavailable),
    )
)]
pub async fn put(
    mut store: Store,
    IdPath(id): IdPath,
    pre: Precondition,
    ApiJson(body): ApiJson<EventPatch>,
) -> Result<Response, ApiError> {
    let event = modify(&mut store, id, &pre, |_| body.into_input()).await?;
    Ok(Tagged(event).into_response())
}

#[utoipa::path(
    delete,
    path = "/events/{id}",
    operation_id = "deleteEvent",
    tag = "events",
    params(EventPath, WriteHeaders),
    responses(
        (status = 204, description = "Deleted", headers(
            ("Idempotent-Replayed" = Option<String>, description = "`true` on the stored answer to an earlier request with this `Idempotency-Key`"),
        )),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 412, response = PreconditionFailed),
        (status = 413, response = ContentTooLarge),
        (status = 422, response = Unprocessable),
        (status = 500, response = ServerError),
        (status = 503, response = Unavailable),
    )
)]
pub async fn delete(
    mut store: Store,
    IdPath(id): IdPath,
    pre: Precondition,
) -> Result<StatusCode, ApiError> {
    for attempt in 0..MAX_ATTEMPTS {
        let version = match current(&mut store, id, &pre).await? {
            WriteOutcome::Done(e) => crate::db::stored_version(&e),
            other => return Err(refusal(other)),
        };
        if store.delete_if_version(id, version).await? {
            return Ok(StatusCode::NO_CONTENT);
        }
        lost_race(attempt).await;
    }
    Err(too_contended())
}

/// Read, check `If-Match`, compute the new fields, and write them only if the version read is
/// still current; on a lost race start over, so the precondition is judged against the event
/// that is actually replaced (a pinned version then fails with 412, never a lost update).
async fn modify(
    store: &mut Store,
    id: i64,
    pre: &Precondition,
    make: impl Fn(&Event) -> Result<EventInput, PatchError>,
) -> Result<Event, ApiError> {
    for attempt in 0..MAX_ATTEMPTS {
        let current = match current(store, id, pre).await? {
            WriteOutcome::Done(e) => e,
            other => return Err(refusal(other)),
        };
        let input = checked(make(&current))?;
        if input == current.input() {
            // Nothing changes, so the version stays (no spurious conflicts for others).
            return Ok(current);
        }
        let version = crate::db::stored_version(&current);
        if let Some(updated) = store.update_if_version(id, version, &input).await? {
            return Ok(updated);
        }
        lost_race(attempt).await;
    }
    Err(too_contended())
}

/// Waits a random 0–2^attempt ms (at most 32) after a lost race, so writers that keep
/// colliding spread out: without it, one of 20 unconditional PATCHes racing on PostgreSQL
/// could lose all 16 rounds and get a 503 (CI saw it once).
async fn lost_race(attempt: usize) {
    let most = 1u64 << attempt.min(5);
    let ms = rand::random_range(0..=most);
    tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
}

/// The event as it is now, if it exists and meets the precondition.
async fn current(
    store: &mut Store,
    id: i64,
    pre: &Precondition,
) -> Result<WriteOutcome<Event>, ApiError> {
    Ok(match store.get(id).await? {
        None => WriteOutcome::NotFound,
        Some(e) if !pre.matches(crate::db::stored_version(&e)) => WriteOutcome::Conflict {
            current: crate::db::stored_version(&e),
        },
        Some(e) => WriteOutcome::Done(e),
    })
}

fn refusal<T>(outcome: WriteOutcome<T>) -> ApiError {
    match outcome {
        WriteOutcome::Conflict { current } => ApiError::precondition_failed(current),
        _ => ApiError::not_found(),
    }
}

fn too_contended() -> ApiError {
    ApiError::unavailable("The event is being changed by many requests at once; try again")
}

/// Fields that are complete and meet every rule, or the 422 saying which are not.
fn checked(made: Result<EventInput, PatchError>) -> Result<EventInput, ApiError> {
    let input = made.map_err(|e| ApiError::validation(e.0))?;
    validate(&input).map_err(ApiError::validation)?;
    Ok(normalize(input))
}
