//! SQLite or PostgreSQL: opening the pool, migrations, the event queries and sample data. Public for the
//! integration tests, which open, inspect and sabotage databases directly.

mod busy;
mod held;
mod list_sql;
mod pool;
mod repo;
mod seed;

pub(crate) use held::{HeldTx, Store, Turn, WriteTurns};
pub use pool::{is_postgres, open, Backend, Conn, Db, Pool, Pooled, Tx};
pub use repo::Repo;
pub(crate) use repo::{stored_version, WriteOutcome};
pub use seed::seed_if_empty;
#[cfg(test)]
pub(crate) use {pool::MEMORY, seed::sample_events};
