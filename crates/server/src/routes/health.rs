use axum::extract::State;
use axum::Json;
use serde::Serialize;

use super::AppState;
use crate::openapi::{ServerError, Unavailable};
use crate::problem::ApiError;

/// The body of a healthy answer.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Health {
    #[schema(value_type = String, pattern = "^ok$", example = "ok")]
    status: &'static str,
}

/// Liveness that also proves the database answers.
#[utoipa::path(
    get,
    path = "/health",
    operation_id = "health",
    tag = "meta",
    responses(
        (status = 200, description = "The server and its database answer", body = Health),
        (status = 500, response = ServerError),
        (status = 503, response = Unavailable),
    )
)]
pub async fn health(State(s): State<AppState>) -> Result<Json<Health>, ApiError> {
    s.repo.pool().execute("SELECT 1").await.map_err(|e| {
        tracing::error!(error = %e, "health check: database unavailable");
        ApiError::unavailable("The database is not answering")
    })?;
    Ok(Json(Health { status: "ok" }))
}
