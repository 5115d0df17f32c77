//! Serving a built app: files from a directory, `index.html` for any other GET path.

use std::path::Path;

use axum::http::{header, HeaderValue};
use axum::response::Response;
use axum::Router;
use tower_http::services::{ServeDir, ServeFile};

/// The policy the built app runs under: no inline script (public/boot.js loads the wasm),
/// wasm compilation allowed, and network access only to this origin, where the API lives.
pub const CONTENT_SECURITY_POLICY: &str =
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
style-src 'self'; connect-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; \
frame-ancestors 'none'; form-action 'self'";

/// The static files as a router to use as the app's fallback, with `Cache-Control: no-cache`
/// and the CSP on HTML so a new build is picked up at once (hashed asset files keep default caching).
/// A missing directory is an error; a missing `index.html` only a warning (assets still serve).
pub fn router(dir: &Path) -> anyhow::Result<Router> {
    if !dir.is_dir() {
        anyhow::bail!("--static {} is not a directory", dir.display());
    }
    if !dir.join("index.html").is_file() {
        tracing::warn!(dir = %dir.display(), "--static directory has no index.html");
    }
    let serve = ServeDir::new(dir).fallback(ServeFile::new(dir.join("index.html")));
    Ok(Router::new()
        .fallback_service(serve)
        .layer(axum::middleware::map_response(no_cache_html)))
}

async fn no_cache_html(mut res: Response) -> Response {
    let is_html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("text/html"));
    if is_html {
        let headers = res.headers_mut();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        );
        headers.insert(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        );
    }
    res
}
