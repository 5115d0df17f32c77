//! Query keys: `events/list?<query>` for lists (prefix `events/list`), `events/<id>` for one.

use eventual_model::EventId;
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
}
