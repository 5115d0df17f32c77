//! The change feed: what `GET /events/changes` streams, read from the `changes` table that
//! triggers fill in each writing transaction.
//!
//! Writes through this process wake every subscriber at once ([`Changes::notify`], from a
//! middleware after each successful write); writes by another process on the same database
//! file are picked up by a poll (`--changes-poll-ms`).

use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use sqlx::{Row, SqlitePool};
use tokio::sync::{watch, Notify};

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
    pool: SqlitePool,
    wake: Arc<Notify>,
    closed: watch::Sender<bool>,
    /// How often a subscriber looks for changes it was not woken for (other processes).
    pub poll: Duration,
}

impl Changes {
    /// A feed over the migrated `pool`, polling every `poll` for other processes' writes.
    pub fn new(pool: SqlitePool, poll: Duration) -> Changes {
        Changes {
            pool,
            wake: Arc::new(Notify::new()),
            closed: watch::Sender::new(false),
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
        let head: Option<i64> =
            sqlx::query_scalar("SELECT seq FROM sqlite_sequence WHERE name = 'changes'")
                .fetch_optional(&self.pool)
                .await?;
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
        let oldest: Option<i64> = sqlx::query_scalar("SELECT MIN(seq) FROM changes")
            .fetch_one(&self.pool)
            .await?;
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
        let rows = sqlx::query(
            "SELECT seq, event_id, version, op FROM changes WHERE seq > ? ORDER BY seq LIMIT ?",
        )
        .bind(seq)
        .bind(BATCH)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Change {
                    seq: r.try_get("seq")?,
                    id: r.try_get::<i64, _>("event_id")?.to_string(),
                    version: r.try_get("version")?,
                    op: r.try_get("op")?,
                })
            })
            .collect()
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
