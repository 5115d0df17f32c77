//! The REST API routes (mounted under the API prefix by [`crate::app`]).

mod events;
pub use events::TOTAL_COUNT;
mod health;

use axum::routing::get;
use axum::Router;

use crate::db::Repo;

/// What every handler shares.
#[derive(Clone, Debug)]
pub struct AppState {
    /// The event queries.
    pub repo: Repo,
    /// The normalised API prefix, for `Location` headers.
    pub prefix: String,
}

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
