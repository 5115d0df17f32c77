//! `GET /openapi.json`: the document of these routes.

use axum::extract::State;
use axum::Json;
use serde_json::Value;

use crate::openapi::{self, ServerError, Unavailable};
use crate::state::AppState;

/// The whole OpenAPI document for an API served under `prefix` (normalised: `""` or `/api`).
pub fn document(prefix: &str) -> Value {
    let (_, doc) = super::openapi_router().split_for_parts();
    openapi::finish(doc, prefix)
}

/// This document, for clients and tools that generate requests from it.
#[utoipa::path(
    get,
    path = "/openapi.json",
    operation_id = "openapi",
    tag = "meta",
    responses(
        (status = 200, description = "This OpenAPI 3.1 document", body = Object,
            content_type = "application/json"),
        (status = 500, response = ServerError),
        (status = 503, response = Unavailable),
    )
)]
pub async fn serve(State(s): State<AppState>) -> Json<Value> {
    Json(document(&s.prefix))
}
