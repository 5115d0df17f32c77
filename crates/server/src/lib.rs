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

pub mod app;
pub mod config;
pub mod cors;
pub mod db;
pub mod extract;
pub mod fate;
pub mod fault;
pub mod host;
pub mod idempotency;
pub mod middleware;
pub mod problem;
pub mod routes;
pub mod server;
pub mod static_files;

pub use app::App;
pub use config::Args;
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
