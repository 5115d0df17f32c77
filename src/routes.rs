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

/// One event's page.
pub fn event(id: &EventId) -> String {
    format!("{EVENTS}/{id}")
}

/// The list searched for `q` (already trimmed); the plain list when empty.
pub fn search(q: &str) -> String {
    if q.is_empty() {
        EVENTS.to_owned()
    } else {
        format!("{EVENTS}?q={}", encode_query(q))
    }
}

/// `encodeURIComponent`, so the address bar shows what the list page always wrote there.
fn encode_query(q: &str) -> String {
    #[cfg(target_arch = "wasm32")]
    {
        String::from(js_sys::encode_uri_component(q))
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        q.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' => (b as char).to_string(),
                b'-' | b'_' | b'.' | b'!' | b'~' | b'*' | b'\'' | b'(' | b')' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect()
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
        assert_eq!(search("a b&c"), "/events?q=a%20b%26c");
    }
}
