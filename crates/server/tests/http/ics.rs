//! `GET /api/calendar.ics`, read back by an independent parser (the `ical` crate).

use std::collections::HashMap;

use axum::http::{Method, StatusCode};
use ical::parser::ical::component::IcalEvent;
use serde_json::json;

use crate::common::*;

/// A property's parameters: name and values.
type Params = Vec<(String, Vec<String>)>;

/// A property's value and its parameters, by name (each occurs once in our VEVENTs).
fn props(e: &IcalEvent) -> HashMap<String, (String, Params)> {
    let mut out = HashMap::new();
    for p in &e.properties {
        let previous = out.insert(
            p.name.clone(),
            (
                p.value.clone().unwrap_or_default(),
                p.params.clone().unwrap_or_default(),
            ),
        );
        assert!(previous.is_none(), "{} twice", p.name);
    }
    out
}

/// RFC 5545 §3.3.11 TEXT, unescaped (`ical` hands values over as written).
fn text(value: &str) -> String {
    let mut out = String::new();
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n' | 'N') => out.push('\n'),
            Some(other) => out.push(other),
            None => panic!("dangling backslash in {value:?}"),
        }
    }
    out
}

#[tokio::test]
async fn the_feed_is_rfc5545_that_an_independent_parser_reads_back() {
    let app = app().await;
    let tricky = "Review; budget, Q1 \\ \"final\"";
    let long = format!(
        "Agenda:\n1. {}\n2. Ünïcødé ✓ {}",
        "x".repeat(80),
        "é".repeat(60)
    );
    let meeting = app
        .json(
            Method::POST,
            "/api/events",
            &[],
            &json!({
                "title": tricky,
                "start": "2026-12-01T09:00:00+01:00",
                "end": "2026-12-01T10:30:00+01:00",
                "location": "Room 4, floor 2; east",
                "description": long,
                "status": "tentative",
            }),
        )
        .await
        .json();
    let holiday = app
        .json(
            Method::POST,
            "/api/events",
            &[],
            &json!({
                "title": "Holiday",
                "start": "2026-12-24T00:00:00Z",
                "end": "2026-12-27T00:00:00Z",
                "allDay": true,
            }),
        )
        .await
        .json();
    let id = meeting["id"].as_str().unwrap();
    let edited = app
        .json(
            Method::PATCH,
            &format!("/api/events/{id}"),
            &[],
            &json!({"status": "cancelled"}),
        )
        .await;
    assert_eq!(edited.status, StatusCode::OK);

    let res = app.get("/api/calendar.ics").await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(
        res.header("content-type"),
        Some("text/calendar; charset=utf-8")
    );
    let body = String::from_utf8(res.body.clone()).expect("UTF-8");
    // Lines end in CRLF and are folded at 75 octets (§3.1).
    assert!(body.ends_with("\r\n"));
    for line in body.split("\r\n") {
        assert!(!line.contains('\n'), "bare LF in {line:?}");
        assert!(line.len() <= 75, "{} octets: {line:?}", line.len());
    }
    assert!(body.contains("\r\n "), "the long description is folded");

    let mut parser = ical::IcalParser::new(body.as_bytes());
    let cal = parser.next().expect("one calendar").expect("parses");
    assert!(parser.next().is_none());
    let head: HashMap<_, _> = cal
        .properties
        .iter()
        .map(|p| (p.name.as_str(), p.value.clone().unwrap_or_default()))
        .collect();
    assert_eq!(head["VERSION"], "2.0");
    assert!(head["PRODID"].contains("Eventual"));
    assert_eq!(cal.events.len(), 2, "one VEVENT per event");

    let m = props(&cal.events[0]);
    assert_eq!(m["UID"].0, format!("event-{id}@eventual"));
    assert_eq!(text(&m["SUMMARY"].0), tricky);
    assert_eq!(text(&m["LOCATION"].0), "Room 4, floor 2; east");
    assert_eq!(text(&m["DESCRIPTION"].0), long);
    assert_eq!(
        m["DTSTART"].0, "20261201T080000Z",
        "UTC form of 09:00+01:00"
    );
    assert_eq!(m["DTEND"].0, "20261201T093000Z");
    assert_eq!(m["STATUS"].0, "CANCELLED");
    assert_eq!(m["SEQUENCE"].0, "1", "version 2 is the first revision");
    let updated = edited.json()["updatedAt"].as_str().unwrap().to_owned();
    let stamp = updated.replace(['-', ':'], "");
    assert_eq!(m["DTSTAMP"].0, format!("{}Z", &stamp[..15]));
    assert!(m.contains_key("CREATED") && m.contains_key("LAST-MODIFIED"));

    let h = props(&cal.events[1]);
    assert_eq!(
        h["UID"].0,
        format!("event-{}@eventual", holiday["id"].as_str().unwrap())
    );
    assert_eq!(h["DTSTART"].0, "20261224");
    assert_eq!(
        h["DTSTART"].1,
        vec![("VALUE".to_owned(), vec!["DATE".to_owned()])]
    );
    assert_eq!(h["DTEND"].0, "20261227", "exclusive end, as stored");
    assert_eq!(h["STATUS"].0, "CONFIRMED");
    assert_eq!(h["SEQUENCE"].0, "0");
    assert!(
        !h.contains_key("LOCATION") && !h.contains_key("DESCRIPTION"),
        "empty fields left out"
    );
}

#[tokio::test]
async fn an_empty_store_is_an_empty_calendar_and_deleted_events_leave_it() {
    let app = app().await;
    let created = app
        .json(Method::POST, "/api/events", &[], &event("Gone soon"))
        .await
        .json();
    let id = created["id"].as_str().unwrap();
    assert_eq!(
        app.send(req(
            Method::DELETE,
            &format!("/api/events/{id}"),
            &[],
            axum::body::Body::empty()
        ))
        .await
        .status,
        StatusCode::NO_CONTENT
    );
    let body = String::from_utf8(app.get("/api/calendar.ics").await.body).unwrap();
    let cal = ical::IcalParser::new(body.as_bytes())
        .next()
        .unwrap()
        .unwrap();
    assert!(cal.events.is_empty(), "{body}");
}
