//! `eventual-server`: the reference REST backend for Eventual (axum + SQLite), as a library so
//! tests and `cargo xtask` can start it in-process.
//!
//! ```no_run
//! # async fn demo() -> anyhow::Result<()> {
//! let args = eventual_server::Args::for_tests();
//! let server = eventual_server::Server::bind(&args).await?;
//! println!("{}", server.ready_line());
//! server.serve(std::future::pending()).await
//! # }
//! ```

pub(crate) mod app;
pub(crate) mod changes;
pub(crate) mod config;
pub(crate) mod cors;
pub mod db;
pub(crate) mod extract;
pub(crate) mod fate;
pub(crate) mod fault;
pub(crate) mod host;
pub(crate) mod idempotency;
pub(crate) mod middleware;
pub(crate) mod openapi;
pub(crate) mod problem;
pub(crate) mod routes;
pub(crate) mod server;
pub(crate) mod state;
pub(crate) mod static_files;

pub use app::App;
pub use config::Args;
pub use routes::document as openapi_document;
pub use server::Server;

/// Structured logs to stderr, filtered by `RUST_LOG` (default `info`).
pub fn init_tracing() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
