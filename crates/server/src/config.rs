//! Command-line flags. Tests build the same struct with [`Args::for_tests`] or `parse_from`.

use std::path::PathBuf;

use axum::http::Method;
use clap::Parser;

/// The database the server opens when `--db` is not given.
pub const DEFAULT_DB: &str = "./data/eventual.db";

/// `eventual-server`: the reference REST backend for Eventual (axum + SQLite).
///
/// Once listening it prints exactly one line to stdout,
/// `eventual-server listening on http://HOST:PORT`, with the real port; logs go to stderr
/// (filter with RUST_LOG, default `info`).
#[derive(Clone, Debug, Parser)]
#[command(name = "eventual-server", version, about, long_about = None)]
pub struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,

    /// Port to listen on; 0 picks a free port (read it from the stdout ready line).
    #[arg(long, default_value_t = 3000)]
    pub port: u16,

    /// SQLite database file (parent directory and file are created when missing),
    /// `:memory:` for a private in-memory database that lives as long as the process, or a
    /// `postgres://user:pass@host:port/db` URL (any number of instances may share it).
    #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DB)]
    pub db: String,

    /// Load about 20 sample events around today, only when the events table is empty.
    #[arg(long)]
    pub seed: bool,

    /// Path prefix the REST API is mounted under (`/api` → `GET /api/events`); empty mounts it
    /// at the root.
    #[arg(long, default_value = "/api")]
    pub api_prefix: String,

    /// Serve a built app from this directory; GET paths outside the API that match no file
    /// answer `DIR/index.html` (SPA fallback).
    #[arg(long = "static", value_name = "DIR")]
    pub static_dir: Option<PathBuf>,

    /// Allow cross-origin requests from this origin (repeatable). Without it the API is
    /// same-origin only (no CORS headers at all).
    #[arg(long = "cors-origin", value_name = "ORIGIN", value_parser = parse_origin)]
    pub cors_origins: Vec<String>,

    /// Also answer requests whose `Host` is this name (repeatable; any port). Loopback names
    /// and the `--host` address are always answered; any other `Host` gets a 421 problem, so
    /// a web page whose name was rebound to this address cannot use the API.
    #[arg(long = "allowed-host", value_name = "NAME", value_parser = crate::host::parse_allowed_host)]
    pub allowed_hosts: Vec<String>,

    /// Fault injection: fixed delay added before matching API requests.
    #[arg(long, default_value_t = 0, value_name = "MS")]
    pub latency_ms: u64,

    /// Fault injection: random extra delay, uniform in 0..=MS, added to `--latency-ms`.
    #[arg(long, default_value_t = 0, value_name = "MS")]
    pub jitter_ms: u64,

    /// Fault injection: probability (0..1) that a matching API request fails with a 503
    /// problem before reaching the database.
    #[arg(long, default_value_t = 0.0, value_parser = parse_rate, value_name = "F")]
    pub fail_rate: f64,

    /// Seed for the fault-injection random numbers, making delays and failures repeatable.
    #[arg(long, value_name = "N")]
    pub fault_seed: Option<u64>,

    /// Methods that latency/jitter/fail-rate apply to, comma-separated (default: all but
    /// OPTIONS, which is never faulted).
    #[arg(long, value_delimiter = ',', value_parser = parse_method, value_name = "METHODS")]
    pub fault_methods: Vec<Method>,

    /// Honour the per-request header `X-Eventual-Fault: status=NNN; delay=MS; abort`.
    /// Off by default: without this flag the header is ignored.
    #[arg(long)]
    pub allow_fault_header: bool,

    /// Requests still running after this long are answered with a 503 problem.
    #[arg(long, default_value_t = 10_000, value_name = "MS")]
    pub request_timeout_ms: u64,

    /// Keyed writes (with `Idempotency-Key`) that may wait for their write turn at once;
    /// one more is answered 503 with `Retry-After`.
    #[arg(long, default_value_t = 64, value_name = "N")]
    pub max_queued_writes: usize,

    /// Most `Idempotency-Key` records kept; past it the oldest are forgotten first.
    #[arg(long, default_value_t = 10_000, value_name = "N",
          value_parser = clap::value_parser!(u32).range(1..))]
    pub max_idempotency_keys: u32,

    /// How often expired `Idempotency-Key` records (older than 24 h) are deleted.
    #[arg(long, default_value_t = 60_000, value_name = "MS")]
    pub idempotency_purge_ms: u64,

    /// How often change-feed subscribers look for writes made by other processes on the same
    /// database (writes through this process wake them at once).
    #[arg(long, default_value_t = 500, value_name = "MS", value_parser = clap::value_parser!(u64).range(10..=60_000))]
    pub changes_poll_ms: u64,

    /// Most pooled connections for a SQLite file or PostgreSQL (`:memory:` always uses one).
    #[arg(long, default_value_t = 8, value_name = "N")]
    pub max_connections: u32,
}

impl Args {
    /// Defaults with an in-memory database: what most tests start from.
    pub fn for_tests() -> Args {
        Args::parse_from(["eventual-server", "--db", ":memory:", "--port", "0"])
    }

    /// Parse flags as on the command line, without the program name:
    /// `Args::from_flags(["--port", "0", "--seed"])`.
    pub fn from_flags<I, T>(flags: I) -> Result<Args, clap::Error>
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString> + Clone,
    {
        let argv = std::iter::once(std::ffi::OsString::from("eventual-server"))
            .chain(flags.into_iter().map(Into::into));
        Args::try_parse_from(argv)
    }

    /// The API prefix normalised to `""` or `/segment...` without a trailing slash.
    pub fn normalized_prefix(&self) -> String {
        let trimmed = self.api_prefix.trim().trim_matches('/');
        if trimmed.is_empty() {
            String::new()
        } else {
            format!("/{trimmed}")
        }
    }
}

fn parse_rate(s: &str) -> Result<f64, String> {
    let f: f64 = s.parse().map_err(|_| format!("{s:?} is not a number"))?;
    if (0.0..=1.0).contains(&f) {
        Ok(f)
    } else {
        Err(format!("{f} is outside 0..=1"))
    }
}

/// A browser origin, `scheme://host[:port]`, normalised to lower case without a trailing
/// slash (the form browsers send in `Origin`).
fn parse_origin(s: &str) -> Result<String, String> {
    let bad = |why: &str| {
        format!(
            "{s:?} is not an origin ({why}); --cors-origin takes scheme://host[:port], \
             such as http://localhost:8080, once per allowed origin"
        )
    };
    let lower = s.trim().trim_end_matches('/').to_ascii_lowercase();
    let (scheme, authority) = lower
        .split_once("://")
        .ok_or_else(|| bad("no scheme; `*` and `null` are not accepted"))?;
    if scheme != "http" && scheme != "https" {
        return Err(bad("the scheme must be http or https"));
    }
    if authority.is_empty() {
        return Err(bad("no host"));
    }
    if let Some(c) = authority
        .chars()
        .find(|c| matches!(c, '/' | '?' | '#' | '@' | '*') || !c.is_ascii_graphic())
    {
        return Err(bad(&format!("{c:?} may not appear in an origin")));
    }
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) if !p.contains(']') => (h, Some(p)),
        _ => (authority, None),
    };
    if host.is_empty() || port.is_some_and(|p| p.parse::<u16>().is_err()) {
        return Err(bad("the host or port is not valid"));
    }
    Ok(lower)
}

fn parse_method(s: &str) -> Result<Method, String> {
    Method::from_bytes(s.trim().to_ascii_uppercase().as_bytes())
        .map_err(|_| format!("{s:?} is not an HTTP method"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_parse() {
        let a = Args::parse_from([
            "x",
            "--fault-methods",
            "get,PATCH",
            "--fail-rate",
            "0.5",
            "--cors-origin",
            "http://a",
            "--cors-origin",
            "http://b",
            "--api-prefix",
            "/v1/",
        ]);
        assert_eq!(a.fault_methods, [Method::GET, Method::PATCH]);
        assert_eq!(a.fail_rate, 0.5);
        assert_eq!(a.cors_origins.len(), 2);
        assert_eq!(a.normalized_prefix(), "/v1");
        assert!(Args::try_parse_from(["x", "--fail-rate", "1.5"]).is_err());
        assert_eq!(Args::for_tests().normalized_prefix(), "/api");
        let a = Args::from_flags(["--api-prefix", "", "--seed"]).unwrap();
        assert_eq!(a.normalized_prefix(), "");
        assert!(a.seed);
        assert_eq!(a.db, DEFAULT_DB);
        assert_eq!((a.host.as_str(), a.port), ("127.0.0.1", 3000));
    }
}
