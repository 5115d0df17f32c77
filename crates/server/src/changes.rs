//! The change feed: what `GET /events/changes` streams, read from the `changes` table that
//! triggers fill in each writing transaction.
//!
//! Writes through this process wake every subscriber at once ([`Changes::notify`], from a
//! middleware after each successful write). Writes by another process are seen through
//! PostgreSQL's `LISTEN/NOTIFY` (the trigger notifies at commit) or, on a shared SQLite file,
//! by a poll (`--changes-poll-ms`, also PostgreSQL's fallback while its listener reconnects).

use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use tokio::sync::{watch, Notify};

use crate::db::{Backend, Pool};
use crate::on_backend;

/// The channel the PostgreSQL trigger notifies with each change's sequence number.
pub const CHANNEL: &str = "eventual_changes";

/// At most this many changes are read per query.
const BATCH: i64 = 256;

/// One committed write.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Change {
    /// The change sequence number (the SSE `id`).
    #[serde(skip)]
    pub seq: i64,
    /// The event's id, as the API spells it.
    pub id: String,
    /// The event's version after the write (the deleted version for a delete).
    pub version: i64,
    /// `created`, `updated` or `deleted`.
    pub op: String,
}

/// Where a subscriber starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Start {
    /// Right after change `seq`: every later change follows.
    After(i64),
    /// The client's position is unknown or gone: it must refetch, then follow from `seq`.
    Reset(i64),
}

/// The feed's shared state: the pool, the wake-up for local writes, and the shutdown signal.
#[derive(Clone, Debug)]
pub struct Changes {
    pool: Pool,
    wake: Arc<Notify>,
    closed: watch::Sender<bool>,
    /// The PostgreSQL listener task, stopped with the last clone.
    _listener: Option<Arc<Listener>>,
    /// How often a subscriber looks for changes it was not woken for (other processes).
    pub poll: Duration,
}

impl Changes {
    /// A feed over the migrated `pool`, polling every `poll` for other processes' writes and,
    /// on PostgreSQL, woken by their notifications (must run inside a Tokio runtime).
    pub fn new(pool: Pool, poll: Duration) -> Changes {
        let wake = Arc::new(Notify::new());
        let listener = pool
            .postgres()
            .map(|pg| Arc::new(Listener(tokio::spawn(listen(pg.clone(), wake.clone())))));
        Changes {
            pool,
            wake,
            closed: watch::Sender::new(false),
            _listener: listener,
            poll,
        }
    }

    /// Wakes every subscriber (a write just committed here).
    pub fn notify(&self) {
        self.wake.notify_waiters();
    }

    /// Ends every stream, so a graceful shutdown does not wait for subscribers.
    pub fn close(&self) {
        self.closed.send_replace(true);
    }

    /// The shutdown signal, for streams.
    pub fn closed(&self) -> watch::Receiver<bool> {
        self.closed.subscribe()
    }

    /// The future that completes on the next [`Changes::notify`].
    pub fn woken(&self) -> tokio::sync::futures::OwnedNotified {
        self.wake.clone().notified_owned()
    }

    /// The highest sequence number ever assigned (0 before the first change).
    pub async fn head(&self) -> sqlx::Result<i64> {
        let sql = match self.pool.backend() {
            Backend::Sqlite => "SELECT seq FROM sqlite_sequence WHERE name = 'changes'",
            Backend::Postgres => "SELECT seq FROM change_head",
        };
        let mut pooled = self.pool.acquire().await?;
        let head: Option<i64> =
            on_backend!(pooled.conn(), c => sqlx::query_scalar(sql).fetch_optional(c).await?);
        Ok(head.unwrap_or(0))
    }

    /// Where a client that last saw `last_event_id` (the SSE header, if any) resumes.
    pub async fn start(&self, last_event_id: Option<&str>) -> sqlx::Result<Start> {
        let head = self.head().await?;
        let Some(raw) = last_event_id else {
            return Ok(Start::After(head));
        };
        let Ok(last) = raw.trim().parse::<i64>() else {
            return Ok(Start::Reset(head));
        };
        let mut pooled = self.pool.acquire().await?;
        let oldest: Option<i64> = on_backend!(pooled.conn(), c =>
            sqlx::query_scalar("SELECT MIN(seq) FROM changes").fetch_one(c).await?);
        // Resumable when nothing after `last` was pruned and `last` is from this database.
        let kept = match oldest {
            Some(oldest) => last >= oldest - 1,
            None => true,
        };
        Ok(if (0..=head).contains(&last) && kept {
            Start::After(last)
        } else {
            Start::Reset(head)
        })
    }

    /// The changes after `seq`, oldest first, at most one batch.
    pub async fn after(&self, seq: i64) -> sqlx::Result<Vec<Change>> {
        let sql =
            "SELECT seq, event_id, version, op FROM changes WHERE seq > $1 ORDER BY seq LIMIT $2";
        let mut pooled = self.pool.acquire().await?;
        let rows: Vec<(i64, i64, i64, String)> = on_backend!(pooled.conn(), c =>
            sqlx::query_as(sql).bind(seq).bind(BATCH).fetch_all(c).await?);
        Ok(rows
            .into_iter()
            .map(|(seq, id, version, op)| Change {
                seq,
                id: id.to_string(),
                version,
                op,
            })
            .collect())
    }
}

/// The task that turns PostgreSQL notifications into wake-ups; aborted on drop.
#[derive(Debug)]
struct Listener(tokio::task::JoinHandle<()>);

impl Drop for Listener {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Wake subscribers on every notification from any instance; on a lost connection, retry
/// (the poll covers the gap, and a reconnected subscriber rereads from its cursor anyway).
async fn listen(pool: sqlx::PgPool, wake: Arc<Notify>) {
    loop {
        let listened = async {
            let mut listener = sqlx::postgres::PgListener::connect_with(&pool).await?;
            listener.listen(CHANNEL).await?;
            loop {
                listener.recv().await?;
                wake.notify_waiters();
            }
        };
        let res: sqlx::Result<()> = listened.await;
        if let Err(e) = res {
            tracing::warn!(error = %e, "change feed: LISTEN failed; retrying");
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// Middleware: after a successful write, wake this process's subscribers at once (the
/// triggers have recorded it by the time the answer exists).
pub async fn wake_subscribers(
    axum::extract::State(changes): axum::extract::State<Changes>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let write = !req.method().is_safe();
    let res = next.run(req).await;
    if write && res.status().is_success() {
        changes.notify();
    }
    res
}
