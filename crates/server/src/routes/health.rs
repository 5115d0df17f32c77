use axum::extract::State;
use axum::Json;
use serde_json::{json, Value};

use super::AppState;
use crate::problem::ApiError;

/// Liveness that also proves the database answers.
pub async fn health(State(s): State<AppState>) -> Result<Json<Value>, ApiError> {
    sqlx::query("SELECT 1")
        .execute(s.repo.pool())
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "health check: database unavailable");
            ApiError::unavailable("The database is not answering")
        })?;
    Ok(Json(json!({ "status": "ok" })))
}
