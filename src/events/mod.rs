//! The actions on events: each shows its change at once, keeps it in the outbox, sends it,
//! and on failure rolls back and says so with a way to try again. Every one goes through
//! [`EventActions::write`] (`write.rs`); what a failure tells the person is `failure.rs`.

mod create;
mod failure;
mod lists;
mod save;
mod undo;
mod write;

use std::collections::HashMap;
use std::rc::Rc;

use eventual_model::{Event, EventId, EventInput, FieldError};
use eventual_query::QueryClient;
use leptos::prelude::*;
use leptos_router::NavigateOptions;

use crate::api::Api;
use crate::browser::{self, names};
use crate::keys;
use crate::offline::Connection;
use crate::outbox::{Change, Outbox, Pending};
use crate::toasts::{ToastAction, ToastKind, Toasts};

pub use crate::outbox::Intent;
pub use lists::{apply_patch, is_temp, remove_from, replace_in, upsert_sorted, TEMP_PREFIX};

type Navigate = Rc<dyn Fn(&str, NavigateOptions)>;

/// Where a form wants to hear about a failed submit.
#[derive(Clone, Copy, Default)]
pub struct FormFeedback {
    /// Gets the server's field errors (422).
    pub server_errors: Option<RwSignal<Vec<FieldError>>>,
    /// Gets back what was submitted, so a rejected change is not lost from the form.
    pub restore: Option<Callback<EventInput>>,
}

/// The app's actions on events. `Copy`; provided at the root.
#[derive(Clone, Copy)]
pub struct EventActions {
    client: QueryClient,
    api: StoredValue<Api>,
    toasts: Toasts,
    outbox: Outbox,
    connection: Option<Connection>,
    navigate: StoredValue<Option<Navigate>, LocalStorage>,
    /// Temporary ids of optimistic creates → the ids the server gave them.
    creations: RwSignal<HashMap<EventId, EventId>>,
    /// A failed create's input (and field errors) for the create form to show again.
    restored: RwSignal<Option<(EventInput, Vec<FieldError>)>>,
    /// Saved changes Undo / Ctrl+Z can take back, latest last.
    undo: StoredValue<Vec<undo::Undoable>, LocalStorage>,
}

/// Whether the browser shows `path` (under any base) now.
fn on_page(path: &str) -> bool {
    web_sys::window()
        .and_then(|w| w.location().pathname().ok())
        .is_some_and(|p| p.ends_with(path))
}

impl EventActions {
    /// Actions over `client` and `api`, keeping changes in `outbox`, holding sends while
    /// `connection` is down, reporting through `toasts`; provided as context.
    pub fn provide(
        client: QueryClient,
        api: Api,
        toasts: Toasts,
        outbox: Outbox,
        connection: Option<Connection>,
    ) -> Self {
        let actions = Self {
            client,
            api: StoredValue::new(api),
            toasts,
            outbox,
            connection,
            navigate: StoredValue::new_local(None),
            creations: RwSignal::new(HashMap::new()),
            restored: RwSignal::new(None),
            undo: StoredValue::new_local(Vec::new()),
        };
        provide_context(actions);
        actions
    }

    /// Let actions navigate (set once inside the router).
    pub fn set_navigate(&self, navigate: impl Fn(&str, NavigateOptions) + 'static) {
        self.navigate.set_value(Some(Rc::new(navigate)));
    }

    fn go(&self, path: &str, replace: bool) {
        if let Some(nav) = self.navigate.get_value() {
            nav(
                path,
                NavigateOptions {
                    replace,
                    ..Default::default()
                },
            );
        }
    }

    /// The API client.
    pub fn api(&self) -> Api {
        self.api.get_value()
    }

    /// An entry the outbox took over (from before a reload, or a closed tab): re-issued, or,
    /// when its last send failed, offered again (Retry / Dismiss): never resent by itself,
    /// never dropped without the person's say.
    pub fn resume(&self, pending: Pending) {
        let Some(reason) = pending.failure() else {
            self.replay(pending);
            return;
        };
        let this = *self;
        let (retry, dismiss) = (pending.clone(), pending.clone());
        self.toasts.show(
            ToastKind::Error,
            failure::offer_message(&pending.change(), &reason),
            vec![ToastAction::new("Retry", move || {
                retry.resume();
                this.replay(retry.clone());
            })],
            Some(Rc::new(move || dismiss.settled())),
        );
    }

    /// Sends a stored change again as a new mutation, through the action that made it.
    fn replay(&self, pending: Pending) {
        match pending.change() {
            Change::Save { .. } => self.send_patch(pending, FormFeedback::default(), None),
            Change::Create { input, .. } => {
                self.create_with(pending, input, FormFeedback::default(), |_| {}, true);
            }
            Change::Delete { .. } => self.delete_with(pending, true),
        }
    }

    /// The real id of a temporary one, once its create succeeded (tracked).
    pub fn created_id(&self, temp: &EventId) -> Option<EventId> {
        self.creations
            .with(|c| c.get(temp).cloned())
            .or_else(|| remembered_id(temp))
    }

    /// [`EventActions::created_id`], untracked (for patches and sends).
    pub fn created_id_untracked(&self, temp: &EventId) -> Option<EventId> {
        self.creations
            .try_with_untracked(|c| c.get(temp).cloned())
            .flatten()
            .or_else(|| remembered_id(temp))
    }

    /// The line of writes `id` is sent in, one at a time in start order: its own, or for an
    /// event created from a stand-in in this page, the stand-in's (edits made on the stand-in
    /// and on the real event after it stay in one line).
    fn line_of(&self, id: &eventual_model::EventId) -> String {
        let line = self
            .creations
            .try_with_untracked(|c| {
                c.iter()
                    .find(|(_, real)| *real == id)
                    .map(|(temp, _)| temp.clone())
            })
            .flatten()
            .unwrap_or_else(|| id.clone());
        format!("event/{line}")
    }

    /// What a create that failed while its stand-in was on screen left for the form (taken).
    pub fn take_restored(&self) -> Option<(EventInput, Vec<FieldError>)> {
        self.restored.try_update(Option::take).flatten()
    }

    /// The event `id` as shown: its own entry, or any cached list or range holding it.
    pub fn shown_event(&self, id: &EventId) -> Option<Event> {
        let client = self.client;
        client
            .get_query_data::<Event>(&keys::event(id))
            .or_else(|| {
                untrack(|| client.entries())
                    .into_iter()
                    .filter(|e| e.key.starts_with(&keys::lists()))
                    .find_map(|e| {
                        client.with_query_data::<Vec<Event>, _>(&e.key, |l| {
                            l.and_then(|l| l.iter().find(|x| &x.id == id).cloned())
                        })
                    })
            })
    }

    /// The ETag of the version of `id` on screen (what a change to it is made on).
    fn shown_etag(&self, id: &EventId) -> Option<String> {
        self.api().etag(id).or_else(|| {
            self.client
                .get_query_data::<Event>(&keys::event(id))
                .and_then(|e| e.etag())
        })
    }

    /// Every cached list, changed by `f`.
    fn update_lists(&self, f: impl Fn(&[Event]) -> Vec<Event>) {
        self.client
            .update_matching::<Vec<Event>>(&keys::lists(), |l| *l = f(l));
    }
}

/// Remembers for this tab which real id a stand-in id became, so a page reloaded on the
/// stand-in (`/events/new-…`) still finds the event.
fn remember_id(temp: &EventId, real: &EventId) {
    browser::session_set(&format!("{}{temp}", names::CREATED_PREFIX), real.as_str());
}

/// The real id a stand-in id became in this tab, if known.
fn remembered_id(temp: &EventId) -> Option<EventId> {
    browser::session_get(&format!("{}{temp}", names::CREATED_PREFIX)).map(EventId::new)
}
