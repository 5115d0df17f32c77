//! Pausing sends while offline, and a mutation's wait for its turn (scope) or the resume.

use leptos::prelude::*;
use leptos::reactive::graph::Observer;

use crate::client::QueryClient;
use crate::core::{MutationId, SendGate};

impl QueryClient {
    /// Holds back mutation sends (and retries) until [`resume_mutations`](Self::resume_mutations);
    /// their patches still show at once.
    pub fn pause_mutations(&self) {
        let trigger = self.try_with(|i| {
            i.cache.pause_sends();
            i.paused_trigger.clone()
        });
        trigger.inspect(ArcTrigger::notify);
    }

    /// Lets held-back mutations send, in the order they were held.
    pub fn resume_mutations(&self) {
        // The core wakes the waiting sends in line order (`Command::Ready`).
        let trigger = self.run(|i, _| {
            i.cache.resume_sends();
            i.paused_trigger.clone()
        });
        trigger.inspect(ArcTrigger::notify);
    }

    /// Whether mutations are paused. Tracked.
    pub fn mutations_paused(&self) -> bool {
        let state = self.try_with(|i| (i.cache.sends_paused(), i.paused_trigger.clone()));
        match state {
            Some((paused, trigger)) => {
                if Observer::get().is_some() {
                    trigger.track();
                }
                paused
            }
            None => false,
        }
    }

    /// Whether mutations are paused, untracked.
    pub(crate) fn mutations_paused_untracked(&self) -> bool {
        self.try_with(|i| i.cache.sends_paused()).unwrap_or(false)
    }

    /// Waits until mutation `id` may send (its scope's turn, and not paused). `Some(true)` if
    /// it waited for a resume, `None` if it settled meanwhile (or the client is gone).
    pub(crate) async fn send_turn(&self, id: MutationId) -> Option<bool> {
        let mut was_paused = false;
        loop {
            let (gate, rx) = self.try_with(|i| {
                let gate = i.cache.send_gate(id);
                let rx = matches!(gate, SendGate::Queued(_) | SendGate::Paused).then(|| {
                    let (tx, rx) = futures::channel::oneshot::channel();
                    i.send_waiters.insert(id, tx);
                    rx
                });
                (gate, rx)
            })?;
            match gate {
                SendGate::Go => return Some(was_paused),
                SendGate::Settled => return None,
                SendGate::Paused => was_paused = true,
                SendGate::Queued(_) => {}
            }
            if let Some(rx) = rx {
                // A dropped sender (client disposed) ends the wait too.
                if rx.await.is_err() {
                    return None;
                }
            }
        }
    }
}
