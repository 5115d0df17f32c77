//! Every endpoint's success path, ETag / Location / If-Match.

use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::common::*;

#[tokio::test]
async fn health_is_ok() {
    let app = app().await;
    let res = app.get("/api/health").await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.json()["status"], "ok");
}

#[tokio::test]
async fn create_answers_201_with_location_and_etag() {
    let app = app().await;
    let res = app
        .json(Method::POST, "/api/events", &[], &event("Standup"))
        .await;
    assert_eq!(res.status, StatusCode::CREATED);
    let e = res.json();
    assert_eq!(e["id"], "1", "ids are JSON strings");
    assert_eq!(res.header("location"), Some("/api/events/1"));
    assert_eq!(res.header("etag"), Some("\"1\""));
    assert_eq!(e["version"], 1);
    assert_eq!(e["title"], "Standup");
    assert_eq!(e["description"], "");
    assert_eq!(e["location"], "");
    assert_eq!(e["allDay"], false);
    assert_eq!(e["status"], "confirmed");
    assert_eq!(e["start"], "2026-12-01T09:00:00Z");
    let created = e["createdAt"].as_str().unwrap();
    assert!(eventual_model::Timestamp::parse(created).is_ok());
    assert_eq!(e["createdAt"], e["updatedAt"]);
    // The model's Event reads it back.
    let parsed: eventual_model::Event = serde_json::from_value(e).unwrap();
    assert_eq!(parsed.etag().as_deref(), Some("\"1\""));
}

#[tokio::test]
async fn offsets_are_normalised_to_utc() {
    let app = app().await;
    let e = app
        .create(&event_at(
            "Offset",
            "2026-12-01T10:00:00+01:00",
            "2026-12-01T11:30:00.250+01:00",
        ))
        .await;
    assert_eq!(e["start"], "2026-12-01T09:00:00Z");
    assert_eq!(e["end"], "2026-12-01T10:30:00.25Z");
}

#[tokio::test]
async fn get_one_has_a_strong_etag() {
    let app = app().await;
    let e = app.create(&event("A")).await;
    let res = app.get("/api/events/1").await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.header("etag"), Some("\"1\""));
    assert_eq!(res.json(), e);
}

#[tokio::test]
async fn patch_merges_and_bumps_the_version() {
    let app = app().await;
    let mut body = event("A");
    body["location"] = json!("Room 1");
    body["description"] = json!("notes");
    app.create(&body).await;
    let res = app
        .raw(
            Method::PATCH,
            "/api/events/1",
            &[("content-type", "application/merge-patch+json")],
            json!({"title": "B", "location": null}).to_string(),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    let e = res.json();
    assert_eq!(e["title"], "B");
    assert_eq!(e["location"], "", "null clears to the default");
    assert_eq!(e["description"], "notes", "absent is untouched");
    assert_eq!(e["version"], 2);
    assert_eq!(res.header("etag"), Some("\"2\""));
    assert_eq!(app.get("/api/events/1").await.json(), e);
}

#[tokio::test]
async fn a_patch_that_changes_nothing_keeps_the_version() {
    let app = app().await;
    app.create(&event("A")).await;
    let res = app
        .json(Method::PATCH, "/api/events/1", &[], &json!({"title": "A"}))
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.json()["version"], 1);
    let res = app
        .json(Method::PATCH, "/api/events/1", &[], &json!({}))
        .await;
    assert_eq!(res.json()["version"], 1);
}

#[tokio::test]
async fn put_replaces_every_writable_field() {
    let app = app().await;
    let mut body = event("A");
    body["location"] = json!("Room 1");
    body["status"] = json!("tentative");
    let before = app.create(&body).await;
    let res = app
        .json(
            Method::PUT,
            "/api/events/1",
            &[],
            &event_at("B", "2026-12-02T00:00:00Z", "2026-12-03T00:00:00Z"),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    let e = res.json();
    assert_eq!(e["title"], "B");
    assert_eq!(e["location"], "", "omitted fields reset to defaults");
    assert_eq!(e["status"], "confirmed");
    assert_eq!(e["version"], 2);
    assert_eq!(e["createdAt"], before["createdAt"]);
    assert_eq!(res.header("etag"), Some("\"2\""));
}

#[tokio::test]
async fn delete_answers_204_then_404() {
    let app = app().await;
    app.create(&event("A")).await;
    let res = app.raw(Method::DELETE, "/api/events/1", &[], "").await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    assert!(res.body.is_empty());
    app.get("/api/events/1").await.problem(404);
    app.raw(Method::DELETE, "/api/events/1", &[], "")
        .await
        .problem(404);
    // Ids are never reused after a delete.
    assert_eq!(app.create(&event("B")).await["id"], "2");
}

#[tokio::test]
async fn if_match_is_checked_on_every_write() {
    let app = app().await;
    app.create(&event("A")).await;
    // Matching tag: applied.
    let res = app
        .json(
            Method::PATCH,
            "/api/events/1",
            &[("if-match", "\"1\"")],
            &json!({"title": "B"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    // Stale tag: 412 naming the current version, nothing changed.
    for (method, body) in [
        (Method::PATCH, json!({"title": "C"})),
        (Method::PUT, event("C")),
    ] {
        let res = app
            .json(method, "/api/events/1", &[("if-match", "\"1\"")], &body)
            .await;
        let p = res.problem(412);
        assert!(p["detail"].as_str().unwrap().contains('2'), "{p}");
        assert_eq!(res.header("etag"), Some("\"2\""));
    }
    let res = app
        .raw(
            Method::DELETE,
            "/api/events/1",
            &[("if-match", "\"1\"")],
            "",
        )
        .await;
    res.problem(412);
    assert_eq!(app.get("/api/events/1").await.json()["title"], "B");
    // A weak tag never matches under strong comparison.
    app.json(
        Method::PATCH,
        "/api/events/1",
        &[("if-match", "W/\"2\"")],
        &json!({"title": "D"}),
    )
    .await
    .problem(412);
    // One of a list matches; `*` matches any existing event.
    let res = app
        .json(
            Method::PATCH,
            "/api/events/1",
            &[("if-match", "\"7\", \"2\"")],
            &json!({"title": "E"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    let res = app
        .json(
            Method::PUT,
            "/api/events/1",
            &[("if-match", "*")],
            &event("F"),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.json()["version"], 4);
    // `*` on a missing event is still a 404; so is a stale tag.
    app.json(
        Method::PUT,
        "/api/events/9",
        &[("if-match", "*")],
        &event("G"),
    )
    .await
    .problem(404);
    app.raw(
        Method::DELETE,
        "/api/events/9",
        &[("if-match", "\"1\"")],
        "",
    )
    .await
    .problem(404);
    let res = app
        .raw(
            Method::DELETE,
            "/api/events/1",
            &[("if-match", "\"4\"")],
            "",
        )
        .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn read_only_fields_in_bodies_are_ignored() {
    let app = app().await;
    let mut body = event("A");
    let sneaky = json!({
        "id": "999", "version": 50, "createdAt": "1999-01-01T00:00:00Z",
        "updatedAt": "1999-01-01T00:00:00Z", "owner": {"nested": [1, 2]}
    });
    for (k, v) in sneaky.as_object().unwrap() {
        body[k] = v.clone();
    }
    let e = app.create(&body).await;
    assert_eq!(e["id"], "1");
    assert_eq!(e["version"], 1);
    assert_ne!(e["createdAt"], "1999-01-01T00:00:00Z");
    assert!(e.get("owner").is_none());
    let mut patch = sneaky.clone();
    patch["title"] = json!("B");
    let e2 = app
        .json(Method::PATCH, "/api/events/1", &[], &patch)
        .await
        .json();
    assert_eq!(
        (e2["id"].clone(), e2["version"].clone()),
        (json!("1"), json!(2))
    );
    assert_eq!(e2["createdAt"], e["createdAt"]);
    body["title"] = json!("C");
    let e3 = app
        .json(Method::PUT, "/api/events/1", &[], &body)
        .await
        .json();
    assert_eq!(
        (e3["id"].clone(), e3["version"].clone()),
        (json!("1"), json!(3))
    );
    app.get("/api/events/999").await.problem(404);
}

#[tokio::test]
async fn a_custom_prefix_moves_the_api() {
    let app = app_with(&["--api-prefix", "/v1/"]).await;
    let res = app.json(Method::POST, "/v1/events", &[], &event("A")).await;
    assert_eq!(res.status, StatusCode::CREATED);
    assert_eq!(res.header("location"), Some("/v1/events/1"));
    assert_eq!(app.get("/v1/events/1").await.status, StatusCode::OK);
    app.get("/api/events").await.problem(404);
}

#[tokio::test]
async fn seed_fills_an_empty_table_once() {
    let app = app_with(&["--seed"]).await;
    let n = app.all().await.as_array().unwrap().len();
    assert!((18..=25).contains(&n), "{n}");
    let again = eventual_server::db::seed_if_empty(&app.repo).await.unwrap();
    assert_eq!(again, 0);
}
