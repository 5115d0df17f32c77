//! Saving a patch of one event: the edit form's Save, the list's status change, and (later)
//! the calendar's moves.

use std::cell::Cell;
use std::rc::Rc;

use eventual_model::{Event, EventId, EventPatch, Status};

use super::lists::{apply_patch, is_temp, patched_list, replace_in};
use super::undo::Undoable;
use super::write::{Then, Write};
use super::{EventActions, FormFeedback};
use crate::api::ApiError;
use crate::flags::{optimistic, Switched};
use crate::keys;
use crate::outbox::{Change, Intent, Pending};

/// Why an edit of a stand-in was not sent: its create failed (the form got the input back).
const NOT_CREATED: &str = "the new event was not created";

impl EventActions {
    /// Save an edit: `patch` over the event shown as `title`. Retry and "Apply my changes"
    /// resend this same patch, with whatever ETag is current then.
    pub fn save(&self, id: EventId, title: String, patch: EventPatch, feedback: FormFeedback) {
        self.save_as(Intent::Edit, id, title, patch, feedback);
    }

    /// The quick status change from the list.
    pub fn set_status(&self, event: &Event, status: Status) {
        if event.status == status || is_temp(&event.id) {
            return;
        }
        let patch = EventPatch {
            status: eventual_model::Patch::Set(status),
            ..Default::default()
        };
        self.save_as(
            Intent::Status,
            event.id.clone(),
            event.title.clone(),
            patch,
            FormFeedback::default(),
        );
    }

    /// Save `patch` of the event `id` (named `title` in messages) as `intent`: shown at once
    /// on the event and every list holding it, kept in the outbox, sent in the event's line
    /// of writes with `If-Match`. The entry point for every change to one event.
    pub fn save_as(
        &self,
        intent: Intent,
        id: EventId,
        title: String,
        patch: EventPatch,
        feedback: FormFeedback,
    ) {
        if patch.is_empty() {
            self.toasts.info("Nothing to save: no field changed.");
            return;
        }
        // A stand-in whose create already answered: straight to the real event.
        let id = match is_temp(&id)
            .then(|| self.created_id_untracked(&id))
            .flatten()
        {
            Some(real) => real,
            None => id,
        };
        let tag = self.shown_etag(&id);
        // What Undo / Ctrl+Z puts back once it is saved (an Undo's own is never kept).
        let undo = self
            .shown_event(&id)
            .and_then(|before| Undoable::of(&before, &patch));
        let change = Change::Save {
            intent,
            id,
            title,
            patch,
        };
        self.send_patch(self.outbox.add(change, tag), feedback, undo);
    }

    /// Sends the saved patch `pending` (new, or re-issued after a reload); once saved, `undo`
    /// is what takes it back.
    pub(super) fn send_patch(
        &self,
        pending: Pending,
        feedback: FormFeedback,
        undo: Option<Undoable>,
    ) {
        let Change::Save {
            id, patch, intent, ..
        } = pending.change()
        else {
            return;
        };
        let this = *self;
        // After a 412 the next attempt first re-reads the event for its current ETag.
        let conflicted = Rc::new(Cell::new(false));
        let send = {
            let (id, patch, conflicted) = (id.clone(), patch.clone(), conflicted.clone());
            move |pending: Pending| {
                let (api, id, patch) = (this.api(), id.clone(), patch.clone());
                let refresh = conflicted.replace(false);
                async move {
                    // An edit of a stand-in waited behind its create (the real event's later
                    // writes share that line): it goes to the real id.
                    let id = if is_temp(&id) {
                        let Some(real) = this.created_id_untracked(&id) else {
                            return Err(ApiError::Decode(NOT_CREATED.into()));
                        };
                        pending.retarget(&real, api.etag(&real));
                        real
                    } else {
                        id
                    };
                    if refresh {
                        api.get(&id, None).await?;
                        pending.rebase(api.etag(&id));
                    }
                    api.patch(&id, &patch, || pending.if_match(), Some(&pending.key()))
                        .await
                }
            }
        };
        let on_failure = {
            let pending = pending.clone();
            move |failure: &eventual_query::MutationFailure<ApiError>| {
                if failure.error.is_conflict() {
                    conflicted.set(true);
                }
                if failure.error != ApiError::Decode(NOT_CREATED.into()) {
                    return Then::Toast;
                }
                // Its create failed: the form it was made on got the input back with that toast.
                pending.settled();
                failure.dismiss();
                Then::Done
            }
        };
        let write = Write::new(pending, send)
            .in_line(self.line_of(&id))
            .show(move |o| this.show_patch(o, &id, patch))
            .on_success(move |saved: &Event| {
                this.confirm(saved);
                if let Some(undo) = undo.clone() {
                    this.saved(intent, undo, &saved.title);
                }
            })
            .feedback(feedback)
            .on_failure(on_failure)
            .refetch_what_it_changed();
        self.write(write);
    }

    /// `patch` shown on the event `id` and every list holding it. A stand-in's edit shows on
    /// the stand-in and, once created, on the real event.
    fn show_patch<R: 'static>(
        &self,
        o: eventual_query::Optimistic<R, ApiError>,
        id: &EventId,
        patch: EventPatch,
    ) -> eventual_query::Optimistic<R, ApiError> {
        let this = *self;
        let is_target = {
            let target = id.clone();
            move |e: &EventId| {
                e == &target || this.created_id_untracked(&target).as_ref() == Some(e)
            }
        };
        let (for_detail, for_lists) = (patch.clone(), patch);
        let for_list_target = is_target.clone();
        let o = if is_temp(id) {
            o.patch_prefix_where_if::<Event>(keys::events(), move |_, e| {
                is_target(&e.id).then(|| apply_patch(e, &for_detail))
            })
        } else {
            o.patch_if::<Event>(keys::event(id), move |e| apply_patch(e, &for_detail))
        };
        // Only the lists the change can show in are patched, and so refetched once it settles.
        o.patch_prefix_where_if::<Vec<Event>>(keys::lists(), move |key, list| {
            patched_list(list, keys::list_kind(key), &for_list_target, &for_lists)
        })
    }

    /// Put the server's copy of an event into the detail entry and every cached list.
    fn confirm(&self, saved: &Event) {
        // Without optimism (`?optimistic=off`) only the refetch changes the screen.
        if !optimistic() {
            return;
        }
        self.client
            .set_query_data(&keys::event(&saved.id), saved.clone());
        self.update_lists(|l| replace_in(l, saved));
    }
}
