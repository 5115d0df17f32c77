//! The pure cache state machine: entries + overlay + ledger + log.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::entry::{Base, Entry, EntrySnapshot, QueryStatus};
use super::ledger::{Ledger, MutationId, MutationRecord, MutationState};
use super::log::{LogEvent, LogRecord, Millis, TxLog};
use super::overlay::{Layer, Overlay, Patch, Target};
use super::seq::{Seq, SeqCounter};
use super::value::{ErrorValue, Value};
use crate::QueryKey;

/// Something the shell must do after a core operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    /// The shown value of a key changed: wake its data readers.
    Data(QueryKey),
    /// Fetch status, error or staleness of a key changed.
    Status(QueryKey),
    /// Abort the in-flight fetch `seq` of a key (its answer will be ignored anyway).
    Abort(QueryKey, Seq),
    /// Fetch this key again if someone is reading it.
    Refetch(QueryKey),
    /// This mutation may send now (its turn in its scope came, or sends resumed): wake it if
    /// it waits. It asks [`Cache::send_gate`] again, so a spurious wake is harmless.
    Ready(MutationId),
    /// The set of unsettled mutations changed (one started, settled or restarted).
    Unsettled,
    /// Confirmed data was written or dropped somewhere (see [`Cache::data_version`]).
    Written,
}

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

/// What became of a fetch answer.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum FetchOutcome {
    /// It became the key's confirmed data.
    Applied,
    /// The error was recorded.
    Errored,
    /// Ignored: cancelled, superseded, or older than the data already there.
    Discarded,
}

/// Most failed mutations kept for a later retry.
const PARKED_LIMIT: usize = 64;

/// The cache's whole state, as plain data with pure transitions.
///
/// Every method takes the current time; effects for the IO shell accumulate until
/// [`Cache::drain_effects`].
///
/// ```
/// use eventual_query::core::{Cache, Patch, Target, Value};
/// use eventual_query::QueryKey;
/// let key = QueryKey::from("count");
/// let mut cache = Cache::default();
/// let fetch = cache.begin_fetch(&key, 0).unwrap();
/// cache.complete_fetch(&key, fetch, Ok(Value::new(1)), 1);
/// let m = cache.start_mutation("inc", vec![Patch::new::<i32>(Target::Key(key.clone()), |n| n + 1)], vec![], 2);
/// assert_eq!(cache.shown(&key).unwrap().downcast_ref::<i32>(), Some(&2));
/// cache.mark_sent(m, 2);
/// cache.fail(m, "500", 3); // rollback
/// assert_eq!(cache.shown(&key).unwrap().downcast_ref::<i32>(), Some(&1));
/// ```
#[derive(Debug)]
pub struct Cache {
    entries: BTreeMap<QueryKey, Entry>,
    overlay: Overlay,
    ledger: Ledger,
    parked: HashMap<MutationId, Layer>,
    /// Confirmed but not finished: their success callback is running.
    confirming: BTreeSet<MutationId>,
    seq: SeqCounter,
    log: TxLog,
    effects: Vec<Effect>,
    /// Sends held back (offline); patches still show.
    paused: bool,
    /// Bumped on every write or drop of confirmed data.
    data_version: u64,
}

impl Default for Cache {
    fn default() -> Self {
        Self::new(TxLog::DEFAULT_CAPACITY)
    }
}

impl Cache {
    /// An empty cache whose log keeps `log_capacity` records.
    pub fn new(log_capacity: usize) -> Self {
        Self {
            entries: BTreeMap::new(),
            overlay: Overlay::default(),
            ledger: Ledger::default(),
            parked: HashMap::new(),
            confirming: BTreeSet::new(),
            seq: SeqCounter::default(),
            log: TxLog::new(log_capacity),
            effects: Vec::new(),
            paused: false,
            data_version: 0,
        }
    }

    /// Takes the effects accumulated since the last call.
    pub fn drain_effects(&mut self) -> Vec<Effect> {
        std::mem::take(&mut self.effects)
    }

    // ---- reads ----

    /// The value on screen: confirmed data with every active patch applied.
    pub fn shown(&self, key: &QueryKey) -> Option<&Value> {
        self.entries.get(key)?.shown.as_ref()
    }

    /// The confirmed server data.
    pub fn base(&self, key: &QueryKey) -> Option<&Base> {
        self.entries.get(key)?.base.as_ref()
    }

    /// The last fetch error of a key.
    pub fn error(&self, key: &QueryKey) -> Option<&ErrorValue> {
        self.entries.get(key)?.error.as_ref()
    }

    /// Whether a fetch of `key` is in flight.
    pub fn is_fetching(&self, key: &QueryKey) -> bool {
        self.entries.get(key).is_some_and(|e| e.in_flight.is_some())
    }

    /// Whether `seq` is still the fetch whose answer `key` will accept.
    pub fn is_current_fetch(&self, key: &QueryKey, seq: Seq) -> bool {
        self.entries
            .get(key)
            .is_some_and(|e| e.in_flight == Some(seq))
    }

    /// Whether the key should be refetched on next read (missing keys are stale).
    pub fn is_stale(&self, key: &QueryKey, now: Millis) -> bool {
        self.entries.get(key).is_none_or(|e| e.is_stale(now))
    }

    /// Whether the key is cached.
    pub fn contains(&self, key: &QueryKey) -> bool {
        self.entries.contains_key(key)
    }

    /// Number of mounted readers.
    pub fn observers(&self, key: &QueryKey) -> usize {
        self.entries.get(key).map_or(0, |e| e.observers)
    }

    /// Cached keys, in order.
    pub fn keys(&self) -> impl Iterator<Item = &QueryKey> {
        self.entries.keys()
    }

    /// Cached keys matching `target`.
    pub fn keys_matching(&self, target: &Target) -> Vec<QueryKey> {
        self.entries
            .keys()
            .filter(|k| target.matches(k))
            .cloned()
            .collect()
    }

    /// Whether an unsettled mutation (pending or retrying) touches `key` through a patch or a
    /// refetch target.
    pub fn is_mutating(&self, key: &QueryKey) -> bool {
        self.ledger.unsettled_touches(key)
    }

    /// A counter bumped on every write or drop of confirmed data (fetch answers, local and
    /// hydrated data, removals, garbage collection): a cheap "something to save" signal.
    /// Optimistic patches don't count; they are never saved.
    pub fn data_version(&self) -> u64 {
        self.data_version
    }

    fn written(&mut self) {
        self.data_version += 1;
        self.effects.push(Effect::Written);
    }

    /// Whether optimistic patches show on `key`.
    pub fn has_pending(&self, key: &QueryKey) -> bool {
        let seq = self.entries.get(key).map_or(Seq(0), Entry::base_seq);
        self.overlay.has_active(key, seq)
    }

    /// Devtools view of every entry.
    pub fn snapshots(&self, now: Millis) -> Vec<EntrySnapshot> {
        self.entries
            .iter()
            .map(|(key, e)| EntrySnapshot {
                key: key.clone(),
                status: if e.error.is_some() {
                    QueryStatus::Error
                } else if e.base.is_some() {
                    QueryStatus::Success
                } else {
                    QueryStatus::Pending
                },
                is_fetching: e.in_flight.is_some(),
                age_ms: e.base.as_ref().map(|b| now.saturating_sub(b.updated_at)),
                observers: e.observers,
                is_stale: e.is_stale(now),
                has_pending: self.overlay.has_active(key, e.base_seq()),
                error: e.error.as_ref().map(|x| x.message().to_owned()),
            })
            .collect()
    }

    /// Mutations not yet settled, plus succeeded ones still showing until their refetch lands,
    /// plus failed ones kept for a retry.
    pub fn mutations(&self) -> Vec<MutationRecord> {
        self.ledger.all().cloned().collect()
    }

    /// One mutation's record.
    pub fn mutation(&self, id: MutationId) -> Option<&MutationRecord> {
        self.ledger.get(id)
    }

    /// The transaction log, oldest first.
    pub fn log(&self) -> impl Iterator<Item = &LogRecord> {
        self.log.records()
    }

    /// The last sequence number issued.
    pub fn current_seq(&self) -> Seq {
        self.seq.current()
    }

    // ---- queries ----

    fn entry(&mut self, key: &QueryKey, now: Millis) -> &mut Entry {
        self.entries
            .entry(key.clone())
            .or_insert_with(|| Entry::new(now))
    }

    /// A reader mounted.
    pub fn observe(&mut self, key: &QueryKey, stale_time_ms: Millis, now: Millis) {
        let e = self.entry(key, now);
        e.observers += 1;
        e.stale_time_ms = stale_time_ms;
        e.unobserved_since = None;
        self.effects.push(Effect::Status(key.clone()));
    }

    /// A reader unmounted.
    pub fn unobserve(&mut self, key: &QueryKey, now: Millis) {
        if let Some(e) = self.entries.get_mut(key) {
            e.observers = e.observers.saturating_sub(1);
            if e.observers == 0 {
                e.unobserved_since = Some(now);
            }
            self.effects.push(Effect::Status(key.clone()));
        }
    }

    /// Starts a fetch of `key`, or returns `None` if one is already in flight (de-duplication).
    pub fn begin_fetch(&mut self, key: &QueryKey, now: Millis) -> Option<Seq> {
        if self.is_fetching(key) {
            return None;
        }
        let seq = self.seq.next();
        self.entry(key, now).in_flight = Some(seq);
        self.effects.push(Effect::Status(key.clone()));
        Some(seq)
    }

    /// A fetch answered. Applied only if it is the key's current fetch and newer than its data.
    pub fn complete_fetch(
        &mut self,
        key: &QueryKey,
        seq: Seq,
        result: Result<Value, ErrorValue>,
        now: Millis,
    ) -> FetchOutcome {
        let Some(e) = self.entries.get_mut(key) else {
            return FetchOutcome::Discarded;
        };
        if e.in_flight != Some(seq) {
            return FetchOutcome::Discarded;
        }
        e.in_flight = None;
        self.effects.push(Effect::Status(key.clone()));
        match result {
            Err(err) => {
                e.error = Some(err);
                FetchOutcome::Errored
            }
            Ok(_) if e.base_seq() >= seq => FetchOutcome::Discarded,
            Ok(value) => {
                e.base = Some(Base {
                    value,
                    seq,
                    landed: self.seq.current(),
                    updated_at: now,
                });
                e.error = None;
                e.invalidated = false;
                self.refresh(key);
                self.prune_confirmed();
                self.written();
                FetchOutcome::Applied
            }
        }
    }

    /// Sets confirmed data.
    ///
    /// `sent` is `None` for local data ("as of now"). For data from a mutation's response it is
    /// that request's send seq, and the data is written only if the key's current data landed
    /// before the request was sent (otherwise it may be newer than the response: skipped, the
    /// settle refetch brings the truth). Either way fetches sent before this call can no longer
    /// overwrite it.
    pub fn set_base(
        &mut self,
        key: &QueryKey,
        value: Value,
        sent: Option<Seq>,
        now: Millis,
    ) -> bool {
        if let (Some(sent), Some(b)) = (sent, self.base(key)) {
            if b.landed >= sent {
                return false;
            }
        }
        self.entry(key, now).error = None;
        self.write_here(key, value, now, false, now);
        self.prune_confirmed();
        true
    }

    /// Seeds `key` with data saved by an earlier page load (`updated_at` is when it was
    /// fetched then). Only fills a key without data; the value is stale at once, so a reader
    /// refetches it, and any fetch sent from now on replaces it. True if written.
    pub fn hydrate(
        &mut self,
        key: &QueryKey,
        value: Value,
        updated_at: Millis,
        now: Millis,
    ) -> bool {
        if self.base(key).is_some() {
            return false;
        }
        self.write_here(key, value, updated_at.min(now), true, now);
        true
    }

    /// Data made here rather than fetched: it takes a fresh seq, so no fetch sent before this
    /// moment can overwrite it; `stale` marks it for refetching.
    fn write_here(
        &mut self,
        key: &QueryKey,
        value: Value,
        updated_at: Millis,
        stale: bool,
        now: Millis,
    ) {
        let seq = self.seq.next();
        let e = self.entry(key, now);
        e.base = Some(Base {
            value,
            seq,
            landed: seq,
            updated_at,
        });
        e.invalidated = stale;
        self.effects.push(Effect::Status(key.clone()));
        self.refresh(key);
        self.written();
    }

    /// Aborts in-flight fetches under `prefix`; their answers will never be written.
    pub fn cancel(&mut self, prefix: &QueryKey) {
        for key in self.keys_matching(&Target::Prefix(prefix.clone())) {
            self.cancel_key(&key);
        }
    }

    /// Aborts the in-flight fetch of exactly `key`; its answer will never be written.
    pub fn cancel_key(&mut self, key: &QueryKey) {
        if let Some(e) = self.entries.get_mut(key) {
            if let Some(seq) = e.in_flight.take() {
                self.effects.push(Effect::Abort(key.clone(), seq));
                self.effects.push(Effect::Status(key.clone()));
            }
        }
    }

    /// Marks keys under `prefix` stale, aborts their in-flight fetches and asks for refetches.
    pub fn invalidate(&mut self, prefix: &QueryKey) {
        for key in self.keys_matching(&Target::Prefix(prefix.clone())) {
            self.cancel_key(&key);
            if let Some(e) = self.entries.get_mut(&key) {
                e.invalidated = true;
            }
            self.effects.push(Effect::Status(key.clone()));
            self.effects.push(Effect::Refetch(key));
        }
    }

    /// Drops keys under `prefix` (aborting their fetches).
    pub fn remove(&mut self, prefix: &QueryKey) -> Vec<QueryKey> {
        let keys = self.keys_matching(&Target::Prefix(prefix.clone()));
        for key in &keys {
            self.cancel_key(key);
            self.entries.remove(key);
            self.effects.push(Effect::Data(key.clone()));
            self.effects.push(Effect::Status(key.clone()));
        }
        self.prune_confirmed();
        if !keys.is_empty() {
            self.written();
        }
        keys
    }

    /// Drops entries unread for at least `gc_time_ms`; returns them.
    pub fn gc(&mut self, gc_time_ms: Millis, now: Millis) -> Vec<QueryKey> {
        let old: Vec<QueryKey> = self
            .entries
            .iter()
            .filter(|(_, e)| {
                e.observers == 0
                    && e.unobserved_since
                        .is_some_and(|t| now.saturating_sub(t) >= gc_time_ms)
            })
            .map(|(k, _)| k.clone())
            .collect();
        for key in &old {
            self.cancel_key(key);
            self.entries.remove(key);
            self.effects.push(Effect::Data(key.clone()));
        }
        if !old.is_empty() {
            self.prune_confirmed();
            self.written();
        }
        old
    }

    /// Drops `key` if it has been unread for at least `gc_time_ms`; true if dropped.
    pub fn collect(&mut self, key: &QueryKey, gc_time_ms: Millis, now: Millis) -> bool {
        let old = self.entries.get(key).is_some_and(|e| {
            e.observers == 0
                && e.unobserved_since
                    .is_some_and(|t| now.saturating_sub(t) >= gc_time_ms)
        });
        if old {
            self.cancel_key(key);
            self.entries.remove(key);
            self.effects.push(Effect::Data(key.clone()));
            self.prune_confirmed();
            self.written();
        }
        old
    }

    /// Stale keys that are being read (for focus / reconnect refetches).
    pub fn stale_observed(&self, now: Millis) -> Vec<QueryKey> {
        self.entries
            .iter()
            .filter(|(_, e)| e.observers > 0 && e.is_stale(now))
            .map(|(k, _)| k.clone())
            .collect()
    }

    // ---- mutations ----

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
        self.effects.push(Effect::Unsettled);
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
            self.effects.push(Effect::Status(key));
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
            self.effects.push(Effect::Ready(id));
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
            self.effects.push(Effect::Ready(next));
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
        self.effects.push(Effect::Unsettled);
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
                self.effects.push(Effect::Status(key));
            }
            self.park(layer);
        }
        self.effects.push(Effect::Unsettled);
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
        self.effects.push(Effect::Unsettled);
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

    /// After a mutation settles: for each cached key it touches that no other unsettled mutation
    /// touches, drop the in-flight fetch (it may predate the change) and ask for a fresh one.
    fn settle(&mut self, id: MutationId, now: Millis) {
        let Some(r) = self.ledger.get(id) else {
            return;
        };
        let keys: Vec<QueryKey> = self
            .entries
            .keys()
            .filter(|k| r.touches(k) && !self.ledger.other_unsettled_touches(k, id))
            .cloned()
            .collect();
        for key in keys {
            self.cancel_key(&key);
            if let Some(e) = self.entries.get_mut(&key) {
                e.invalidated = true;
            }
            self.record(id, LogEvent::Refetched, Some(key.clone()), now);
            self.effects.push(Effect::Status(key.clone()));
            self.effects.push(Effect::Refetch(key));
        }
    }

    /// Drops confirmed layers no longer showing anywhere, and the records of finished
    /// successes that have nothing left on screen.
    fn prune_confirmed(&mut self) {
        let entries = &self.entries;
        self.overlay.retain(|l| {
            let Some(c) = l.confirmed_at else {
                return true;
            };
            // Still needed where the data, or a fetch that may yet land, predates the success.
            entries.iter().any(|(k, e)| {
                l.touches(k)
                    && (e.base.as_ref().is_some_and(|b| b.seq < c)
                        || e.in_flight.is_some_and(|s| s < c))
            })
        });
        let done: Vec<MutationId> = self
            .ledger
            .all()
            .filter(|r| {
                r.state == MutationState::Succeeded
                    && !self.confirming.contains(&r.id)
                    && !self.overlay.contains(r.id)
            })
            .map(|r| r.id)
            .collect();
        for id in done {
            self.ledger.remove(id);
        }
    }

    /// Recomputes the shown value of `key`; emits `Data` only if it changed.
    fn refresh(&mut self, key: &QueryKey) {
        let Some(e) = self.entries.get(key) else {
            return;
        };
        let shown = e
            .base
            .as_ref()
            .map(|b| self.overlay.apply(key, &b.value, b.seq));
        let changed = match (&e.shown, &shown) {
            (None, None) => false,
            (Some(a), Some(b)) => !a.same(b),
            _ => true,
        };
        if let Some(e) = self.entries.get_mut(key) {
            e.shown = shown;
        }
        if changed {
            self.effects.push(Effect::Data(key.clone()));
        }
    }

    fn record(&mut self, id: MutationId, event: LogEvent, key: Option<QueryKey>, now: Millis) {
        let label = self
            .ledger
            .get(id)
            .map(|r| r.label.clone())
            .unwrap_or_default();
        self.log.push(LogRecord {
            at_ms: now,
            mutation: id,
            label,
            event,
            key,
        });
    }
}
