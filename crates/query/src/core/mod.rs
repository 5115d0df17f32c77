//! Functional core: plain data and pure transitions, no Leptos, no browser.
//!
//! The reactive shell ([`crate::QueryClient`]) owns one [`Cache`], calls its transitions with
//! the current time, and performs the [`Effect`]s they produce (notify readers, abort or start
//! fetches).

mod cache;
mod entry;
mod ledger;
mod log;
mod overlay;
mod retry;
mod seq;
mod value;

#[cfg(all(test, not(target_arch = "wasm32")))]
mod scope_tests;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;

pub use cache::{Cache, Effect, FetchOutcome, SendGate};
pub use entry::{Base, EntrySnapshot, QueryStatus};
pub use ledger::{MutationId, MutationRecord, MutationState};
pub use log::{LogEvent, LogRecord, Millis, TxLog};
pub use overlay::{Patch, Target};
pub use retry::{QueryError, RetryDecision, RetryPolicy};
pub use seq::{Seq, SeqCounter};
pub use value::{ErrorValue, Value};
