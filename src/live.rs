//! Live changes from other devices: the backend's optional `GET /events/changes` stream
//! (Server-Sent Events) marks what someone else changed stale, so it shows without a focus or a
//! reload. A backend without the stream leaves the app as it was (refetch on focus and stale).
//!
//! Only the touched keys go stale: the event's own entry and the lists (any list may gain or
//! lose it). A change this tab already holds — the echo of its own write — is ignored, and
//! changes wait while this tab's writes are in flight, whose settling refetches anyway; the
//! query cache keeps unsettled edits as layers above any refetched data, so none is
//! overwritten.

use eventual_model::{Event, EventId};
use eventual_query::QueryClient;
use serde::Deserialize;

use crate::api::Api;
use crate::keys;

/// What the stream says changed (`data` of one event).
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct Change {
    pub id: EventId,
    pub version: u64,
    pub op: Op,
}

/// The kind of write.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Op {
    Created,
    Updated,
    Deleted,
}

/// What to do about one change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reaction {
    /// This tab already shows it (or never showed the event it removes).
    Ignore,
    /// Refetch the event's entry and the lists.
    Refresh,
}

/// The rule, given the newest version of the event anywhere in this tab's cache (`None`: the
/// event is in no entry).
pub fn react(change: &Change, held: Option<u64>) -> Reaction {
    match (change.op, held) {
        (Op::Deleted, None) => Reaction::Ignore,
        (Op::Deleted, Some(_)) => Reaction::Refresh,
        (_, Some(v)) if v >= change.version => Reaction::Ignore,
        _ => Reaction::Refresh,
    }
}

#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
/// The newest version of `id` this tab holds: its own entry, any list that holds it, or the
/// answer to its own write (which the cache may not show until that write's refetch).
fn held_version(client: &QueryClient, api: &Api, id: &EventId) -> Option<u64> {
    let own = client
        .get_query_data::<Event>(&keys::event(id))
        .map(|e| e.version.unwrap_or(0));
    let lists = keys::lists();
    let listed = client
        .entries()
        .into_iter()
        .filter(|e| e.key.starts_with(&lists))
        .filter_map(|e| {
            client.with_query_data::<Vec<Event>, _>(&e.key, |list| {
                list?
                    .iter()
                    .find(|ev| &ev.id == id)
                    .map(|ev| ev.version.unwrap_or(0))
            })
        })
        .max();
    own.max(listed).max(api.known_version(id))
}

#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
/// Applies one change to the cache.
fn apply(client: &QueryClient, api: &Api, change: &Change) {
    if react(change, held_version(client, api, &change.id)) == Reaction::Refresh {
        client.invalidate_queries(&keys::event(&change.id));
        client.invalidate_queries(&keys::lists());
    }
}

#[cfg(target_arch = "wasm32")]
pub use browser::subscribe;

#[cfg(target_arch = "wasm32")]
mod browser {
    use std::cell::RefCell;
    use std::rc::Rc;
    use std::time::Duration;

    use eventual_query::QueryClient;
    use leptos::prelude::set_timeout;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    use web_sys::{EventSource, MessageEvent};

    use super::{apply, Change};
    use crate::api::Api;
    use crate::keys;

    /// How long a change may wait for this tab's writes to settle before it is applied anyway.
    const MAX_WAIT_MS: u64 = 5_000;
    const WAIT_STEP_MS: u64 = 250;
    /// Reopening a closed stream backs off from this to [`MAX_REOPEN_MS`].
    const FIRST_REOPEN_MS: u64 = 2_000;
    const MAX_REOPEN_MS: u64 = 60_000;

    struct Stream {
        client: QueryClient,
        api: Api,
        url: String,
        source: Option<EventSource>,
        /// Changes held back while this tab's own writes are in flight.
        waiting: Vec<Change>,
        waited_ms: u64,
        reopen_ms: u64,
        /// Whether a stream was ever open: a reopened one missed what came in between.
        opened: bool,
        _handlers: Vec<Closure<dyn FnMut(web_sys::Event)>>,
    }

    type Shared = Rc<RefCell<Stream>>;

    /// Subscribes this tab to `{api_base}/events/changes` for as long as the page lives.
    pub fn subscribe(client: QueryClient, api: Api) {
        let stream = Rc::new(RefCell::new(Stream {
            client,
            url: format!("{}/events/changes", api.base()),
            api,
            source: None,
            waiting: Vec::new(),
            waited_ms: 0,
            reopen_ms: FIRST_REOPEN_MS,
            opened: false,
            _handlers: Vec::new(),
        }));
        let early = crate::api::early::stream(&stream.borrow().url);
        open(&stream, early);
    }

    /// Opens the stream, or takes over the one boot.js opened and replays what it saw.
    fn open(stream: &Shared, early: Option<(EventSource, Vec<web_sys::Event>)>) {
        let url = stream.borrow().url.clone();
        let (source, seen) = match early {
            Some(early) => early,
            None => match EventSource::new(&url) {
                Ok(source) => (source, Vec::new()),
                Err(_) => return,
            },
        };
        let on_open = {
            let s = stream.clone();
            Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
                let mut st = s.borrow_mut();
                st.reopen_ms = FIRST_REOPEN_MS;
                if st.opened {
                    // A new stream starts from now: what happened while closed is unknown.
                    st.client.invalidate_queries(&keys::events());
                }
                st.opened = true;
            })
        };
        let on_message = {
            let s = stream.clone();
            Closure::<dyn FnMut(web_sys::Event)>::new(move |e: web_sys::Event| {
                let Some(text) = e
                    .dyn_ref::<MessageEvent>()
                    .and_then(|m| m.data().as_string())
                else {
                    return;
                };
                if let Ok(change) = crate::json::from_str::<Change>(&text) {
                    receive(&s, change);
                }
            })
        };
        let on_reset = {
            let s = stream.clone();
            Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
                let client = s.borrow().client;
                client.invalidate_queries(&keys::events());
            })
        };
        let on_error = {
            let s = stream.clone();
            Closure::<dyn FnMut(web_sys::Event)>::new(move |_| closed(&s))
        };
        source.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        source.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        let _ = source.add_event_listener_with_callback("reset", on_reset.as_ref().unchecked_ref());
        source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        let handlers = [on_open, on_message, on_reset, on_error];
        let replay: Vec<_> = seen
            .into_iter()
            .filter_map(|e| {
                let i = ["open", "message", "reset", "error"]
                    .iter()
                    .position(|k| *k == e.type_())?;
                Some((
                    handlers[i]
                        .as_ref()
                        .unchecked_ref::<js_sys::Function>()
                        .clone(),
                    e,
                ))
            })
            .collect();
        {
            let mut st = stream.borrow_mut();
            st.source = Some(source);
            st._handlers = handlers.into();
        }
        for (handler, event) in replay {
            let _ = handler.call1(&wasm_bindgen::JsValue::NULL, &event);
        }
    }

    /// The browser reconnects a dropped stream itself (sending `Last-Event-ID`); it gives up
    /// only on an answer that is not a stream, and then we try again later, backing off.
    fn closed(stream: &Shared) {
        let delay = {
            let mut st = stream.borrow_mut();
            match &st.source {
                Some(s) if s.ready_state() == EventSource::CLOSED => {}
                _ => return,
            }
            st.source = None;
            let delay = st.reopen_ms;
            st.reopen_ms = (delay * 2).min(MAX_REOPEN_MS);
            delay
        };
        let s = stream.clone();
        set_timeout(move || open(&s, None), Duration::from_millis(delay));
    }

    fn receive(stream: &Shared, change: Change) {
        let first = {
            let mut st = stream.borrow_mut();
            st.waiting.push(change);
            st.waiting.len() == 1
        };
        if first {
            drain(stream);
        }
    }

    /// Applies the waiting changes once no write of this tab is in flight (or it took too long).
    fn drain(stream: &Shared) {
        let mut st = stream.borrow_mut();
        let busy = !st.client.pending_mutations().is_empty();
        if busy && st.waited_ms < MAX_WAIT_MS {
            st.waited_ms += WAIT_STEP_MS;
            let s = stream.clone();
            set_timeout(move || drain(&s), Duration::from_millis(WAIT_STEP_MS));
            return;
        }
        st.waited_ms = 0;
        let (client, api) = (st.client, st.api.clone());
        let changes = std::mem::take(&mut st.waiting);
        drop(st);
        for change in &changes {
            apply(&client, &api, change);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(op: Op, version: u64) -> Change {
        Change {
            id: EventId::from("7"),
            version,
            op,
        }
    }

    #[test]
    fn an_update_newer_than_what_is_held_refreshes() {
        assert_eq!(react(&change(Op::Updated, 3), Some(2)), Reaction::Refresh);
        assert_eq!(react(&change(Op::Updated, 3), None), Reaction::Refresh);
    }

    #[test]
    fn the_echo_of_a_write_already_held_is_ignored() {
        assert_eq!(react(&change(Op::Updated, 3), Some(3)), Reaction::Ignore);
        assert_eq!(react(&change(Op::Updated, 3), Some(4)), Reaction::Ignore);
        assert_eq!(react(&change(Op::Created, 1), Some(1)), Reaction::Ignore);
    }

    #[test]
    fn a_create_elsewhere_refreshes_the_lists() {
        assert_eq!(react(&change(Op::Created, 1), None), Reaction::Refresh);
    }

    #[test]
    fn a_delete_refreshes_only_where_the_event_is_shown() {
        assert_eq!(react(&change(Op::Deleted, 5), Some(4)), Reaction::Refresh);
        assert_eq!(react(&change(Op::Deleted, 5), None), Reaction::Ignore);
    }

    #[test]
    fn the_stream_data_parses() {
        let c: Change = serde_json::from_str(r#"{"id":"7","version":3,"op":"updated"}"#).unwrap();
        assert_eq!(c, change(Op::Updated, 3));
    }
}
