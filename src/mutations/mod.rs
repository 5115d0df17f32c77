//! The optimistic actions: each shows its change at once, sends it, and on failure rolls back
//! and says so with a way to try again. Once settled, the touched keys are refetched.

mod create;
mod lists;
mod turn;

use std::cell::Cell;
use std::collections::HashMap;
use std::rc::Rc;

use eventual_model::{Event, EventId, EventInput, EventPatch, FieldError, Status};
use eventual_query::{MutationFailure, Optimistic, QueryClient};
use leptos::prelude::*;
use leptos_router::NavigateOptions;

use crate::api::{Api, ApiError};
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

pub use lists::{apply_patch, is_temp, remove_from, replace_in, upsert_sorted, TEMP_PREFIX};
use turn::TurnSlot;

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
        }
        // A rejected change has nothing to retry; any other failure keeps it for Retry.
        let actions = if rejected {
            Vec::new()
        } else {
            ticket.hold(&error.message());
            vec![self.retry_action("Retry", &failure, ticket)]
        };
        self.toasts.show(
            ToastKind::Error,
            format!(
                "Couldn't save {} — changes reverted. {}",
                quoted(title),
                error.message()
            ),
            actions,
            Some(on_dismiss),
        );
    }
}
