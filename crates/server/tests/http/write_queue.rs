//! Keyed writes waiting for their write turn: one whose client was answered 503 never commits,
//! and the queue is bounded.

use std::time::Duration;

use axum::http::{Method, StatusCode};
use clap::Parser;
use eventual_server::Args;
use sqlx::ConnectOptions;

use crate::common::*;

const REPLAYED: &str = "idempotent-replayed";

/// An app on a file database and another connection holding that database's write lock, so
/// keyed writes wait (the first for SQLite's lock, the rest for their turn behind it).
async fn blocked_app(dir: &tempfile::TempDir, flags: &[&str]) -> (TestApp, sqlx::SqliteConnection) {
    let db = dir.path().join("events.db");
    let mut argv = vec!["eventual-server", "--db", db.to_str().unwrap()];
    argv.extend_from_slice(flags);
    let app = open(Args::parse_from(argv)).await;
    let mut blocker = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(&db)
        .connect()
        .await
        .unwrap();
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut blocker)
        .await
        .unwrap();
    (app, blocker)
}

fn post(app: &TestApp, k: &'static str) -> tokio::task::JoinHandle<Res> {
    let app = app.clone();
    tokio::spawn(async move {
        app.json(
            Method::POST,
            "/api/events",
            &[("idempotency-key", k)],
            &event(k),
        )
        .await
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_keyed_write_answered_503_by_the_timeout_never_commits() {
    let dir = tempfile::tempdir().unwrap();
    let (app, mut blocker) = blocked_app(&dir, &["--request-timeout-ms", "300"]).await;
    // "first" holds the write turn waiting for SQLite's lock, "second" waits behind it.
    let first = post(&app, "first");
    tokio::time::sleep(Duration::from_millis(50)).await;
    let second = post(&app, "second");
    first.await.unwrap().problem(503);
    second.await.unwrap().problem(503);
    // The lock comes free while the abandoned writes could still go on.
    sqlx::query("ROLLBACK").execute(&mut blocker).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(app.repo.count().await.unwrap(), 0, "neither committed");
    // Neither key was recorded: a re-send is applied (once), not replayed.
    for k in ["first", "second"] {
        let again = post(&app, k).await.unwrap();
        assert_eq!(again.status, StatusCode::CREATED, "{k}");
        assert_eq!(again.header(REPLAYED), None, "{k}");
    }
    assert_eq!(app.repo.count().await.unwrap(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keyed_writes_past_the_queue_bound_get_503_with_retry_after() {
    let dir = tempfile::tempdir().unwrap();
    let (app, mut blocker) = blocked_app(&dir, &["--max-queued-writes", "2"]).await;
    // One holds the turn (waiting for SQLite's lock), two wait for it: the queue is full.
    let mut accepted = Vec::new();
    for k in ["a", "b", "c"] {
        accepted.push(post(&app, k));
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let full = post(&app, "d").await.unwrap();
    let p = full.problem(503);
    assert_eq!(full.header("retry-after"), Some("1"), "{p}");
    assert!(p["detail"].as_str().unwrap().contains("queue"), "{p}");
    // Writes without a key do not queue, so they are not refused for it.
    assert_eq!(app.get("/api/events").await.status, StatusCode::OK);
    sqlx::query("ROLLBACK").execute(&mut blocker).await.unwrap();
    for task in accepted {
        assert_eq!(task.await.unwrap().status, StatusCode::CREATED);
    }
    assert_eq!(app.repo.count().await.unwrap(), 3);
    // Once the queue drains there is room again, and "d" was never recorded.
    let d = post(&app, "d").await.unwrap();
    assert_eq!(d.status, StatusCode::CREATED);
    assert_eq!(d.header(REPLAYED), None);
}
