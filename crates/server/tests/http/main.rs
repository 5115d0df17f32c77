//! HTTP tests of eventual-server: the real router over real SQLite (in-memory or temp files),
//! plus a real socket. One test binary so the suite links once.

mod common;

mod bad_input;
mod changes;
mod concurrency;
mod cors_static;
mod durability;
mod endpoints;
mod errors;
mod faults;
mod fuzz;
mod hosts;
mod ics;
mod idempotency;
mod idempotency_table;
mod instances;
mod list;
mod merge_patch;
mod openapi;
mod ranges;
mod socket;
mod write_queue;
