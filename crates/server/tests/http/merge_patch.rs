//! Property: PATCH through the router follows JSON Merge Patch — a value replaces, `null`
//! resets an optional field to its default, absence leaves it, read-only members are ignored.

use axum::http::{Method, StatusCode};
use proptest::prelude::*;
use serde_json::{json, Map, Value};

use crate::common::*;

/// What a patch does to one optional field.
#[derive(Clone, Debug)]
enum Op {
    Absent,
    Null,
    Set(Value),
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        "[a-zA-Z0-9 ]{1,20}",
        "\\PC{0,30}",
        Just("'); DROP TABLE events;--".to_owned()),
    ]
}

fn op(value: impl Strategy<Value = Value> + 'static) -> impl Strategy<Value = Op> {
    prop_oneof![Just(Op::Absent), Just(Op::Null), value.prop_map(Op::Set),]
}

fn status() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(json!("confirmed")),
        Just(json!("tentative")),
        Just(json!("cancelled"))
    ]
}

#[derive(Clone, Debug)]
struct Case {
    base_description: String,
    base_location: String,
    base_status: Value,
    title: Option<String>,
    description: Op,
    location: Op,
    status: Op,
    all_day: Op,
    start: Op,
    end: Op,
    read_only: Vec<(&'static str, Value)>,
    /// A required member sent as `null`: the whole patch must be refused.
    null_required: Option<&'static str>,
}

fn case() -> impl Strategy<Value = Case> {
    let base = (text(), text(), status());
    let fields = (
        proptest::option::of("[A-Za-z][a-z ]{0,15}"),
        op(text().prop_map(Value::from)),
        op(text().prop_map(Value::from)),
        op(status()),
        // allDay=true would need whole-day times; the base is 09:00-10:00, so only false.
        op(Just(json!(false))),
        // Any start here is before any end here, so every combination is valid.
        prop_oneof![
            Just(Op::Absent),
            Just(Op::Set(json!("2026-12-01T08:00:00Z"))),
            Just(Op::Set(json!("2026-12-01T09:30:00Z"))),
        ],
        prop_oneof![
            Just(Op::Absent),
            Just(Op::Set(json!("2026-12-01T11:00:00Z")))
        ],
    );
    let read_only = proptest::sample::subsequence(
        vec![
            ("id", json!("777")),
            ("version", json!(99)),
            ("createdAt", json!("2000-01-01T00:00:00Z")),
            ("updatedAt", json!("2000-01-01T00:00:00Z")),
        ],
        0..=4,
    );
    let null_required =
        proptest::option::weighted(0.2, proptest::sample::select(vec!["title", "start", "end"]));
    (base, fields, read_only, null_required).prop_map(|(base, fields, read_only, null_required)| {
        let (title, description, location, status, all_day, start, end) = fields;
        Case {
            base_description: base.0,
            base_location: base.1,
            base_status: base.2,
            title,
            description,
            location,
            status,
            all_day,
            start,
            end,
            read_only,
            null_required,
        }
    })
}

fn apply(patch: &mut Map<String, Value>, expected: &mut Value, key: &str, op: &Op, default: Value) {
    match op {
        Op::Absent => {}
        Op::Null => {
            patch.insert(key.into(), Value::Null);
            expected[key] = default;
        }
        Op::Set(v) => {
            patch.insert(key.into(), v.clone());
            expected[key] = v.clone();
        }
    }
}

async fn check(c: Case) -> Result<(), TestCaseError> {
    let app = app().await;
    let mut base = event("Base");
    base["description"] = json!(c.base_description);
    base["location"] = json!(c.base_location);
    base["status"] = c.base_status.clone();
    let created = app.create(&base).await;

    let mut patch = Map::new();
    let mut expected = created.clone();
    if let Some(t) = &c.title {
        patch.insert("title".into(), json!(t));
        // Stored trimmed: the contract counts a title after trimming.
        expected["title"] = json!(t.trim());
    }
    let optional = [
        ("description", &c.description, json!("")),
        ("location", &c.location, json!("")),
        ("status", &c.status, json!("confirmed")),
        ("allDay", &c.all_day, json!(false)),
        // Never Null here: `null_required` covers nulls on required fields.
        ("start", &c.start, Value::Null),
        ("end", &c.end, Value::Null),
    ];
    for (key, op, default) in optional {
        apply(&mut patch, &mut expected, key, op, default);
    }
    if let Some(field) = c.null_required {
        patch.insert(field.into(), Value::Null);
    }
    for (k, v) in &c.read_only {
        patch.insert((*k).into(), v.clone());
    }

    let res = app
        .raw(
            Method::PATCH,
            "/api/events/1",
            &[("content-type", "application/merge-patch+json")],
            Value::Object(patch).to_string(),
        )
        .await;
    if let Some(field) = c.null_required {
        let p = res.problem(422);
        let pointer = format!("/{field}");
        let errors = p["errors"].as_array().unwrap();
        prop_assert!(
            errors.iter().any(|e| e["pointer"] == pointer.as_str()),
            "{}",
            p
        );
        let now = app.get("/api/events/1").await.json();
        prop_assert_eq!(now, created, "a refused patch changes nothing");
        return Ok(());
    }
    prop_assert_eq!(res.status, StatusCode::OK);
    let got = res.json();
    const WRITABLE: [&str; 7] = [
        "title",
        "description",
        "location",
        "status",
        "allDay",
        "start",
        "end",
    ];
    let changed = WRITABLE.iter().any(|k| expected[*k] != created[*k]);
    prop_assert_eq!(&got["version"], &json!(if changed { 2 } else { 1 }));
    prop_assert_eq!(&got["id"], &json!("1"));
    prop_assert_eq!(&got["createdAt"], &created["createdAt"]);
    for k in WRITABLE {
        prop_assert_eq!(&got[k], &expected[k], "field {}", k);
    }
    prop_assert_eq!(app.get("/api/events/1").await.json(), got);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn merge_patch_semantics_through_http(c in case()) {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(check(c))?;
    }
}
