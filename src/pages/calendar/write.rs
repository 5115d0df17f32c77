//! The calendar's one door to the write path: moves and resizes are an `EventPatch` of
//! start/end through `EventActions::save_as` (optimistic apply, revert + Retry, the 412 flow,
//! in-order sends per event, offline waiting, Undo and Ctrl+Z), creates go through
//! `EventActions::create`.

use eventual_model::{Event, EventInput, EventPatch, Patch, Status};

use crate::calendar::Times;
use crate::events::{EventActions, FormFeedback, Intent};

/// What a change of times was (its name in the outbox, and its toast).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Move,
    Resize,
}

/// `event` moved or resized to `times`: shown at once, saved like an edit. Once the server
/// confirms it, a toast offers Undo (and Ctrl+Z can take it back: `EventActions::undo_latest`).
pub fn save_times(actions: EventActions, event: &Event, times: Times, change: Change) {
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
        Change::Move => Intent::Move,
        Change::Resize => Intent::Resize,
    };
    actions.save_as(
        intent,
        event.id.clone(),
        event.title.clone(),
        patch,
        FormFeedback::default(),
    );
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
