//! The `eventual-server` binary: flags in, ready line out, serve until Ctrl-C or SIGTERM.

use std::io::Write;

use clap::Parser;
use eventual_server::{init_tracing, Args, Server};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    init_tracing();
    let server = Server::bind(&args).await?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", server.ready_line())?;
    out.flush()?;
    drop(out);
    tracing::info!(addr = %server.local_addr(), db = %args.db, "listening");
    server.serve(shutdown_signal()).await
}

/// Ctrl-C, or SIGTERM on Unix.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
