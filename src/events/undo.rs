//! Undo of saved changes to one event (a move, a resize, an edit): the toast's Undo and
//! Ctrl+Z, latest first, each saved the same way as any edit.

use eventual_model::{Event, EventId, EventPatch};
use leptos::prelude::*;

use super::lists::apply_patch;
use super::EventActions;
use crate::outbox::Intent;
use crate::toasts::{ToastAction, ToastKind};

/// A saved change that can be taken back: the fields it changed, as they were before it.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Undoable {
    id: EventId,
    title: String,
    back: EventPatch,
}

/// Most saved changes Ctrl+Z can still take back.
const KEPT: usize = 50;

/// What takes `patch` back on `before` (only the fields it changes), or `None` if it
/// changes nothing there.
pub(super) fn undoing(before: &Event, patch: &EventPatch) -> Option<EventPatch> {
    let after = apply_patch(before, patch);
    let back = EventPatch::diff(&after.input(), &before.input());
    (!back.is_empty()).then_some(back)
}

impl Undoable {
    /// Taking back `patch`, saved on the event shown as `before`.
    pub(super) fn of(before: &Event, patch: &EventPatch) -> Option<Self> {
        Some(Self {
            id: before.id.clone(),
            title: before.title.clone(),
            back: undoing(before, patch)?,
        })
    }
}

impl EventActions {
    /// Ctrl+Z: takes back the latest saved move, resize or edit. False when there is none.
    pub fn undo_latest(&self) -> bool {
        let Some(undo) = self.undo.try_update_value(Vec::pop).flatten() else {
            return false;
        };
        self.take_back(undo);
        true
    }

    /// `intent` was saved (the event is now called `title`): it can be taken back, and a
    /// calendar move or resize says so with an Undo button; an Undo says it is done.
    pub(super) fn saved(&self, intent: Intent, undo: Undoable, title: &str) {
        let title = title.trim().to_owned();
        let what = match intent {
            Intent::Revert => {
                self.toasts.success(format!("Put “{title}” back."));
                return;
            }
            Intent::Move => Some("Moved"),
            Intent::Resize => Some("Resized"),
            _ => None,
        };
        self.undo.update_value(|stack| {
            stack.push(undo.clone());
            if stack.len() > KEPT {
                stack.remove(0);
            }
        });
        if let Some(what) = what {
            let this = *self;
            self.toasts.show(
                ToastKind::Success,
                format!("{what} “{title}”."),
                vec![ToastAction::new("Undo", move || {
                    this.undo.update_value(|s| s.retain(|u| u != &undo));
                    this.take_back(undo.clone());
                })],
                None,
            );
        }
    }

    fn take_back(&self, undo: Undoable) {
        self.save_as(
            Intent::Revert,
            undo.id,
            undo.title,
            undo.back,
            Default::default(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use eventual_model::Patch;

    fn event() -> Event {
        serde_json::from_value(serde_json::json!({
            "id": "1", "title": "Standup", "location": "Room 1",
            "start": "2026-12-01T09:00:00Z", "end": "2026-12-01T09:15:00Z", "version": 3
        }))
        .unwrap()
    }

    #[test]
    fn undo_puts_back_only_the_fields_the_change_changed() {
        let before = event();
        let patch = EventPatch {
            title: Patch::Set("Retro".into()),
            location: Patch::Null,
            status: Patch::Set(before.status),
            ..Default::default()
        };
        let back = undoing(&before, &patch).unwrap();
        assert_eq!(
            back,
            EventPatch {
                title: Patch::Set("Standup".into()),
                location: Patch::Set("Room 1".into()),
                ..Default::default()
            }
        );
        let after = apply_patch(&before, &patch);
        assert_eq!(apply_patch(&after, &back).input(), before.input());
    }

    #[test]
    fn a_change_that_changes_nothing_has_nothing_to_undo() {
        let before = event();
        let same = EventPatch {
            title: Patch::Set(before.title.clone()),
            ..Default::default()
        };
        assert_eq!(undoing(&before, &same), None);
    }
}
