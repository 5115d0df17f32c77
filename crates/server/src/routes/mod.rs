//! The REST API routes (the app mounts them under the API prefix).

mod events;
pub use events::TOTAL_COUNT;
mod health;

use axum::routing::get;
use axum::Router;

use crate::state::AppState;

/// Every API route, relative to the prefix, without fallback or middleware.
pub fn api(state: AppState) -> Router {
    Router::new()
        .route("/events", get(events::list).post(events::create))
        .route(
            "/events/{id}",
            get(events::get_one)
                .patch(events::patch)
                .put(events::put)
                .delete(events::delete),
        )
        .route("/health", get(health::health))
        .with_state(state)
}
