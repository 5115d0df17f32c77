//! The calendar's one door to the write path: moves and resizes are an `EventPatch` of
//! start/end through `EventActions::save` (optimistic apply, revert + Retry, the 412 flow, in-order
//! sends per event, offline waiting), creates go through `EventActions::create`. Also the Undo
//! toast after a saved move and the Ctrl+Z stack.

use std::cell::RefCell;
use std::time::Duration;

use eventual_model::{Event, EventId, EventInput, EventPatch, Patch, Status};
use eventual_query::{MutationId, MutationState, QueryClient};
use leptos::prelude::*;

use crate::calendar::Times;
use crate::events::{EventActions, FormFeedback};
use crate::keys;
use crate::outbox::Intent;
use crate::toasts::{ToastAction, ToastKind, Toasts};

/// What a change of times was, for its toast.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Move,
    Resize,
    /// An Undo putting an event back: saved the same way, offers no Undo itself.
    Undo,
}

/// A saved move that Undo / Ctrl+Z can put back.
#[derive(Clone)]
struct Undoable {
    id: EventId,
    before: Times,
}

thread_local! {
    /// Saved moves and resizes, latest last.
    static UNDO: RefCell<Vec<Undoable>> = const { RefCell::new(Vec::new()) };
    static TOASTS: std::cell::Cell<Option<Toasts>> = const { std::cell::Cell::new(None) };
}

/// How often a save's state is looked at until it settles.
const WATCH_MS: u64 = 100;

/// `event` moved or resized to `times`: shown at once, saved like an edit. Once the server
/// confirms it, a toast offers Undo (and Ctrl+Z can take it back).
pub fn save_times(
    actions: EventActions,
    client: QueryClient,
    event: &Event,
    times: Times,
    change: Change,
) {
    let before = Times::of(event);
    if before == times {
        return;
    }
    let patch = EventPatch {
        start: Patch::Set(times.start),
        end: Patch::Set(times.end),
        all_day: if before.all_day == times.all_day {
            Patch::Absent
        } else {
            Patch::Set(times.all_day)
        },
        ..Default::default()
    };
    let intent = match change {
        Change::Resize => Intent::Resize,
        Change::Move | Change::Undo => Intent::Move,
    };
    let known = untrack(|| client.pending_mutations());
    actions.save_as(
        intent,
        event.id.clone(),
        event.title.clone(),
        patch,
        FormFeedback::default(),
    );
    let started = untrack(|| client.pending_mutations())
        .into_iter()
        .map(|m| m.id)
        .filter(|id| !known.iter().any(|k| k.id == *id))
        .max();
    let Some(mutation) = started else {
        return;
    };
    let (id, title) = (event.id.clone(), event.title.clone());
    watch(client, mutation, move || {
        let what = match change {
            Change::Move => "Moved",
            Change::Resize => "Resized",
            Change::Undo => {
                toasts().success(format!("Put “{}” back.", title.trim()));
                return;
            }
        };
        let undo = Undoable {
            id: id.clone(),
            before,
        };
        UNDO.with(|u| u.borrow_mut().push(undo.clone()));
        toasts().show(
            ToastKind::Success,
            format!("{what} “{}”.", title.trim()),
            vec![ToastAction::new("Undo", move || {
                UNDO.with(|u| u.borrow_mut().retain(|x| !same(x, &undo)));
                put_back(actions, client, &undo);
            })],
            None,
        );
    });
}

/// The app's toasts (from context, not through the actions: they need not hand them out).
fn toasts() -> Toasts {
    TOASTS
        .with(|t| t.get())
        .expect("the calendar page registers the toasts")
}

/// Keeps the page's toasts for the callbacks that run after it (a save settling later).
pub fn register(toasts: Toasts) {
    TOASTS.with(|t| t.set(Some(toasts)));
}

fn same(a: &Undoable, b: &Undoable) -> bool {
    a.id == b.id && a.before == b.before
}

/// Ctrl+Z: puts back the latest saved move or resize. False when there is none.
pub fn undo_latest(actions: EventActions, client: QueryClient) -> bool {
    let Some(undo) = UNDO.with(|u| u.borrow_mut().pop()) else {
        return false;
    };
    put_back(actions, client, &undo);
    true
}

fn put_back(actions: EventActions, client: QueryClient, undo: &Undoable) {
    let current = client
        .get_query_data::<Event>(&keys::event(&undo.id))
        .or_else(|| cached_in_lists(client, &undo.id));
    if let Some(event) = current {
        save_times(actions, client, &event, undo.before, Change::Undo);
    }
}

/// The event as any cached list holds it (a calendar range has no detail entry behind it).
fn cached_in_lists(client: QueryClient, id: &EventId) -> Option<Event> {
    untrack(|| client.entries())
        .into_iter()
        .filter(|e| e.key.starts_with(&keys::lists()))
        .find_map(|e| {
            client.with_query_data::<Vec<Event>, _>(&e.key, |l| {
                l.and_then(|l| l.iter().find(|x| &x.id == id).cloned())
            })
        })
}

/// Runs `saved` once the mutation succeeds (after any Retry); gives up when it is forgotten
/// after a failure.
fn watch(client: QueryClient, mutation: MutationId, saved: impl Fn() + 'static) {
    fn look(client: QueryClient, mutation: MutationId, failed: bool, saved: std::rc::Rc<dyn Fn()>) {
        let state = untrack(|| client.pending_mutations())
            .into_iter()
            .find(|m| m.id == mutation)
            .map(|m| m.state);
        let failed = match state {
            Some(MutationState::Succeeded) => return saved(),
            // Gone from the ledger: settled and pruned, unless it had failed (then dismissed).
            None if !failed => return saved(),
            None => return,
            Some(MutationState::Failed | MutationState::RolledBack) => true,
            Some(_) => failed,
        };
        set_timeout(
            move || look(client, mutation, failed, saved),
            Duration::from_millis(WATCH_MS),
        );
    }
    look(client, mutation, false, std::rc::Rc::new(saved));
}

/// A new event from the dialog: shown in the grid at once, created like the create page.
pub fn create(actions: EventActions, title: String, times: Times) {
    let input = EventInput {
        title,
        description: String::new(),
        location: String::new(),
        start: times.start,
        end: times.end,
        all_day: times.all_day,
        status: Status::default(),
    };
    actions.create(input, FormFeedback::default(), |_| {});
}
