//! The optimistic actions: each shows its change at once, sends it, and on failure rolls back
//! and says so with a way to try again. Once settled, the touched keys are refetched.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use eventual_model::{Event, EventId, EventInput, EventPatch, FieldError, Status};
use eventual_query::{MutationFailure, MutationId, Optimistic, QueryClient};
use leptos::prelude::*;
use leptos_router::NavigateOptions;

use crate::api::{Api, ApiError, WriteTurn};
use crate::flags::{optimistic, Switched};
use crate::keys;
use crate::offline::{PendingOp, Ticket};
use crate::toasts::{ToastAction, ToastKind, Toasts};

type Navigate = Rc<dyn Fn(&str, NavigateOptions)>;

/// Where a form wants to hear about a failed submit.
#[derive(Clone, Copy, Default)]
pub struct FormFeedback {
    /// Gets the server's field errors (422).
    pub server_errors: Option<RwSignal<Vec<FieldError>>>,
    /// Gets back what was submitted, so a rejected change is not lost from the form.
    pub restore: Option<Callback<EventInput>>,
}

/// The app's optimistic actions. `Copy`; provided at the root.
#[derive(Clone, Copy)]
pub struct Actions {
    client: QueryClient,
    api: StoredValue<Api>,
    toasts: Toasts,
    navigate: StoredValue<Option<Navigate>, LocalStorage>,
    /// Temporary ids of optimistic creates → the ids the server gave them.
    creations: RwSignal<HashMap<EventId, EventId>>,
    /// A failed create's input (and field errors) for the create form to show again.
    restored: RwSignal<Option<(EventInput, Vec<FieldError>)>>,
}

/// `patch` applied to `event`, read-only fields kept (unchanged if the patch cannot apply).
pub fn apply_patch(event: &Event, patch: &EventPatch) -> Event {
    patch
        .apply(&event.input())
        .map(|input| event.with_input(input))
        .unwrap_or_else(|_| event.clone())
}

/// `event` put into a start-sorted list, replacing the entry with the same id.
pub fn upsert_sorted(list: &[Event], event: &Event) -> Vec<Event> {
    let mut out: Vec<Event> = list.iter().filter(|e| e.id != event.id).cloned().collect();
    let at = out
        .iter()
        .position(|e| e.start > event.start)
        .unwrap_or(out.len());
    out.insert(at, event.clone());
    out
}

/// `event`'s entry replaced in place (the list's order is the server's business).
pub fn replace_in(list: &[Event], event: &Event) -> Vec<Event> {
    list.iter()
        .map(|e| {
            if e.id == event.id {
                event.clone()
            } else {
                e.clone()
            }
        })
        .collect()
}

/// The list without `id`.
pub fn remove_from(list: &[Event], id: &EventId) -> Vec<Event> {
    list.iter().filter(|e| &e.id != id).cloned().collect()
}

/// Prefix of the ids optimistic creates use until the server answers.
pub const TEMP_PREFIX: &str = "new-";

/// Whether `id` is a stand-in for an event being created.
pub fn is_temp(id: &EventId) -> bool {
    id.as_str().starts_with(TEMP_PREFIX)
}

/// Why an edit of a stand-in was not sent: its create failed (the form got the input back).
const NOT_CREATED: &str = "the new event was not created";

/// Whether the browser shows `path` (under any base) now.
fn on_page(path: &str) -> bool {
    web_sys::window()
        .and_then(|w| w.location().pathname().ok())
        .is_some_and(|p| p.ends_with(path))
}

fn quoted(title: &str) -> String {
    format!("“{}”", title.trim())
}

impl Actions {
    /// Actions over `client` and `api`, reporting through `toasts`.
    pub fn new(client: QueryClient, api: Api, toasts: Toasts) -> Self {
        Self {
            client,
            api: StoredValue::new(api),
            toasts,
            navigate: StoredValue::new_local(None),
            creations: RwSignal::new(HashMap::new()),
            restored: RwSignal::new(None),
        }
    }

    /// Provide as context and return.
    pub fn provide(client: QueryClient, api: Api, toasts: Toasts) -> Self {
        let a = Self::new(client, api, toasts);
        provide_context(a);
        a
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

    /// The toast stack the actions report through.
    pub fn toasts(&self) -> Toasts {
        self.toasts
    }

    /// Offers again a change whose last send failed before this page load (Retry / Dismiss):
    /// never resent by itself, never dropped without the person's say.
    pub fn offer(&self, ticket: Ticket) {
        let what = match ticket.op() {
            PendingOp::Save { title, .. } => format!("Couldn't save {}", quoted(&title)),
            PendingOp::Create { input, .. } => format!("Couldn't create {}", quoted(&input.title)),
            PendingOp::Delete { event } => format!("Couldn't delete {}", quoted(&event.title)),
        };
        let reason = ticket.failure().unwrap_or_default();
        let this = *self;
        let (retry, dismiss) = (ticket.clone(), ticket);
        self.toasts.show(
            ToastKind::Error,
            format!("{what} — changes reverted. {reason}"),
            vec![ToastAction::new("Retry", move || {
                retry.resume();
                this.replay(retry.clone());
            })],
            Some(Rc::new(move || dismiss.settled())),
        );
    }

    /// The Retry of a failed change: resend the same mutation, or (if the cache no longer
    /// holds it) the stored change as a new one.
    fn retry_action(
        &self,
        label: &str,
        failure: &MutationFailure<ApiError>,
        ticket: &Ticket,
    ) -> ToastAction {
        let this = *self;
        let (failure, ticket) = (failure.clone(), ticket.clone());
        ToastAction::new(label, move || {
            ticket.resume();
            if !failure.retry() {
                this.replay(ticket.clone());
            }
        })
    }

    /// The real id of a temporary one, once its create succeeded (tracked).
    pub fn created_id(&self, temp: &EventId) -> Option<EventId> {
        self.creations
            .with(|c| c.get(temp).cloned())
            .or_else(|| crate::offline::created_id(temp))
    }

    /// [`Actions::created_id`], untracked (for patches and sends).
    pub fn created_id_untracked(&self, temp: &EventId) -> Option<EventId> {
        self.creations
            .try_with_untracked(|c| c.get(temp).cloned())
            .flatten()
            .or_else(|| crate::offline::created_id(temp))
    }

    /// Put the server's copy of an event into the detail entry and every cached list.
    fn confirm(&self, saved: &Event) {
        // Without optimism (`?optimistic=off`) only the refetch changes the screen.
        if !optimistic() {
            return;
        }
        self.client
            .set_query_data(&keys::event(&saved.id), saved.clone());
        for entry in self.client.entries() {
            if entry.key.starts_with(&keys::lists()) {
                self.client
                    .update_query_data::<Vec<Event>>(&entry.key, |l| *l = replace_in(l, saved));
            }
        }
    }

    /// Save an edit: `patch` over the event shown as `title`. Retry and "Apply my changes"
    /// resend this same patch, with whatever ETag is current then.
    pub fn save(&self, id: EventId, title: String, patch: EventPatch, feedback: FormFeedback) {
        // A stand-in whose create already answered: straight to the real event.
        let id = match is_temp(&id)
            .then(|| self.created_id_untracked(&id))
            .flatten()
        {
            Some(real) => real,
            None => id,
        };
        self.send_patch("Save event", id, title, patch, feedback, None);
    }

    /// Re-issues a change saved by an earlier page load (or a tab that closed).
    pub fn replay(&self, ticket: Ticket) {
        match ticket.op() {
            PendingOp::Save {
                label,
                id,
                title,
                patch,
            } => self.send_patch(
                &label,
                id,
                title,
                patch,
                FormFeedback::default(),
                Some(ticket),
            ),
            PendingOp::Create { label, input } => {
                self.create_with(&label, input, FormFeedback::default(), |_| {}, Some(ticket));
            }
            PendingOp::Delete { event } => self.delete_with(event, Some(ticket)),
        }
    }

    /// The ETag of the version of `id` on screen (what a change to it is made on).
    fn shown_etag(&self, id: &EventId) -> Option<String> {
        self.api().etag(id).or_else(|| {
            self.client
                .get_query_data::<Event>(&keys::event(id))
                .and_then(|e| e.etag())
        })
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
        self.send_patch(
            "Change status",
            event.id.clone(),
            event.title.clone(),
            patch,
            FormFeedback::default(),
            None,
        );
    }

    fn send_patch(
        &self,
        label: &str,
        id: EventId,
        title: String,
        patch: EventPatch,
        feedback: FormFeedback,
        ticket: Option<Ticket>,
    ) {
        if patch.is_empty() {
            self.toasts.info("Nothing to save: no field changed.");
            return;
        }
        // Saved until settled, so a reload or going offline loses nothing.
        let ticket = ticket.unwrap_or_else(|| {
            let op = PendingOp::Save {
                label: label.to_owned(),
                id: id.clone(),
                title: title.clone(),
                patch: patch.clone(),
            };
            Ticket::new(op, self.shown_etag(&id))
        });
        let this = *self;
        let api = self.api();
        let detail = keys::event(&id);
        // After a 412 the next attempt first re-reads the event for its current ETag.
        let conflicted = Rc::new(Cell::new(false));
        // The place in this event's line of writes is taken now and kept across automatic
        // retries until the save settles: a retried older save never lands after a newer one.
        let turn = TurnSlot::new(api.write_turn(&id));
        let send = {
            let (id, patch, conflicted) = (id.clone(), patch.clone(), conflicted.clone());
            let ticket = ticket.clone();
            let turn = turn.clone();
            move |_signal| {
                let (api, id, patch) = (api.clone(), id.clone(), patch.clone());
                let (ticket, turn) = (ticket.clone(), turn.clone());
                let refresh = conflicted.replace(false);
                async move {
                    turn.wait(&api, &id).await;
                    // An edit of a stand-in waited behind its create: it goes to the real id,
                    // in that event's line too (ahead of anything made after the id arrived).
                    let (id, _real_turn) = if is_temp(&id) {
                        let Some(real) = this.created_id_untracked(&id) else {
                            return Err(ApiError::Decode(NOT_CREATED.into()));
                        };
                        ticket.retarget(&real, api.etag(&real));
                        let real_turn = api.write_turn(&real).await;
                        (real, Some(real_turn))
                    } else {
                        (id, None)
                    };
                    if refresh {
                        api.get(&id, None).await?;
                        ticket.rebase(api.etag(&id));
                    }
                    let result = api
                        .patch_in_turn(&id, &patch, || ticket.if_match(), Some(&ticket.key()))
                        .await;
                    ticket
                        .sent(&result, result.as_ref().ok().and_then(|e| api.etag(&e.id)))
                        .await;
                    result
                }
            }
        };
        let on_error = {
            let (id, title, patch) = (id.clone(), title.clone(), patch.clone());
            let ticket = ticket.clone();
            move |failure: MutationFailure<ApiError>| {
                if failure.error.is_conflict() {
                    conflicted.set(true);
                }
                this.report_save_failure(failure, &id, &title, &patch, feedback, &ticket);
            }
        };
        let for_detail = patch.clone();
        let for_lists = patch.clone();
        // A stand-in's edit shows on the stand-in and, once created, on the real event.
        let is_target = {
            let target = id.clone();
            move |e: &EventId| {
                e == &target || this.created_id_untracked(&target).as_ref() == Some(e)
            }
        };
        let for_list_target = is_target.clone();
        let mut optimistic = Optimistic::new(label, send);
        optimistic = if is_temp(&id) {
            optimistic.patch_prefix_if::<Event>(keys::events(), move |e| {
                if is_target(&e.id) {
                    apply_patch(e, &for_detail)
                } else {
                    e.clone()
                }
            })
        } else {
            optimistic.patch_if::<Event>(detail.clone(), move |e| apply_patch(e, &for_detail))
        };
        let settled = ticket.clone();
        self.client.optimistic(
            optimistic
                .patch_prefix_if::<Vec<Event>>(keys::lists(), move |list| {
                    list.iter()
                        .map(|e| {
                            if for_list_target(&e.id) {
                                apply_patch(e, &for_lists)
                            } else {
                                e.clone()
                            }
                        })
                        .collect()
                })
                .on_success(move |saved: &Event| {
                    settled.settled();
                    this.confirm(saved)
                })
                .on_error(on_error)
                .on_settled(move || turn.release())
                .refetch(keys::lists()),
        );
        if let Some(errors) = feedback.server_errors {
            errors.set(Vec::new());
        }
    }

    fn report_save_failure(
        &self,
        failure: MutationFailure<ApiError>,
        id: &EventId,
        title: &str,
        patch: &EventPatch,
        feedback: FormFeedback,
        ticket: &Ticket,
    ) {
        let error = failure.error.clone();
        let dismiss = failure.clone();
        let given_up = ticket.clone();
        let on_dismiss: Rc<dyn Fn()> = Rc::new(move || {
            given_up.settled();
            dismiss.dismiss();
        });
        if error == ApiError::Decode(NOT_CREATED.into()) {
            // Its create failed: the form it was made on got the input back with that toast.
            ticket.settled();
            failure.dismiss();
            return;
        }
        if error.is_conflict() {
            ticket.hold(&error.message());
            // Show the latest data now; "Apply my changes" resends the patch on top of it.
            self.client.invalidate_queries(&keys::events());
            self.toasts.show(
                ToastKind::Error,
                format!(
                    "{} changed elsewhere, so your changes were not saved. You now see the latest version.",
                    quoted(title)
                ),
                vec![self.retry_action("Apply my changes", &failure, ticket)],
                Some(on_dismiss),
            );
            return;
        }
        if error.is_not_found() {
            ticket.settled();
            self.toasts.show(
                ToastKind::Error,
                format!("{} no longer exists — changes reverted.", quoted(title)),
                Vec::new(),
                Some(on_dismiss),
            );
            self.client.invalidate_queries(&keys::events());
            return;
        }
        let rejected = matches!(error.status(), Some(400 | 413 | 415 | 422));
        if rejected {
            // The form keeps the attempt to fix; as sent, the change can never be saved.
            ticket.settled();
            if let Some(errors) = feedback.server_errors {
                errors.set(error.field_errors().to_vec());
            }
            if let (Some(restore), Some(current)) = (
                feedback.restore,
                self.client.get_query_data::<Event>(&keys::event(id)),
            ) {
                restore.run(apply_patch(&current, patch).input());
            }
            self.toasts.show(
                ToastKind::Error,
                format!(
                    "Couldn't save {} — changes reverted. {}",
                    quoted(title),
                    error.message()
                ),
                Vec::new(),
                Some(on_dismiss),
            );
            return;
        }
        ticket.hold(&error.message());
        self.toasts.show(
            ToastKind::Error,
            format!(
                "Couldn't save {} — changes reverted. {}",
                quoted(title),
                error.message()
            ),
            vec![self.retry_action("Retry", &failure, ticket)],
            Some(on_dismiss),
        );
    }

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

    fn create_with(
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
    fn delete_with(&self, event: Event, ticket: Option<Ticket>) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use eventual_model::Patch;

    fn event(id: &str, start: &str) -> Event {
        serde_json::from_value(serde_json::json!({
            "id": id, "title": format!("E{id}"), "start": start,
            "end": "2027-01-01T00:00:00Z", "version": 1
        }))
        .unwrap()
    }

    #[test]
    fn patches_keep_read_only_fields() {
        let e = event("1", "2026-12-01T09:00:00Z");
        let p = EventPatch {
            title: Patch::Set("New".into()),
            ..Default::default()
        };
        let out = apply_patch(&e, &p);
        assert_eq!(out.title, "New");
        assert_eq!(out.version, Some(1));
        assert_eq!(out.id, e.id);
    }

    #[test]
    fn list_helpers() {
        let a = event("1", "2026-12-01T09:00:00Z");
        let c = event("3", "2026-12-03T09:00:00Z");
        let b = event("2", "2026-12-02T09:00:00Z");
        let list = upsert_sorted(&[a.clone(), c.clone()], &b);
        let ids: Vec<_> = list.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["1", "2", "3"]);
        let list = remove_from(&list, &b.id);
        assert_eq!(list, [a.clone(), c.clone()]);
        let mut renamed = a.clone();
        renamed.title = "Renamed".into();
        assert_eq!(replace_in(&list, &renamed)[0].title, "Renamed");
        assert!(is_temp(&EventId::new("new-3")));
        assert!(!is_temp(&EventId::new("3")));
    }
}

/// A save's place in its event's line of writes: waited for on the first attempt, held while
/// retrying, released when the save settles. A manual Retry after that queues again at the end.
#[derive(Clone)]
struct TurnSlot(Rc<RefCell<Turn>>);

enum Turn {
    Waiting(Pin<Box<dyn Future<Output = WriteTurn>>>),
    Held(WriteTurn),
    Released,
}

impl TurnSlot {
    fn new(waiting: impl Future<Output = WriteTurn> + 'static) -> Self {
        Self(Rc::new(RefCell::new(Turn::Waiting(Box::pin(waiting)))))
    }

    async fn wait(&self, api: &Api, id: &EventId) {
        let state = std::mem::replace(&mut *self.0.borrow_mut(), Turn::Released);
        let turn = match state {
            Turn::Held(turn) => turn,
            Turn::Waiting(waiting) => waiting.await,
            Turn::Released => api.write_turn(id).await,
        };
        *self.0.borrow_mut() = Turn::Held(turn);
    }

    fn release(&self) {
        *self.0.borrow_mut() = Turn::Released;
    }
}
