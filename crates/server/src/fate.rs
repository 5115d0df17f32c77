//! Who settles a request's answer: the request timeout (a 503) or a keyed write's commit.
//! Whichever claims it first wins, so a write whose client was told 503 never commits, and
//! a write that is committing is waited for instead of being reported as failed.

use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;

use tokio::sync::Notify;

const OPEN: u8 = 0;
const COMMITTING: u8 = 1;
const ABANDONED: u8 = 2;

/// Shared by the timeout layer (which puts it in the request's extensions) and the write.
#[derive(Clone, Debug, Default)]
pub struct Fate(Arc<Inner>);

#[derive(Debug, Default)]
struct Inner {
    state: AtomicU8,
    abandoned: Notify,
}

impl Fate {
    /// The timeout's claim: true if the client may be answered 503 (nothing is committing).
    pub fn abandon(&self) -> bool {
        let won = self.swap(ABANDONED);
        if won {
            self.0.abandoned.notify_waiters();
        }
        won
    }

    /// The write's claim, just before it commits: false once the client was answered 503.
    pub fn commit(&self) -> bool {
        self.swap(COMMITTING)
    }

    /// Whether the client was already answered 503.
    pub fn is_abandoned(&self) -> bool {
        self.0.state.load(Ordering::Acquire) == ABANDONED
    }

    /// Completes once the timeout has claimed the answer (never, if the write claims it).
    pub async fn abandoned(&self) {
        loop {
            let notified = self.0.abandoned.notified();
            tokio::pin!(notified);
            // Registered before the check, so an abandon in between is not missed.
            notified.as_mut().enable();
            if self.is_abandoned() {
                return;
            }
            notified.await;
        }
    }

    fn swap(&self, to: u8) -> bool {
        self.0
            .state
            .compare_exchange(OPEN, to, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_first_claim_wins() {
        let fate = Fate::default();
        let waiter = tokio::spawn({
            let fate = fate.clone();
            async move { fate.abandoned().await }
        });
        assert!(fate.abandon());
        assert!(!fate.commit(), "the client was told 503");
        waiter.await.unwrap();
        let fate = Fate::default();
        assert!(fate.commit());
        assert!(!fate.abandon(), "a committing write is waited for");
        assert!(!fate.is_abandoned());
    }
}
