//! Fault injection for demos and tests: configured latency, jitter and random failures, and
//! the per-request `X-Eventual-Fault` header. Applies only to matched API routes, never to
//! OPTIONS or static files. Every fault but one answers before the handler runs, so an
//! injected failure never touches the database; the exception, `lose-response`, lets the
//! handler (and the idempotency layer inside this one) finish and then drops the answer.

use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body::Frame;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tokio::sync::Notify;

use crate::config::Args;
use crate::problem::{sanitize, types, ApiError};

/// The per-request fault header (honoured only with `--allow-fault-header`).
pub const FAULT_HEADER: &str = "x-eventual-fault";

/// Longest delay the header may ask for.
const MAX_HEADER_DELAY: Duration = Duration::from_secs(600);

/// Configured faults plus the random source behind them.
#[derive(Debug)]
pub struct Faults {
    latency: Duration,
    jitter_ms: u64,
    fail_rate: f64,
    /// Empty means every method (but OPTIONS).
    methods: Vec<Method>,
    allow_header: bool,
    rng: Mutex<StdRng>,
}

impl Faults {
    /// The faults the flags ask for (none by default).
    pub fn from_args(args: &Args) -> Faults {
        let rng = match args.fault_seed {
            Some(seed) => StdRng::seed_from_u64(seed),
            None => StdRng::from_os_rng(),
        };
        Faults {
            latency: Duration::from_millis(args.latency_ms),
            jitter_ms: args.jitter_ms,
            fail_rate: args.fail_rate,
            methods: args.fault_methods.clone(),
            allow_header: args.allow_fault_header,
            rng: Mutex::new(rng),
        }
    }

    fn applies_to(&self, method: &Method) -> bool {
        self.methods.is_empty() || self.methods.contains(method)
    }

    /// The configured delay and whether to fail, drawn together so a seed replays both.
    fn draw(&self) -> (Duration, bool) {
        if self.jitter_ms == 0 && self.fail_rate <= 0.0 {
            return (self.latency, false);
        }
        let mut rng = self.rng.lock().unwrap_or_else(|p| p.into_inner());
        let jitter = if self.jitter_ms > 0 {
            rng.random_range(0..=self.jitter_ms)
        } else {
            0
        };
        let fail = self.fail_rate > 0.0 && rng.random::<f64>() < self.fail_rate;
        (self.latency + Duration::from_millis(jitter), fail)
    }
}

/// A parsed `X-Eventual-Fault` header:
/// directives separated by `;` or `,`: `status=NNN` (400..=599), `delay=MS`, `abort`,
/// `lose-response`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FaultSpec {
    /// Answer this status without running the handler.
    pub status: Option<StatusCode>,
    /// Wait this long first.
    pub delay: Option<Duration>,
    /// Drop the connection with no response.
    pub abort: bool,
    /// Handle the request (the write commits), then drop the connection with no response.
    pub lose_response: bool,
}

impl FaultSpec {
    /// Parse a header value; the error says which directive is wrong.
    pub fn parse(value: &str) -> Result<FaultSpec, String> {
        let mut spec = FaultSpec::default();
        for part in value
            .split([';', ','])
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            let (key, val) = match part.split_once('=') {
                Some((k, v)) => (k.trim().to_ascii_lowercase(), Some(v.trim())),
                None => (part.to_ascii_lowercase(), None),
            };
            match (key.as_str(), val) {
                ("status", Some(v)) => {
                    let code = v
                        .parse::<u16>()
                        .ok()
                        .filter(|c| (400..=599).contains(c))
                        .and_then(|c| StatusCode::from_u16(c).ok())
                        .ok_or_else(|| format!("status must be 400..=599 (got {v:?})"))?;
                    spec.status = Some(code);
                }
                ("delay", Some(v)) => {
                    let ms = v
                        .parse::<u64>()
                        .map_err(|_| format!("delay must be milliseconds (got {v:?})"))?;
                    spec.delay = Some(Duration::from_millis(ms).min(MAX_HEADER_DELAY));
                }
                ("abort", None) => spec.abort = true,
                ("lose-response", None) => spec.lose_response = true,
                _ => return Err(format!("unknown directive {part:?}")),
            }
        }
        if spec.lose_response && (spec.abort || spec.status.is_some()) {
            // Those answer before the handler, so the handler would never run to be lost.
            return Err("lose-response cannot be combined with abort or status".into());
        }
        Ok(spec)
    }
}

/// Lets fault injection drop the connection a request arrived on (the real server inserts
/// one per connection; in-process routers have none).
#[derive(Clone, Debug)]
pub struct ConnAbort(pub Arc<Notify>);

/// The middleware.
pub async fn inject(State(faults): State<Arc<Faults>>, req: Request, next: Next) -> Response {
    if req.method() == Method::OPTIONS || req.extensions().get::<MatchedPath>().is_none() {
        return next.run(req).await;
    }
    let header = if faults.allow_header {
        match req
            .headers()
            .get(FAULT_HEADER)
            .map(parse_header)
            .transpose()
        {
            Ok(spec) => spec,
            Err(e) => return e.into_response(),
        }
    } else {
        None
    };
    if faults.applies_to(req.method()) {
        let (delay, fail) = faults.draw();
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
        if fail {
            return injected(
                StatusCode::SERVICE_UNAVAILABLE,
                "Injected failure (--fail-rate)",
            );
        }
    }
    if let Some(spec) = header {
        if let Some(delay) = spec.delay {
            tokio::time::sleep(delay).await;
        }
        if spec.abort {
            tracing::info!(path = %req.uri().path(), "fault injection: aborting the connection");
            return lose(req.extensions().get::<ConnAbort>().cloned()).await;
        }
        if let Some(status) = spec.status {
            return injected(
                status,
                "Injected fault (X-Eventual-Fault); nothing was changed",
            );
        }
        if spec.lose_response {
            let conn = req.extensions().get::<ConnAbort>().cloned();
            let path = req.uri().path().to_owned();
            let res = next.run(req).await;
            tracing::info!(%path, status = res.status().as_u16(), "fault injection: losing the response");
            return lose(conn).await;
        }
    }
    next.run(req).await
}

fn parse_header(v: &HeaderValue) -> Result<FaultSpec, ApiError> {
    let s = v.to_str().map_err(|_| bad_header("it is not ASCII"))?;
    FaultSpec::parse(s).map_err(|e| bad_header(&e))
}

fn bad_header(why: &str) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        format!(
            "X-Eventual-Fault must look like \"status=500; delay=800; abort\": {}",
            sanitize(why)
        ),
    )
}

fn injected(status: StatusCode, detail: &str) -> Response {
    ApiError::new(status, detail)
        .with_type(types::INJECTED)
        .into_response()
}

/// Drop the connection with no response. Without a connection to drop (in-process
/// routers) answer headers whose body then fails, which a client also sees as a network error.
async fn lose(conn: Option<ConnAbort>) -> Response {
    if let Some(ConnAbort(notify)) = conn {
        notify.notify_one();
        // The connection task drops this future with the connection.
        std::future::pending::<()>().await;
    }
    let mut res = Response::new(Body::new(FailingBody));
    *res.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
    res.extensions_mut().insert(Aborted);
    res
}

/// Marks a response whose body fails on purpose, so no layer replaces that body.
#[derive(Clone, Copy, Debug)]
pub struct Aborted;

/// A body whose first read fails.
struct FailingBody;

impl http_body::Body for FailingBody {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
        Poll::Ready(Some(Err(std::io::Error::other(
            "aborted by fault injection",
        ))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_grammar() {
        assert_eq!(
            FaultSpec::parse("status=500; delay=800"),
            Ok(FaultSpec {
                status: Some(StatusCode::INTERNAL_SERVER_ERROR),
                delay: Some(Duration::from_millis(800)),
                abort: false,
                lose_response: false,
            })
        );
        assert!(FaultSpec::parse("ABORT").unwrap().abort);
        assert!(
            FaultSpec::parse("delay=5; lose-response")
                .unwrap()
                .lose_response
        );
        assert!(FaultSpec::parse("lose-response, abort").is_err());
        assert!(FaultSpec::parse("status=500;lose-response").is_err());
        assert_eq!(
            FaultSpec::parse("status=503,delay=0").unwrap().delay,
            Some(Duration::ZERO)
        );
        assert!(FaultSpec::parse("status=200").is_err());
        assert!(FaultSpec::parse("delay=soon").is_err());
        assert!(FaultSpec::parse("explode").is_err());
        assert_eq!(FaultSpec::parse(""), Ok(FaultSpec::default()));
    }

    #[test]
    fn seeded_draws_repeat() {
        use clap::Parser;
        let args = Args::parse_from([
            "x",
            "--fail-rate",
            "0.5",
            "--jitter-ms",
            "100",
            "--fault-seed",
            "7",
        ]);
        let a = Faults::from_args(&args);
        let b = Faults::from_args(&args);
        let da: Vec<_> = (0..50).map(|_| a.draw()).collect();
        let db: Vec<_> = (0..50).map(|_| b.draw()).collect();
        assert_eq!(da, db);
        assert!(da.iter().any(|d| d.1) && da.iter().any(|d| !d.1));
    }
}
