//! The browser's JSON (src/json.rs) against serde_json, which the app linked before: the same
//! text out, the same values in, so stored outbox entries and caches stay readable.
#![cfg(target_arch = "wasm32")]

use eventual::api::problem_from_body;
use eventual::config::Config;
use eventual::json;
use eventual::offline::cache_store;
use eventual::outbox::entry::load_all;
use eventual::outbox::{Change, Entry, Intent};
use eventual_model::{Event, EventId, EventPatch, Patch, Problem};
use eventual_query::{Dehydrated, QueryKey};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn event(id: &str) -> Event {
    serde_json::from_str(&format!(
        r#"{{"id": {id}, "title": "Standup ✓", "description": "a \"quoted\"\nline",
            "start": "2027-01-01T09:00:00Z", "end": "2027-01-01T10:00:00Z", "allDay": false,
            "status": "confirmed", "version": 3}}"#
    ))
    .unwrap()
}

fn entries() -> Vec<Entry> {
    let save = Entry {
        cid: "c1".into(),
        change: Change::Save {
            intent: Intent::Edit,
            id: EventId::new("7"),
            title: "Standup".into(),
            patch: EventPatch {
                title: Patch::Set("Retro".into()),
                description: Patch::Null,
                ..Default::default()
            },
        },
        if_match: Some("\"3\"".into()),
        created_ms: 1_796_000_000_123,
        owner: "tab-1".into(),
        failed: None,
    };
    vec![
        save.clone(),
        Entry {
            cid: "c2".into(),
            change: Change::Create {
                intent: Intent::Create,
                input: event("1").input(),
            },
            if_match: None,
            failed: Some("The server is busy".into()),
            ..save.clone()
        },
        Entry {
            cid: "c3".into(),
            change: Change::Delete {
                event: event("\"9\""),
            },
            ..save
        },
    ]
}

#[wasm_bindgen_test]
fn entries_are_written_as_serde_json_wrote_them() {
    for e in entries() {
        assert_eq!(
            json::to_string(&e).unwrap(),
            serde_json::to_string(&e).unwrap()
        );
        assert_eq!(e.to_json(), serde_json::to_string(&e).unwrap());
    }
}

#[wasm_bindgen_test]
fn entries_the_old_build_stored_still_load() {
    let stored: Vec<(String, String)> = entries()
        .iter()
        .map(|e| (e.storage_key(), serde_json::to_string(e).unwrap()))
        .chain([(
            "eventual:outbox:v0:old".to_string(),
            r#"{"ops":[{"event":{"title":"Lunch"}}]}"#.to_string(),
        )])
        .collect();
    let (loaded, bad) = load_all(stored);
    assert_eq!(loaded, entries());
    assert_eq!(bad.len(), 1, "{bad:?}");
    assert_eq!(bad[0].title.as_deref(), Some("Lunch"));
}

#[wasm_bindgen_test]
fn ids_read_from_strings_and_numbers_alike() {
    let e: Event = json::from_str(&serde_json::to_string(&event("12")).unwrap()).unwrap();
    assert_eq!(e, event("\"12\""));
    assert_eq!(e.id.as_str(), "12");
    assert!(json::from_str::<Event>(r#"{"id": true}"#).is_err());
}

#[wasm_bindgen_test]
fn the_saved_cache_round_trips_and_reads_old_text() {
    let entries = vec![Dehydrated {
        key: QueryKey::from("events/7"),
        data: serde_json::to_string(&event("7")).unwrap(),
        updated_at: 1_796_000_000_000,
    }];
    let text = cache_store::encode(&entries, cache_store::CACHE_CAP);
    let data = serde_json::to_string(&entries[0].data).unwrap();
    let old = format!(r#"[{{"key":"events/7","data":{data},"at":1796000000000}}]"#);
    assert_eq!(text, old);
    let back = cache_store::decode(&old);
    assert_eq!(back.len(), 1);
    assert_eq!(back[0].data, entries[0].data);
    assert!(cache_store::decode("{not json").is_empty());
}

#[wasm_bindgen_test]
fn error_bodies_read_as_serde_json_read_them() {
    let bodies = [
        r#"{"type": "https://eventual.dev/problems/validation", "title": "Invalid event",
            "status": 422, "detail": "1 field is invalid",
            "errors": [{"pointer": "/title", "detail": "must not be empty"}, 5, {"detail": "x"}]}"#,
        r#"{"title": "Bad", "invalid_params": [{"name": "end", "reason": "before start"}]}"#,
        r#"{"invalid-params": [{"name": "/title"}], "errors": "no"}"#,
        r#"{"error": "db locked", "status": 70000, "title": 5}"#,
        r#"{"message": "slow down", "status": -1}"#,
        r#"["not", "an", "object"]"#,
        "\"just a string\"",
        "null",
        "<html>Bad gateway</html>",
        "plain text",
        "",
    ];
    for body in bodies {
        for status in [400, 422, 502] {
            assert_eq!(
                problem_from_body(status, body),
                Problem::from_response(status, body),
                "{status} {body}"
            );
        }
    }
}

#[wasm_bindgen_test]
fn bad_text_is_an_error_that_says_why() {
    let e = Config::parse(r#"{"apiBaseURL": "/x"}"#).unwrap_err();
    assert!(
        e.starts_with("unknown field `apiBaseURL`, expected `apiBaseUrl`"),
        "{e}"
    );
    let e = Config::parse(r#"{"apiBaseUrl": "/x", "extra": 1}"#).unwrap_err();
    assert!(e.contains("unknown field `extra`"), "{e}");
    assert!(Config::parse("{").is_err());
    assert_eq!(
        Config::parse(r#"{"apiBaseUrl": "/x"}"#)
            .unwrap()
            .api_base_url,
        "/x"
    );
    assert!(json::from_str::<Vec<u64>>("[1, 2.5]").is_err());
    // Past 2^53 JSON.parse has rounded: refused rather than read as another number.
    assert!(json::from_str::<u64>("9007199254740993").is_err());
}
