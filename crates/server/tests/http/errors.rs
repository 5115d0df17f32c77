//! Every error status is a problem+json with the right shape.

use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::common::*;

#[tokio::test]
async fn not_found_for_missing_events_ids_and_routes() {
    let app = app().await;
    for uri in [
        "/api/events/1",
        "/api/events/abc",
        "/api/events/-1",
        "/api/events/0",
        "/api/events/99999999999999999999999",
        "/api/nope",
        "/api/events/1/extra",
        "/elsewhere",
    ] {
        app.get(uri).await.problem(404);
    }
    app.json(Method::PATCH, "/api/events/5", &[], &json!({"title": "x"}))
        .await
        .problem(404);
}

#[tokio::test]
async fn method_not_allowed_is_a_problem_with_allow() {
    let app = app().await;
    app.create(&event("A")).await;
    let res = app
        .json(Method::POST, "/api/events/1", &[], &event("B"))
        .await;
    res.problem(405);
    let allow = header_list(&res, "allow");
    assert!(allow.contains(&"patch".to_string()), "{allow:?}");
    app.raw(Method::DELETE, "/api/events", &[], "")
        .await
        .problem(405);
    app.raw(Method::POST, "/api/health", &[], "")
        .await
        .problem(405);
}

#[tokio::test]
async fn bad_json_is_400_with_the_parser_message() {
    let app = app().await;
    let res = app
        .raw(Method::POST, "/api/events", &[CT_JSON], "{\"title\": ")
        .await;
    let p = res.problem(400);
    assert!(
        p["detail"].as_str().unwrap().contains("not valid JSON"),
        "{p}"
    );
    let res = app
        .json(Method::POST, "/api/events", &[], &json!({"title": 5}))
        .await;
    let p = res.problem(400);
    assert_eq!(p["errors"][0]["pointer"], "/title");
    assert!(
        p["detail"].as_str().unwrap().contains("invalid type"),
        "{p}"
    );
    assert!(
        !p["detail"].as_str().unwrap().contains("line"),
        "no parser positions: {p}"
    );
}

#[tokio::test]
async fn non_json_is_415() {
    let app = app().await;
    let body = event("A").to_string();
    for headers in [
        vec![("content-type", "text/plain")],
        vec![("content-type", "application/x-www-form-urlencoded")],
        vec![],
    ] {
        app.raw(Method::POST, "/api/events", &headers, body.clone())
            .await
            .problem(415);
    }
    app.create(&event("A")).await;
    app.raw(
        Method::PATCH,
        "/api/events/1",
        &[("content-type", "text/json")],
        "{}",
    )
    .await
    .problem(415);
    // Parameters and +json types are JSON.
    let res = app
        .raw(
            Method::PATCH,
            "/api/events/1",
            &[("content-type", "application/json; charset=utf-8")],
            "{}",
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
}

#[tokio::test]
async fn bodies_over_64_kib_are_413() {
    let app = app().await;
    let mut body = event("A");
    body["description"] = json!("x".repeat(70 * 1024));
    let res = app.json(Method::POST, "/api/events", &[], &body).await;
    let p = res.problem(413);
    assert!(p["detail"].as_str().unwrap().contains("64 KiB"));
    assert_eq!(app.all().await, json!([]));
    // Just under the limit is read, then judged on its content (too long a description).
    body["description"] = json!("x".repeat(60 * 1024));
    app.json(Method::POST, "/api/events", &[], &body)
        .await
        .problem(422);
}

#[tokio::test]
async fn validation_is_422_with_pointers() {
    let app = app().await;
    let res = app
        .json(Method::POST, "/api/events", &[], &json!({"title": "x"}))
        .await;
    let p = res.problem(422);
    let pointers: Vec<_> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["pointer"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(pointers, ["/start", "/end"]);
    let res = app
        .json(
            Method::POST,
            "/api/events",
            &[],
            &event_at("  ", "2026-12-01T10:00:00Z", "2026-12-01T09:00:00Z"),
        )
        .await;
    let p = res.problem(422);
    assert_eq!(p["errors"][0]["pointer"], "/title");
    assert_eq!(p["errors"][1]["pointer"], "/end");
    app.create(&event("A")).await;
    let p = app
        .json(Method::PATCH, "/api/events/1", &[], &json!({"title": null}))
        .await
        .problem(422);
    assert_eq!(p["errors"][0]["pointer"], "/title");
    let p = app
        .json(
            Method::PATCH,
            "/api/events/1",
            &[],
            &json!({"allDay": true}),
        )
        .await
        .problem(422);
    assert_eq!(p["errors"][0]["pointer"], "/start");
    assert_eq!(app.get("/api/events/1").await.json()["version"], 1);
}

#[tokio::test]
async fn bad_if_match_is_400() {
    let app = app().await;
    app.create(&event("A")).await;
    app.json(
        Method::PATCH,
        "/api/events/1",
        &[("if-match", "not a tag")],
        &json!({}),
    )
    .await
    .problem(400);
}

#[tokio::test]
async fn server_errors_carry_no_internals() {
    let app = app_with(&["--allow-fault-header"]).await;
    app.create(&event("A")).await;
    for status in [500u16, 503] {
        let header = format!("status={status}");
        let res = app
            .raw(
                Method::PATCH,
                "/api/events/1",
                &[CT_JSON, ("x-eventual-fault", header.as_str())],
                json!({"title": "changed"}).to_string(),
            )
            .await;
        let p = res.problem(status);
        let text = String::from_utf8_lossy(&res.body).to_lowercase();
        for leak in ["sqlx", "select", "sqlite", "panicked", "src/", ".rs:"] {
            assert!(!text.contains(leak), "{leak} in {text}");
        }
        assert_eq!(
            p.as_object().unwrap().len(),
            4,
            "only type/title/status/detail"
        );
    }
    assert_eq!(
        app.get("/api/events/1").await.json()["title"],
        "A",
        "a failed write changed nothing"
    );
}

#[tokio::test]
async fn a_broken_database_is_a_clean_500() {
    let app = app().await;
    app.create(&event("A")).await;
    // Sabotage the schema under the running server: the query fails inside the database.
    sql(&app, "ALTER TABLE events RENAME TO gone").await;
    let res = app.get("/api/events").await;
    let p = res.problem(500);
    let text = p.to_string().to_lowercase();
    assert!(!text.contains("events") && !text.contains("sql"), "{text}");
    app.get("/api/health").await;
}

#[tokio::test]
async fn a_nul_character_is_never_a_5xx() {
    let app = app().await;
    let mut body = event("a\u{0}b");
    let res = app.json(Method::POST, "/api/events", &[], &body).await;
    if on_postgres() {
        // PostgreSQL text cannot hold U+0000: refused as the client's text, nothing stored.
        let p = res.problem(422);
        assert!(p["detail"].as_str().unwrap().contains("U+0000"), "{p}");
        assert_eq!(app.all().await, serde_json::json!([]));
    } else {
        assert_eq!(res.status, StatusCode::CREATED);
        assert_eq!(res.json()["title"], "a\u{0}b");
    }
    body["title"] = "plain".into();
    app.create(&body).await;
    let found = app.get("/api/events?q=%00").await;
    assert_eq!(found.status, StatusCode::OK);
    let expected = if on_postgres() { 0 } else { 1 };
    assert_eq!(found.json().as_array().unwrap().len(), expected);
}
