//! Creating (with its editable stand-in) and deleting, with Undo.

use std::rc::Rc;

use eventual_model::{Event, EventId, EventInput, FieldError};
use eventual_query::{MutationFailure, MutationId, Optimistic};
use leptos::prelude::*;

use super::{
    on_page, quoted, remove_from, upsert_sorted, Actions, FormFeedback, TurnSlot, TEMP_PREFIX,
};
use crate::api::ApiError;
use crate::flags::{optimistic, Switched};
use crate::keys;
use crate::offline::{PendingOp, Ticket};
use crate::toasts::{ToastAction, ToastKind};

impl Actions {
    /// Create: the event shows in every list at once under a temporary id, and its stand-in
    /// (the detail of that id) can be shown and edited; on success the server's copy replaces
    /// it and `on_created` runs with it. Returns the mutation and the stand-in's id.
    pub fn create(
        &self,
        input: EventInput,
        feedback: FormFeedback,
        on_created: impl Fn(&Event) + 'static,
    ) -> (MutationId, EventId) {
        self.create_with("Create event", input, feedback, on_created, None)
    }

    /// What a create that failed while its stand-in was on screen left for the form (taken).
    pub fn take_restored(&self) -> Option<(EventInput, Vec<FieldError>)> {
        self.restored.try_update(Option::take).flatten()
    }

    pub(super) fn create_with(
        &self,
        label: &str,
        input: EventInput,
        feedback: FormFeedback,
        on_created: impl Fn(&Event) + 'static,
        ticket: Option<Ticket>,
    ) -> (MutationId, EventId) {
        let this = *self;
        let replayed = ticket.is_some();
        let ticket = ticket.unwrap_or_else(|| {
            let op = PendingOp::Create {
                label: label.to_owned(),
                input: input.clone(),
            };
            Ticket::new(op, None)
        });
        // Named after the change, so a create re-issued after a reload keeps its stand-in id
        // (and a page showing it still finds it).
        let temp_id = EventId::new(format!("{TEMP_PREFIX}{}", ticket.key()));
        let temp = Event::from_input(temp_id.clone(), input.clone());
        let standin = keys::event(&temp_id);
        if optimistic() {
            self.client.set_query_data(&standin, temp.clone());
        }
        let api = self.api();
        // Edits of the stand-in queue behind this turn (see `send_patch`).
        let turn = TurnSlot::new(api.write_turn(&temp_id));
        let send = {
            let (input, ticket, temp_id, turn) =
                (input.clone(), ticket.clone(), temp_id.clone(), turn.clone());
            move |_signal| {
                let (api, input, ticket) = (api.clone(), input.clone(), ticket.clone());
                let (temp_id, turn) = (temp_id.clone(), turn.clone());
                async move {
                    turn.wait(&api, &temp_id).await;
                    let result = api.create(&input, Some(&ticket.key())).await;
                    ticket.sent(&result, None).await;
                    result
                }
            }
        };
        let title = input.title.clone();
        let is_undo = label != "Create event";
        let settled = ticket.clone();
        let failed = ticket.clone();
        let mutation = self.client.optimistic(
            Optimistic::new(label, send)
                .patch_prefix_if::<Vec<Event>>(keys::lists(), move |list| {
                    upsert_sorted(list, &temp)
                })
                .on_success({
                    let temp_id = temp_id.clone();
                    move |saved: &Event| {
                        settled.settled();
                        // The mapping first, so stand-in edits also show on the real entry; the
                        // tracked one last, so the stand-in page finds the real entry filled.
                        crate::offline::remember_created(&temp_id, &saved.id);
                        // Without optimism (`?optimistic=off`) only the refetch changes the screen.
                        if optimistic() {
                            this.client
                                .set_query_data(&keys::event(&saved.id), saved.clone());
                            for entry in this.client.entries() {
                                if entry.key.starts_with(&keys::lists()) {
                                    this.client
                                        .update_query_data::<Vec<Event>>(&entry.key, |l| {
                                            *l = upsert_sorted(&remove_from(l, &temp_id), saved)
                                        });
                                }
                            }
                        }
                        this.creations
                            .update(|c| drop(c.insert(temp_id.clone(), saved.id.clone())));
                        on_created(saved);
                    }
                })
                .on_error({
                    let temp_id = temp_id.clone();
                    let standin = standin.clone();
                    move |failure: MutationFailure<ApiError>| {
                        let error = failure.error.clone();
                        let what = if is_undo { "restore" } else { "create" };
                        let message = format!(
                            "Couldn't {what} {} — changes reverted. {}",
                            quoted(&title),
                            error.message()
                        );
                        // The person is on the stand-in: back to the form with what it shows
                        // (edits made there included), where Create is the way to try again.
                        if !replayed && on_page(&format!("/events/{temp_id}")) {
                            let latest = this
                                .client
                                .get_query_data::<Event>(&standin)
                                .map_or_else(|| input.clone(), |e| e.input());
                            this.restored
                                .set(Some((latest, error.field_errors().to_vec())));
                            this.client.remove_queries(&standin);
                            failed.settled();
                            failure.dismiss();
                            this.go("/events/new", true);
                            this.toasts
                                .show(ToastKind::Error, message, Vec::new(), None);
                            return;
                        }
                        if let Some(errors) = feedback.server_errors {
                            errors.try_set(error.field_errors().to_vec());
                        }
                        let dismiss = failure.clone();
                        let given_up = failed.clone();
                        let standin = standin.clone();
                        let on_dismiss: Rc<dyn Fn()> = Rc::new(move || {
                            given_up.settled();
                            this.client.remove_queries(&standin);
                            dismiss.dismiss();
                        });
                        let actions = if error.is_retryable() {
                            failed.hold(&error.message());
                            vec![this.retry_action("Retry", &failure, &failed)]
                        } else {
                            failed.settled();
                            Vec::new()
                        };
                        this.toasts
                            .show(ToastKind::Error, message, actions, Some(on_dismiss));
                    }
                })
                .on_settled(move || turn.release())
                .refetch(keys::lists()),
        );
        if let Some(errors) = feedback.server_errors {
            errors.set(Vec::new());
        }
        (mutation, temp_id)
    }

    /// Delete: gone from every list at once, with an "Undo" toast that re-creates it on the
    /// server (same fields, new id) if the delete already went through.
    pub fn delete(&self, event: Event) {
        self.delete_with(event, None);
    }

    /// Delete; a replayed one (`ticket` given) neither offers Undo again nor navigates.
    pub(super) fn delete_with(&self, event: Event, ticket: Option<Ticket>) {
        let replayed = ticket.is_some();
        let this = *self;
        let api = self.api();
        let id = event.id.clone();
        let ticket = ticket.unwrap_or_else(|| {
            let tag = self.shown_etag(&id);
            Ticket::new(
                PendingOp::Delete {
                    event: event.clone(),
                },
                tag,
            )
        });
        let send = {
            let id = id.clone();
            let ticket = ticket.clone();
            move |_signal| {
                let (api, id, ticket) = (api.clone(), id.clone(), ticket.clone());
                async move {
                    let result = api
                        .delete_with(&id, || ticket.if_match(), Some(&ticket.key()))
                        .await;
                    ticket.sent(&result, None).await;
                    result
                }
            }
        };
        let gone = id.clone();
        let title = event.title.clone();
        let settled = ticket.clone();
        self.client.optimistic(
            Optimistic::new("Delete event", send)
                .patch_prefix_if::<Vec<Event>>(keys::lists(), move |list| remove_from(list, &gone))
                .on_success({
                    let id = id.clone();
                    move |_: &()| {
                        settled.settled();
                        if !optimistic() {
                            return;
                        }
                        for entry in this.client.entries() {
                            if entry.key.starts_with(&keys::lists()) {
                                this.client
                                    .update_query_data::<Vec<Event>>(&entry.key, |l| {
                                        *l = remove_from(l, &id)
                                    });
                            }
                        }
                    }
                })
                .on_error(move |failure: MutationFailure<ApiError>| {
                    let dismiss = failure.clone();
                    let given_up = ticket.clone();
                    ticket.hold(&failure.error.message());
                    this.toasts.show(
                        ToastKind::Error,
                        format!(
                            "Couldn't delete {} — changes reverted. {}",
                            quoted(&title),
                            failure.error.message()
                        ),
                        vec![this.retry_action("Retry", &failure, &ticket)],
                        Some(Rc::new(move || {
                            given_up.settled();
                            dismiss.dismiss();
                        })),
                    );
                })
                .refetch(keys::lists()),
        );
        if replayed {
            return;
        }
        let restore = event.clone();
        self.toasts.show(
            ToastKind::Success,
            format!("Deleted {}.", quoted(&event.title)),
            vec![ToastAction::new("Undo", move || this.undo_delete(&restore))],
            None,
        );
        self.go("/events", false);
    }

    fn undo_delete(&self, event: &Event) {
        let this = *self;
        let title = event.title.clone();
        self.create_with(
            "Undo delete",
            event.input(),
            FormFeedback::default(),
            move |_| {
                this.toasts.success(format!("Restored {}.", quoted(&title)));
            },
            None,
        );
    }
}
