//! The mutation transitions of [`Cache`]: start, send order (scopes, pause), retry, confirm,
//! fail and roll back, restart, and the refetch once the last touching mutation settles.

use super::cache::{Cache, Command};
use super::ledger::{MutationRecord, MutationState};
use super::log::LogEvent;
use super::overlay::{Layer, Patch};
use super::types::{Millis, MutationId, Seq, Target};
use crate::QueryKey;

/// Most failed mutations kept for a later retry.
const PARKED_LIMIT: usize = 64;

/// Whether a mutation may send now (see [`Cache::send_gate`]).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum SendGate {
    /// Send now.
    Go,
    /// An earlier unsettled mutation of the same scope goes first; wait for its settle.
    Queued(MutationId),
    /// Sends are paused (offline); wait for the resume.
    Paused,
    /// Settled or unknown: nothing to send.
    Settled,
}

impl Cache {
    /// Registers a mutation and shows its patches at once.
    pub fn start_mutation(
        &mut self,
        label: impl Into<String>,
        patches: Vec<Patch>,
        refetch: Vec<Target>,
        now: Millis,
    ) -> MutationId {
        self.start_scoped(label, None, patches, refetch, now)
    }

    /// [`start_mutation`](Self::start_mutation) in a scope: mutations sharing `scope` are sent
    /// one at a time in start order (see [`send_gate`](Self::send_gate)); the patches of all of
    /// them show at once.
    pub fn start_scoped(
        &mut self,
        label: impl Into<String>,
        scope: Option<String>,
        patches: Vec<Patch>,
        refetch: Vec<Target>,
        now: Millis,
    ) -> MutationId {
        let id = self.ledger.next_id();
        let place = self.ledger.next_place();
        let label = label.into();
        self.ledger.insert(MutationRecord {
            id,
            label: label.clone(),
            state: MutationState::Pending,
            patched: patches.iter().map(|p| p.target().clone()).collect(),
            refetch,
            started_at: now,
            sent_seq: None,
            attempts: 0,
            error: None,
            scope,
            place,
        });
        self.record(id, LogEvent::Started, None, now);
        self.commands.push(Command::Unsettled);
        self.apply_layer(
            Layer {
                mutation: id,
                patches,
                confirmed_at: None,
            },
            now,
        );
        id
    }

    fn apply_layer(&mut self, layer: Layer, now: Millis) {
        let id = layer.mutation;
        let n = layer.patches.len();
        let touched = self.touched_by_layer(&layer);
        if n > 0 {
            self.overlay.push(layer);
            self.record(id, LogEvent::Applied { patches: n }, None, now);
        }
        for key in touched {
            self.refresh(&key);
            self.commands.push(Command::Status(key));
        }
    }

    fn touched_by_layer(&self, layer: &Layer) -> Vec<QueryKey> {
        self.entries
            .keys()
            .filter(|k| layer.touches(k))
            .cloned()
            .collect()
    }

    /// Whether mutation `id` may send now: not while an earlier unsettled mutation of its scope
    /// is in line before it (automatic retries keep a mutation's place), nor while paused.
    pub fn send_gate(&self, id: MutationId) -> SendGate {
        if !self.ledger.get(id).is_some_and(|r| r.state.is_unsettled()) {
            return SendGate::Settled;
        }
        if let Some(ahead) = self.ledger.ahead_of(id) {
            return SendGate::Queued(ahead);
        }
        if self.paused {
            return SendGate::Paused;
        }
        SendGate::Go
    }

    /// Holds back every send (offline): [`send_gate`](Self::send_gate) answers `Paused`.
    pub fn pause_sends(&mut self) {
        self.paused = true;
    }

    /// Lets sends go again: every unsettled mutation is woken, in line order.
    pub fn resume_sends(&mut self) {
        self.paused = false;
        for id in self.ledger.unsettled_in_line() {
            self.commands.push(Command::Ready(id));
        }
    }

    /// Whether sends are paused.
    pub fn sends_paused(&self) -> bool {
        self.paused
    }

    /// `id` settled: wake the next in line of its scope.
    fn wake_scope(&mut self, id: MutationId) {
        let Some(scope) = self.ledger.get(id).and_then(|r| r.scope.clone()) else {
            return;
        };
        let next = self
            .ledger
            .unsettled_in_line()
            .into_iter()
            .find(|m| self.ledger.get(*m).and_then(|r| r.scope.as_ref()) == Some(&scope));
        if let Some(next) = next {
            self.commands.push(Command::Ready(next));
        }
    }

    /// A request for the mutation is being sent; returns its send seq.
    pub fn mark_sent(&mut self, id: MutationId, now: Millis) -> Option<Seq> {
        let seq = self.seq.next();
        let r = self.ledger.get_mut(id)?;
        if !r.state.is_unsettled() {
            return None;
        }
        r.state = MutationState::Pending;
        r.attempts += 1;
        r.sent_seq = Some(seq);
        let attempt = r.attempts;
        self.record(id, LogEvent::Sent { attempt }, None, now);
        Some(seq)
    }

    /// A retryable failure: keep the patches, wait `delay_ms`, resend.
    pub fn mark_retrying(&mut self, id: MutationId, error: &str, delay_ms: u64, now: Millis) {
        let Some(r) = self.ledger.get_mut(id) else {
            return;
        };
        if !r.state.is_unsettled() {
            return;
        }
        r.state = MutationState::Retrying;
        r.error = Some(error.to_owned());
        let attempt = r.attempts;
        let event = LogEvent::Retried {
            attempt,
            delay_ms,
            error: error.to_owned(),
        };
        self.record(id, event, None, now);
    }

    /// The server confirmed the mutation: [`confirm`](Self::confirm) then
    /// [`finish`](Self::finish), for when the response writes nothing to the cache.
    pub fn succeed(&mut self, id: MutationId, now: Millis) {
        if self.confirm(id, now) {
            self.finish(id, now);
        }
    }

    /// First half of a success: the mutation is confirmed. Its patches keep showing on each key
    /// until data newer than this point lands there — data fetched later, or the response
    /// written by the success callback (which happens between `confirm` and `finish`).
    pub fn confirm(&mut self, id: MutationId, now: Millis) -> bool {
        let Some(r) = self.ledger.get_mut(id) else {
            return false;
        };
        if !r.state.is_unsettled() {
            return false;
        }
        r.state = MutationState::Succeeded;
        r.error = None;
        self.record(id, LogEvent::Succeeded, None, now);
        let confirmed = self.seq.next();
        if let Some(layer) = self.overlay.get_mut(id) {
            layer.confirmed_at = Some(confirmed);
        }
        self.confirming.insert(id);
        self.commands.push(Command::Unsettled);
        self.wake_scope(id);
        true
    }

    /// Second half of a success: keys no other pending mutation touches are refetched.
    pub fn finish(&mut self, id: MutationId, now: Millis) {
        if self.confirming.remove(&id) {
            self.settle(id, now);
            self.prune_confirmed();
        }
    }

    /// The mutation failed for good: remove its patches (only its own) and refetch the keys no
    /// other pending mutation touches.
    pub fn fail(&mut self, id: MutationId, error: &str, now: Millis) {
        let Some(r) = self.ledger.get_mut(id) else {
            return;
        };
        if !r.state.is_unsettled() {
            return;
        }
        r.error = Some(error.to_owned());
        let removed = self.overlay.remove(id);
        let r = self.ledger.get_mut(id).expect("checked above");
        r.state = if removed.is_some() {
            MutationState::RolledBack
        } else {
            MutationState::Failed
        };
        let error = error.to_owned();
        self.record(id, LogEvent::Failed { error }, None, now);
        if let Some(layer) = removed {
            self.record(id, LogEvent::RolledBack, None, now);
            for key in self.touched_by_layer(&layer) {
                self.refresh(&key);
                self.commands.push(Command::Status(key));
            }
            self.park(layer);
        }
        self.commands.push(Command::Unsettled);
        self.wake_scope(id);
        self.settle(id, now);
    }

    fn park(&mut self, layer: Layer) {
        if self.parked.len() >= PARKED_LIMIT {
            if let Some(oldest) = self.parked.keys().min().copied() {
                self.parked.remove(&oldest);
                self.ledger.remove(oldest);
            }
        }
        self.parked.insert(layer.mutation, layer);
    }

    /// Resends a failed mutation: its patches go back on top (newest) and it is pending again.
    pub fn restart(&mut self, id: MutationId, now: Millis) -> bool {
        let Some(r) = self.ledger.get_mut(id) else {
            return false;
        };
        if !matches!(r.state, MutationState::Failed | MutationState::RolledBack) {
            return false;
        }
        // A manual retry queues again at the end of its scope's line.
        let place = self.ledger.next_place();
        let r = self.ledger.get_mut(id).expect("checked above");
        r.state = MutationState::Pending;
        r.attempts = 0;
        r.place = place;
        self.record(id, LogEvent::Started, None, now);
        self.commands.push(Command::Unsettled);
        if let Some(layer) = self.parked.remove(&id) {
            self.apply_layer(layer, now);
        }
        true
    }

    /// Forgets a failed mutation (no retry will follow).
    pub fn forget(&mut self, id: MutationId) {
        if self.ledger.get(id).is_some_and(|r| !r.state.is_unsettled()) {
            self.ledger.remove(id);
            self.parked.remove(&id);
            self.overlay.remove(id);
        }
    }

    /// After a mutation settles: for each cached key it changed or names as a refetch target
    /// that no other unsettled mutation touches, drop the in-flight fetch (it may predate the change) and ask for a fresh one.
    fn settle(&mut self, id: MutationId, now: Millis) {
        let Some(r) = self.ledger.get(id) else {
            return;
        };
        let layer = self.overlay.get(id).or_else(|| self.parked.get(&id));
        // A patched key is refetched only if a patch changes it: a partial patch that passed
        // over a key (a list without the item) left nothing there to check with the server.
        let changed = |k: &QueryKey| {
            r.refetch.iter().any(|t| t.matches(k))
                || r.patched.iter().any(|t| t.matches(k))
                    && layer.is_none_or(|l| l.changes(k, self.base(k).map(|b| &b.value)))
        };
        let keys: Vec<QueryKey> = self
            .entries
            .keys()
            .filter(|k| changed(k) && !self.ledger.other_unsettled_touches(k, id))
            .cloned()
            .collect();
        for key in keys {
            self.cancel_key(&key);
            if let Some(e) = self.entries.get_mut(&key) {
                e.invalidated = true;
            }
            self.record(id, LogEvent::Refetched, Some(key.clone()), now);
            self.commands.push(Command::Status(key.clone()));
            self.commands.push(Command::Refetch(key));
        }
    }
}
