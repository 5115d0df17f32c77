//! The `idempotency_keys` table stays small: a digest instead of the request body, a row cap
//! that evicts the oldest keys, and expired rows purged on a timer even with no writes.

use std::time::Duration;

use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::common::*;

const REPLAYED: &str = "idempotent-replayed";

async fn post(app: &TestApp, k: &str, body: &serde_json::Value) -> Res {
    app.json(Method::POST, "/api/events", &[("idempotency-key", k)], body)
        .await
}

async fn keys(app: &TestApp) -> Vec<String> {
    strings(app, "SELECT key FROM idempotency_keys ORDER BY key").await
}

#[tokio::test]
async fn a_key_keeps_a_digest_of_the_request_not_its_body() {
    let app = app().await;
    let mut body = event("Big");
    body["description"] = json!("d".repeat(9_000));
    let first = post(&app, "big", &body).await;
    assert_eq!(first.status, StatusCode::CREATED);
    // Everything but the answer (which replays need): key, method, path, digest.
    let stored = integer(
        &app,
        "SELECT CAST(length(key) + length(method) + length(path) + length(request_digest) \
         AS BIGINT) FROM idempotency_keys",
    )
    .await;
    assert!(stored < 200, "{stored} bytes besides the answer");
    // The digest still tells the same request from another one.
    let again = post(&app, "big", &body).await;
    assert_eq!(again.header(REPLAYED), Some("true"));
    body["description"] = json!("e".repeat(9_000));
    post(&app, "big", &body).await.problem(422);
    app.json(
        Method::PUT,
        "/api/events/1",
        &[("idempotency-key", "big")],
        &body,
    )
    .await
    .problem(422);
    let list = app.get("/api/events").await;
    assert_eq!(list.header("x-total-count"), Some("1"));
}

#[tokio::test]
async fn past_the_row_cap_the_oldest_keys_are_forgotten() {
    let app = app_with(&["--max-idempotency-keys", "3"]).await;
    for k in ["k1", "k2", "k3", "k4", "k5"] {
        assert_eq!(post(&app, k, &event(k)).await.status, StatusCode::CREATED);
        // Distinct creation times, so "oldest" is unambiguous.
        tokio::time::sleep(Duration::from_millis(3)).await;
    }
    assert_eq!(keys(&app).await, ["k3", "k4", "k5"]);
    assert_eq!(
        post(&app, "k5", &event("k5")).await.header(REPLAYED),
        Some("true")
    );
    let forgotten = post(&app, "k1", &event("k1")).await;
    assert_eq!(forgotten.status, StatusCode::CREATED);
    assert_eq!(forgotten.header(REPLAYED), None);
    assert_eq!(keys(&app).await, ["k1", "k4", "k5"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_keys_are_purged_on_a_timer_without_any_write() {
    let app = app_with(&["--idempotency-purge-ms", "100"]).await;
    post(&app, "old", &event("A")).await;
    post(&app, "new", &event("B")).await;
    // Age one record by a day and a minute.
    sql(
        &app,
        "UPDATE idempotency_keys SET created_ms = created_ms - 86460000 WHERE key = 'old'",
    )
    .await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(keys(&app).await, ["new"]);
}
