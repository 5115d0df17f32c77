use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;

use anyhow::Context;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{ConnectOptions, SqlitePool};
use tokio::sync::Mutex;

use super::busy::{self, BUSY_TIMEOUT};

/// The `--db` value that selects a private in-memory database.
pub const MEMORY: &str = ":memory:";

/// An open, migrated database.
#[derive(Clone, Debug)]
pub struct Db {
    /// Where every query runs.
    pub pool: SqlitePool,
    /// For `:memory:`, an idle extra connection that keeps the database alive even if the
    /// pool ever closes and reopens its connection.
    keeper: Option<Arc<Mutex<SqliteConnection>>>,
}

impl Db {
    /// A database around an existing pool.
    pub fn from_pool(pool: SqlitePool) -> Db {
        Db { pool, keeper: None }
    }

    /// The keep-alive connection of an in-memory database (tests check it sees the same data).
    pub fn keeper(&self) -> Option<Arc<Mutex<SqliteConnection>>> {
        self.keeper.clone()
    }
}

/// Open (creating when missing) and migrate the database `spec` names: a file path or
/// [`MEMORY`].
pub async fn open(spec: &str, max_connections: u32) -> anyhow::Result<Db> {
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
    Ok(Db { pool, keeper })
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
        .execute(&a.pool)
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
            .fetch_one(&b.pool)
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
            .fetch_one(&db.pool)
            .await
            .unwrap();
        assert_eq!(mode, "wal");
        let timeout: i64 = sqlx::query_scalar("PRAGMA busy_timeout")
            .fetch_one(&db.pool)
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
        let pool = db.pool.clone();
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
            .fetch_one(&db.pool)
            .await
            .unwrap();
        assert_eq!(n, 2);
    }
}
