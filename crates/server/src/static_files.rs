//! Serving a built app: files from a directory, `index.html` for any other GET path.

use std::path::Path;

use axum::http::{header, HeaderValue};
use axum::response::Response;
use axum::Router;
use tower_http::services::{ServeDir, ServeFile};

/// The static files as a router to use as the app's fallback, with `Cache-Control: no-cache`
/// on HTML so a new build is picked up at once (hashed asset files keep default caching).
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
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    }
    res
}
