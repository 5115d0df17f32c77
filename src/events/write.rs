//! The one write path: every action hands its change to [`EventActions::write`], which shows
//! it, sends it in its event's line of writes (a query-cache scope), settles it in the outbox,
//! and on failure tells the person (in [`EventActions::failed`]) with a way to try again.

use std::rc::Rc;

use eventual_model::{Event, EventId};
use eventual_query::{MutationFailure, MutationId, Optimistic};
use futures::future::LocalBoxFuture;
use leptos::prelude::*;

use super::failure;
use super::lists::apply_patch;
use super::{EventActions, FormFeedback};
use crate::api::ApiError;
use crate::keys;
use crate::outbox::{Change, Pending};
use crate::toasts::{ToastAction, ToastKind};

/// What a send answers with: the event it wrote, whose new ETag later changes follow.
pub(super) trait Written: 'static {
    /// The event written, when the answer is one.
    fn written(&self) -> Option<&EventId>;
}

impl Written for Event {
    fn written(&self) -> Option<&EventId> {
        Some(&self.id)
    }
}

impl Written for () {
    fn written(&self) -> Option<&EventId> {
        None
    }
}

type Send<R> = Rc<dyn Fn(Pending) -> LocalBoxFuture<'static, Result<R, ApiError>>>;
type Show<R> = Box<dyn FnOnce(Optimistic<R, ApiError>) -> Optimistic<R, ApiError>>;
type OnFailure = Rc<dyn Fn(&MutationFailure<ApiError>) -> Then>;

/// Whether a failure still gets the usual toast after an action's own handling.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Then {
    Toast,
    Done,
}

/// One change on its way: what an action hands to [`EventActions::write`].
pub(super) struct Write<R: Written> {
    pending: Pending,
    send: Send<R>,
    line: Option<String>,
    show: Show<R>,
    on_success: Rc<dyn Fn(&R)>,
    feedback: FormFeedback,
    on_failure: OnFailure,
    on_give_up: Rc<dyn Fn()>,
    /// Refetch every list once settled (creates and deletes may change any of them).
    refetch_lists: bool,
}

impl<R: Written> Write<R> {
    /// The outbox entry `pending`, sent by `send` (which puts it on the wire, given the entry
    /// for its key and `If-Match`).
    pub(super) fn new<F>(pending: Pending, send: impl Fn(Pending) -> F + 'static) -> Self
    where
        F: std::future::Future<Output = Result<R, ApiError>> + 'static,
    {
        Self {
            pending,
            send: Rc::new(move |p| Box::pin(send(p))),
            line: None,
            show: Box::new(|o| o),
            on_success: Rc::new(|_| {}),
            feedback: FormFeedback::default(),
            on_failure: Rc::new(|_| Then::Toast),
            on_give_up: Rc::new(|| {}),
            refetch_lists: true,
        }
    }

    /// Refetched only where its patches changed something, not every list: for a save, whose
    /// patches pass over the lists it cannot show in.
    pub(super) fn refetch_what_it_changed(mut self) -> Self {
        self.refetch_lists = false;
        self
    }

    /// Sent in the line of writes `line` (see `EventActions::line_of`): one at a time, in
    /// the order they were made, keeping its place across automatic retries and pauses.
    pub(super) fn in_line(mut self, line: String) -> Self {
        self.line = Some(line);
        self
    }

    /// The optimistic patches that show it at once.
    pub(super) fn show(
        mut self,
        f: impl FnOnce(Optimistic<R, ApiError>) -> Optimistic<R, ApiError> + 'static,
    ) -> Self {
        self.show = Box::new(f);
        self
    }

    /// Runs with the server's answer (the entry is settled already).
    pub(super) fn on_success(mut self, f: impl Fn(&R) + 'static) -> Self {
        self.on_success = Rc::new(f);
        self
    }

    /// The form that made it, for field errors and a rejected edit's input.
    pub(super) fn feedback(mut self, feedback: FormFeedback) -> Self {
        self.feedback = feedback;
        self
    }

    /// Runs first on a final failure; [`Then::Done`] when it told the person itself.
    pub(super) fn on_failure(
        mut self,
        f: impl Fn(&MutationFailure<ApiError>) -> Then + 'static,
    ) -> Self {
        self.on_failure = Rc::new(f);
        self
    }

    /// Runs when the person dismisses the failure (the change is given up).
    pub(super) fn on_give_up(mut self, f: impl Fn() + 'static) -> Self {
        self.on_give_up = Rc::new(f);
        self
    }
}

impl EventActions {
    /// Shows, sends and settles one change; every action goes through here.
    pub(super) fn write<R: Written>(&self, write: Write<R>) -> MutationId {
        let Write {
            pending,
            send,
            line,
            show,
            on_success,
            feedback,
            on_failure,
            on_give_up,
            refetch_lists,
        } = write;
        let this = *self;
        let api = self.api();
        let label = pending.change().label();
        let sender = {
            let pending = pending.clone();
            move |_signal| {
                let (api, send, pending) = (api.clone(), send.clone(), pending.clone());
                async move {
                    let result = send(pending.clone()).await;
                    match &result {
                        Ok(r) => pending.confirmed(r.written().and_then(|id| api.etag(id))),
                        // Resolves after pausing sends when offline, so this one waits too.
                        Err(ApiError::Network(_)) => {
                            if let Some(connection) = this.connection {
                                connection.network_failed().await;
                            }
                        }
                        Err(_) => {}
                    }
                    result
                }
            }
        };
        let settled = pending.clone();
        let mut optimistic = show(Optimistic::new(label, sender));
        // The place in the line is taken now and kept until the change settles: a retried
        // older save never lands after a newer one.
        if let Some(line) = line {
            optimistic = optimistic.scope(line);
        }
        if refetch_lists {
            optimistic = optimistic.refetch(keys::lists());
        }
        let id = self.client.optimistic(
            optimistic
                .on_success(move |r: &R| {
                    settled.settled();
                    on_success(r);
                })
                .on_error(move |f: MutationFailure<ApiError>| {
                    if on_failure(&f) == Then::Toast {
                        this.failed(f, &pending, feedback, on_give_up.clone());
                    }
                }),
        );
        if let Some(errors) = feedback.server_errors {
            errors.set(Vec::new());
        }
        id
    }

    /// The one place a failed change is reported: rolled back already, kept for its button
    /// or forgotten, and one toast says what happened.
    fn failed(
        &self,
        failure: MutationFailure<ApiError>,
        pending: &Pending,
        feedback: FormFeedback,
        on_give_up: Rc<dyn Fn()>,
    ) {
        let change = pending.change();
        let error = &failure.error;
        let reply = failure::reply(&change, error);
        if reply.fields {
            if let Some(errors) = feedback.server_errors {
                errors.try_set(error.field_errors().to_vec());
            }
            self.restore_into_form(&change, feedback);
        }
        if reply.keep {
            pending.hold(&error.message());
        } else {
            pending.settled();
        }
        if reply.refresh {
            // Show the latest data now; "Apply my changes" resends the patch on top of it.
            self.client.invalidate_queries(&keys::events());
        }
        let buttons = reply
            .button
            .map(|label| self.retry_action(label, &failure, pending))
            .into_iter()
            .collect();
        let (given_up, dismiss) = (pending.clone(), failure.clone());
        self.toasts.show(
            ToastKind::Error,
            reply.message,
            buttons,
            Some(Rc::new(move || {
                given_up.settled();
                on_give_up();
                dismiss.dismiss();
            })),
        );
    }

    /// A rejected edit goes back into its form over the event shown, to be fixed.
    fn restore_into_form(&self, change: &Change, feedback: FormFeedback) {
        let Change::Save { id, patch, .. } = change else {
            return;
        };
        if let (Some(restore), Some(current)) = (
            feedback.restore,
            self.client.get_query_data::<Event>(&keys::event(id)),
        ) {
            restore.run(apply_patch(&current, patch).input());
        }
    }

    /// The button of a failed change: resend the same mutation, or (if the cache no longer
    /// holds it) the stored change as a new one.
    fn retry_action(
        &self,
        label: &str,
        failure: &MutationFailure<ApiError>,
        pending: &Pending,
    ) -> ToastAction {
        let this = *self;
        let (failure, pending) = (failure.clone(), pending.clone());
        ToastAction::new(label, move || {
            pending.resume();
            if !failure.retry() {
                this.replay(pending.clone());
            }
        })
    }
}
