//! Functional core: plain data and pure transitions, no Leptos, no browser.
//!
//! The reactive shell ([`crate::QueryClient`]) owns one [`Cache`], calls its transitions with
//! the current time, and performs the [`Command`]s they produce (notify readers, abort or start
//! fetches).

mod cache;
mod entry;
mod ledger;
mod lifetime;
mod log;
mod mutations;
mod overlay;
mod reads;
mod retry;
mod types;
mod value;

#[cfg(all(test, not(target_arch = "wasm32")))]
mod scope_tests;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod settle_tests;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;

pub use cache::{Cache, Command, FetchOutcome};
pub use entry::{Base, EntrySnapshot, QueryStatus};
pub use ledger::{MutationRecord, MutationState};
pub use log::{LogEvent, LogRecord, TxLog};
pub use mutations::SendGate;
pub use overlay::Patch;
pub use retry::{QueryError, RetryDecision, RetryPolicy};
pub use types::{Millis, MutationId, Seq, SeqCounter, Target};
pub use value::{ErrorValue, Value};
