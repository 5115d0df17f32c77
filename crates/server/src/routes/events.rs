use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use eventual_model::{validate, Event, EventInput, EventPatch, PatchError};

use super::AppState;
use crate::db::{Store, WriteOutcome};
use crate::extract::{ApiJson, IdPath, ListParams, Precondition};
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

pub async fn list(State(s): State<AppState>, params: ListParams) -> Result<Response, ApiError> {
    let page = s.repo.list(&params).await?;
    Ok((
        [(TOTAL_COUNT, HeaderValue::from(page.total))],
        Json(page.events),
    )
        .into_response())
}

pub async fn get_one(State(s): State<AppState>, IdPath(id): IdPath) -> Result<Response, ApiError> {
    let event = s.repo.get(id).await?.ok_or_else(ApiError::not_found)?;
    Ok(Tagged(event).into_response())
}

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

pub async fn patch(
    mut store: Store,
    IdPath(id): IdPath,
    pre: Precondition,
    ApiJson(body): ApiJson<EventPatch>,
) -> Result<Response, ApiError> {
    let event = modify(&mut store, id, &pre, |current| body.apply(&current.input())).await?;
    Ok(Tagged(event).into_response())
}

pub async fn put(
    mut store: Store,
    IdPath(id): IdPath,
    pre: Precondition,
    ApiJson(body): ApiJson<EventPatch>,
) -> Result<Response, ApiError> {
    let event = modify(&mut store, id, &pre, |_| body.into_input()).await?;
    Ok(Tagged(event).into_response())
}

pub async fn delete(
    mut store: Store,
    IdPath(id): IdPath,
    pre: Precondition,
) -> Result<StatusCode, ApiError> {
    for _ in 0..MAX_ATTEMPTS {
        let version = match current(&mut store, id, &pre).await? {
            WriteOutcome::Done(e) => crate::db::stored_version(&e),
            other => return Err(refusal(other)),
        };
        if store.delete_if_version(id, version).await? {
            return Ok(StatusCode::NO_CONTENT);
        }
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
    for _ in 0..MAX_ATTEMPTS {
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
    }
    Err(too_contended())
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
    Ok(input)
}
