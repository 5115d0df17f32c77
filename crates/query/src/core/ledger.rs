//! Ledger: every mutation's targets, state and order.

use std::collections::BTreeMap;

use super::types::{Millis, MutationId, Seq, Target};
use crate::QueryKey;

/// Where a mutation is in its lifecycle.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum MutationState {
    /// Patches applied; request not answered yet.
    Pending,
    /// A retryable failure happened; waiting to resend (patches stay).
    Retrying,
    /// Confirmed by the server.
    Succeeded,
    /// Failed for good and had nothing to roll back.
    Failed,
    /// Failed for good; its patches were removed.
    RolledBack,
}

impl MutationState {
    /// Still waiting on the server.
    pub fn is_unsettled(self) -> bool {
        matches!(self, Self::Pending | Self::Retrying)
    }
}

/// A mutation as the ledger knows it.
#[derive(Clone, Debug)]
pub struct MutationRecord {
    /// Its id.
    pub id: MutationId,
    /// Human label ("Save event").
    pub label: String,
    /// Lifecycle state.
    pub state: MutationState,
    /// Keys/prefixes its patches touch.
    pub patched: Vec<Target>,
    /// Extra keys/prefixes to refetch when it settles.
    pub refetch: Vec<Target>,
    /// When it started (ms).
    pub started_at: Millis,
    /// Seq of the latest send, if sent.
    pub sent_seq: Option<Seq>,
    /// Attempts sent so far.
    pub attempts: u32,
    /// Last error message, if any.
    pub error: Option<String>,
    /// Mutations sharing a scope id are sent one at a time, in [`place`](Self::place) order.
    pub scope: Option<String>,
    /// Place in its scope's line: start order, renewed (at the end) by a manual restart.
    pub place: u64,
}

impl MutationRecord {
    /// Whether it touches `key` (through a patch or a refetch target).
    pub fn touches(&self, key: &QueryKey) -> bool {
        self.patched
            .iter()
            .chain(&self.refetch)
            .any(|t| t.matches(key))
    }
}

/// All known mutations by id (id order = start order).
#[derive(Default, Debug)]
pub(crate) struct Ledger {
    records: BTreeMap<MutationId, MutationRecord>,
    next: u64,
    places: u64,
}

impl Ledger {
    pub fn next_id(&mut self) -> MutationId {
        self.next += 1;
        MutationId(self.next)
    }

    /// The next place at the end of every scope's line.
    pub fn next_place(&mut self) -> u64 {
        self.places += 1;
        self.places
    }

    pub fn insert(&mut self, record: MutationRecord) {
        self.records.insert(record.id, record);
    }

    pub fn get(&self, id: MutationId) -> Option<&MutationRecord> {
        self.records.get(&id)
    }

    pub fn get_mut(&mut self, id: MutationId) -> Option<&mut MutationRecord> {
        self.records.get_mut(&id)
    }

    pub fn remove(&mut self, id: MutationId) -> Option<MutationRecord> {
        self.records.remove(&id)
    }

    pub fn all(&self) -> impl Iterator<Item = &MutationRecord> {
        self.records.values()
    }

    /// The unsettled mutation of `id`'s scope that sends before it, if any (first in line).
    pub fn ahead_of(&self, id: MutationId) -> Option<MutationId> {
        let me = self.records.get(&id)?;
        let scope = me.scope.as_ref()?;
        self.records
            .values()
            .filter(|r| {
                r.id != id
                    && r.state.is_unsettled()
                    && r.scope.as_ref() == Some(scope)
                    && r.place < me.place
            })
            .min_by_key(|r| r.place)
            .map(|r| r.id)
    }

    /// Unsettled mutations in line order (place), for waking them after a change.
    pub fn unsettled_in_line(&self) -> Vec<MutationId> {
        let mut ids: Vec<&MutationRecord> = self
            .records
            .values()
            .filter(|r| r.state.is_unsettled())
            .collect();
        ids.sort_by_key(|r| r.place);
        ids.into_iter().map(|r| r.id).collect()
    }

    /// Whether an unsettled mutation touches `key`.
    pub fn unsettled_touches(&self, key: &QueryKey) -> bool {
        self.records
            .values()
            .any(|r| r.state.is_unsettled() && r.touches(key))
    }

    /// Whether an unsettled mutation other than `except` touches `key`.
    pub fn other_unsettled_touches(&self, key: &QueryKey, except: MutationId) -> bool {
        self.records
            .values()
            .any(|r| r.id != except && r.state.is_unsettled() && r.touches(key))
    }
}
