//! Two real server processes on one database (a SQLite file, or PostgreSQL when the suite runs
//! there): a precondition, a key and the change feed hold across them, not only within one.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{json, Value};

use crate::changes::Reader;
use crate::common::*;

/// One `eventual-server` process, killed on drop.
struct Instance {
    child: Child,
    base: String,
}

impl Instance {
    /// The binary on `db`, once it has printed its ready line.
    async fn start(db: &str) -> Instance {
        // On PostgreSQL a minute-long poll: only LISTEN/NOTIFY can deliver within the tests'
        // two seconds. A shared SQLite file has only the poll.
        let poll = if on_postgres() { "60000" } else { "50" };
        let mut child = Command::new(env!("CARGO_BIN_EXE_eventual-server"))
            .args(["--port", "0", "--changes-poll-ms", poll, "--db", db])
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let line = tokio::task::spawn_blocking(move || {
            let mut line = String::new();
            BufReader::new(stdout).read_line(&mut line).unwrap();
            line
        });
        let line = tokio::time::timeout(Duration::from_secs(30), line)
            .await
            .expect("ready line in time")
            .unwrap();
        let base = line
            .trim_end()
            .strip_prefix("eventual-server listening on ")
            .unwrap_or_else(|| panic!("unexpected ready line {line:?}"))
            .to_owned();
        Instance { child, base }
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Two processes on one fresh database, and the directory a SQLite file lives in.
async fn two() -> (tempfile::TempDir, Instance, Instance) {
    let dir = tempfile::tempdir().unwrap();
    let db = shared_db(&dir).await;
    // The first migrates; the second then finds the schema current.
    let a = Instance::start(&db).await;
    let b = Instance::start(&db).await;
    (dir, a, b)
}

async fn send(
    base: &str,
    method: reqwest::Method,
    path: &str,
    headers: &[(&str, &str)],
    body: &Value,
) -> (u16, reqwest::header::HeaderMap, Value) {
    let mut req = reqwest::Client::new()
        .request(method, format!("{base}/api{path}"))
        .json(body);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    let body = res.json().await.unwrap_or(Value::Null);
    (status, headers, body)
}

async fn read(base: &str, path: &str) -> Value {
    reqwest::get(format!("{base}/api{path}"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_patches_with_one_if_match_across_two_processes_give_one_200() {
    let (_dir, a, b) = two().await;
    let (status, _, created) =
        send(&a.base, reqwest::Method::POST, "/events", &[], &event("X")).await;
    assert_eq!(status, 201);
    let id = created["id"].as_str().unwrap().to_owned();
    let tasks: Vec<_> = (0..20)
        .map(|i| {
            let base = [&a.base, &b.base][i % 2].clone();
            let path = format!("/events/{id}");
            tokio::spawn(async move {
                let body = json!({"title": format!("Writer {i}")});
                let (status, headers, body) = send(
                    &base,
                    reqwest::Method::PATCH,
                    &path,
                    &[("if-match", "\"1\"")],
                    &body,
                )
                .await;
                (i, status, headers, body)
            })
        })
        .collect();
    let mut winners = Vec::new();
    for t in tasks {
        let (i, status, headers, body) = t.await.unwrap();
        match status {
            200 => winners.push(i),
            412 => {
                assert_eq!(headers["etag"], "\"2\"");
                assert_eq!(body["status"], 412, "a problem: {body}");
            }
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!(winners.len(), 1, "exactly one 200: {winners:?}");
    for base in [&a.base, &b.base] {
        let stored = read(base, &format!("/events/{id}")).await;
        assert_eq!(stored["version"], 2);
        assert_eq!(stored["title"], format!("Writer {}", winners[0]));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_idempotency_key_sent_to_both_processes_applies_once() {
    let (_dir, a, b) = two().await;
    let post = |base: String, key: &'static str| async move {
        send(
            &base,
            reqwest::Method::POST,
            "/events",
            &[("idempotency-key", key)],
            &event("Once"),
        )
        .await
    };
    let answers = futures::future::join_all(
        (0..10).map(|i| post([&a.base, &b.base][i % 2].clone(), "create-once")),
    )
    .await;
    let applied: Vec<_> = answers
        .iter()
        .filter(|(_, h, _)| !h.contains_key("idempotent-replayed"))
        .collect();
    assert_eq!(applied.len(), 1, "one request applied the change");
    for (status, headers, body) in &answers {
        assert_eq!(*status, 201);
        assert_eq!(body, &applied[0].2, "the same answer from either process");
        assert_eq!(headers["etag"], applied[0].1["etag"]);
    }
    assert_eq!(read(&b.base, "/events").await.as_array().unwrap().len(), 1);

    // A keyed PATCH sent to both bumps the version once.
    let id = applied[0].2["id"].as_str().unwrap().to_owned();
    let patch = |base: String| {
        let path = format!("/events/{id}");
        async move {
            send(
                &base,
                reqwest::Method::PATCH,
                &path,
                &[("idempotency-key", "rename")],
                &json!({"title": "Renamed"}),
            )
            .await
        }
    };
    let answers =
        futures::future::join_all((0..10).map(|i| patch([&a.base, &b.base][i % 2].clone()))).await;
    for (status, _, body) in &answers {
        assert_eq!(*status, 200, "{body}");
        assert_eq!(body["version"], 2, "{body}");
    }
    assert_eq!(read(&a.base, &format!("/events/{id}")).await["version"], 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_subscriber_of_one_process_gets_the_other_ones_writes_and_resumes() {
    let (_dir, a, b) = two().await;
    let mut feed = Reader::open(&b.base, None).await;
    let (_, _, e) = send(
        &a.base,
        reqwest::Method::POST,
        "/events",
        &[],
        &event("Far"),
    )
    .await;
    let first = feed.next(Duration::from_secs(2)).await;
    assert_eq!(
        first.data,
        json!({"id": e["id"], "version": 1, "op": "created"})
    );
    drop(feed);
    // Missed while disconnected: written on A, resumed on B from the last id seen.
    let path = format!("/events/{}", e["id"].as_str().unwrap());
    send(
        &a.base,
        reqwest::Method::PATCH,
        &path,
        &[],
        &json!({"title": "Nearer"}),
    )
    .await;
    send(&a.base, reqwest::Method::DELETE, &path, &[], &Value::Null).await;
    let mut feed = Reader::open(&b.base, first.id.as_deref()).await;
    let updated = feed.next(Duration::from_secs(2)).await;
    let deleted = feed.next(Duration::from_secs(2)).await;
    assert_eq!(
        updated.data,
        json!({"id": e["id"], "version": 2, "op": "updated"})
    );
    assert_eq!(
        deleted.data,
        json!({"id": e["id"], "version": 2, "op": "deleted"})
    );
    feed.expect_nothing(Duration::from_millis(300)).await;
}
