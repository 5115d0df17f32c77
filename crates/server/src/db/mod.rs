//! SQLite: opening the pool, migrations, the event queries and sample data.

mod busy;
mod held;
mod pool;
mod repo;
mod seed;

pub use held::{HeldTx, Queued, Store, Turn, WriteTurns};
pub use pool::{open, Db, MEMORY};
pub use repo::{stored_version, ListPage, Repo, WriteOutcome};
pub use seed::{sample_events, seed_if_empty};
