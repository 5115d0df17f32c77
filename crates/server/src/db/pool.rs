use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;

use anyhow::Context;
use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnection, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{ConnectOptions, Postgres, Sqlite, SqlitePool, Transaction};
use tokio::sync::Mutex;

use super::busy::{self, BUSY_TIMEOUT};

/// The `--db` value that selects a private in-memory database.
pub const MEMORY: &str = ":memory:";

/// Runs `$body` with `$c` bound to the backend's own connection (or pool, or transaction):
/// the same query text, type-checked once per backend, so no query is written twice.
#[macro_export]
#[doc(hidden)]
macro_rules! on_backend {
    ($e:expr, $c:ident => $body:expr) => {
        match $e {
            $crate::db::Conn::Sqlite($c) => $body,
            $crate::db::Conn::Postgres($c) => $body,
        }
    };
}

/// Which database engine a pool talks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// A file or `:memory:` (the embedded default).
    Sqlite,
    /// A `postgres://` server shared by any number of instances.
    Postgres,
}

/// A connection pool of either backend.
#[derive(Clone, Debug)]
pub enum Pool {
    /// SQLite (WAL file or one in-memory connection).
    Sqlite(SqlitePool),
    /// PostgreSQL.
    Postgres(PgPool),
}

/// One connection of either backend, borrowed for some queries.
#[derive(Debug)]
pub enum Conn<'c> {
    /// A SQLite connection.
    Sqlite(&'c mut SqliteConnection),
    /// A PostgreSQL connection.
    Postgres(&'c mut PgConnection),
}

impl Conn<'_> {
    /// The engine behind this connection, where SQL differs.
    pub fn backend(&self) -> Backend {
        match self {
            Conn::Sqlite(_) => Backend::Sqlite,
            Conn::Postgres(_) => Backend::Postgres,
        }
    }
}

/// A connection taken from a [`Pool`], returned to it on drop.
#[derive(Debug)]
pub enum Pooled {
    /// From a SQLite pool.
    Sqlite(PoolConnection<Sqlite>),
    /// From a PostgreSQL pool.
    Postgres(PoolConnection<Postgres>),
}

impl Pooled {
    /// The connection, for queries.
    pub fn conn(&mut self) -> Conn<'_> {
        match self {
            Pooled::Sqlite(c) => Conn::Sqlite(c),
            Pooled::Postgres(c) => Conn::Postgres(c),
        }
    }
}

/// An open transaction of either backend.
#[derive(Debug)]
pub enum Tx {
    /// On SQLite.
    Sqlite(Transaction<'static, Sqlite>),
    /// On PostgreSQL.
    Postgres(Transaction<'static, Postgres>),
}

impl Tx {
    /// The transaction's connection, for queries inside it.
    pub fn conn(&mut self) -> Conn<'_> {
        match self {
            Tx::Sqlite(t) => Conn::Sqlite(t),
            Tx::Postgres(t) => Conn::Postgres(t),
        }
    }

    /// Make everything done in it durable.
    pub async fn commit(self) -> sqlx::Result<()> {
        match self {
            Tx::Sqlite(t) => t.commit().await,
            Tx::Postgres(t) => t.commit().await,
        }
    }

    /// Undo everything done in it.
    pub async fn rollback(self) -> sqlx::Result<()> {
        match self {
            Tx::Sqlite(t) => t.rollback().await,
            Tx::Postgres(t) => t.rollback().await,
        }
    }
}

impl Pool {
    /// Which engine this is.
    pub fn backend(&self) -> Backend {
        match self {
            Pool::Sqlite(_) => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    /// The SQLite pool, when this is one (tests that inspect SQLite itself).
    pub fn sqlite(&self) -> Option<&SqlitePool> {
        match self {
            Pool::Sqlite(p) => Some(p),
            Pool::Postgres(_) => None,
        }
    }

    /// The PostgreSQL pool, when this is one.
    pub fn postgres(&self) -> Option<&PgPool> {
        match self {
            Pool::Postgres(p) => Some(p),
            Pool::Sqlite(_) => None,
        }
    }

    /// A connection from the pool.
    pub async fn acquire(&self) -> sqlx::Result<Pooled> {
        Ok(match self {
            Pool::Sqlite(p) => Pooled::Sqlite(p.acquire().await?),
            Pool::Postgres(p) => Pooled::Postgres(p.acquire().await?),
        })
    }

    /// A read or write transaction (SQLite takes its write lock at the first write).
    pub async fn begin(&self) -> sqlx::Result<Tx> {
        Ok(match self {
            Pool::Sqlite(p) => Tx::Sqlite(p.begin().await?),
            Pool::Postgres(p) => Tx::Postgres(p.begin().await?),
        })
    }

    /// A transaction that will write: on SQLite it takes the single write lock at once
    /// (`BEGIN IMMEDIATE`), on PostgreSQL row locks are taken as rows are written.
    pub async fn begin_write(&self) -> sqlx::Result<Tx> {
        Ok(match self {
            Pool::Sqlite(p) => Tx::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?),
            Pool::Postgres(p) => Tx::Postgres(p.begin().await?),
        })
    }

    /// Run one statement without parameters or results (health checks, tests).
    pub async fn execute(&self, sql: &str) -> sqlx::Result<u64> {
        let mut c = self.acquire().await?;
        Ok(crate::on_backend!(c.conn(), c => sqlx::query(sql)
            .execute(c)
            .await?
            .rows_affected()))
    }

    /// Close every connection.
    pub async fn close(&self) {
        match self {
            Pool::Sqlite(p) => p.close().await,
            Pool::Postgres(p) => p.close().await,
        }
    }
}

/// An open, migrated database.
#[derive(Clone, Debug)]
pub struct Db {
    /// Where every query runs.
    pub pool: Pool,
    /// For `:memory:`, an idle extra connection that keeps the database alive even if the
    /// pool ever closes and reopens its connection.
    keeper: Option<Arc<Mutex<SqliteConnection>>>,
}

impl Db {
    /// A database around an existing SQLite pool.
    pub fn from_pool(pool: SqlitePool) -> Db {
        Db {
            pool: Pool::Sqlite(pool),
            keeper: None,
        }
    }

    /// The keep-alive connection of an in-memory database (tests check it sees the same data).
    pub fn keeper(&self) -> Option<Arc<Mutex<SqliteConnection>>> {
        self.keeper.clone()
    }
}

/// Whether `spec` names a PostgreSQL server rather than a SQLite file.
pub fn is_postgres(spec: &str) -> bool {
    spec.starts_with("postgres://") || spec.starts_with("postgresql://")
}

/// Open (creating when missing) and migrate the database `spec` names: a `postgres://` URL,
/// a SQLite file path or [`MEMORY`].
pub async fn open(spec: &str, max_connections: u32) -> anyhow::Result<Db> {
    if is_postgres(spec) {
        let pool = PgPoolOptions::new()
            .max_connections(max_connections.max(1))
            .connect(spec)
            .await
            .context("connecting to PostgreSQL")?;
        // sqlx takes an advisory lock, so instances starting together migrate once.
        sqlx::migrate!("./migrations-postgres")
            .run(&pool)
            .await
            .context("migrating the PostgreSQL database")?;
        return Ok(Db {
            pool: Pool::Postgres(pool),
            keeper: None,
        });
    }
    let (pool, keeper) = if spec == MEMORY {
        // sqlx maps `:memory:` to a uniquely named shared-cache memory database that vanishes
        // with its last connection, and shared cache locks whole tables outside busy_timeout's
        // reach; so the pool holds exactly one connection forever and requests queue for it.
        let opts = SqliteConnectOptions::from_str("sqlite::memory:")?
            .foreign_keys(true)
            .busy_timeout(BUSY_TIMEOUT);
        let keeper = opts
            .connect()
            .await
            .context("opening the in-memory database")?;
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .test_before_acquire(false)
            .connect_with(opts)
            .await
            .context("opening the in-memory database")?;
        (pool, Some(Arc::new(Mutex::new(keeper))))
    } else {
        let path = Path::new(spec);
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("creating the directory {}", parent.display()))?;
        }
        let opts = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(BUSY_TIMEOUT)
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(max_connections.max(1))
            // A local connection cannot silently drop, and each ping is a round trip to the
            // connection's worker thread.
            .test_before_acquire(false)
            // Connections wait for each other's write lock in microseconds (see `busy`).
            .after_connect(|conn, _| Box::pin(busy::install(conn)))
            .connect_with(opts)
            .await
            .with_context(|| format!("opening the database {}", path.display()))?;
        (pool, None)
    };
    sqlx::migrate!("./migrations")
        .run(&pool)
        .await
        .context("migrating the database")?;
    Ok(Db {
        pool: Pool::Sqlite(pool),
        keeper,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn memory_databases_are_private_and_kept_alive() {
        let a = open(MEMORY, 8).await.unwrap();
        let b = open(MEMORY, 8).await.unwrap();
        sqlx::query(
            "INSERT INTO events (title, starts_at, starts_ms, ends_at, ends_ms, created_at, \
             updated_at) VALUES ('x', '', 0, '', 1, '', '')",
        )
        .execute(a.pool.sqlite().unwrap())
        .await
        .unwrap();
        let count = |n: &'static str| sqlx::query_scalar::<_, i64>(n);
        let keeper = a.keeper().unwrap();
        let seen = count("SELECT COUNT(*) FROM events")
            .fetch_one(&mut *keeper.lock().await)
            .await
            .unwrap();
        assert_eq!(seen, 1, "the keeper shares the pool's database");
        let other = count("SELECT COUNT(*) FROM events")
            .fetch_one(b.pool.sqlite().unwrap())
            .await
            .unwrap();
        assert_eq!(other, 0, "each :memory: is its own database");
        // Closing the pool's connection does not lose the data.
        a.pool.close().await;
        let seen = count("SELECT COUNT(*) FROM events")
            .fetch_one(&mut *keeper.lock().await)
            .await
            .unwrap();
        assert_eq!(seen, 1);
    }

    #[tokio::test]
    async fn file_databases_use_wal() {
        let dir = tempfile::tempdir().unwrap();
        let db = open(dir.path().join("a/b.db").to_str().unwrap(), 2)
            .await
            .unwrap();
        let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(db.pool.sqlite().unwrap())
            .await
            .unwrap();
        assert_eq!(mode, "wal");
        let timeout: i64 = sqlx::query_scalar("PRAGMA busy_timeout")
            .fetch_one(db.pool.sqlite().unwrap())
            .await
            .unwrap();
        assert_eq!(
            timeout, 0,
            "the millisecond-step default handler is replaced"
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_write_waits_for_another_connections_write_lock_then_succeeds() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("busy.db");
        let db = open(path.to_str().unwrap(), 2).await.unwrap();
        let insert = "INSERT INTO events (title, starts_at, starts_ms, ends_at, ends_ms, \
                      created_at, updated_at) VALUES ('x', '', 0, '', 1, '', '')";
        // Another process-like connection holds the write lock for a while.
        let mut other = SqliteConnectOptions::new()
            .filename(&path)
            .connect()
            .await
            .unwrap();
        sqlx::query("BEGIN IMMEDIATE")
            .execute(&mut other)
            .await
            .unwrap();
        sqlx::query(insert).execute(&mut other).await.unwrap();
        let pool = db.pool.sqlite().unwrap().clone();
        let write = tokio::spawn(async move { sqlx::query(insert).execute(&pool).await });
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        assert!(!write.is_finished(), "the pool's write waits for the lock");
        sqlx::query("COMMIT").execute(&mut other).await.unwrap();
        let done = tokio::time::timeout(std::time::Duration::from_secs(2), write)
            .await
            .expect("the lock is taken soon after it is free")
            .unwrap();
        assert_eq!(done.unwrap().rows_affected(), 1);
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM events")
            .fetch_one(db.pool.sqlite().unwrap())
            .await
            .unwrap();
        assert_eq!(n, 2);
    }
}
