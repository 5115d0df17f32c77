//! `cargo xtask bench`: one command, one run, one report (`bench/report.md` + `report.json`).
//!
//! Builds the release app (the `dist` path) and the release server, starts servers on port 0
//! with fresh temporary databases, runs the browser measurements (`bench/browser.mjs`, system
//! Chromium through Playwright), the sizes (`bench/sizes.mjs`, twiggy over a named copy of the
//! wasm), the server load test (`crates/server/examples/load.rs`), and composes the report
//! (`bench/report.mjs`). Raw results stay in `target/bench/`. Not part of `cargo xtask test`:
//! timings are reported against targets, never asserted in tests.

#[path = "../bench/facts.rs"]
mod facts;
#[path = "../bench/options.rs"]
mod options;
#[path = "../bench/wasm_names.rs"]
mod wasm_names;

use crate::cmd::dist;
use crate::install::{self, Needs};
use crate::process::{self, Service};
use crate::util::{http, paths, say, secs, temp::TempDir};
use anyhow::{bail, Context, Result};
use facts::Facts;
use options::{Options, LARGE_LIST_EVENTS, LOAD_CLIENTS, SCALE_EVENTS};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// Runs the whole bench and writes the report.
pub fn run(args: Vec<String>) -> Result<()> {
    let opts = Options::parse(args)?;
    let root = paths::repo_root();
    let started = Instant::now();
    let browser = install::ensure(&root, Needs::ALL)?.context("browser paths")?;
    wasm_names::ensure_twiggy()?;

    let work = paths::target_dir(&root).join("bench");
    std::fs::create_dir_all(&work)?;
    let mut facts = Facts::default();
    facts::machine(&mut facts, &browser.chromium);
    facts.flag("quick", opts.quick);

    if !opts.no_build || !release_bin(&root, "eventual-server").is_file() {
        process::run(Command::new(paths::cargo()).current_dir(&root).args([
            "build",
            "--release",
            "-p",
            "eventual-server",
            "--bin",
            "eventual-server",
            "--example",
            "load",
        ]))?;
    }

    if !opts.no_build {
        say("build    release app (the `cargo xtask dist` path)");
        dist::build(&root, "/")?;
    }
    // A private copy: other tools may rebuild dist/ while the browser measures.
    let site = snapshot(&root.join("dist"), &work.join("dist"))?;
    // Sizes first: they need no servers.
    capture(
        Command::new("node")
            .arg("bench/sizes.mjs")
            .arg(&site)
            .current_dir(&root),
        &work.join("sizes.json"),
    )?;
    let twiggy = wasm_names::build(&root, &work).and_then(|wasm| wasm_names::analyse(&wasm, &work));
    if let Err(e) = &twiggy {
        say(format!("twiggy breakdown failed: {e:#}"));
    }
    facts.flag("twiggyOk", twiggy.is_ok());

    let tmp = TempDir::new("eventual-bench")?;
    browser_step(&root, &site, &work, &tmp.0, &opts, &browser.chromium)?;
    load_step(&root, &work, &tmp.0, &opts)?;
    if let Err(e) = scale_step(&root, &work, &tmp.0) {
        // The other figures stand; the report says what is missing and why.
        say(format!("instances/PostgreSQL figures failed: {e:#}"));
        std::fs::write(
            work.join("scale.json"),
            format!("{{\"error\": {:?}}}", format!("{e:#}")),
        )?;
    }
    drop(tmp);

    facts
        .text(
            "loadavgAtEnd",
            std::fs::read_to_string("/proc/loadavg")
                .unwrap_or_default()
                .trim(),
        )
        .number("seconds", started.elapsed().as_secs_f64())
        .number("gcMs", opts.gc_ms as f64);
    std::fs::write(work.join("facts.json"), facts.to_json())?;
    process::run(
        Command::new("node")
            .arg("bench/report.mjs")
            .arg(&work)
            .arg("bench")
            .current_dir(&root),
    )?;
    say(format!(
        "bench done in {}: bench/report.md, bench/report.json (raw data in {})",
        secs(started.elapsed()),
        work.display()
    ));
    Ok(())
}

/// Copies the built site's top-level files from `dist` into a fresh `to`.
fn snapshot(dist: &Path, to: &Path) -> Result<PathBuf> {
    if !dist.join("index.html").is_file() {
        bail!("dist/index.html is missing; run without --no-build");
    }
    paths::copy_files(dist, to)?;
    Ok(to.to_path_buf())
}

fn release_bin(root: &Path, name: &str) -> PathBuf {
    paths::target_dir(root).join("release").join(name)
}

/// Runs `cmd` with its stdout written to `file`; fails if it fails.
fn capture(cmd: &mut Command, file: &Path) -> Result<()> {
    let out = File::create(file).with_context(|| format!("cannot create {}", file.display()))?;
    process::run(cmd.stdout(out))
}

/// Starts a release server on port 0 with a fresh database; logs (warnings only) to a file.
fn server(root: &Path, work: &Path, name: &str, db: &Path, extra: &[&str]) -> Result<Running> {
    let log = File::create(work.join(format!("{name}-server.log")))?;
    let mut svc = Service::spawn_with_ready_line(
        name,
        Command::new(release_bin(root, "eventual-server"))
            .stderr(log)
            .env("NO_COLOR", "1")
            .env("RUST_LOG", "warn")
            .args(["--host", "127.0.0.1", "--port", "0", "--db"])
            .arg(db)
            .args(extra)
            .current_dir(root),
    )?;
    let base = svc.wait_ready(Duration::from_secs(60))?;
    http::wait_for_ok(
        &format!("{base}/api/health"),
        Duration::from_secs(20),
        process::interruption,
    )?;
    say(format!("{name} server ready at {base}/"));
    Ok(Running {
        _service: svc,
        url: base,
    })
}

/// Browser figures: a plain server (sample data) and a slow one (PATCH/PUT +1000 ms, 10,000
/// events), both serving `dist/`.
fn browser_step(
    root: &Path,
    site: &Path,
    work: &Path,
    tmp: &Path,
    opts: &Options,
    chromium: &Path,
) -> Result<()> {
    let dist_arg = site.to_string_lossy().into_owned();
    let plain = server(
        root,
        work,
        "plain",
        &tmp.join("plain.db"),
        &["--seed", "--static", &dist_arg],
    )?;
    let slow = seeded(
        root,
        work,
        tmp,
        "slow",
        &[
            "--static",
            &dist_arg,
            "--latency-ms",
            "1000",
            "--fault-methods",
            "PATCH,PUT",
        ],
        LARGE_LIST_EVENTS,
    )?;
    // The calendar's scale claim: two databases that differ only in size.
    let plain_dist = ["--static", dist_arg.as_str()];
    let small = seeded(root, work, tmp, "scale-small", &plain_dist, SCALE_EVENTS.0)?;
    let big = seeded(root, work, tmp, "scale-big", &plain_dist, SCALE_EVENTS.1)?;
    let mut node = Command::new("node");
    node.arg("bench/browser.mjs")
        .env("BENCH_PLAIN_URL", plain.url())
        .env("BENCH_SLOW_URL", slow.url())
        .env("BENCH_SMALL_URL", small.url())
        .env("BENCH_BIG_URL", big.url())
        .env("BENCH_GC_MS", opts.gc_ms.to_string())
        .env("CHROMIUM_PATH", chromium)
        .current_dir(root);
    if opts.quick {
        node.env("BENCH_QUICK", "1");
    }
    capture(&mut node, &work.join("browser.json"))
}

/// A server started with `flags` on a fresh database, filled with `events` events by
/// `examples/load seed` (all in 2027); the seed's summary goes to `seed-{name}.json`.
fn seeded(
    root: &Path,
    work: &Path,
    tmp: &Path,
    name: &str,
    flags: &[&str],
    events: u64,
) -> Result<Running> {
    let svc = server(root, work, name, &tmp.join(format!("{name}.db")), flags)?;
    capture(
        Command::new(release_bin(root, "examples/load")).args([
            "seed",
            svc.url(),
            &events.to_string(),
            "16",
        ]),
        &work.join(format!("seed-{name}.json")),
    )?;
    Ok(svc)
}

/// Server load: a release server on a fresh SQLite file, 50 clients, GET and PATCH.
fn load_step(root: &Path, work: &Path, tmp: &Path, opts: &Options) -> Result<()> {
    let svc = server(root, work, "load", &tmp.join("load.db"), &[])?;
    capture(
        Command::new(release_bin(root, "examples/load")).args([
            "run",
            svc.url(),
            &LOAD_CLIENTS.to_string(),
            &opts.load_millis().to_string(),
        ]),
        &work.join("load.json"),
    )
}

/// A server and the base URL it announced; dropping it stops the server.
/// PATCH at [`LOAD_CLIENTS`] clients on SQLite and PostgreSQL, one and two instances of one
/// database, and change-feed latency; about 20 s in all (2 s per PATCH figure).
fn scale_step(root: &Path, work: &Path, tmp: &Path) -> Result<()> {
    const MILLIS: &str = "2000";
    let load = release_bin(root, "examples/load");
    let json = |cmd: &mut Command| -> Result<String> {
        let out = cmd.output().context("running load")?;
        if !out.status.success() {
            bail!("{}", String::from_utf8_lossy(&out.stderr).trim());
        }
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
    };
    let cluster = crate::postgres::Cluster::start()?;
    let sqlite_db = tmp.join("scale.db");
    let mut rows = Vec::new();
    for (backend, db) in [
        ("sqlite", sqlite_db.as_path()),
        ("postgres", Path::new(&cluster.url())),
    ] {
        let one = server(root, work, &format!("{backend}-1"), db, &[])?;
        let two = server(root, work, &format!("{backend}-2"), db, &[])?;
        let both = format!("{},{}", one.url(), two.url());
        for (instances, urls) in [(1, one.url().to_owned()), (2, both)] {
            let out = json(Command::new(&load).args([
                "patch",
                &urls,
                &LOAD_CLIENTS.to_string(),
                MILLIS,
            ]))?;
            rows.push(format!(
                "{{\"backend\": \"{backend}\", \"instances\": {instances}, \"patch\": {out}}}"
            ));
        }
        // Same instance for SQLite (in-process wake), across instances for PostgreSQL (NOTIFY).
        let sub = if backend == "postgres" {
            two.url()
        } else {
            one.url()
        };
        let out = json(Command::new(&load).args(["feed", one.url(), sub, "200"]))?;
        let across = backend == "postgres";
        rows.push(format!(
            "{{\"backend\": \"{backend}\", \"across\": {across}, \"feed\": {out}}}"
        ));
    }
    std::fs::write(
        work.join("scale.json"),
        format!("{{\"rows\": [{}]}}", rows.join(",")),
    )?;
    Ok(())
}

struct Running {
    _service: Service,
    url: String,
}

impl Running {
    fn url(&self) -> &str {
        &self.url
    }
}
