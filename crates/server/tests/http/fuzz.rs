//! Fuzzed list queries, `If-Match` and `Idempotency-Key` values: never a 5xx, every error a
//! problem, and a refused write changes nothing.

use axum::body::Body;
use axum::http::{HeaderValue, Method, Request};
use proptest::prelude::*;
use serde_json::json;

use crate::common::*;

/// Date-times with offsets, at and past the edges of the range, and near misses.
fn date() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("2026-12-01T09:00:00Z".to_owned()),
        Just("2026-12-01T09:00:00+01:00".to_owned()),
        Just("2026-12-01T09:00:00.123456789-12:59".to_owned()),
        Just("9999-12-31T23:59:59.999999999Z".to_owned()),
        Just("9999-12-31T23:30:00-01:00".to_owned()),
        Just("0000-01-01T00:00:00Z".to_owned()),
        Just("0000-01-01T00:00:00+01:00".to_owned()),
        Just("-0001-01-01T00:00:00Z".to_owned()),
        Just("+10000-01-01T00:00:00Z".to_owned()),
        Just("2026-02-30T09:00:00Z".to_owned()),
        Just("2026-12-01T24:00:00Z".to_owned()),
        Just("2026-12-01T09:00:00+24:00".to_owned()),
        (0..=9999i32, 1..=12u8, 1..=28u8, -23..=23i8, 0..=59u8).prop_map(|(y, mo, d, h, m)| {
            format!(
                "{y:04}-{mo:02}-{d:02}T12:00:00{}{:02}:{m:02}",
                if h < 0 { '-' } else { '+' },
                h.abs()
            )
        }),
    ]
}

/// A query value: a date, a number, or junk, sometimes percent-encoded.
fn value() -> impl Strategy<Value = String> {
    let raw = prop_oneof![
        date(),
        any::<i64>().prop_map(|n| n.to_string()),
        Just("0".to_owned()),
        Just("1e3".to_owned()),
        Just("4294967296".to_owned()),
        "\\PC{0,12}",
        Just("x".repeat(5000)),
    ];
    (raw, any::<bool>()).prop_map(|(v, encode)| {
        if encode {
            form_urlencoded::byte_serialize(v.as_bytes()).collect()
        } else {
            // Unencoded, as far as a URI allows (an unencoded `+` is a space, `%zz` stays).
            v.chars()
                .filter(|c| c.is_ascii_graphic() && !"#&\"<>\\^`{|}".contains(*c))
                .collect()
        }
    })
}

fn query() -> impl Strategy<Value = String> {
    let key = prop_oneof![
        Just("q"),
        Just("from"),
        Just("to"),
        Just("_page"),
        Just("_limit"),
        Just("_sort"),
        Just("%zz"),
    ];
    proptest::collection::vec((key, value()), 0..4).prop_map(|pairs| {
        pairs
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("&")
    })
}

/// Header bytes a client can send: visible ASCII, spaces, tabs and obs-text.
fn header_value() -> impl Strategy<Value = Vec<u8>> {
    let byte = prop_oneof![
        8 => 0x21u8..=0x7e,
        1 => Just(b' '),
        1 => Just(b'\t'),
        1 => 0x80u8..=0xff,
        2 => Just(b'"'),
        1 => Just(b','),
        1 => Just(b'*'),
    ];
    prop_oneof![
        proptest::collection::vec(byte, 0..40),
        Just(b"\"1\"".to_vec()),
        Just(b"W/\"1\", \"2\"".to_vec()),
        Just(vec![b'k'; 256]),
        Just(b"\"a\\\"b\"".to_vec()),
    ]
}

/// One app for every case (a fresh PostgreSQL schema per case would cost a quarter second),
/// on the one runtime its pool belongs to.
fn shared() -> &'static (tokio::runtime::Runtime, TestApp) {
    static SHARED: std::sync::OnceLock<(tokio::runtime::Runtime, TestApp)> =
        std::sync::OnceLock::new();
    SHARED.get_or_init(|| {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let app = rt.block_on(async {
            let app = app().await;
            app.create(&event("Existing")).await;
            app
        });
        (rt, app)
    })
}

async fn check(
    app: &TestApp,
    query: String,
    if_match: Vec<u8>,
    key: Vec<u8>,
) -> Result<(), TestCaseError> {
    let before = app.all().await;
    let res = app.get(&format!("/api/events?{query}")).await;
    prop_assert!(
        res.status == 200 || res.status == 400,
        "{query}: {}",
        res.status
    );
    if res.status == 400 {
        res.problem(400);
    }
    let mut req = Request::builder()
        .method(Method::PATCH)
        .uri("/api/events/1")
        .header("content-type", "application/json");
    for (name, v) in [("if-match", &if_match), ("idempotency-key", &key)] {
        if let Ok(v) = HeaderValue::from_bytes(v) {
            req = req.header(name, v);
        }
    }
    let body = json!({ "title": "Fuzzed" }).to_string();
    let res = app.send(req.body(Body::from(body)).unwrap()).await;
    let status = res.status.as_u16();
    prop_assert!(
        [200, 400, 412, 422].contains(&status),
        "If-Match {:?}, key {:?}: {}",
        String::from_utf8_lossy(&if_match),
        String::from_utf8_lossy(&key),
        status
    );
    if status == 200 {
        prop_assert_eq!(&res.json()["title"], "Fuzzed");
    } else {
        res.problem(status);
        prop_assert_eq!(app.all().await, before, "a refused write changed nothing");
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn fuzzed_queries_and_write_headers_never_get_a_5xx(
        q in query(),
        if_match in header_value(),
        key in header_value(),
    ) {
        let (rt, app) = shared();
        rt.block_on(check(app, q, if_match, key))?;
    }
}
