//! Query keys: `events/list?<query>` for lists (prefix `events/list`), `events/<id>` for one.

use eventual_model::{EventId, Timestamp};
use eventual_query::QueryKey;

use crate::api::ListQuery;

/// Everything about events: lists and details.
pub fn events() -> QueryKey {
    QueryKey::from("events")
}

/// The prefix of every list, whatever its search.
pub fn lists() -> QueryKey {
    QueryKey::from("events/list")
}

/// One list: `events/list` for everything, `events/list?q=…` for a search.
pub fn list(query: &ListQuery) -> QueryKey {
    let qs = query.to_query_string();
    if qs.is_empty() {
        lists()
    } else {
        lists().child(format!("?{qs}"))
    }
}

/// Page `page` (from 1) of one list; page 1 is [`list`] itself.
pub fn list_page(query: &ListQuery, page: u32) -> QueryKey {
    if page <= 1 {
        return list(query);
    }
    let qs = query.to_query_string();
    let sep = if qs.is_empty() { "" } else { "&" };
    lists().child(format!("?{qs}{sep}_page={page}"))
}

/// The events overlapping `[from, to)` (a calendar range): a list under [`lists`], so every
/// optimistic edit, create and delete reaches it.
pub fn range(from: Timestamp, to: Timestamp) -> QueryKey {
    lists().child(format!("?from={from}&to={to}"))
}

/// What a list key holds, read back from the key (see [`list`], [`list_page`], [`range`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListKind {
    /// Every event, start-sorted and paged.
    All,
    /// A search: events whose text matches, start-sorted and paged.
    Search,
    /// A calendar range: the events overlapping `[from, to)`.
    Range { from: Timestamp, to: Timestamp },
}

/// The kind of list `key` is, or `None` if it is not a list.
pub fn list_kind(key: &QueryKey) -> Option<ListKind> {
    let key = key.to_string();
    let rest = key.strip_prefix(&lists().to_string())?;
    let Some(query) = rest.strip_prefix('?') else {
        return rest.is_empty().then_some(ListKind::All);
    };
    let param = |name: &str| {
        query
            .split('&')
            .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))
    };
    if let (Some(from), Some(to)) = (param("from"), param("to")) {
        return match (Timestamp::parse(from), Timestamp::parse(to)) {
            (Ok(from), Ok(to)) => Some(ListKind::Range { from, to }),
            _ => None,
        };
    }
    Some(if param("q").is_some() {
        ListKind::Search
    } else {
        ListKind::All
    })
}

/// One event.
pub fn event(id: &EventId) -> QueryKey {
    events().child(id.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_share_a_prefix_events_do_not() {
        let search = list(&ListQuery {
            q: "standup".into(),
        });
        assert_eq!(search.to_string(), "events/list?q=standup");
        assert!(search.starts_with(&lists()));
        assert!(list(&ListQuery::default()).starts_with(&lists()));
        let one = event(&EventId::new("42"));
        assert_eq!(one.to_string(), "events/42");
        assert!(!one.starts_with(&lists()));
        assert!(one.starts_with(&events()));
    }

    #[test]
    fn a_list_key_says_what_it_holds() {
        let at = |s| Timestamp::parse(s).unwrap();
        let (from, to) = (at("2026-12-06T05:00:00Z"), at("2026-12-13T05:00:00Z"));
        assert_eq!(
            list_kind(&range(from, to)),
            Some(ListKind::Range { from, to })
        );
        let all = ListQuery::default();
        let search = ListQuery { q: "a b".into() };
        assert_eq!(list_kind(&list(&all)), Some(ListKind::All));
        assert_eq!(list_kind(&list_page(&all, 3)), Some(ListKind::All));
        assert_eq!(list_kind(&list(&search)), Some(ListKind::Search));
        assert_eq!(list_kind(&list_page(&search, 2)), Some(ListKind::Search));
        assert_eq!(list_kind(&event(&EventId::new("42"))), None);
        assert_eq!(list_kind(&events()), None);
    }

    #[test]
    fn ranges_are_lists() {
        let at = |s| Timestamp::parse(s).unwrap();
        let week = range(at("2026-12-06T05:00:00Z"), at("2026-12-13T05:00:00Z"));
        assert_eq!(
            week.to_string(),
            "events/list?from=2026-12-06T05:00:00Z&to=2026-12-13T05:00:00Z"
        );
        assert!(week.starts_with(&lists()));
    }

    #[test]
    fn every_page_of_a_list_is_under_the_lists_prefix() {
        let search = ListQuery { q: "a".into() };
        assert_eq!(list_page(&search, 1), list(&search));
        assert_eq!(list_page(&search, 3).to_string(), "events/list?q=a&_page=3");
        let all = list_page(&ListQuery::default(), 2);
        assert_eq!(all.to_string(), "events/list?_page=2");
        assert!(all.starts_with(&lists()));
    }
}
