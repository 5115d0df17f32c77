//! A write transaction begun by a layer around a handler and shared with it, so the handler's
//! queries and what the layer records commit together or not at all.
//!
//! The idempotency layer begins one (`BEGIN IMMEDIATE`: SQLite's single write lock, which
//! serializes every process on the file), checks the key, lets the handler run its reads and
//! writes inside it, then saves the answer and commits: a crash leaves either both the write
//! and its key, or neither.

use std::sync::Arc;

use eventual_model::{Event, EventInput};
use sqlx::{Sqlite, SqliteConnection, SqlitePool, Transaction};
use tokio::sync::{Mutex, OwnedMutexGuard};

use super::{repo, Repo};

type Slot = Option<Transaction<'static, Sqlite>>;

/// The shared transaction, as the request carries it (an extension).
#[derive(Clone, Debug)]
pub struct HeldTx(Arc<Mutex<Slot>>);

impl HeldTx {
    /// Take the database's write lock and begin.
    pub async fn begin(pool: &SqlitePool) -> sqlx::Result<HeldTx> {
        let tx = pool.begin_with("BEGIN IMMEDIATE").await?;
        Ok(HeldTx(Arc::new(Mutex::new(Some(tx)))))
    }

    /// Run `f` on the transaction's connection (the handler must have let it go).
    pub async fn with<R>(
        &self,
        f: impl AsyncFnOnce(&mut SqliteConnection) -> sqlx::Result<R>,
    ) -> sqlx::Result<R> {
        let mut slot = self.0.lock().await;
        f(connection(&mut slot)?).await
    }

    /// Commit what the handler and the layer wrote.
    pub async fn commit(self) -> sqlx::Result<()> {
        match self.0.lock().await.take() {
            Some(tx) => tx.commit().await,
            None => Err(finished()),
        }
    }

    /// Undo everything (dropping the transaction would too, but later and silently).
    pub async fn rollback(self) -> sqlx::Result<()> {
        match self.0.lock().await.take() {
            Some(tx) => tx.rollback().await,
            None => Ok(()),
        }
    }
}

fn connection(slot: &mut Slot) -> sqlx::Result<&mut SqliteConnection> {
    slot.as_deref_mut().ok_or_else(finished)
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
