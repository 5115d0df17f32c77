//! Cross-cutting request handling: problem bodies for every error, the request timeout and
//! one log line per request.

use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::extract::too_large;
use crate::fate::Fate;
use crate::fault::Aborted;
use crate::problem::{ApiError, PROBLEM_JSON};

/// Turn any error response that is not already a problem (axum's 405, a 413 from a layer)
/// into one, keeping its headers (`Allow`, CORS).
pub async fn problemize(req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let res = next.run(req).await;
    let status = res.status();
    let is_problem = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(PROBLEM_JSON.as_bytes()));
    let aborted = res.extensions().get::<Aborted>().is_some();
    if !(status.is_client_error() || status.is_server_error()) || is_problem || aborted {
        return res;
    }
    let (mut parts, _) = res.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.remove(header::CONTENT_TYPE);
    let error = match status {
        // axum adds the `Allow` header after this layer; it is kept on the response.
        StatusCode::METHOD_NOT_ALLOWED => ApiError::new(
            status,
            format!("{method} is not allowed on this resource (see the Allow header)"),
        ),
        StatusCode::NOT_FOUND => ApiError::new(status, "No such resource"),
        StatusCode::PAYLOAD_TOO_LARGE => too_large(),
        _ => ApiError::new(status, ""),
    };
    let mut out = error.into_response();
    for (name, value) in parts.headers.iter() {
        if !out.headers().contains_key(name) {
            out.headers_mut().insert(name, value.clone());
        }
    }
    out
}

/// Answer a 503 problem when the rest of the stack takes longer than the configured time.
/// A keyed write that has begun committing is waited for instead: its answer is moments away
/// and a 503 would tell its client it failed.
pub async fn timeout(State(limit): State<Duration>, mut req: Request, next: Next) -> Response {
    let fate = Fate::default();
    req.extensions_mut().insert(fate.clone());
    let run = next.run(req);
    tokio::pin!(run);
    match tokio::time::timeout(limit, &mut run).await {
        Ok(res) => res,
        Err(_) if fate.abandon() => ApiError::unavailable(format!(
            "The request took longer than {} ms and was abandoned",
            limit.as_millis()
        ))
        .into_response(),
        Err(_) => run.await,
    }
}

/// One structured line per request: method, path, status, latency.
pub async fn log(req: Request, next: Next) -> Response {
    let method: Method = req.method().clone();
    let path = req.uri().path().to_owned();
    let started = Instant::now();
    let res = next.run(req).await;
    let latency_ms = started.elapsed().as_micros() as f64 / 1000.0;
    let status = res.status().as_u16();
    if status >= 500 {
        tracing::warn!(%method, %path, status, latency_ms, "request");
    } else {
        tracing::info!(%method, %path, status, latency_ms, "request");
    }
    res
}

/// The fallback for paths under the API prefix that name no route.
pub async fn api_not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "No such resource")
}
