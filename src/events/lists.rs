//! Pure list and id helpers behind the optimistic patches.

use eventual_model::{Event, EventId, EventPatch, Patch, Timestamp};

use crate::keys::ListKind;

/// `patch` applied to `event`, read-only fields kept (unchanged if the patch cannot apply).
pub fn apply_patch(event: &Event, patch: &EventPatch) -> Event {
    patch
        .apply(&event.input())
        .map(|input| event.with_input(input))
        .unwrap_or_else(|_| event.clone())
}

/// A saved change of the event `is_target` picks, as one cached list of `kind` shows it, or
/// `None` where it cannot concern that list (which is then not refetched once it settles):
/// a range that holds the event or that its new times overlap; a list that holds it, or that
/// it may join or move in — any change of start, and for a search, of its text.
pub fn patched_list(
    list: &[Event],
    kind: Option<ListKind>,
    is_target: impl Fn(&EventId) -> bool,
    patch: &EventPatch,
) -> Option<Vec<Event>> {
    if list.iter().any(|e| is_target(&e.id)) {
        let patched = list.iter().map(|e| {
            if is_target(&e.id) {
                apply_patch(e, patch)
            } else {
                e.clone()
            }
        });
        return Some(patched.collect());
    }
    let may_join = match kind {
        Some(ListKind::Range { from, to }) => lands_in(patch, from, to),
        Some(ListKind::All) => !patch.start.is_absent(),
        Some(ListKind::Search) | None => {
            !patch.start.is_absent()
                || !patch.title.is_absent()
                || !patch.description.is_absent()
                || !patch.location.is_absent()
        }
    };
    may_join.then(|| list.to_vec())
}

/// Whether the times `patch` sets overlap `[from, to)`; unknown (either absent) counts as yes.
fn lands_in(patch: &EventPatch, from: Timestamp, to: Timestamp) -> bool {
    match (&patch.start, &patch.end) {
        (Patch::Set(start), Patch::Set(end)) => *start < to && *end > from,
        _ => true,
    }
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

    fn moved(start: &str, end: &str) -> EventPatch {
        EventPatch {
            start: Patch::Set(Timestamp::parse(start).unwrap()),
            end: Patch::Set(Timestamp::parse(end).unwrap()),
            ..Default::default()
        }
    }

    fn week(from: &str, to: &str) -> Option<ListKind> {
        let at = |s| Timestamp::parse(s).unwrap();
        Some(ListKind::Range {
            from: at(from),
            to: at(to),
        })
    }

    #[test]
    fn a_move_concerns_the_ranges_that_hold_it_or_that_it_lands_in() {
        let a = event("1", "2026-12-01T09:00:00Z");
        let other = event("2", "2026-12-09T09:00:00Z");
        let is_a = |id: &EventId| id.as_str() == "1";
        let this_week = week("2026-11-29T00:00:00Z", "2026-12-06T00:00:00Z");
        let next_week = week("2026-12-06T00:00:00Z", "2026-12-13T00:00:00Z");
        let within = moved("2026-12-02T11:00:00Z", "2026-12-02T12:00:00Z");
        let shown = patched_list(std::slice::from_ref(&a), this_week, is_a, &within).unwrap();
        assert_eq!(shown[0].start.to_string(), "2026-12-02T11:00:00Z");
        assert_eq!(
            patched_list(std::slice::from_ref(&other), next_week, is_a, &within),
            None
        );
        let into_next = moved("2026-12-07T09:00:00Z", "2026-12-07T10:00:00Z");
        assert_eq!(
            patched_list(std::slice::from_ref(&other), next_week, is_a, &into_next),
            Some(vec![other.clone()]),
            "a range it lands in is refetched to show it"
        );
        let ends_at_the_edge = moved("2026-12-05T23:00:00Z", "2026-12-06T00:00:00Z");
        assert_eq!(
            patched_list(&[other], next_week, is_a, &ends_at_the_edge),
            None
        );
    }

    #[test]
    fn other_lists_care_about_start_and_searches_about_text_too() {
        let other = [event("2", "2026-12-09T09:00:00Z")];
        let is_a = |id: &EventId| id.as_str() == "1";
        let status = EventPatch {
            status: Patch::Set(eventual_model::Status::Cancelled),
            ..Default::default()
        };
        let title = EventPatch {
            title: Patch::Set("New".into()),
            ..Default::default()
        };
        let moved = moved("2026-12-02T11:00:00Z", "2026-12-02T12:00:00Z");
        assert_eq!(
            patched_list(&other, Some(ListKind::All), is_a, &status),
            None
        );
        assert_eq!(
            patched_list(&other, Some(ListKind::All), is_a, &title),
            None
        );
        assert!(patched_list(&other, Some(ListKind::All), is_a, &moved).is_some());
        assert_eq!(
            patched_list(&other, Some(ListKind::Search), is_a, &status),
            None
        );
        assert!(patched_list(&other, Some(ListKind::Search), is_a, &title).is_some());
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
