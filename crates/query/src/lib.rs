#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

mod abort;
mod browser_events;
mod client;
pub mod core;
mod engine;
mod fetcher;
mod key;
mod mutation;
mod optimistic;
mod options;
mod pause;
mod persist;
mod readers;
mod runtime;
mod settle;
mod update;
mod use_query;
mod watch;

pub use crate::core::{
    EntrySnapshot, LogEvent, LogRecord, MutationId, MutationRecord, MutationState, QueryError,
    QueryStatus, RetryDecision, RetryPolicy, Target,
};
pub use abort::AbortSignal;
pub use client::{provide_query_client, use_query_client, QueryClient};
pub use key::QueryKey;
pub use mutation::{use_mutation, MutationHandle, MutationOptions};
pub use optimistic::{MutationFailure, Optimistic};
pub use options::{QueryClientOptions, QueryOptions};
pub use persist::Dehydrated;
pub use use_query::{use_query, use_query_with_options, QueryResult};
