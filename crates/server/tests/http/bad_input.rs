//! A corpus of bad requests: each gets its 4xx problem, never a 500, and changes nothing.
//! Hostile-looking but valid text is stored verbatim.

use axum::http::Method;
use serde_json::json;

use crate::common::*;

#[tokio::test]
async fn bad_requests_get_4xx_and_change_nothing() {
    let app = app().await;
    app.create(&event("Existing")).await;
    let before = app.all().await;
    let valid = event("x");
    let with = |k: &str, v: serde_json::Value| {
        let mut b = valid.clone();
        b[k] = v;
        b.to_string()
    };
    let deep_array = "[".repeat(10_000);
    let deep_object = "{\"a\":".repeat(10_000);
    let deep_member = format!("{{\"title\": \"x\", \"extra\": {}", "[".repeat(10_000));
    let huge = with("description", json!("y".repeat(200 * 1024)));
    let corpus: Vec<(&str, String, u16)> = vec![
        ("invalid json", "{title: 'x'}".into(), 400),
        ("truncated", "{\"title\": \"x\"".into(), 400),
        ("empty body", String::new(), 400),
        ("not an object", "[1, 2]".into(), 400),
        ("a string", "\"event\"".into(), 400),
        ("null", "null".into(), 400),
        ("trailing garbage", format!("{valid} trailing"), 400),
        ("title a number", with("title", json!(5)), 400),
        ("title an object", with("title", json!({"a": 1})), 400),
        ("allDay a string", with("allDay", json!("yes")), 400),
        ("unknown status", with("status", json!("maybe")), 400),
        ("status a number", with("status", json!(1)), 400),
        ("start not a date", with("start", json!("tomorrow")), 400),
        ("start a date only", with("start", json!("2026-12-01")), 400),
        (
            "start month 13",
            with("start", json!("2026-13-01T09:00:00Z")),
            400,
        ),
        ("start a number", with("start", json!(1_700_000_000)), 400),
        (
            "start past year 9999 in UTC",
            with("start", json!("9999-12-31T23:30:00-01:00")),
            422,
        ),
        (
            "end before year 0 in UTC",
            with("end", json!("0000-01-01T00:00:00+01:00")),
            422,
        ),
        (
            "start year 10000",
            with("start", json!("10000-01-01T00:00:00Z")),
            400,
        ),
        (
            "start a negative year",
            with("start", json!("-0001-01-01T00:00:00Z")),
            400,
        ),
        ("deep array", deep_array, 400),
        ("deep object", deep_object, 400),
        ("deep ignored member", deep_member, 400),
        (
            "invalid utf-8 escape",
            "{\"title\": \"\\ud800\"}".into(),
            400,
        ),
        (
            "end before start",
            with("end", json!("2026-12-01T08:00:00Z")),
            422,
        ),
        (
            "end equals start",
            with("end", json!("2026-12-01T09:00:00Z")),
            422,
        ),
        ("empty title", with("title", json!("")), 422),
        ("blank title", with("title", json!(" \t ")), 422),
        ("title too long", with("title", json!("t".repeat(201))), 422),
        (
            "location too long",
            with("location", json!("l".repeat(501))),
            422,
        ),
        ("title null", with("title", json!(null)), 422),
        ("all-day at 09:00", with("allDay", json!(true)), 422),
        ("huge body", huge, 413),
    ];
    for (name, body, want) in &corpus {
        for (method, uri) in [
            (Method::POST, "/api/events"),
            (Method::PUT, "/api/events/1"),
            (Method::PATCH, "/api/events/1"),
        ] {
            let res = app.raw(method.clone(), uri, &[CT_JSON], body.clone()).await;
            let p = res.problem(*want);
            assert!(!p["detail"].as_str().unwrap().is_empty(), "{name}: {p}");
        }
    }
    // Wrong content types.
    for ct in [
        "text/plain",
        "application/xml",
        "multipart/form-data; boundary=x",
    ] {
        app.raw(
            Method::POST,
            "/api/events",
            &[("content-type", ct)],
            valid.to_string(),
        )
        .await
        .problem(415);
    }
    // Bad paths and queries.
    app.get("/api/events/1'%20OR%20'1'='1").await.problem(404);
    app.get("/api/events?from=1'%3B--").await.problem(400);
    for q in [
        "from=9999-12-31T23:30:00-01:00",
        "to=0000-01-01T00:00:00%2B01:00",
        "to=0000-01-01T00:00:00+01:00",
        "from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z",
        "_page=0",
        "_page=-1",
        "_page=99999999999",
        "_limit=0",
        "_limit=1e3",
        "from=%FF%FE",
    ] {
        app.get(&format!("/api/events?{q}")).await.problem(400);
    }
    assert_eq!(app.all().await, before, "nothing changed");
}

#[tokio::test]
async fn hostile_and_unicode_text_is_stored_verbatim() {
    let app = app().await;
    let strings = [
        "'); DROP TABLE events;--",
        "Robert\"); DELETE FROM events WHERE (\"1\"=\"1",
        "100% _off_ \\ ' \" `",
        "Zoë 🎉 — 日本語 עברית \u{200b}",
        "<script>alert(1)</script>",
        "line\nbreak\ttab",
    ];
    for s in strings {
        let mut body = event(s);
        body["location"] = json!(s);
        body["description"] = json!(s);
        let e = app.create(&body).await;
        let id = e["id"].as_str().unwrap().to_owned();
        let got = app.get(&format!("/api/events/{id}")).await.json();
        for field in ["title", "location", "description"] {
            assert_eq!(got[field], s, "{field}");
        }
    }
    let all = app.all().await;
    assert_eq!(
        all.as_array().unwrap().len(),
        strings.len(),
        "the table survived"
    );
    let res = app.get("/api/events?q=DROP%20TABLE").await;
    assert_eq!(res.header("x-total-count"), Some("1"));
}

/// The title counts after trimming, so it is stored trimmed: a stored title is always what
/// the schema promises (1 to 200 characters), whichever write made it.
#[tokio::test]
async fn titles_are_stored_without_surrounding_whitespace() {
    let app = app().await;
    let padded = format!("\r\n {} \t", "*".repeat(200));
    let e = app.create(&event(&padded)).await;
    assert_eq!(e["title"], "*".repeat(200));
    let id = e["id"].as_str().unwrap().to_owned();
    let uri = format!("/api/events/{id}");
    let mut whole = event("  Put  ");
    whole["version"] = e["version"].clone();
    let put = app
        .json(Method::PUT, &uri, &[("if-match", "*")], &whole)
        .await;
    assert_eq!(put.status, 200, "{:?}", put.json());
    assert_eq!(put.json()["title"], "Put");
    let patch = app
        .json(
            Method::PATCH,
            &uri,
            &[("if-match", "*")],
            &json!({"title": "\tPatched\n"}),
        )
        .await;
    assert_eq!(patch.status, 200, "{:?}", patch.json());
    assert_eq!(app.get(&uri).await.json()["title"], "Patched");
}

#[tokio::test]
async fn dates_past_the_edge_of_the_range_are_422_in_bodies_and_400_in_queries() {
    let app = app().await;
    app.create(&event("Existing")).await;
    let before = app.all().await;
    for edge in ["9999-12-31T23:30:00-01:00", "0000-01-01T00:00:00+01:00"] {
        for field in ["start", "end"] {
            let mut body = event_at("Edge", "2026-12-01T09:00:00Z", "2026-12-01T10:00:00Z");
            body[field] = json!(edge);
            for (method, uri) in [
                (Method::POST, "/api/events"),
                (Method::PUT, "/api/events/1"),
                (Method::PATCH, "/api/events/1"),
            ] {
                let res = app.json(method.clone(), uri, &[], &body).await;
                let p = res.problem(422);
                assert_eq!(p["errors"][0]["pointer"], format!("/{field}"), "{p}");
                assert!(p["detail"].as_str().unwrap().contains("9999-12-31"), "{p}");
            }
        }
        let encoded = edge.replace('+', "%2B");
        for q in ["from", "to"] {
            let p = app
                .get(&format!("/api/events?{q}={encoded}"))
                .await
                .problem(400);
            assert!(p["detail"].as_str().unwrap().starts_with(q), "{p}");
        }
    }
    // The edges themselves are fine, and an event may sit right at them.
    let early = app
        .create(&event_at(
            "First",
            "0000-01-01T00:00:00Z",
            "0000-01-01T02:00:00+01:00",
        ))
        .await;
    assert_eq!(early["end"], "0000-01-01T01:00:00Z");
    let late = app
        .create(&event_at(
            "Last",
            "9999-12-31T22:59:59+01:00",
            "9999-12-31T23:59:59.999999999Z",
        ))
        .await;
    assert_eq!(late["start"], "9999-12-31T21:59:59Z");
    let res = app
        .get("/api/events?from=0000-01-01T00:00:00Z&to=9999-12-31T23:59:59.999999999Z")
        .await;
    assert_eq!(res.header("x-total-count"), Some("3"));
    assert_eq!(
        app.all().await.as_array().unwrap().len(),
        before.as_array().unwrap().len() + 2
    );
}
