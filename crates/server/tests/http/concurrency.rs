//! No lost updates under real concurrency on a file database (WAL, several connections).

use axum::http::{Method, StatusCode};
use clap::Parser;
use eventual_server::Args;
use serde_json::json;

use crate::common::*;

async fn file_app(dir: &tempfile::TempDir) -> TestApp {
    let db = dir.path().join("events.db");
    open(Args::parse_from([
        "eventual-server",
        "--db",
        db.to_str().unwrap(),
        "--max-connections",
        "8",
    ]))
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_patches_with_the_same_if_match_one_wins() {
    let dir = tempfile::tempdir().unwrap();
    let app = file_app(&dir).await;
    app.create(&event("Original")).await;
    let tasks: Vec<_> = (0..20)
        .map(|i| {
            let t = app.clone();
            tokio::spawn(async move {
                let res = t
                    .json(
                        Method::PATCH,
                        "/api/events/1",
                        &[("if-match", "\"1\"")],
                        &json!({"title": format!("Writer {i}"), "location": format!("Room {i}")}),
                    )
                    .await;
                (i, res)
            })
        })
        .collect();
    let mut winners = Vec::new();
    let mut conflicts = 0;
    for t in tasks {
        let (i, res) = t.await.unwrap();
        match res.status {
            StatusCode::OK => winners.push((i, res.json())),
            StatusCode::PRECONDITION_FAILED => {
                res.problem(412);
                assert_eq!(res.header("etag"), Some("\"2\""));
                conflicts += 1;
            }
            other => panic!("unexpected {other}: {}", String::from_utf8_lossy(&res.body)),
        }
    }
    assert_eq!(winners.len(), 1, "exactly one 200");
    assert_eq!(conflicts, 19);
    let (i, won) = &winners[0];
    let stored = app.get("/api/events/1").await.json();
    assert_eq!(&stored, won);
    assert_eq!(stored["title"], format!("Writer {i}"));
    assert_eq!(
        stored["location"],
        format!("Room {i}"),
        "both fields from the same writer"
    );
    assert_eq!(stored["version"], 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn unconditional_patches_are_all_applied_in_turn() {
    let dir = tempfile::tempdir().unwrap();
    let app = file_app(&dir).await;
    app.create(&event("Original")).await;
    let tasks: Vec<_> = (0..20)
        .map(|i| {
            let router = app.router.clone();
            tokio::spawn(async move {
                let res = tower::ServiceExt::oneshot(
                    router,
                    req(
                        Method::PATCH,
                        "/api/events/1",
                        &[CT_JSON],
                        json!({"title": format!("Writer {i}")}).to_string().into(),
                    ),
                )
                .await
                .unwrap();
                res.status()
            })
        })
        .collect();
    for t in tasks {
        assert_eq!(t.await.unwrap(), StatusCode::OK);
    }
    // Every change was a new version: none overwrote another unseen.
    assert_eq!(app.get("/api/events/1").await.json()["version"], 21);
}

#[tokio::test]
async fn the_version_check_and_the_write_are_one_statement() {
    let dir = tempfile::tempdir().unwrap();
    let app = file_app(&dir).await;
    let created = app.create(&event("A")).await;
    let current: eventual_model::Event = serde_json::from_value(created).unwrap();
    let mut input = current.input();
    input.title = "First".into();
    let first = app.repo.update_if_version(1, 1, &input).await.unwrap();
    assert_eq!(first.map(|e| e.version), Some(Some(2)));
    // The same stale version now matches no row: a second writer cannot overwrite.
    input.title = "Second".into();
    assert_eq!(
        app.repo.update_if_version(1, 1, &input).await.unwrap(),
        None
    );
    assert!(!app.repo.delete_if_version(1, 1).await.unwrap());
    assert_eq!(app.get("/api/events/1").await.json()["title"], "First");
    assert!(app.repo.delete_if_version(1, 2).await.unwrap());
}
