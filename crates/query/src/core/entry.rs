//! Per-key cache entries and their snapshots.

use super::types::{Millis, Seq};
use super::value::{ErrorValue, Value};
use crate::QueryKey;

/// Confirmed server data for a key and the send that produced it.
#[derive(Clone, Debug)]
pub struct Base {
    /// The data.
    pub value: Value,
    /// Authority: seq of the fetch that produced it, or the seq issued when it was set locally
    /// or from a mutation response. Only a fetch sent later may replace it.
    pub seq: Seq,
    /// The last seq issued when it landed: anything sent after this may know newer data.
    pub landed: Seq,
    /// When it landed (ms).
    pub updated_at: Millis,
}

/// One cached key.
#[derive(Debug, Default)]
pub(crate) struct Entry {
    pub base: Option<Base>,
    /// `base` with the active overlay applied; recomputed on every change.
    pub shown: Option<Value>,
    /// Seq of the one fetch whose answer will be accepted.
    pub in_flight: Option<Seq>,
    pub error: Option<ErrorValue>,
    pub observers: usize,
    /// Explicitly marked stale (invalidated, or a touching mutation settled).
    pub invalidated: bool,
    pub stale_time_ms: Millis,
    pub unobserved_since: Option<Millis>,
}

impl Entry {
    pub fn new(now: Millis) -> Self {
        Self {
            unobserved_since: Some(now),
            ..Self::default()
        }
    }

    pub fn base_seq(&self) -> Seq {
        self.base.as_ref().map_or(Seq(0), |b| b.seq)
    }

    pub fn is_stale(&self, now: Millis) -> bool {
        match &self.base {
            None => true,
            Some(b) => self.invalidated || now.saturating_sub(b.updated_at) >= self.stale_time_ms,
        }
    }
}

/// Whether a key has data.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum QueryStatus {
    /// No data yet (and no error).
    Pending,
    /// Has data.
    Success,
    /// Last fetch failed (data, if any, is kept).
    Error,
}

/// Read-only view of an entry, for devtools.
#[derive(Clone, Debug, PartialEq)]
pub struct EntrySnapshot {
    /// The key.
    pub key: QueryKey,
    /// Data / error status.
    pub status: QueryStatus,
    /// Whether a fetch is in flight.
    pub is_fetching: bool,
    /// Age of the confirmed data in ms, if any.
    pub age_ms: Option<u64>,
    /// Number of mounted readers.
    pub observers: usize,
    /// Whether the next read should refetch.
    pub is_stale: bool,
    /// Whether optimistic patches are showing on it.
    pub has_pending: bool,
    /// The last fetch error, if any.
    pub error: Option<String>,
}
