//! Assembling the router: API under its prefix with its layers, static files or a problem 404
//! everywhere else.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderValue};
use axum::{middleware, Router};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::changes::{wake_subscribers, Changes};
use crate::config::Args;
use crate::db::{self, Repo};
use crate::extract::BODY_LIMIT;
use crate::fault::{self, Faults};
use crate::host::{self, AllowedHosts};
use crate::idempotency::{self, Idempotency};
use crate::middleware::{api_not_found, log, problemize, timeout};
use crate::routes;
use crate::state::AppState;
use crate::{cors, static_files};

/// An opened database and the router serving it.
#[derive(Clone, Debug)]
pub struct App {
    /// Everything the server answers: API, static files, fallbacks, with all layers.
    pub router: Router,
    /// The database behind it (tests inspect and sabotage it directly).
    pub repo: Repo,
    /// The change feed, closed on shutdown so open streams do not hold it up.
    pub changes: Changes,
}

impl App {
    /// Open (and migrate, and with `--seed` fill) the database and build the router.
    pub async fn open(args: &Args) -> anyhow::Result<App> {
        let db = db::open(&args.db, args.max_connections).await?;
        let repo = Repo::new(db);
        if args.seed {
            let n = db::seed_if_empty(&repo).await?;
            tracing::info!(inserted = n, "seed");
        }
        let poll = Duration::from_millis(args.changes_poll_ms);
        let changes = Changes::new(repo.pool().clone(), poll);
        let router = router(args, repo.clone(), changes.clone())?;
        Ok(App {
            router,
            repo,
            changes,
        })
    }
}

/// The whole HTTP surface for a repository.
pub fn router(args: &Args, repo: Repo, changes: Changes) -> anyhow::Result<Router> {
    let prefix = args.normalized_prefix();
    let idempotency = Arc::new(Idempotency::new(
        repo.pool().clone(),
        idempotency::Limits {
            max_queued: args.max_queued_writes,
            max_keys: args.max_idempotency_keys,
            purge_every: Duration::from_millis(args.idempotency_purge_ms),
        },
    ));
    let state = AppState {
        repo,
        prefix: prefix.clone(),
        changes: changes.clone(),
    };
    let outside_api = match &args.static_dir {
        Some(dir) => static_files::router(dir)?,
        None => Router::new().fallback(api_not_found),
    };
    let mut api = routes::api(state);
    // With an empty prefix the API shares the root with static files, so the fallback is theirs.
    api = if prefix.is_empty() {
        api.fallback_service(outside_api.clone())
    } else {
        api.fallback(api_not_found)
    };
    // Layers run outside-in in the reverse order they are added. Idempotency sits inside
    // fault injection: injected failures are never recorded, and `lose-response` drops an
    // answer whose key is already recorded.
    api = api
        .layer(CatchPanicLayer::custom(panic_problem))
        .layer(middleware::from_fn_with_state(changes, wake_subscribers))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(middleware::from_fn_with_state(
            idempotency,
            idempotency::middleware,
        ))
        .layer(middleware::from_fn_with_state(
            Arc::new(Faults::from_args(args)),
            fault::inject,
        ))
        .layer(middleware::from_fn_with_state(
            Duration::from_millis(args.request_timeout_ms.max(1)),
            timeout,
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ));
    if let Some(cors) = cors::layer(&args.cors_origins)? {
        api = api.layer(cors);
    }
    api = api.layer(middleware::from_fn(problemize));
    let app = if prefix.is_empty() {
        api
    } else {
        Router::new()
            .nest(&prefix, api)
            .fallback_service(outside_api)
    };
    let allowed = Arc::new(AllowedHosts::new(&args.host, &args.allowed_hosts));
    let app = app.layer(middleware::from_fn_with_state(allowed, host::check));
    // Outermost, so static files, preflights and every problem carry it too.
    let app = app.layer(SetResponseHeaderLayer::overriding(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    ));
    Ok(app.layer(middleware::from_fn(log)))
}

/// A handler panic becomes a logged 500 problem (only when built with unwinding panics).
fn panic_problem(cause: Box<dyn std::any::Any + Send + 'static>) -> axum::response::Response {
    let message = cause
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| cause.downcast_ref::<&str>().copied())
        .unwrap_or("(non-string panic)");
    axum::response::IntoResponse::into_response(crate::problem::ApiError::internal(format!(
        "handler panicked: {message}"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_panic_is_a_500_problem_without_its_message() {
        let res = panic_problem(Box::new("secret detail at src/db.rs:42"));
        assert_eq!(res.status(), 500);
        assert_eq!(
            res.headers()[header::CONTENT_TYPE],
            crate::problem::PROBLEM_JSON
        );
        let body = axum::body::to_bytes(res.into_body(), usize::MAX)
            .await
            .unwrap();
        let text = String::from_utf8_lossy(&body);
        assert!(!text.contains("secret") && !text.contains("src/"), "{text}");
    }
}
