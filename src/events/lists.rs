//! Pure list and id helpers behind the optimistic patches.

use eventual_model::{Event, EventId, EventPatch};

/// `patch` applied to `event`, read-only fields kept (unchanged if the patch cannot apply).
pub fn apply_patch(event: &Event, patch: &EventPatch) -> Event {
    patch
        .apply(&event.input())
        .map(|input| event.with_input(input))
        .unwrap_or_else(|_| event.clone())
}

/// `event` put into a start-sorted list, replacing the entry with the same id.
pub fn upsert_sorted(list: &[Event], event: &Event) -> Vec<Event> {
    let mut out: Vec<Event> = list.iter().filter(|e| e.id != event.id).cloned().collect();
    let at = out
        .iter()
        .position(|e| e.start > event.start)
        .unwrap_or(out.len());
    out.insert(at, event.clone());
    out
}

/// `event`'s entry replaced in place (the list's order is the server's business).
pub fn replace_in(list: &[Event], event: &Event) -> Vec<Event> {
    list.iter()
        .map(|e| {
            if e.id == event.id {
                event.clone()
            } else {
                e.clone()
            }
        })
        .collect()
}

/// The list without `id`.
pub fn remove_from(list: &[Event], id: &EventId) -> Vec<Event> {
    list.iter().filter(|e| &e.id != id).cloned().collect()
}

/// Prefix of the ids optimistic creates use until the server answers.
pub const TEMP_PREFIX: &str = "new-";

/// Whether `id` is a stand-in for an event being created.
pub fn is_temp(id: &EventId) -> bool {
    id.as_str().starts_with(TEMP_PREFIX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use eventual_model::Patch;

    fn event(id: &str, start: &str) -> Event {
        serde_json::from_value(serde_json::json!({
            "id": id, "title": format!("E{id}"), "start": start,
            "end": "2027-01-01T00:00:00Z", "version": 1
        }))
        .unwrap()
    }

    #[test]
    fn patches_keep_read_only_fields() {
        let e = event("1", "2026-12-01T09:00:00Z");
        let p = EventPatch {
            title: Patch::Set("New".into()),
            ..Default::default()
        };
        let out = apply_patch(&e, &p);
        assert_eq!(out.title, "New");
        assert_eq!(out.version, Some(1));
        assert_eq!(out.id, e.id);
    }

    #[test]
    fn list_helpers() {
        let a = event("1", "2026-12-01T09:00:00Z");
        let c = event("3", "2026-12-03T09:00:00Z");
        let b = event("2", "2026-12-02T09:00:00Z");
        let list = upsert_sorted(&[a.clone(), c.clone()], &b);
        let ids: Vec<_> = list.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["1", "2", "3"]);
        let list = remove_from(&list, &b.id);
        assert_eq!(list, [a.clone(), c.clone()]);
        let mut renamed = a.clone();
        renamed.title = "Renamed".into();
        assert_eq!(replace_in(&list, &renamed)[0].title, "Renamed");
        assert!(is_temp(&EventId::new("new-3")));
        assert!(!is_temp(&EventId::new("3")));
    }
}
