//! Fault injection: off by default, header only when allowed, never on OPTIONS.

use std::time::{Duration, Instant};

use axum::body::{to_bytes, Body};
use axum::http::{Method, StatusCode};
use serde_json::json;
use tower::ServiceExt;

use crate::common::*;

#[tokio::test]
async fn the_header_is_ignored_unless_allowed() {
    let app = app().await;
    app.create(&event("A")).await;
    let res = app
        .raw(
            Method::PATCH,
            "/api/events/1",
            &[CT_JSON, ("x-eventual-fault", "status=500")],
            json!({"title": "B"}).to_string(),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.json()["title"], "B");
}

#[tokio::test]
async fn header_status_answers_without_touching_the_database() {
    let app = app_with(&["--allow-fault-header"]).await;
    app.create(&event("A")).await;
    let before = app.all().await;
    for (method, uri, body) in [
        (Method::POST, "/api/events", event("B")),
        (Method::PATCH, "/api/events/1", json!({"title": "B"})),
        (Method::PUT, "/api/events/1", event("B")),
        (Method::DELETE, "/api/events/1", json!({})),
    ] {
        let res = app
            .raw(
                method,
                uri,
                &[CT_JSON, ("x-eventual-fault", "status=503")],
                body.to_string(),
            )
            .await;
        let p = res.problem(503);
        assert_eq!(p["type"], "https://eventual.dev/problems/injected-fault");
    }
    app.raw(
        Method::GET,
        "/api/events",
        &[("x-eventual-fault", "status=422")],
        "",
    )
    .await
    .problem(422);
    assert_eq!(app.all().await, before);
    // A malformed header is refused, also without touching anything.
    app.raw(
        Method::GET,
        "/api/events",
        &[("x-eventual-fault", "explode")],
        "",
    )
    .await
    .problem(400);
}

#[tokio::test]
async fn header_delay_runs_before_the_handler() {
    let app = app_with(&["--allow-fault-header"]).await;
    let t = Instant::now();
    let res = app
        .raw(
            Method::GET,
            "/api/events",
            &[("x-eventual-fault", "delay=150")],
            "",
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(t.elapsed() >= Duration::from_millis(150));
}

#[tokio::test]
async fn abort_without_a_connection_fails_the_body() {
    let app = app_with(&["--allow-fault-header"]).await;
    let res = app
        .router
        .clone()
        .oneshot(req(
            Method::GET,
            "/api/events",
            &[("x-eventual-fault", "abort")],
            Body::empty(),
        ))
        .await
        .unwrap();
    assert!(to_bytes(res.into_body(), usize::MAX).await.is_err());
}

#[tokio::test]
async fn fail_rate_one_fails_matching_methods_only() {
    let app = app_with(&["--fail-rate", "1", "--fault-methods", "PATCH,delete"]).await;
    app.create(&event("A")).await;
    assert_eq!(app.get("/api/events/1").await.status, StatusCode::OK);
    app.json(Method::PATCH, "/api/events/1", &[], &json!({"title": "B"}))
        .await
        .problem(503);
    app.raw(Method::DELETE, "/api/events/1", &[], "")
        .await
        .problem(503);
    assert_eq!(app.get("/api/events/1").await.json()["version"], 1);
}

#[tokio::test]
async fn seeded_fail_rate_is_repeatable() {
    async fn run() -> Vec<u16> {
        let app = app_with(&["--fail-rate", "0.5", "--fault-seed", "42"]).await;
        let mut out = Vec::new();
        for _ in 0..30 {
            out.push(app.get("/api/health").await.status.as_u16());
        }
        out
    }
    let a = run().await;
    assert_eq!(a, run().await);
    assert!(a.contains(&200) && a.contains(&503), "{a:?}");
}

#[tokio::test]
async fn configured_latency_delays_api_requests_but_not_options_or_other_paths() {
    let app = app_with(&["--latency-ms", "400", "--cors-origin", "http://app.test"]).await;
    let t = Instant::now();
    assert_eq!(app.get("/api/health").await.status, StatusCode::OK);
    assert!(t.elapsed() >= Duration::from_millis(400));
    let t = Instant::now();
    let res = app
        .raw(
            Method::OPTIONS,
            "/api/events",
            &[
                ("origin", "http://app.test"),
                ("access-control-request-method", "PATCH"),
            ],
            "",
        )
        .await;
    assert!(res.status.is_success());
    app.get("/not-api").await.problem(404);
    assert!(t.elapsed() < Duration::from_millis(400));
}

#[tokio::test]
async fn slow_requests_time_out_as_503_problems() {
    let app = app_with(&["--allow-fault-header", "--request-timeout-ms", "100"]).await;
    let t = Instant::now();
    let p = app
        .raw(
            Method::GET,
            "/api/events",
            &[("x-eventual-fault", "delay=5000")],
            "",
        )
        .await
        .problem(503);
    assert!(t.elapsed() < Duration::from_secs(2));
    assert!(p["detail"].as_str().unwrap().contains("100 ms"));
}
