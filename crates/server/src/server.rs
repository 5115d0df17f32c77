//! Serving the router over TCP: HTTP/1.1 with graceful shutdown, and connections that fault
//! injection can drop.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use axum::body::Body;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tower::ServiceExt;

use crate::app::App;
use crate::config::Args;
use crate::fault::ConnAbort;
use crate::host::LocalAddr;

/// How long shutdown waits for in-flight requests.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(30);

/// A bound, not yet serving server.
#[derive(Debug)]
pub struct Server {
    listener: TcpListener,
    addr: SocketAddr,
    app: App,
}

impl Server {
    /// Open the database and bind the port (`--port 0` picks a free one).
    pub async fn bind(args: &Args) -> anyhow::Result<Server> {
        let app = App::open(args).await?;
        let listener = TcpListener::bind((args.host.as_str(), args.port))
            .await
            .with_context(|| format!("binding {}:{}", args.host, args.port))?;
        let addr = listener.local_addr()?;
        Ok(Server {
            listener,
            addr,
            app,
        })
    }

    /// The address actually bound.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The app being served.
    pub fn app(&self) -> &App {
        &self.app
    }

    /// The line printed to stdout once listening; runners wait for it.
    pub fn ready_line(&self) -> String {
        format!("eventual-server listening on http://{}", self.addr)
    }

    /// Serve until `shutdown` completes, then stop accepting and let in-flight requests finish.
    pub async fn serve(self, shutdown: impl Future<Output = ()> + Send) -> anyhow::Result<()> {
        let graceful = GracefulShutdown::new();
        let mut http = hyper::server::conn::http1::Builder::new();
        http.timer(TokioTimer::new());
        let router = self.app.router.clone();
        tokio::pin!(shutdown);
        loop {
            tokio::select! {
                accepted = self.listener.accept() => {
                    let stream = match accepted {
                        Ok((stream, _)) => stream,
                        Err(e) => {
                            // Usually out of file descriptors: back off instead of spinning.
                            tracing::warn!(error = %e, "accept failed");
                            tokio::time::sleep(Duration::from_millis(50)).await;
                            continue;
                        }
                    };
                    let _ = stream.set_nodelay(true);
                    let local = stream.local_addr().unwrap_or(self.addr);
                    let abort = Arc::new(Notify::new());
                    let service = connection_service(router.clone(), abort.clone(), local);
                    let conn = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
                    tokio::spawn(async move {
                        tokio::select! {
                            done = conn => if let Err(e) = done {
                                tracing::debug!(error = %e, "connection ended with an error");
                            },
                            // Dropping the connection closes the socket with no response.
                            () = abort.notified() => {}
                        }
                    });
                }
                () = &mut shutdown => break,
            }
        }
        drop(self.listener);
        tracing::info!("shutting down: finishing in-flight requests");
        // Change streams never finish by themselves.
        self.app.changes.close();
        if tokio::time::timeout(DRAIN_TIMEOUT, graceful.shutdown())
            .await
            .is_err()
        {
            tracing::warn!("in-flight requests did not finish in time");
        }
        Ok(())
    }
}

fn connection_service(
    router: Router,
    abort: Arc<Notify>,
    local: SocketAddr,
) -> impl hyper::service::Service<
    hyper::Request<Incoming>,
    Response = axum::response::Response,
    Error = std::convert::Infallible,
    Future = impl Future<Output = Result<axum::response::Response, std::convert::Infallible>> + Send,
> + Clone {
    hyper::service::service_fn(move |req: hyper::Request<Incoming>| {
        let mut req = req.map(Body::new);
        req.extensions_mut().insert(ConnAbort(abort.clone()));
        req.extensions_mut().insert(LocalAddr(local));
        router.clone().oneshot(req)
    })
}
