//! No lost updates under real concurrency on a shared database (a WAL file or PostgreSQL,
//! several connections).

use axum::http::{Method, StatusCode};
use clap::Parser;
use eventual_server::Args;
use serde_json::json;

use crate::common::*;

async fn file_app(dir: &tempfile::TempDir) -> TestApp {
    let db = shared_db(dir).await;
    open(Args::parse_from([
        "eventual-server",
        "--db",
        &db,
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

/// Measures, rather than asserts: the latency of read-then-conditional-write (a PATCH's database
/// work) from 50 tasks on their own events over 8 connections, with sqlx's default pool and
/// SQLite's millisecond-step busy handler, then as `db::open` sets it up.
/// `cargo test --release -p eventual-server --test http write_latency -- --ignored --nocapture`
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a measurement that takes ~10 s; run it by hand"]
async fn write_latency_report() {
    use eventual_server::db::{self, Db, Repo};
    use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};
    use std::time::{Duration, Instant};

    async fn measure(repo: Repo, label: &str) {
        let mut ids = Vec::new();
        for i in 0..50 {
            ids.push(repo.insert(&sample(i).input()).await.unwrap());
        }
        let deadline = Instant::now() + Duration::from_secs(2);
        let tasks: Vec<_> = ids
            .into_iter()
            .map(|e| {
                let repo = repo.clone();
                tokio::spawn(async move {
                    let id: i64 = e.id.as_str().parse().unwrap();
                    let mut input = e.input();
                    let mut version = e.version.unwrap();
                    let mut lat = Vec::new();
                    let mut n = 0;
                    while Instant::now() < deadline {
                        n += 1;
                        input.title = format!("t{n}");
                        let t = Instant::now();
                        let cur = repo.get(id).await.unwrap().unwrap();
                        assert_eq!(cur.version, Some(version));
                        let done = repo.update_if_version(id, version, &input).await.unwrap();
                        lat.push(t.elapsed().as_secs_f64() * 1000.0);
                        version = done.unwrap().version.unwrap();
                    }
                    lat
                })
            })
            .collect();
        let mut all = Vec::new();
        for t in tasks {
            all.extend(t.await.unwrap());
        }
        all.sort_by(f64::total_cmp);
        let p = |q: f64| all[((q * all.len() as f64) as usize).min(all.len() - 1)];
        println!(
            "{label:>8}: {:6} writes/s  p50 {:6.2} ms  p90 {:6.2} ms  p99 {:6.2} ms  max {:6.1} ms",
            all.len() / 2,
            p(0.5),
            p(0.9),
            p(0.99),
            all[all.len() - 1]
        );
    }

    fn sample(i: u32) -> eventual_model::Event {
        let v = json!({
            "id": "0", "title": format!("E{i}"), "start": "2027-01-01T10:00:00Z",
            "end": "2027-01-01T11:00:00Z", "version": 1,
        });
        serde_json::from_value(v).unwrap()
    }

    for round in 0..3 {
        let dir = tempfile::tempdir().unwrap();
        let default_handler = {
            let opts = SqliteConnectOptions::new()
                .filename(dir.path().join("default.db"))
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(sqlx::sqlite::SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(5));
            let pool = SqlitePoolOptions::new()
                .max_connections(8)
                .connect_with(opts)
                .await
                .unwrap();
            sqlx::migrate!("./migrations").run(&pool).await.unwrap();
            Repo::new(Db::from_pool(pool))
        };
        measure(default_handler, &format!("default{round}")).await;
        let ours = db::open(dir.path().join("ours.db").to_str().unwrap(), 8)
            .await
            .unwrap();
        measure(Repo::new(ours), &format!("ours{round}")).await;
    }
}
