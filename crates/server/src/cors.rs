//! Cross-origin access for the configured origins only.

use anyhow::Context;
use axum::http::{header, HeaderName, HeaderValue, Method};
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::fault::FAULT_HEADER;
use crate::idempotency::{IDEMPOTENCY_KEY, IDEMPOTENT_REPLAYED};
use crate::routes::TOTAL_COUNT;

/// `None` (no CORS headers at all: same-origin only) unless origins are configured.
pub fn layer(origins: &[String]) -> anyhow::Result<Option<CorsLayer>> {
    if origins.is_empty() {
        return Ok(None);
    }
    let origins = origins
        .iter()
        .map(|o| {
            HeaderValue::from_str(o.trim().trim_end_matches('/'))
                .with_context(|| format!("--cors-origin {o:?} is not a valid origin"))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    Ok(Some(
        CorsLayer::new()
            .allow_origin(AllowOrigin::list(origins))
            .allow_methods([
                Method::GET,
                Method::POST,
                Method::PUT,
                Method::PATCH,
                Method::DELETE,
            ])
            .allow_headers([
                header::IF_MATCH,
                header::CONTENT_TYPE,
                HeaderName::from_static(FAULT_HEADER),
                HeaderName::from_static(IDEMPOTENCY_KEY),
            ])
            .expose_headers([
                header::ETAG,
                header::LOCATION,
                HeaderName::from_static(TOTAL_COUNT),
                HeaderName::from_static(IDEMPOTENT_REPLAYED),
            ])
            .max_age(std::time::Duration::from_secs(600)),
    ))
}
