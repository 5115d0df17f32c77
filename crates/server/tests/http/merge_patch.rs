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
    read_only: Vec<(&'static str, Value)>,
}

fn case() -> impl Strategy<Value = Case> {
    (
        text(),
        text(),
        status(),
        proptest::option::of("[A-Za-z][a-z ]{0,15}"),
        op(text().prop_map(Value::from)),
        op(text().prop_map(Value::from)),
        op(status()),
        // allDay=true would need whole-day times; the base is 09:00-10:00, so only false.
        op(Just(json!(false))),
        proptest::sample::subsequence(
            vec![
                ("id", json!("777")),
                ("version", json!(99)),
                ("createdAt", json!("2000-01-01T00:00:00Z")),
                ("updatedAt", json!("2000-01-01T00:00:00Z")),
            ],
            0..=4,
        ),
    )
        .prop_map(
            |(bd, bl, bs, title, description, location, status, all_day, read_only)| Case {
                base_description: bd,
                base_location: bl,
                base_status: bs,
                title,
                description,
                location,
                status,
                all_day,
                read_only,
            },
        )
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
        expected["title"] = json!(t);
    }
    apply(
        &mut patch,
        &mut expected,
        "description",
        &c.description,
        json!(""),
    );
    apply(
        &mut patch,
        &mut expected,
        "location",
        &c.location,
        json!(""),
    );
    apply(
        &mut patch,
        &mut expected,
        "status",
        &c.status,
        json!("confirmed"),
    );
    apply(
        &mut patch,
        &mut expected,
        "allDay",
        &c.all_day,
        json!(false),
    );
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
    prop_assert_eq!(res.status, StatusCode::OK);
    let got = res.json();
    let changed = ["title", "description", "location", "status", "allDay"]
        .iter()
        .any(|k| expected[*k] != created[*k]);
    let want_version = if changed { 2 } else { 1 };
    prop_assert_eq!(&got["version"], &json!(want_version));
    prop_assert_eq!(&got["id"], &json!("1"));
    prop_assert_eq!(&got["createdAt"], &created["createdAt"]);
    for k in [
        "title",
        "description",
        "location",
        "status",
        "allDay",
        "start",
        "end",
    ] {
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
