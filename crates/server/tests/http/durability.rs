//! Data survives closing the pool and reopening the same database.

use axum::http::Method;
use clap::Parser;
use eventual_server::Args;
use serde_json::json;

use crate::common::*;

#[tokio::test]
async fn restart_keeps_every_write() {
    let dir = tempfile::tempdir().unwrap();
    // On SQLite a nested path: the parent directory is created.
    let db = match postgres_url() {
        Some(_) => shared_db(&dir).await,
        None => dir
            .path()
            .join("data/nested/eventual.db")
            .to_str()
            .unwrap()
            .to_owned(),
    };
    let args = Args::parse_from(["eventual-server", "--db", &db, "--seed"]);
    let app = open(args.clone()).await;
    let seeded = app.all().await.as_array().unwrap().len();
    let created = app.create(&event("Survivor")).await;
    let id = created["id"].as_str().unwrap().to_owned();
    let patched = app
        .json(
            Method::PATCH,
            &format!("/api/events/{id}"),
            &[],
            &json!({"location": "Vault", "status": "tentative"}),
        )
        .await
        .json();
    app.raw(Method::DELETE, "/api/events/1", &[], "").await;
    let before = app.all().await;
    let pool = app.repo.pool().clone();
    drop(app);
    pool.close().await;

    let app = open(args).await;
    let after = app.all().await;
    assert_eq!(
        after, before,
        "same list after restart (and --seed did not add more)"
    );
    assert_eq!(after.as_array().unwrap().len(), seeded);
    assert_eq!(app.get(&format!("/api/events/{id}")).await.json(), patched);
    app.get("/api/events/1").await.problem(404);
    // Versions and ids continue where they were.
    let next = app.create(&event("After")).await;
    assert_ne!(next["id"], "1");
    let res = app
        .json(
            Method::PATCH,
            &format!("/api/events/{id}"),
            &[("if-match", "\"2\"")],
            &json!({"title": "v3"}),
        )
        .await;
    assert_eq!(res.json()["version"], 3);
}
