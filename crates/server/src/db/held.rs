//! A write transaction begun by a layer around a handler and shared with it, so the handler's
//! queries and what the layer records commit together or not at all.
//!
//! The idempotency layer begins one (on SQLite `BEGIN IMMEDIATE`, the single write lock that
//! serializes every process on the file; on PostgreSQL a transaction that then takes a lock
//! on the key), checks the key, lets the handler run its reads and writes inside it, then
//! saves the answer and commits: a crash leaves either both the write and its key, or neither.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use eventual_model::{Event, EventInput};
use tokio::sync::{Mutex, OwnedMutexGuard};

use super::{repo, Conn, Pool, Repo, Tx};

/// An open transaction and this process's write turn, which ends with it.
#[derive(Debug)]
pub struct Open {
    tx: Tx,
    _turn: OwnedMutexGuard<()>,
}

type Slot = Option<Open>;

/// The shared transaction, as the request carries it (an extension).
#[derive(Clone, Debug)]
pub struct HeldTx(Arc<Mutex<Slot>>);

/// This process's queue for held transactions: one at a time asks SQLite for its write lock,
/// the rest wait in FIFO order without spinning in the busy handler (which, with a lock held
/// over several statements, starved the holder of CPU: 8x less throughput when measured).
/// At most `max` wait at once, each holding its request body.
#[derive(Clone, Debug)]
pub struct WriteTurns {
    lock: Arc<Mutex<()>>,
    waiting: Arc<AtomicUsize>,
    max: usize,
}

/// This process's write turn, held until the transaction ends.
pub type Turn = OwnedMutexGuard<()>;

/// A place in the queue for a write turn; dropping it leaves the queue.
#[derive(Debug)]
pub struct Queued {
    turns: WriteTurns,
}

impl WriteTurns {
    /// A queue with room for `max` waiting writes.
    pub fn new(max: usize) -> WriteTurns {
        WriteTurns {
            lock: Arc::default(),
            waiting: Arc::default(),
            max,
        }
    }

    /// A place in the queue, or `None` when `max` writes already wait.
    pub fn enqueue(&self) -> Option<Queued> {
        self.waiting
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < self.max).then_some(n + 1)
            })
            .ok()?;
        Some(Queued {
            turns: self.clone(),
        })
    }
}

impl Queued {
    /// Wait for the turn (cancel-safe: dropping the future leaves the queue).
    pub async fn turn(self) -> Turn {
        self.turns.lock.clone().lock_owned().await
    }
}

impl Drop for Queued {
    fn drop(&mut self) {
        self.turns.waiting.fetch_sub(1, Ordering::AcqRel);
    }
}

impl HeldTx {
    /// Take the database's write lock and begin, in this process's turn.
    pub async fn begin(pool: &Pool, turn: Turn) -> sqlx::Result<HeldTx> {
        let tx = pool.begin_write().await?;
        Ok(HeldTx(Arc::new(Mutex::new(Some(Open { tx, _turn: turn })))))
    }

    /// Run `f` on the transaction's connection (the handler must have let it go).
    pub async fn with<R>(
        &self,
        f: impl AsyncFnOnce(Conn<'_>) -> sqlx::Result<R>,
    ) -> sqlx::Result<R> {
        let mut slot = self.0.lock().await;
        f(connection(&mut slot)?).await
    }

    /// Commit what the handler and the layer wrote, then give up the turn.
    pub async fn commit(self) -> sqlx::Result<()> {
        let open = self.0.lock().await.take();
        match open {
            Some(Open { tx, _turn }) => tx.commit().await,
            None => Err(finished()),
        }
    }

    /// Undo everything, then give up the turn (dropping would too, but later and silently).
    pub async fn rollback(self) -> sqlx::Result<()> {
        let open = self.0.lock().await.take();
        match open {
            Some(Open { tx, _turn }) => tx.rollback().await,
            None => Ok(()),
        }
    }
}

fn connection(slot: &mut Slot) -> sqlx::Result<Conn<'_>> {
    slot.as_mut()
        .map(|open| open.tx.conn())
        .ok_or_else(finished)
}

fn finished() -> sqlx::Error {
    sqlx::Error::Protocol("the held transaction has already ended".into())
}

/// Where a write handler's queries run: straight on the pool, or inside the transaction a
/// layer holds for this request.
#[derive(Debug)]
pub enum Store {
    /// Each statement on any pooled connection.
    Pool(Repo),
    /// Every statement inside the held transaction, locked for the handler's lifetime.
    Held(OwnedMutexGuard<Slot>),
}

impl Store {
    /// The request's held transaction if it has one, else the pool.
    pub async fn new(repo: &Repo, held: Option<&HeldTx>) -> Store {
        match held {
            Some(h) => Store::Held(h.0.clone().lock_owned().await),
            None => Store::Pool(repo.clone()),
        }
    }

    /// One event, if it exists.
    pub async fn get(&mut self, id: i64) -> sqlx::Result<Option<Event>> {
        match self {
            Store::Pool(r) => r.get(id).await,
            Store::Held(slot) => repo::get(connection(slot)?, id).await,
        }
    }

    /// See [`Repo::insert`].
    pub async fn insert(&mut self, input: &EventInput) -> sqlx::Result<Event> {
        match self {
            Store::Pool(r) => r.insert(input).await,
            Store::Held(slot) => repo::insert(connection(slot)?, input).await,
        }
    }

    /// See [`Repo::update_if_version`].
    pub async fn update_if_version(
        &mut self,
        id: i64,
        version: u64,
        input: &EventInput,
    ) -> sqlx::Result<Option<Event>> {
        match self {
            Store::Pool(r) => r.update_if_version(id, version, input).await,
            Store::Held(slot) => {
                repo::update_if_version(connection(slot)?, id, version, input).await
            }
        }
    }

    /// See [`Repo::delete_if_version`].
    pub async fn delete_if_version(&mut self, id: i64, version: u64) -> sqlx::Result<bool> {
        match self {
            Store::Pool(r) => r.delete_if_version(id, version).await,
            Store::Held(slot) => repo::delete_if_version(connection(slot)?, id, version).await,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::db::{open, sample_events};

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn held_writes_commit_or_roll_back_together_and_take_turns() {
        let dir = tempfile::tempdir().unwrap();
        let db = open(dir.path().join("held.db").to_str().unwrap(), 4)
            .await
            .unwrap();
        let repo = Repo::new(db.clone());
        let turns = WriteTurns::new(4);
        let input = sample_events(time::OffsetDateTime::now_utc()).remove(0);

        let first = HeldTx::begin(&db.pool, turns.enqueue().unwrap().turn().await)
            .await
            .unwrap();
        let mut store = Store::new(&repo, Some(&first)).await;
        let made = store.insert(&input).await.unwrap();
        assert_eq!(store.get(1).await.unwrap(), Some(made), "seen inside");
        drop(store);
        assert_eq!(repo.count().await.unwrap(), 0, "not seen outside yet");
        let second = tokio::spawn({
            let (pool, turns) = (db.pool.clone(), turns.clone());
            async move {
                let turn = turns.enqueue().unwrap().turn().await;
                HeldTx::begin(&pool, turn).await.unwrap()
            }
        });
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(!second.is_finished(), "the next transaction waits its turn");
        first.rollback().await.unwrap();
        let second = second.await.unwrap();
        assert_eq!(repo.count().await.unwrap(), 0, "rolled back");
        Store::new(&repo, Some(&second))
            .await
            .insert(&input)
            .await
            .unwrap();
        second.commit().await.unwrap();
        assert_eq!(repo.count().await.unwrap(), 1, "committed");
    }
}
