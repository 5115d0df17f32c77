//! Bounded transaction log of mutation lifecycles.

use std::collections::VecDeque;
use std::fmt;

use super::types::{Millis, MutationId};
use crate::QueryKey;

/// What happened to a mutation (or a key on its behalf).
#[derive(Clone, Debug, PartialEq)]
pub enum LogEvent {
    /// The mutation was registered.
    Started,
    /// Its optimistic patches were put on screen.
    Applied {
        /// Number of patches.
        patches: usize,
    },
    /// A request was sent (attempt is 1-based).
    Sent {
        /// Attempt number.
        attempt: u32,
    },
    /// A retryable failure; another attempt follows after `delay_ms`.
    Retried {
        /// Attempt that failed.
        attempt: u32,
        /// Backoff before the next attempt.
        delay_ms: u64,
        /// The failure.
        error: String,
    },
    /// The server confirmed it.
    Succeeded,
    /// It failed for good.
    Failed {
        /// The failure.
        error: String,
    },
    /// Its patches were removed from the screen.
    RolledBack,
    /// A key it touched was refetched after the last mutation touching it settled.
    Refetched,
}

/// One line of the transaction log.
#[derive(Clone, Debug, PartialEq)]
pub struct LogRecord {
    /// When, in ms.
    pub at_ms: Millis,
    /// Which mutation.
    pub mutation: MutationId,
    /// The mutation's label (e.g. "Save event").
    pub label: String,
    /// What happened.
    pub event: LogEvent,
    /// The key concerned, for per-key events.
    pub key: Option<QueryKey>,
}

impl fmt::Display for LogRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "[{}] #{} {} {:?}",
            self.at_ms, self.mutation.0, self.label, self.event
        )?;
        if let Some(k) = &self.key {
            write!(f, " {k}")?;
        }
        Ok(())
    }
}

/// Ring buffer keeping the last `capacity` records.
#[derive(Debug)]
pub struct TxLog {
    records: VecDeque<LogRecord>,
    capacity: usize,
}

impl TxLog {
    /// Default number of records kept.
    pub const DEFAULT_CAPACITY: usize = 200;

    /// An empty log keeping at most `capacity` records.
    pub fn new(capacity: usize) -> Self {
        Self {
            records: VecDeque::with_capacity(capacity.min(1024)),
            capacity: capacity.max(1),
        }
    }

    /// Appends a record, dropping the oldest beyond capacity, and emits it through `tracing`.
    pub fn push(&mut self, record: LogRecord) {
        #[cfg(feature = "tracing")]
        tracing::info!(target: "eventual_query::tx", "{record}");
        if self.records.len() == self.capacity {
            self.records.pop_front();
        }
        self.records.push_back(record);
    }

    /// Oldest first.
    pub fn records(&self) -> impl Iterator<Item = &LogRecord> {
        self.records.iter()
    }

    /// Number of records kept.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// Whether the log is empty.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }
}

impl Default for TxLog {
    fn default() -> Self {
        Self::new(Self::DEFAULT_CAPACITY)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ring_keeps_the_newest() {
        let mut log = TxLog::new(3);
        for i in 0..5 {
            log.push(LogRecord {
                at_ms: i,
                mutation: MutationId(i),
                label: "x".into(),
                event: LogEvent::Started,
                key: None,
            });
        }
        let at: Vec<_> = log.records().map(|r| r.at_ms).collect();
        assert_eq!(at, [2, 3, 4]);
    }
}
