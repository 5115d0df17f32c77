//! One async lock per key, so requests sharing a key run one after another. An entry lives
//! only while someone holds or awaits it, so the map never outgrows the requests in flight.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::{Mutex as AsyncMutex, OwnedMutexGuard};

/// The keyed locks.
#[derive(Debug, Default)]
pub struct KeyedLocks {
    entries: Arc<Mutex<HashMap<String, Entry>>>,
}

#[derive(Debug)]
struct Entry {
    lock: Arc<AsyncMutex<()>>,
    /// Holders plus waiters; the entry goes when this returns to zero.
    users: usize,
}

/// Holding this means no other request with the same key is past [`KeyedLocks::lock`].
#[derive(Debug)]
pub struct KeyGuard {
    // Field order matters: the lock is released before the lease gives up the entry.
    _guard: OwnedMutexGuard<()>,
    _lease: Lease,
}

/// Counts one user of an entry for as long as it lives (also while waiting, so a cancelled
/// wait still gives its place back).
#[derive(Debug)]
struct Lease {
    entries: Arc<Mutex<HashMap<String, Entry>>>,
    key: String,
}

impl Drop for Lease {
    fn drop(&mut self) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(entry) = entries.get_mut(&self.key) {
            entry.users -= 1;
            if entry.users == 0 {
                entries.remove(&self.key);
            }
        }
    }
}

impl KeyedLocks {
    /// Wait until no one else holds `key`, then hold it until the guard drops.
    pub async fn lock(&self, key: &str) -> KeyGuard {
        let (lock, lease) = {
            let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
            let entry = entries.entry(key.to_owned()).or_insert_with(|| Entry {
                lock: Arc::new(AsyncMutex::new(())),
                users: 0,
            });
            entry.users += 1;
            let lease = Lease {
                entries: self.entries.clone(),
                key: key.to_owned(),
            };
            (entry.lock.clone(), lease)
        };
        let guard = lock.lock_owned().await;
        KeyGuard {
            _guard: guard,
            _lease: lease,
        }
    }

    /// How many keys are held or awaited right now.
    pub fn len(&self) -> usize {
        self.entries.lock().unwrap_or_else(|p| p.into_inner()).len()
    }

    /// Whether no key is held or awaited.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn same_key_runs_one_at_a_time_and_entries_go_when_idle() {
        let locks = Arc::new(KeyedLocks::default());
        let inside = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let tasks: Vec<_> = (0..8)
            .map(|_| {
                let (locks, inside, most) = (locks.clone(), inside.clone(), most.clone());
                tokio::spawn(async move {
                    let _g = locks.lock("k").await;
                    let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(now, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(5)).await;
                    inside.fetch_sub(1, Ordering::SeqCst);
                })
            })
            .collect();
        for t in tasks {
            t.await.unwrap();
        }
        assert_eq!(most.load(Ordering::SeqCst), 1);
        assert!(locks.is_empty());
    }

    #[tokio::test]
    async fn other_keys_do_not_wait_and_a_cancelled_wait_leaves_nothing() {
        let locks = KeyedLocks::default();
        let a = locks.lock("a").await;
        let _b = locks.lock("b").await;
        assert_eq!(locks.len(), 2);
        let waiting = tokio::time::timeout(Duration::from_millis(20), locks.lock("a")).await;
        assert!(waiting.is_err(), "a is held");
        drop(a);
        assert_eq!(locks.len(), 1, "the timed-out waiter gave its place back");
        drop(locks.lock("a").await);
        assert_eq!(locks.len(), 1);
    }
}
