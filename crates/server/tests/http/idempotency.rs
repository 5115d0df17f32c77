//! `Idempotency-Key` on writes: one effect per key, the first success replayed, failures
//! retryable, keys kept across restarts and dropped after 24 hours.

use axum::body::{to_bytes, Body};
use axum::http::{HeaderValue, Method, StatusCode};
use clap::Parser;
use eventual_server::Args;
use serde_json::json;
use tower::ServiceExt;

use crate::common::*;

const REPLAYED: &str = "idempotent-replayed";
const REUSED: &str = "https://eventual.dev/problems/idempotency-key-reused";

fn key(k: &str) -> (&'static str, &str) {
    ("idempotency-key", k)
}

/// The same response, byte for byte, where it matters.
fn assert_same_answer(first: &Res, again: &Res) {
    assert_eq!(again.status, first.status);
    assert_eq!(again.body, first.body);
    for h in ["etag", "location", "content-type"] {
        assert_eq!(again.header(h), first.header(h), "{h}");
    }
    assert_eq!(
        first.header(REPLAYED),
        None,
        "the first answer is not a replay"
    );
    assert_eq!(again.header(REPLAYED), Some("true"));
}

/// `n` POSTs of one change under one key, all at once, spread over `apps` in turn.
async fn post_concurrently(apps: &[&TestApp], n: usize, k: &'static str, title: &str) -> Vec<Res> {
    let tasks: Vec<_> = (0..n)
        .map(|i| {
            let (app, body) = (apps[i % apps.len()].clone(), event(title));
            tokio::spawn(async move {
                app.json(Method::POST, "/api/events", &[key(k)], &body)
                    .await
            })
        })
        .collect();
    let mut answers = Vec::new();
    for t in tasks {
        answers.push(t.await.unwrap());
    }
    answers
}

async fn file_app(dir: &tempfile::TempDir) -> (Args, TestApp) {
    let db = shared_db(dir).await;
    let args = Args::parse_from(["eventual-server", "--db", &db]);
    (args.clone(), open(args).await)
}

#[tokio::test]
async fn a_post_sent_twice_creates_one_event_and_replays_the_first_answer() {
    let app = app().await;
    let first = app
        .json(
            Method::POST,
            "/api/events",
            &[key("\"c-1\"")],
            &event("Once"),
        )
        .await;
    assert_eq!(first.status, StatusCode::CREATED);
    let again = app
        .json(
            Method::POST,
            "/api/events",
            &[key("\"c-1\"")],
            &event("Once"),
        )
        .await;
    assert_same_answer(&first, &again);
    assert_eq!(again.header("location"), Some("/api/events/1"));
    assert_eq!(again.header("cache-control"), Some("no-store"));
    // The bare token form names the same key.
    let bare = app
        .json(Method::POST, "/api/events", &[key("c-1")], &event("Once"))
        .await;
    assert_same_answer(&first, &bare);
    assert_eq!(app.repo.count().await.unwrap(), 1);
    // Another key is another change.
    app.json(Method::POST, "/api/events", &[key("c-2")], &event("Once"))
        .await;
    assert_eq!(app.repo.count().await.unwrap(), 2);
}

#[tokio::test]
async fn a_key_reused_for_another_request_is_422_and_changes_nothing() {
    let app = app().await;
    app.json(Method::POST, "/api/events", &[key("k")], &event("A"))
        .await;
    let before = app.all().await;
    for (method, uri, body) in [
        (Method::POST, "/api/events", event("B")),
        (Method::POST, "/api/events?x=1", event("A")),
        (Method::PATCH, "/api/events/1", event("A")),
        (Method::PUT, "/api/events/1", event("A")),
        (Method::DELETE, "/api/events/1", event("A")),
    ] {
        let res = app.json(method.clone(), uri, &[key("k")], &body).await;
        let p = res.problem(422);
        assert_eq!(p["type"], REUSED, "{method} {uri}");
        assert!(
            p["detail"].as_str().unwrap().contains("different request"),
            "{p}"
        );
    }
    // Same JSON value, other bytes: the body is compared as sent.
    app.raw(
        Method::POST,
        "/api/events",
        &[CT_JSON, key("k")],
        format!("{} ", event("A")),
    )
    .await
    .problem(422);
    assert_eq!(app.all().await, before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn ten_concurrent_posts_with_one_key_create_one_event() {
    let dir = tempfile::tempdir().unwrap();
    let (_, app) = file_app(&dir).await;
    let answers = post_concurrently(&[&app], 10, "same-change", "Concurrent").await;
    assert!(answers.iter().all(|r| r.status == StatusCode::CREATED));
    let ids: Vec<_> = answers.iter().map(|r| r.json()["id"].clone()).collect();
    assert!(ids.iter().all(|id| *id == ids[0]), "{ids:?}");
    let replays = answers
        .iter()
        .filter(|r| r.header(REPLAYED).is_some())
        .count();
    assert_eq!(replays, 9);
    assert_eq!(app.repo.count().await.unwrap(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_servers_on_one_file_apply_a_key_once() {
    // Two processes' worth of state: each has its own pool and its own in-process write
    // turns, so only the database can keep them from both applying the change.
    let dir = tempfile::tempdir().unwrap();
    let (args, a) = file_app(&dir).await;
    let b = open(args).await;
    let answers = post_concurrently(&[&a, &b], 12, "shared-change", "Two servers").await;
    assert!(answers.iter().all(|r| r.status == StatusCode::CREATED));
    let first: Vec<_> = answers
        .iter()
        .filter(|r| r.header(REPLAYED).is_none())
        .collect();
    assert_eq!(first.len(), 1, "exactly one request applied the change");
    for again in answers.iter().filter(|r| r.header(REPLAYED).is_some()) {
        assert_same_answer(first[0], again);
    }
    assert_eq!(a.repo.count().await.unwrap(), 1);
    assert_eq!(b.repo.count().await.unwrap(), 1);
}

#[tokio::test]
async fn a_write_whose_key_cannot_be_recorded_is_not_made() {
    let dir = tempfile::tempdir().unwrap();
    let (_, app) = file_app(&dir).await;
    // The key's record fails after the handler's insert succeeded (a full disk, a crash).
    if on_postgres() {
        sql(
            &app,
            "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS \
             $$ BEGIN RAISE EXCEPTION 'disk full'; END $$",
        )
        .await;
        sql(
            &app,
            "CREATE TRIGGER refuse_keys BEFORE INSERT ON idempotency_keys \
             FOR EACH ROW EXECUTE FUNCTION refuse()",
        )
        .await;
    } else {
        sql(
            &app,
            "CREATE TRIGGER refuse_keys BEFORE INSERT ON idempotency_keys \
             BEGIN SELECT RAISE(FAIL, 'disk full'); END",
        )
        .await;
    }
    app.json(Method::POST, "/api/events", &[key("k")], &event("A"))
        .await
        .problem(500);
    let patch = app
        .json(
            Method::PATCH,
            "/api/events/1",
            &[key("p")],
            &json!({"title": "B"}),
        )
        .await;
    assert_eq!(patch.status, StatusCode::NOT_FOUND, "the insert was undone");
    assert_eq!(app.repo.count().await.unwrap(), 0);
    let drop = if on_postgres() {
        "DROP TRIGGER refuse_keys ON idempotency_keys"
    } else {
        "DROP TRIGGER refuse_keys"
    };
    sql(&app, drop).await;
    // The re-send is applied as new, once.
    let again = app
        .json(Method::POST, "/api/events", &[key("k")], &event("A"))
        .await;
    assert_eq!(again.status, StatusCode::CREATED);
    assert_eq!(again.header(REPLAYED), None);
    let replay = app
        .json(Method::POST, "/api/events", &[key("k")], &event("A"))
        .await;
    assert_same_answer(&again, &replay);
    assert_eq!(app.repo.count().await.unwrap(), 1);
}

#[tokio::test]
async fn a_patch_re_sent_with_its_old_if_match_replays_instead_of_412() {
    let app = app().await;
    app.create(&event("A")).await;
    let patch = json!({"title": "B"});
    let headers = [("if-match", "\"1\""), key("p-1")];
    let first = app
        .json(Method::PATCH, "/api/events/1", &headers, &patch)
        .await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(first.header("etag"), Some("\"2\""));
    let again = app
        .json(Method::PATCH, "/api/events/1", &headers, &patch)
        .await;
    assert_same_answer(&first, &again);
    assert_eq!(again.json()["version"], 2);
    // Without the key the same request is the conflict it really is.
    app.json(Method::PATCH, "/api/events/1", &headers[..1], &patch)
        .await
        .problem(412);
    assert_eq!(app.get("/api/events/1").await.json()["version"], 2);
}

#[tokio::test]
async fn a_put_re_sent_replays_too() {
    let app = app().await;
    app.create(&event("A")).await;
    let first = app
        .json(Method::PUT, "/api/events/1", &[key("u")], &event("B"))
        .await;
    assert_eq!(first.status, StatusCode::OK);
    let again = app
        .json(Method::PUT, "/api/events/1", &[key("u")], &event("B"))
        .await;
    assert_same_answer(&first, &again);
}

#[tokio::test]
async fn a_failure_is_not_stored_so_the_key_can_be_retried() {
    let app = app_with(&["--allow-fault-header"]).await;
    app.create(&event("A")).await;
    // Someone else moves the event to version 2.
    app.json(
        Method::PATCH,
        "/api/events/1",
        &[],
        &json!({"location": "X"}),
    )
    .await;
    let patch = json!({"title": "Mine"});
    let stale = app
        .json(
            Method::PATCH,
            "/api/events/1",
            &[("if-match", "\"1\""), key("p")],
            &patch,
        )
        .await;
    stale.problem(412);
    assert_eq!(stale.header(REPLAYED), None);
    // "Apply my changes": the same change, the same key, a fresh If-Match.
    let applied = app
        .json(
            Method::PATCH,
            "/api/events/1",
            &[("if-match", "\"2\""), key("p")],
            &patch,
        )
        .await;
    assert_eq!(applied.status, StatusCode::OK);
    assert_eq!(applied.header(REPLAYED), None, "it ran");
    assert_eq!(applied.json()["version"], 3);
    // Validation failures and injected faults are not stored either.
    let bad = json!({"title": ""});
    app.json(Method::PATCH, "/api/events/1", &[key("v")], &bad)
        .await
        .problem(422);
    app.json(
        Method::POST,
        "/api/events",
        &[key("f"), ("x-eventual-fault", "status=503")],
        &event("F"),
    )
    .await
    .problem(503);
    let res = app
        .json(Method::POST, "/api/events", &[key("f")], &event("F"))
        .await;
    assert_eq!(res.status, StatusCode::CREATED);
    assert_eq!(
        res.header(REPLAYED),
        None,
        "the injected 503 was not recorded"
    );
}

#[tokio::test]
async fn a_delete_re_sent_replays_204_instead_of_404() {
    let app = app().await;
    app.create(&event("A")).await;
    let first = app
        .raw(Method::DELETE, "/api/events/1", &[key("d")], "")
        .await;
    assert_eq!(first.status, StatusCode::NO_CONTENT);
    let again = app
        .raw(Method::DELETE, "/api/events/1", &[key("d")], "")
        .await;
    assert_same_answer(&first, &again);
    app.raw(Method::DELETE, "/api/events/1", &[], "")
        .await
        .problem(404);
}

#[tokio::test]
async fn malformed_keys_are_400_problems_and_change_nothing() {
    let app = app().await;
    let long = "k".repeat(256);
    for bad in [
        "",
        "\"\"",
        long.as_str(),
        "a\tb",
        "a b",
        "\"open",
        "\"k\";p=1",
    ] {
        let p = app
            .json(Method::POST, "/api/events", &[key(bad)], &event("A"))
            .await
            .problem(400);
        assert!(
            p["detail"].as_str().unwrap().contains("Idempotency-Key"),
            "{bad:?}: {p}"
        );
    }
    // Bytes outside ASCII, and the header twice.
    let mut req = req(
        Method::POST,
        "/api/events",
        &[CT_JSON],
        event("A").to_string().into(),
    );
    req.headers_mut().insert(
        "idempotency-key",
        HeaderValue::from_bytes(b"caf\xc3\xa9").unwrap(),
    );
    app.send(req).await.problem(400);
    let p = app
        .json(
            Method::POST,
            "/api/events",
            &[key("a"), key("b")],
            &event("A"),
        )
        .await
        .problem(400);
    assert!(
        p["detail"].as_str().unwrap().contains("more than once"),
        "{p}"
    );
    assert_eq!(app.repo.count().await.unwrap(), 0);
    // 255 characters are fine.
    let res = app
        .json(Method::POST, "/api/events", &[key(&long[1..])], &event("A"))
        .await;
    assert_eq!(res.status, StatusCode::CREATED);
}

#[tokio::test]
async fn reads_ignore_the_key_and_an_oversized_body_is_the_usual_413() {
    let app = app().await;
    app.create(&event("A")).await;
    for _ in 0..2 {
        let res = app.raw(Method::GET, "/api/events/1", &[key("r")], "").await;
        assert_eq!(res.status, StatusCode::OK);
        assert_eq!(res.header(REPLAYED), None);
    }
    let big = vec![b' '; 65 * 1024];
    let plain = app
        .raw(Method::POST, "/api/events", &[CT_JSON], big.clone())
        .await;
    let keyed = app
        .raw(Method::POST, "/api/events", &[CT_JSON, key("big")], big)
        .await;
    assert_eq!(keyed.problem(413), plain.problem(413));
    // Exactly at the limit is read and judged by the handler as before (not JSON: 400).
    app.raw(
        Method::POST,
        "/api/events",
        &[CT_JSON, key("edge")],
        vec![b'x'; 64 * 1024],
    )
    .await
    .problem(400);
}

#[tokio::test]
async fn keys_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let (args, app) = file_app(&dir).await;
    let first = app
        .json(Method::POST, "/api/events", &[key("durable")], &event("A"))
        .await;
    assert_eq!(first.status, StatusCode::CREATED);
    let pool = app.repo.pool().clone();
    drop(app);
    pool.close().await;

    let app = open(args).await;
    let again = app
        .json(Method::POST, "/api/events", &[key("durable")], &event("A"))
        .await;
    assert_same_answer(&first, &again);
    assert_eq!(app.repo.count().await.unwrap(), 1);
}

#[tokio::test]
async fn a_key_expires_after_24_hours() {
    let app = app().await;
    app.json(Method::POST, "/api/events", &[key("old")], &event("A"))
        .await;
    // Age the record by a day and a minute.
    sql(
        &app,
        "UPDATE idempotency_keys SET created_ms = created_ms - 86460000",
    )
    .await;
    let res = app
        .json(Method::POST, "/api/events", &[key("old")], &event("B"))
        .await;
    assert_eq!(
        res.status,
        StatusCode::CREATED,
        "a forgotten key is free again"
    );
    assert_eq!(res.header(REPLAYED), None);
    assert_eq!(app.repo.count().await.unwrap(), 2);
    let again = app
        .json(Method::POST, "/api/events", &[key("old")], &event("B"))
        .await;
    assert_same_answer(&res, &again);
}

#[tokio::test]
async fn lose_response_in_process_fails_the_body_after_the_write() {
    let app = app_with(&["--allow-fault-header"]).await;
    let res = app
        .router
        .clone()
        .oneshot(req(
            Method::POST,
            "/api/events",
            &[CT_JSON, key("lost"), ("x-eventual-fault", "lose-response")],
            Body::from(event("A").to_string()),
        ))
        .await
        .unwrap();
    assert!(to_bytes(res.into_body(), usize::MAX).await.is_err());
    assert_eq!(app.repo.count().await.unwrap(), 1, "the write committed");
    let again = app
        .json(Method::POST, "/api/events", &[key("lost")], &event("A"))
        .await;
    assert_eq!(again.status, StatusCode::CREATED);
    assert_eq!(again.header(REPLAYED), Some("true"));
    assert_eq!(app.repo.count().await.unwrap(), 1);
    // It cannot be combined with faults that answer before the handler.
    app.json(
        Method::POST,
        "/api/events",
        &[("x-eventual-fault", "lose-response; status=500")],
        &event("B"),
    )
    .await
    .problem(400);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lose_response_over_tcp_commits_then_drops_and_the_key_recovers_the_answer() {
    let (base, stop, task) = start(&["--allow-fault-header"]).await;
    let http = reqwest::Client::new();
    let post = |fault: Option<&'static str>| {
        let mut b = http
            .post(format!("{base}/api/events"))
            .header("idempotency-key", "\"lost-1\"")
            .json(&event("Committed"));
        if let Some(f) = fault {
            b = b.header("x-eventual-fault", f);
        }
        b.send()
    };
    let err = post(Some("lose-response")).await.expect_err("no answer");
    assert!(!err.is_status(), "{err}");
    let list: serde_json::Value = http
        .get(format!("{base}/api/events"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1, "the event exists");
    let res = post(None).await.unwrap();
    assert_eq!(res.status(), 201);
    assert_eq!(res.headers()[REPLAYED], "true");
    assert_eq!(res.headers()["location"], "/api/events/1");
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body, list[0]);
    let n = http
        .get(format!("{base}/api/events"))
        .send()
        .await
        .unwrap()
        .headers()["x-total-count"]
        .clone();
    assert_eq!(n, "1");
    stop.send(()).unwrap();
    task.await.unwrap();
}
