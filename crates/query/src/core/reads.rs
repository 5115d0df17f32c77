//! Reads of [`Cache`]: what is shown, confirmed data, errors, fetch and mutation state, the
//! log. None of them changes the cache.

use super::cache::Cache;
use super::entry::{Base, Entry, EntrySnapshot, QueryStatus};
use super::ledger::MutationRecord;
use super::log::LogRecord;
use super::types::{Millis, MutationId, Seq, Target};
use super::value::{ErrorValue, Value};
use crate::QueryKey;

impl Cache {
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
}
