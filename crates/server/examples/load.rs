//! Load generator for `cargo xtask bench`: loopback only, bounded in requests and time.
//!
//! ```text
//! load seed URL COUNT [CONCURRENCY]     create COUNT events (bulk POSTs), print JSON
//! load run  URL [CONCURRENCY] [MILLIS]  GET /health, GET /events/{id}, PATCH /events/{id}
//!                                       without and with an Idempotency-Key (as the app
//!                                       sends it), at CONCURRENCY clients for MILLIS each,
//!                                       print JSON
//! load patch URL[,URL…] CONCURRENCY MILLIS  PATCH only, clients spread over several
//!                                       instances of one database, print JSON
//! load feed WRITE_URL SUB_URL COUNT     COUNT PATCHes one after another through WRITE_URL
//!                                       while subscribed to SUB_URL's change feed: write
//!                                       sent → event received, print JSON
//! ```
//!
//! `URL` is the server's base URL (`http://127.0.0.1:PORT`); anything that is not a loopback
//! address is refused, so this never loads someone else's server. Each scenario stops at
//! [`MAX_REQUESTS`] requests or after its time, whichever comes first.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// Upper bound on requests per scenario, whatever the time allows.
const MAX_REQUESTS: u64 = 200_000;
/// Upper bound on a scenario's duration.
const MAX_MILLIS: u64 = 30_000;
/// Requests per client before measuring (connections opened, caches warm).
const WARMUP_PER_CLIENT: usize = 5;

type Error = Box<dyn std::error::Error + Send + Sync>;

#[tokio::main]
async fn main() -> Result<(), Error> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: load seed URL COUNT [CONCURRENCY] | load run URL [CONCURRENCY] [MILLIS] \
                 | load patch URL[,URL...] CONCURRENCY MILLIS | load feed WRITE_URL SUB_URL COUNT";
    let (mode, url) = match args.as_slice() {
        [mode, url, ..] => (mode.as_str(), url.trim_end_matches('/').to_string()),
        _ => return Err(usage.into()),
    };
    let urls: Vec<String> = url
        .split(',')
        .map(|u| u.trim_end_matches('/').to_owned())
        .collect();
    for u in &urls {
        ensure_loopback(u)?;
    }
    let number = |i: usize, default: u64| -> Result<u64, Error> {
        args.get(i).map_or(Ok(default), |v| {
            v.parse().map_err(|e| format!("{v}: {e}").into())
        })
    };
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(256)
        .timeout(Duration::from_secs(30))
        .build()?;
    let out = match mode {
        "seed" => {
            let count = number(2, 10_000)?;
            let concurrency = number(3, 16)?.max(1);
            seed(&http, &url, count, concurrency).await?
        }
        "run" => {
            let concurrency = number(2, 50)?.clamp(1, 1000);
            let millis = number(3, 5_000)?.clamp(100, MAX_MILLIS);
            run(
                &http,
                &url,
                concurrency as usize,
                Duration::from_millis(millis),
            )
            .await?
        }
        "patch" => {
            let concurrency = number(2, 50)?.clamp(1, 1000) as usize;
            let millis = number(3, 2_000)?.clamp(100, MAX_MILLIS);
            let mut ids = Vec::with_capacity(concurrency);
            for n in 0..concurrency as u64 {
                ids.push(create(&http, &urls[0], 90_000 + n).await?);
            }
            let time = Duration::from_millis(millis);
            let mut out = scenario(&http, &urls, &ids, Kind::Patch, time).await?;
            out["instances"] = json!(urls.len());
            out["concurrency"] = json!(concurrency);
            out
        }
        "feed" => {
            let sub = args.get(2).ok_or(usage)?.trim_end_matches('/').to_owned();
            ensure_loopback(&sub)?;
            let count = number(3, 100)?.clamp(1, 10_000);
            feed(&http, &urls[0], &sub, count).await?
        }
        _ => return Err(usage.into()),
    };
    println!("{out}");
    Ok(())
}

/// Refuses any host but loopback.
fn ensure_loopback(url: &str) -> Result<(), Error> {
    let rest = url
        .strip_prefix("http://")
        .ok_or("only http:// loopback URLs")?;
    let host = rest.split(['/', ':']).next().unwrap_or_default();
    if matches!(host, "127.0.0.1" | "localhost") || rest.starts_with("[::1]") {
        Ok(())
    } else {
        Err(format!("refusing to load a non-loopback host: {host}").into())
    }
}

/// A new event `n` days (mod a year) from 2027-01-01, an hour long.
fn event_body(n: u64) -> Value {
    let day = n % 365;
    let month = 1 + day / 28 % 12;
    let dom = 1 + day % 28;
    let hour = 8 + n % 10;
    json!({
        "title": format!("Bench event {n:05}"),
        "start": format!("2027-{month:02}-{dom:02}T{hour:02}:00:00Z"),
        "end": format!("2027-{month:02}-{dom:02}T{hour:02}:45:00Z"),
        "location": format!("Room {}", n % 40),
        "description": "Created by the bench load generator.",
    })
}

async fn create(http: &reqwest::Client, url: &str, n: u64) -> Result<String, Error> {
    let res = http
        .post(format!("{url}/api/events"))
        .json(&event_body(n))
        .send()
        .await?;
    if res.status() != reqwest::StatusCode::CREATED {
        return Err(format!("POST answered {}", res.status()).into());
    }
    let event: Value = res.json().await?;
    match &event["id"] {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        other => Err(format!("event without id: {other}").into()),
    }
}

async fn seed(
    http: &reqwest::Client,
    url: &str,
    count: u64,
    concurrency: u64,
) -> Result<Value, Error> {
    let started = Instant::now();
    let next = Arc::new(AtomicU64::new(0));
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let (http, url, next) = (http.clone(), url.to_string(), next.clone());
        tasks.push(tokio::spawn(async move {
            let mut ids = Vec::new();
            loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= count {
                    return Ok::<_, Error>(ids);
                }
                ids.push(create(&http, &url, n).await?);
            }
        }));
    }
    let mut created = 0usize;
    for task in tasks {
        created += task.await??.len();
    }
    Ok(json!({
        "created": created,
        "seconds": started.elapsed().as_secs_f64(),
        "concurrency": concurrency,
    }))
}

/// One request of a scenario, for client `client` on its `i`th turn.
#[derive(Clone, Copy)]
enum Kind {
    Health,
    Get,
    Patch,
    /// As the app writes: a fresh `Idempotency-Key` per change.
    KeyedPatch,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Health => "GET /api/health",
            Kind::Get => "GET /api/events/{id}",
            Kind::Patch => "PATCH /api/events/{id}",
            Kind::KeyedPatch => "PATCH /api/events/{id} with Idempotency-Key",
        }
    }

    async fn send(self, http: &reqwest::Client, url: &str, id: &str, i: u64) -> Result<(), Error> {
        let res = match self {
            Kind::Health => http.get(format!("{url}/api/health")).send().await?,
            Kind::Get => http.get(format!("{url}/api/events/{id}")).send().await?,
            Kind::Patch | Kind::KeyedPatch => {
                // A new title each time: a real write that bumps the version.
                let mut req = http
                    .patch(format!("{url}/api/events/{id}"))
                    .header("content-type", "application/merge-patch+json")
                    .body(json!({ "title": format!("Load {id} #{i}") }).to_string());
                if matches!(self, Kind::KeyedPatch) {
                    // Unique per run too: keys outlive the run in the database for 24 h.
                    req = req.header("idempotency-key", format!("load-{}-{id}-{i}", run_id()));
                }
                req.send().await?
            }
        };
        let status = res.status();
        res.bytes().await?;
        if status.is_success() {
            Ok(())
        } else {
            Err(format!("{} answered {status}", self.name()).into())
        }
    }
}

/// This process's start time, naming its keys apart from an earlier run's.
fn run_id() -> u128 {
    static ID: std::sync::OnceLock<u128> = std::sync::OnceLock::new();
    *ID.get_or_init(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos())
    })
}

async fn run(
    http: &reqwest::Client,
    url: &str,
    concurrency: usize,
    time: Duration,
) -> Result<Value, Error> {
    // One event per client, so PATCHes measure writes rather than If-Match contention.
    let mut ids = Vec::with_capacity(concurrency);
    for n in 0..concurrency as u64 {
        ids.push(create(http, url, 90_000 + n).await?);
    }
    let mut scenarios = Vec::new();
    for kind in [Kind::Health, Kind::Get, Kind::Patch, Kind::KeyedPatch] {
        scenarios.push(scenario(http, &[url.to_owned()], &ids, kind, time).await?);
    }
    Ok(
        json!({ "concurrency": concurrency, "millis": time.as_millis() as u64, "scenarios": scenarios }),
    )
}

async fn scenario(
    http: &reqwest::Client,
    urls: &[String],
    ids: &[String],
    kind: Kind,
    time: Duration,
) -> Result<Value, Error> {
    let sent = Arc::new(AtomicU64::new(0));
    let mut tasks = Vec::new();
    let started = Instant::now();
    let deadline = started + time;
    for (n, id) in ids.iter().enumerate() {
        // Clients take turns over the instances, as behind a round-robin balancer.
        let url = urls[n % urls.len()].clone();
        let (http, id, sent) = (http.clone(), id.clone(), sent.clone());
        tasks.push(tokio::spawn(async move {
            for i in 0..WARMUP_PER_CLIENT as u64 {
                kind.send(&http, &url, &id, i).await?;
            }
            let mut latencies = Vec::new();
            let mut errors = 0u64;
            let mut i = WARMUP_PER_CLIENT as u64;
            while Instant::now() < deadline && sent.fetch_add(1, Ordering::Relaxed) < MAX_REQUESTS {
                let t = Instant::now();
                match kind.send(&http, &url, &id, i).await {
                    Ok(()) => latencies.push(t.elapsed().as_secs_f64() * 1000.0),
                    Err(_) => errors += 1,
                }
                i += 1;
            }
            Ok::<_, Error>((latencies, errors))
        }));
    }
    let mut all = Vec::new();
    let mut errors = 0;
    for task in tasks {
        let (l, e) = task.await??;
        all.extend(l);
        errors += e;
    }
    let elapsed = started.elapsed().as_secs_f64();
    all.sort_by(f64::total_cmp);
    let pct = |p: f64| percentile(&all, p);
    Ok(json!({
        "name": kind.name(),
        "requests": all.len(),
        "errors": errors,
        "seconds": elapsed,
        "throughput": all.len() as f64 / elapsed,
        "p50_ms": pct(50.0),
        "p90_ms": pct(90.0),
        "p99_ms": pct(99.0),
        "max_ms": all.last().copied().unwrap_or(f64::NAN),
    }))
}

/// The `p`th percentile (nearest rank) of sorted `all`; NaN when empty.
fn percentile(all: &[f64], p: f64) -> f64 {
    if all.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * all.len() as f64).ceil() as usize;
    all[rank.clamp(1, all.len()) - 1]
}

/// Change-feed latency: a subscriber on `sub` timestamps each event as it arrives; `count`
/// PATCHes through `write`, one at a time, each timed from just before it is sent (so the
/// figure bounds commit → event from above by the write's own request time).
async fn feed(http: &reqwest::Client, write: &str, sub: &str, count: u64) -> Result<Value, Error> {
    let id = create(http, write, 99_999).await?;
    let mut res = http.get(format!("{sub}/api/events/changes")).send().await?;
    if !res.status().is_success() {
        return Err(format!("{sub}/api/events/changes answered {}", res.status()).into());
    }
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Instant>();
    let reader = tokio::spawn(async move {
        let mut buf = String::new();
        while let Ok(Some(chunk)) = res.chunk().await {
            let at = Instant::now();
            buf.push_str(&String::from_utf8_lossy(&chunk));
            while let Some(end) = buf.find("\n\n") {
                let block: String = buf.drain(..end + 2).collect();
                if block.lines().any(|l| l.starts_with("data:")) && tx.send(at).is_err() {
                    return;
                }
            }
        }
    });
    // The stream is open once its first keep-alive or event could arrive; a short pause
    // lets the subscription start before the first write.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut latencies = Vec::new();
    for i in 0..count {
        let sent = Instant::now();
        let res = http
            .patch(format!("{write}/api/events/{id}"))
            .header("content-type", "application/merge-patch+json")
            .body(json!({ "title": format!("Feed #{i}") }).to_string())
            .send()
            .await?;
        if !res.status().is_success() {
            return Err(format!("PATCH answered {}", res.status()).into());
        }
        res.bytes().await?;
        let got = tokio::time::timeout(Duration::from_secs(5), rx.recv())
            .await
            .map_err(|_| "no change event within 5 s")?
            .ok_or("the change feed closed")?;
        latencies.push(got.saturating_duration_since(sent).as_secs_f64() * 1000.0);
    }
    reader.abort();
    latencies.sort_by(f64::total_cmp);
    Ok(json!({
        "writes": count,
        "p50_ms": percentile(&latencies, 50.0),
        "p99_ms": percentile(&latencies, 99.0),
        "max_ms": latencies.last().copied().unwrap_or(f64::NAN),
    }))
}
