//! Send-order sequence numbers.

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
