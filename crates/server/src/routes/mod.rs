//! The REST API routes (the app mounts them under the API prefix).

mod changes;
mod doc;
pub use doc::document;
mod events;
pub use events::TOTAL_COUNT;
mod health;
mod ics;

use axum::Router;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::openapi::ApiDoc;
use crate::state::AppState;

/// Every API route, relative to the prefix, without fallback or middleware.
pub fn api(state: AppState) -> Router {
    let (router, _) = openapi_router().split_for_parts();
    router.with_state(state)
}

/// The routes with their OpenAPI operations: `routes!` registers a handler and documents it in
/// one step, so nothing is served undocumented.
pub fn openapi_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(events::list, events::create))
        .routes(routes!(
            events::get_one,
            events::patch,
            events::put,
            events::delete
        ))
        .routes(routes!(health::health))
        .routes(routes!(ics::feed))
        .routes(routes!(changes::stream))
        .routes(routes!(doc::serve))
}
