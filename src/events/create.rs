//! Creating (with its editable stand-in) and deleting, with Undo.

use eventual_model::{Event, EventInput};
use eventual_query::{MutationFailure, MutationId};
use leptos::prelude::*;

use super::failure::{self, quoted};
use super::lists::{remove_from, upsert_sorted, TEMP_PREFIX};
use super::write::{Then, Write};
use super::{on_page, remember_id, EventActions, FormFeedback};
use crate::api::ApiError;
use crate::flags::{optimistic, Switched};
use crate::keys;
use crate::outbox::{Change, Intent, Pending};
use crate::routes;
use crate::toasts::{ToastAction, ToastKind};

impl EventActions {
    /// Create: the event shows in every list at once under a temporary id, and its stand-in
    /// (the detail of that id) can be shown and edited; on success the server's copy replaces
    /// it and `on_created` runs with it. Returns the mutation and the stand-in's id.
    pub fn create(
        &self,
        input: EventInput,
        feedback: FormFeedback,
        on_created: impl Fn(&Event) + 'static,
    ) -> (MutationId, eventual_model::EventId) {
        let change = Change::Create {
            intent: Intent::Create,
            input: input.clone(),
        };
        self.create_with(
            self.outbox.add(change, None),
            input,
            feedback,
            on_created,
            false,
        )
    }

    /// Sends the create `pending` of `input`; a `replayed` one (from an earlier page load)
    /// has no form or stand-in page waiting for it.
    pub(super) fn create_with(
        &self,
        pending: Pending,
        input: EventInput,
        feedback: FormFeedback,
        on_created: impl Fn(&Event) + 'static,
        replayed: bool,
    ) -> (MutationId, eventual_model::EventId) {
        let this = *self;
        // Named after the change, so a create re-issued after a reload keeps its stand-in id
        // (and a page showing it still finds it).
        let temp_id = eventual_model::EventId::new(format!("{TEMP_PREFIX}{}", pending.key()));
        let temp = Event::from_input(temp_id.clone(), input.clone());
        let standin = keys::event(&temp_id);
        if optimistic() {
            self.client.set_query_data(&standin, temp.clone());
        }
        let send = {
            let input = input.clone();
            move |pending: Pending| {
                let (api, input) = (this.api(), input.clone());
                async move { api.create(&input, Some(&pending.key())).await }
            }
        };
        let on_success = {
            let temp_id = temp_id.clone();
            move |saved: &Event| {
                // The mapping first, so stand-in edits also show on the real entry; the
                // tracked one last, so the stand-in page finds the real entry filled.
                remember_id(&temp_id, &saved.id);
                // Without optimism (`?optimistic=off`) only the refetch changes the screen.
                if optimistic() {
                    this.client
                        .set_query_data(&keys::event(&saved.id), saved.clone());
                    this.update_lists(|l| upsert_sorted(&remove_from(l, &temp_id), saved));
                }
                this.creations
                    .update(|c| drop(c.insert(temp_id.clone(), saved.id.clone())));
                on_created(saved);
            }
        };
        // The person is on the stand-in: back to the form with what it shows (edits made
        // there included), where Create is the way to try again.
        let on_failure = {
            let (pending, standin) = (pending.clone(), standin.clone());
            let page = routes::event(&temp_id);
            move |failure: &MutationFailure<ApiError>| {
                if replayed || !on_page(&page) {
                    return Then::Toast;
                }
                let error = &failure.error;
                let latest = this
                    .client
                    .get_query_data::<Event>(&standin)
                    .map_or_else(|| input.clone(), |e| e.input());
                this.restored
                    .set(Some((latest, error.field_errors().to_vec())));
                this.client.remove_queries(&standin);
                pending.settled();
                failure.dismiss();
                this.go(routes::NEW_EVENT, true);
                let message = failure::reply(&pending.change(), error).message;
                this.toasts
                    .show(ToastKind::Error, message, Vec::new(), None);
                Then::Done
            }
        };
        let write = Write::new(pending, send)
            // Edits of the stand-in queue behind this create (see `send_patch`).
            .in_line(self.line_of(&temp_id))
            .show(move |o| {
                o.patch_prefix_if::<Vec<Event>>(keys::lists(), move |list| {
                    upsert_sorted(list, &temp)
                })
            })
            .on_success(on_success)
            .feedback(feedback)
            .on_failure(on_failure)
            .on_give_up(move || this.client.remove_queries(&standin));
        (self.write(write), temp_id)
    }

    /// Delete: gone from every list at once, with an "Undo" toast that re-creates it on the
    /// server (same fields, new id) if the delete already went through.
    pub fn delete(&self, event: Event) {
        let tag = self.shown_etag(&event.id);
        self.delete_with(self.outbox.add(Change::Delete { event }, tag), false);
    }

    /// Sends the delete `pending`; a `replayed` one neither offers Undo again nor navigates.
    pub(super) fn delete_with(&self, pending: Pending, replayed: bool) {
        let Change::Delete { event } = pending.change() else {
            return;
        };
        let this = *self;
        let id = event.id.clone();
        let send = {
            let id = id.clone();
            move |pending: Pending| {
                let (api, id) = (this.api(), id.clone());
                async move {
                    api.delete(&id, || pending.if_match(), Some(&pending.key()))
                        .await
                }
            }
        };
        let gone = id.clone();
        let write = Write::new(pending, send)
            .in_line(self.line_of(&id))
            .show(move |o| {
                o.patch_prefix_if::<Vec<Event>>(keys::lists(), move |list| remove_from(list, &gone))
            })
            .on_success(move |_: &()| {
                if optimistic() {
                    this.update_lists(|l| remove_from(l, &id));
                }
            });
        self.write(write);
        if replayed {
            return;
        }
        self.toasts.show(
            ToastKind::Success,
            format!("Deleted {}.", quoted(&event.title)),
            vec![ToastAction::new("Undo", move || this.undo_delete(&event))],
            None,
        );
        self.go(routes::EVENTS, false);
    }

    fn undo_delete(&self, event: &Event) {
        let this = *self;
        let title = event.title.clone();
        let change = Change::Create {
            intent: Intent::Undo,
            input: event.input(),
        };
        self.create_with(
            self.outbox.add(change, None),
            event.input(),
            FormFeedback::default(),
            move |_| {
                this.toasts.success(format!("Restored {}.", quoted(&title)));
            },
            false,
        );
    }
}
