//! The persisted outbox as plain data: what a pending change is, how it is stored, which tab
//! sends it. No browser here (tested natively).

use std::collections::HashMap;

use eventual_model::{Event, EventId, EventInput, EventPatch, JsonTree};
use serde::{Deserialize, Serialize};

use crate::browser::names::{HEARTBEAT_PREFIX, OUTBOX_ANY, OUTBOX_PREFIX};
use crate::json::Tree;
use crate::keys;

pub use super::intent::Intent;

/// A tab whose heartbeat is older than this is gone; its changes may be adopted.
pub const HEARTBEAT_TTL_MS: u64 = 6_000;

/// A change the app can re-issue through its actions (closures can't be stored).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Change {
    /// A merge patch of one event (an edit or a quick status change).
    Save {
        #[serde(rename = "label")]
        intent: Intent,
        id: EventId,
        /// The title to name the event by in messages.
        title: String,
        patch: EventPatch,
    },
    /// A new event.
    Create {
        #[serde(rename = "label")]
        intent: Intent,
        input: EventInput,
    },
    /// Deleting an event (kept whole: the list patch and messages need it).
    Delete { event: Event },
}

impl Change {
    /// The event a change writes to, as its ETags' scope (none yet for a create).
    pub fn scope(&self) -> String {
        match self {
            Change::Save { id, .. } => id.to_string(),
            Change::Delete { event } => event.id.to_string(),
            Change::Create { .. } => String::new(),
        }
    }

    /// The query keys (as `QueryKey` strings) a settled change changes, for other tabs.
    pub fn keys(&self) -> Vec<String> {
        let lists = keys::lists().to_string();
        match self {
            Change::Save { id, .. } => vec![keys::event(id).to_string(), lists],
            Change::Create { .. } => vec![lists],
            Change::Delete { event } => vec![keys::event(&event.id).to_string(), lists],
        }
    }

    /// The label and the title it names.
    fn named(&self) -> (&'static str, &str) {
        match self {
            Change::Save { intent, title, .. } => (intent.label(), title),
            Change::Create { intent, input } => (intent.label(), &input.title),
            Change::Delete { event } => ("Delete event", &event.title),
        }
    }

    /// Its name in the mutation log and the outbox list.
    pub fn label(&self) -> &'static str {
        self.named().0
    }

    /// The title of the event it is about, as people saw it.
    pub fn title(&self) -> &str {
        self.named().1
    }

    /// One line for the "Waiting for connection" list.
    pub fn describe(&self) -> String {
        let (label, title) = self.named();
        format!("{label}: “{}”", title.trim())
    }
}

/// One change in the outbox, with everything needed to resend it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    /// Client mutation id: unique per change, its storage key and idempotency key.
    pub cid: String,
    #[serde(rename = "op")]
    pub change: Change,
    /// The ETag of the version the change was made on (`If-Match` when it is sent).
    pub if_match: Option<String>,
    /// When it was made (ms since the epoch): resend order.
    pub created_ms: u64,
    /// The tab that sends it.
    pub owner: String,
    /// Why its last send failed, when it waits for the person's Retry or Dismiss instead of
    /// being sent by itself (absent in entries written before this field existed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failed: Option<String>,
}

impl Entry {
    /// Its localStorage key.
    pub fn storage_key(&self) -> String {
        format!("{OUTBOX_PREFIX}{}", self.cid)
    }

    /// Serialized for storage.
    pub fn to_json(&self) -> String {
        crate::json::to_string(self).unwrap_or_default()
    }

    /// Parsed from storage; `None` for anything unreadable.
    pub fn from_json(text: &str) -> Option<Entry> {
        crate::json::from_str(text).ok()
    }
}

/// Parses stored `(key, value)` pairs into the outbox, oldest first; keys of other kinds are
/// skipped.
pub fn load(pairs: impl IntoIterator<Item = (String, String)>) -> Vec<Entry> {
    load_all(pairs).0
}

/// An outbox entry this version cannot read (an older format, or damaged).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unreadable {
    /// Its storage key.
    pub key: String,
    /// A title found in it, to name it by.
    pub title: Option<String>,
}

/// The outbox, oldest first, and the entries under any outbox key that do not parse.
pub fn load_all(
    pairs: impl IntoIterator<Item = (String, String)>,
) -> (Vec<Entry>, Vec<Unreadable>) {
    let mut out = Vec::new();
    let mut bad = Vec::new();
    for (key, value) in pairs.into_iter().filter(|(k, _)| k.starts_with(OUTBOX_ANY)) {
        match Entry::from_json(&value).filter(|_| key.starts_with(OUTBOX_PREFIX)) {
            Some(q) => out.push(q),
            None => {
                let title = crate::json::parse(&value).and_then(|v| find_title(&v));
                bad.push(Unreadable { key, title });
            }
        }
    }
    out.sort_by(|a, b| a.created_ms.cmp(&b.created_ms).then(a.cid.cmp(&b.cid)));
    bad.sort_by(|a, b| a.key.cmp(&b.key));
    (out, bad)
}

/// The first `"title"` string anywhere in `v`.
fn find_title(v: &Tree) -> Option<String> {
    if JsonTree::is_object(v) {
        JsonTree::get(v, "title")
            .and_then(|t| JsonTree::as_str(&t))
            .or_else(|| JsonTree::values(v)?.iter().find_map(find_title))
    } else {
        JsonTree::items(v)?.iter().find_map(find_title)
    }
}

/// Last heartbeat of every tab, from stored `(key, value)` pairs.
pub fn heartbeats(pairs: impl IntoIterator<Item = (String, String)>) -> HashMap<String, u64> {
    pairs
        .into_iter()
        .filter_map(|(k, v)| {
            let tab = k.strip_prefix(HEARTBEAT_PREFIX)?;
            Some((tab.to_owned(), v.parse().ok()?))
        })
        .collect()
}

/// The changes `me` must send now: its own (a reload of the same tab) and those of tabs that
/// stopped beating. Each returned change is re-owned by `me` (write it back before sending).
pub fn claim(outbox: &[Entry], me: &str, beats: &HashMap<String, u64>, now: u64) -> Vec<Entry> {
    outbox
        .iter()
        .filter(|q| {
            q.owner == me
                || beats
                    .get(&q.owner)
                    .is_none_or(|t| now.saturating_sub(*t) > HEARTBEAT_TTL_MS)
        })
        .map(|q| Entry {
            owner: me.to_owned(),
            ..q.clone()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use eventual_model::Patch;

    fn event(id: &str) -> Event {
        serde_json::from_value(serde_json::json!({
            "id": id, "title": "Standup", "start": "2027-01-01T09:00:00Z",
            "end": "2027-01-01T10:00:00Z", "version": 3
        }))
        .unwrap()
    }

    fn save(cid: &str, created: u64, owner: &str) -> Entry {
        Entry {
            cid: cid.into(),
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
            created_ms: created,
            owner: owner.into(),
            failed: None,
        }
    }

    #[test]
    fn every_op_round_trips_through_storage() {
        let ops = [
            save("a", 1, "t1"),
            Entry {
                change: Change::Create {
                    intent: Intent::Create,
                    input: event("1").input(),
                },
                if_match: None,
                ..save("b", 2, "t1")
            },
            Entry {
                change: Change::Delete { event: event("9") },
                ..save("c", 3, "t1")
            },
        ];
        for q in ops {
            let back = Entry::from_json(&q.to_json()).expect("parses");
            assert_eq!(back, q);
        }
        // Merge-patch semantics survive: null stays null, absent stays absent.
        let json = save("a", 1, "t").to_json();
        assert!(json.contains("\"description\":null"), "{json}");
        assert!(!json.contains("location"), "{json}");
    }

    #[test]
    fn load_orders_by_creation_and_skips_garbage() {
        let pairs = vec![
            (
                save("b", 20, "t").storage_key(),
                save("b", 20, "t").to_json(),
            ),
            (
                save("a", 10, "t").storage_key(),
                save("a", 10, "t").to_json(),
            ),
            (format!("{OUTBOX_PREFIX}bad"), "{not json".into()),
            ("unrelated".into(), save("z", 1, "t").to_json()),
        ];
        let cids: Vec<_> = load(pairs).into_iter().map(|q| q.cid).collect();
        assert_eq!(cids, ["a", "b"]);
    }

    #[test]
    fn entries_that_no_longer_parse_are_reported_not_dropped() {
        let pairs = vec![
            (save("a", 1, "t").storage_key(), save("a", 1, "t").to_json()),
            (format!("{OUTBOX_PREFIX}bad"), "{not json".into()),
            (
                "eventual:outbox:v0:old".into(),
                r#"{"kind":"save","changes":{"title":"Old one"}}"#.into(),
            ),
            ("unrelated".into(), "{".into()),
        ];
        let (ok, bad) = load_all(pairs);
        assert_eq!(ok.len(), 1);
        assert_eq!(
            bad,
            [
                Unreadable {
                    key: "eventual:outbox:v0:old".into(),
                    title: Some("Old one".into())
                },
                Unreadable {
                    key: format!("{OUTBOX_PREFIX}bad"),
                    title: None
                },
            ]
        );
    }

    #[test]
    fn a_failed_change_keeps_its_reason_and_older_entries_still_read() {
        let q = Entry {
            failed: Some("HTTP 500".into()),
            ..save("a", 1, "t")
        };
        assert_eq!(Entry::from_json(&q.to_json()), Some(q));
        let plain = save("b", 1, "t").to_json();
        assert!(!plain.contains("failed"), "{plain}");
    }

    #[test]
    fn a_tab_claims_its_own_and_orphaned_changes_only() {
        let outbox = vec![
            save("mine", 1, "me"),
            save("alive", 2, "other"),
            save("dead", 3, "gone"),
            save("never-beat", 4, "ghost"),
        ];
        let beats = heartbeats(vec![
            (format!("{HEARTBEAT_PREFIX}other"), "10000".to_string()),
            (format!("{HEARTBEAT_PREFIX}gone"), "1000".to_string()),
            ("noise".into(), "x".into()),
        ]);
        let claimed = claim(&outbox, "me", &beats, 12_000);
        let cids: Vec<_> = claimed.iter().map(|q| q.cid.as_str()).collect();
        assert_eq!(cids, ["mine", "dead", "never-beat"]);
        assert!(claimed.iter().all(|q| q.owner == "me"));
        // Once "other" stops beating too, its change is claimable.
        assert_eq!(claim(&outbox, "me", &beats, 20_000).len(), 4);
    }

    #[test]
    fn entries_stored_with_label_strings_still_read_and_keep_their_intent() {
        let json = r#"{"cid":"m-1","op":{"kind":"create","label":"Undo delete","input":
            {"title":"Standup","start":"2027-01-01T09:00:00Z","end":"2027-01-01T10:00:00Z"}},
            "ifMatch":null,"createdMs":5,"owner":"t"}"#;
        let entry = Entry::from_json(json).expect("parses");
        assert!(matches!(
            entry.change,
            Change::Create {
                intent: Intent::Undo,
                ..
            }
        ));
        assert_eq!(entry.change.describe(), "Undo delete: “Standup”");
        let status = save("s", 1, "t");
        let text = status.to_json().replace("Save event", "Change status");
        let back = Entry::from_json(&text).expect("parses");
        assert!(matches!(
            back.change,
            Change::Save {
                intent: Intent::Status,
                ..
            }
        ));
        assert!(text.contains(r#""label":"Change status""#), "{text}");
    }

    #[test]
    fn keys_cover_detail_and_lists() {
        assert_eq!(save("a", 1, "t").change.keys(), ["events/7", "events/list"]);
        let del = Change::Delete { event: event("9") };
        assert_eq!(del.keys(), ["events/9", "events/list"]);
        assert_eq!(del.describe(), "Delete event: “Standup”");
    }
}
