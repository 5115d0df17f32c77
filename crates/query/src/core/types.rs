//! The names every core module shares — ids, sequence numbers, time, targets — in a leaf
//! module that imports nothing else from the core, so no import circle remains.

use std::fmt;

use crate::QueryKey;

/// Milliseconds since the Unix epoch (injected by the caller, so the core stays pure).
pub type Millis = u64;

/// Identity of a mutation; increasing in start order.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct MutationId(pub u64);

impl fmt::Display for MutationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// Position of a send (fetch or mutation attempt) in the client's total send order.
///
/// A bigger `Seq` was sent later; data carrying it may only replace data with a smaller one.
///
/// ```
/// use eventual_query::core::SeqCounter;
/// let mut c = SeqCounter::default();
/// let a = c.next();
/// let b = c.next();
/// assert!(b > a);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Default)]
pub struct Seq(pub u64);

/// Monotonic source of [`Seq`] numbers.
#[derive(Debug, Default)]
pub struct SeqCounter {
    last: u64,
}

impl SeqCounter {
    /// Issues the next sequence number (strictly greater than every previous one).
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> Seq {
        self.last += 1;
        Seq(self.last)
    }

    /// The last number issued (`Seq(0)` before any).
    pub fn current(&self) -> Seq {
        Seq(self.last)
    }
}

/// What a patch applies to: one key, or every key under a prefix.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    /// Exactly this key.
    Key(QueryKey),
    /// This key and every key it prefixes.
    Prefix(QueryKey),
}

impl Target {
    /// Whether `key` is covered.
    pub fn matches(&self, key: &QueryKey) -> bool {
        match self {
            Target::Key(k) => k == key,
            Target::Prefix(p) => key.starts_with(p),
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Key(k) => write!(f, "{k}"),
            Target::Prefix(p) => write!(f, "{p}/*"),
        }
    }
}
