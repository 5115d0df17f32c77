//! The list: order, overlap filter, text search, paging and X-Total-Count.

use serde_json::{json, Value};

use crate::common::*;

fn titles(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|e| e["title"].as_str().unwrap().to_owned())
        .collect()
}

async fn fixture() -> TestApp {
    let app = app().await;
    // Created out of order; two share a start so the id breaks the tie.
    for (title, start, end, location, description) in [
        (
            "C late",
            "2026-12-03T09:00:00Z",
            "2026-12-03T10:00:00Z",
            "Room 1",
            "",
        ),
        (
            "A early",
            "2026-12-01T09:00:00Z",
            "2026-12-01T10:00:00Z",
            "",
            "Ärger im Büro",
        ),
        (
            "B tie 1",
            "2026-12-02T09:00:00Z",
            "2026-12-02T12:00:00Z",
            "Café",
            "",
        ),
        (
            "B tie 2",
            "2026-12-02T09:00:00Z",
            "2026-12-02T09:30:00Z",
            "",
            "100% done_ok",
        ),
        (
            "D long",
            "2026-11-30T00:00:00Z",
            "2026-12-05T00:00:00Z",
            "",
            "",
        ),
    ] {
        let mut e = event_at(title, start, end);
        e["location"] = json!(location);
        e["description"] = json!(description);
        app.create(&e).await;
    }
    app
}

#[tokio::test]
async fn sorted_by_start_then_id_with_total() {
    let app = fixture().await;
    let res = app.get("/api/events").await;
    assert_eq!(res.header("x-total-count"), Some("5"));
    assert_eq!(
        titles(&res.json()),
        ["D long", "A early", "B tie 1", "B tie 2", "C late"]
    );
}

#[tokio::test]
async fn paging_with_total_before_paging() {
    let app = fixture().await;
    let res = app.get("/api/events?_page=2&_limit=2").await;
    assert_eq!(res.header("x-total-count"), Some("5"));
    assert_eq!(titles(&res.json()), ["B tie 1", "B tie 2"]);
    let res = app.get("/api/events?_page=3&_limit=2").await;
    assert_eq!(titles(&res.json()), ["C late"]);
    let res = app.get("/api/events?_page=9&_limit=2").await;
    assert_eq!(res.json(), json!([]));
    assert_eq!(res.header("x-total-count"), Some("5"));
    let res = app.get("/api/events?_limit=5000").await;
    assert_eq!(
        titles(&res.json()).len(),
        5,
        "a huge limit is capped, not refused"
    );
    for bad in ["_page=0", "_limit=0", "_page=x", "_limit=-1"] {
        app.get(&format!("/api/events?{bad}")).await.problem(400);
    }
}

#[tokio::test]
async fn text_search_is_case_insensitive_and_literal() {
    let app = fixture().await;
    let cases: [(&str, &[&str]); 7] = [
        ("late", &["C late"]),
        ("ROOM", &["C late"]),
        ("%C3%A4rger", &["A early"]), // "ärger" matches "Ärger": Unicode folding
        ("caf%C3%89", &["B tie 1"]),  // "cafÉ" matches "Café"
        ("100%25", &["B tie 2"]),     // a literal %
        ("a_ly", &[]),                // `_` is no wildcard ("early")
        ("%25", &["B tie 2"]),        // `%` alone is no wildcard
    ];
    for (q, want) in cases {
        let res = app.get(&format!("/api/events?q={q}")).await;
        assert_eq!(titles(&res.json()), want, "q={q}");
        assert_eq!(
            res.header("x-total-count"),
            Some(want.len().to_string().as_str())
        );
    }
    // Blank q is no filter.
    assert_eq!(titles(&app.get("/api/events?q=+").await.json()).len(), 5);
}

#[tokio::test]
async fn from_to_is_an_overlap_filter() {
    let app = fixture().await;
    let res = app
        .get("/api/events?from=2026-12-02T00:00:00Z&to=2026-12-03T00:00:00Z")
        .await;
    assert_eq!(titles(&res.json()), ["D long", "B tie 1", "B tie 2"]);
    assert_eq!(res.header("x-total-count"), Some("3"));
    // Touching the edge is not overlapping: an event ending at `from` is out.
    let res = app
        .get("/api/events?from=2026-12-01T10:00:00Z&to=2026-12-01T11:00:00Z")
        .await;
    assert_eq!(titles(&res.json()), ["D long"]);
    let res = app.get("/api/events?from=2026-12-03T09:30:00Z").await;
    assert_eq!(titles(&res.json()), ["D long", "C late"]);
    let res = app.get("/api/events?to=2026-12-01T00:00:00Z").await;
    assert_eq!(titles(&res.json()), ["D long"]);
    // An unencoded `+01:00` offset still parses.
    let res = app.get("/api/events?from=2026-12-03T10:30:00+01:00").await;
    assert_eq!(titles(&res.json()), ["D long", "C late"]);
    // Filters combine with search and paging.
    let res = app
        .get("/api/events?from=2026-12-02T00:00:00Z&q=tie&_limit=1")
        .await;
    assert_eq!(titles(&res.json()), ["B tie 1"]);
    assert_eq!(res.header("x-total-count"), Some("2"));
}

#[tokio::test]
async fn bad_dates_are_400() {
    let app = fixture().await;
    for bad in [
        "from=tomorrow",
        "to=2026-12-01",
        "from=2026-13-01T00:00:00Z",
        "from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z",
    ] {
        let p = app.get(&format!("/api/events?{bad}")).await.problem(400);
        assert!(!p["detail"].as_str().unwrap().is_empty());
    }
}
