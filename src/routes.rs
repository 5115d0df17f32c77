//! Every path the app routes (without the router base; links add it with `config::href`).

use eventual_model::EventId;

/// The first segment of every events path.
pub const EVENTS_SEGMENT: &str = "events";
/// The second segment of the new-event form's path.
pub const NEW_SEGMENT: &str = "new";
/// The segment name of an event's id.
pub const ID_PARAM: &str = "id";
/// The list of events.
pub const EVENTS: &str = "/events";
/// The form for a new event.
pub const NEW_EVENT: &str = "/events/new";

/// The calendar (it redirects to the week of today).
pub const CALENDAR: &str = "/calendar";

/// One event's page.
pub fn event(id: &EventId) -> String {
    format!("{EVENTS}/{id}")
}

/// The list searched for `q` (already trimmed); the plain list when empty. In the browser only
/// when `q` is not empty (it encodes with `encodeURIComponent`).
pub fn search(q: &str) -> String {
    if q.is_empty() {
        EVENTS.to_owned()
    } else {
        // `encodeURIComponent`, as the address bar always showed it.
        format!("{EVENTS}?q={}", js_sys::encode_uri_component(q))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        assert_eq!(EVENTS, format!("/{EVENTS_SEGMENT}"));
        assert_eq!(NEW_EVENT, format!("{EVENTS}/{NEW_SEGMENT}"));
        assert_eq!(event(&EventId::new("42")), "/events/42");
        assert_eq!(search(""), "/events");
    }
}
