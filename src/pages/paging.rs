//! The list in pages (`_page`/`_limit`): each page is its own cache entry under the lists'
//! prefix (`events/list…`), so an optimistic edit, create or delete, which patches every
//! list entry, shows in whichever page holds the event. This joins the pages into one list
//! and says whether more remain.

use std::collections::HashMap;

use eventual_model::{Event, EventId};
use eventual_query::QueryKey;
use leptos::prelude::*;

use crate::api::more_after;
use crate::events::is_temp;

/// Events asked for per page: the reference server's cap, so the first page is what one
/// unpaged request used to show.
pub const PAGE_SIZE: u32 = 1000;

/// What the server said about one page when it was fetched.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageMeta {
    /// Events in the page as sent (before any optimistic edit).
    pub len: usize,
    /// `X-Total-Count`, where the backend sends it.
    pub total: Option<u64>,
}

/// What the list pages know beyond the cache, for as long as the app runs: provided at the
/// root, so coming back to the list keeps the place. `Copy`.
#[derive(Clone, Copy)]
pub struct Paging {
    /// Per page key (a page read from the saved cache has none).
    meta: RwSignal<HashMap<QueryKey, PageMeta>>,
    /// Pages shown per list key.
    shown: RwSignal<HashMap<QueryKey, u32>>,
}

impl Paging {
    /// Fresh paging state, provided as context.
    pub fn provide() -> Paging {
        let paging = Paging {
            meta: RwSignal::new(HashMap::new()),
            shown: RwSignal::new(HashMap::new()),
        };
        provide_context(paging);
        paging
    }

    /// The state provided at the root (or a fresh one where there is none).
    pub fn use_context() -> Paging {
        use_context::<Paging>().unwrap_or_else(Paging::provide)
    }

    /// Records what the server sent for the page at `key`.
    pub fn record(&self, key: QueryKey, meta: PageMeta) {
        self.meta.try_update(|m| m.insert(key, meta));
    }

    /// The recorded meta of page `key`. Tracked.
    pub fn meta(&self, key: &QueryKey) -> Option<PageMeta> {
        self.meta.with(|m| m.get(key).copied())
    }

    /// How many pages of the list `list` are shown (at least 1). Tracked.
    pub fn shown(&self, list: &QueryKey) -> u32 {
        self.shown.with(|s| s.get(list).copied().unwrap_or(1))
    }

    /// Shows one more page of the list `list`.
    pub fn show_more(&self, list: &QueryKey) {
        self.shown
            .update(|s| *s.entry(list.clone()).or_insert(1) += 1);
    }
}

/// The pages shown, as one list.
#[derive(Clone, Debug, PartialEq)]
pub struct Joined {
    pub events: Vec<Event>,
    /// Events remain after the pages loaded.
    pub more: bool,
    /// The page asked for that has no data yet.
    pub next: Option<QueryKey>,
}

/// Whether events remain after the loaded `pages` (each: its meta if known, its shown length):
/// fewer than `X-Total-Count` held, or — without the header — a last page that came back full.
pub fn more_remain(pages: &[(Option<PageMeta>, usize)], limit: u32) -> bool {
    let Some((last, shown_len)) = pages.last() else {
        return false;
    };
    let held: usize = pages.iter().map(|(m, len)| m.map_or(*len, |m| m.len)).sum();
    let last_len = last.map_or(*shown_len, |m| m.len);
    more_after(held as u64, last_len, last.and_then(|m| m.total), limit)
}

/// The loaded pages as one list: each event once, by start. While more remain, events that
/// sort after the last loaded one belong to a page not loaded yet (a create or an edit that
/// moved one there), so they wait for it.
pub fn join(pages: &[&[Event]], more: bool) -> Vec<Event> {
    let mut seen: HashMap<&EventId, ()> = HashMap::new();
    let mut out: Vec<Event> = pages
        .iter()
        .flat_map(|p| p.iter())
        .filter(|e| seen.insert(&e.id, ()).is_none())
        .cloned()
        .collect();
    out.sort_by_key(|e| e.start);
    if more {
        let edge = pages
            .last()
            .and_then(|p| p.iter().rev().find(|e| !is_temp(&e.id)))
            .map(|e| e.start);
        if let Some(edge) = edge {
            out.retain(|e| e.start <= edge);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(id: &str, day: u32) -> Event {
        serde_json::from_value(serde_json::json!({
            "id": id, "title": id, "start": format!("2027-01-{day:02}T09:00:00Z"),
            "end": format!("2027-01-{day:02}T10:00:00Z"), "version": 1
        }))
        .unwrap()
    }

    fn ids(list: &[Event]) -> Vec<&str> {
        list.iter().map(|e| e.id.as_str()).collect()
    }

    #[test]
    fn a_create_patched_into_every_page_shows_once_where_it_belongs() {
        let temp = event("new-1", 4);
        let one = [event("1", 1), event("2", 3), temp.clone()];
        let two = [event("3", 3), temp.clone(), event("4", 5)];
        assert_eq!(
            ids(&join(&[&one, &two], false)),
            ["1", "2", "3", "new-1", "4"]
        );
        // Past the last loaded event while more remain: its page is not loaded yet.
        let late = event("new-2", 9);
        let one = [event("1", 1), event("2", 3), late.clone()];
        assert_eq!(ids(&join(&[&one], true)), ["1", "2"]);
        assert_eq!(ids(&join(&[&one], false)), ["1", "2", "new-2"]);
    }

    #[test]
    fn the_end_is_the_total_or_a_short_page() {
        let full = |total| Some(PageMeta { len: 2, total });
        assert!(more_remain(&[(full(Some(5)), 2), (full(Some(5)), 2)], 2));
        assert!(!more_remain(&[(full(Some(4)), 2), (full(Some(4)), 2)], 2));
        // No header: a full page may have more after it, a short one is the end.
        assert!(more_remain(&[(full(None), 2)], 2));
        assert!(!more_remain(
            &[(
                Some(PageMeta {
                    len: 1,
                    total: None
                }),
                1
            )],
            2
        ));
        // A page from the saved cache: its length as shown.
        assert!(more_remain(&[(None, 2)], 2));
        // An empty page ends it, whatever a stale total said.
        assert!(!more_remain(
            &[(
                Some(PageMeta {
                    len: 0,
                    total: Some(9)
                }),
                0
            )],
            2
        ));
        assert!(!more_remain(&[], 2));
    }
}
