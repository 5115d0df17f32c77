//! The pure cache state machine: entries + overlay + ledger + log.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::entry::{Base, Entry};
use super::ledger::{Ledger, MutationState};
use super::log::{LogEvent, LogRecord, TxLog};
use super::overlay::{Layer, Overlay};
use super::types::{Millis, MutationId, Seq, SeqCounter};
use super::value::{ErrorValue, Value};
use crate::QueryKey;

/// Something the shell must do after a core operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
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

/// The cache's whole state, as plain data with pure transitions.
///
/// Every method takes the current time; commands for the IO shell accumulate until
/// [`Cache::drain_commands`].
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
    pub(super) entries: BTreeMap<QueryKey, Entry>,
    pub(super) overlay: Overlay,
    pub(super) ledger: Ledger,
    pub(super) parked: HashMap<MutationId, Layer>,
    /// Confirmed but not finished: their success callback is running.
    pub(super) confirming: BTreeSet<MutationId>,
    pub(super) seq: SeqCounter,
    pub(super) log: TxLog,
    pub(super) commands: Vec<Command>,
    /// Sends held back (offline); patches still show.
    pub(super) paused: bool,
    /// Bumped on every write or drop of confirmed data.
    pub(super) data_version: u64,
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
            commands: Vec::new(),
            paused: false,
            data_version: 0,
        }
    }

    /// Takes the commands accumulated since the last call.
    pub fn drain_commands(&mut self) -> Vec<Command> {
        std::mem::take(&mut self.commands)
    }

    // ---- queries ----

    pub(super) fn entry(&mut self, key: &QueryKey, now: Millis) -> &mut Entry {
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
        self.commands.push(Command::Status(key.clone()));
    }

    /// A reader unmounted.
    pub fn unobserve(&mut self, key: &QueryKey, now: Millis) {
        if let Some(e) = self.entries.get_mut(key) {
            e.observers = e.observers.saturating_sub(1);
            if e.observers == 0 {
                e.unobserved_since = Some(now);
            }
            self.commands.push(Command::Status(key.clone()));
        }
    }

    /// Starts a fetch of `key`, or returns `None` if one is already in flight (de-duplication).
    pub fn begin_fetch(&mut self, key: &QueryKey, now: Millis) -> Option<Seq> {
        if self.is_fetching(key) {
            return None;
        }
        let seq = self.seq.next();
        self.entry(key, now).in_flight = Some(seq);
        self.commands.push(Command::Status(key.clone()));
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
        self.commands.push(Command::Status(key.clone()));
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
        self.commands.push(Command::Status(key.clone()));
        self.refresh(key);
        self.written();
    }

    /// Confirmed data was written or dropped: bump [`Cache::data_version`] and say so.
    pub(super) fn written(&mut self) {
        self.data_version += 1;
        self.commands.push(Command::Written);
    }

    /// Drops confirmed layers no longer showing anywhere, and the records of finished
    /// successes that have nothing left on screen.
    pub(super) fn prune_confirmed(&mut self) {
        let (entries, confirming) = (&self.entries, &self.confirming);
        self.overlay.retain(|l| {
            let Some(c) = l.confirmed_at else {
                return true;
            };
            // Kept until `finish`: its settle asks the patches which keys they changed.
            if confirming.contains(&l.mutation) {
                return true;
            }
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
    pub(super) fn refresh(&mut self, key: &QueryKey) {
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
            self.commands.push(Command::Data(key.clone()));
        }
    }

    pub(super) fn record(
        &mut self,
        id: MutationId,
        event: LogEvent,
        key: Option<QueryKey>,
        now: Millis,
    ) {
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
