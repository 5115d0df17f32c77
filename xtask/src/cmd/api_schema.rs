//! The `api-schema` step: the served OpenAPI document must pass an independent validator
//! (openapi-spec-validator), and schemathesis, generating requests from it against a fresh
//! server, must find no server error, undocumented status, content type or body.

use crate::install::api_schema_venv;
use crate::process::{self, Service};
use crate::util::{http, paths, say};
use anyhow::{bail, Context, Result};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// Whole-run time budget for schemathesis, in seconds: the step stays near a minute and a half
/// on a two-core machine.
const FUZZ_SECONDS: &str = "60";
/// Most test cases per operation and phase.
const MAX_EXAMPLES: &str = "100";
/// The checks that must find nothing.
const CHECKS: &str = "not_a_server_error,status_code_conformance,content_type_conformance,\
                      response_schema_conformance";

/// Runs the step (the server binary is built first, as `server-build` does).
pub fn run(root: &Path) -> Result<()> {
    process::run(
        Command::new(paths::cargo())
            .args(["build", "-p", "eventual-server"])
            .current_dir(root),
    )?;
    let bin = paths::target_dir(root).join("debug/eventual-server");
    let venv = api_schema_venv(root);
    let work = paths::target_dir(root).join("xtask/api-schema");
    std::fs::create_dir_all(&work)?;
    let log_path = work.join("server.log");
    let log = std::fs::File::create(&log_path)
        .with_context(|| format!("cannot create {}", log_path.display()))?;
    let mut server = Service::spawn_with_ready_line(
        "server",
        Command::new(&bin)
            .stderr(log)
            .env("NO_COLOR", "1")
            .env("RUST_LOG", "info")
            .args(["--host", "127.0.0.1", "--port", "0", "--db", ":memory:"])
            .current_dir(root),
    )?;
    let result = against(&mut server, &venv, &work);
    server.stop(Duration::from_secs(5));
    let counts = statuses(&std::fs::read_to_string(&log_path).unwrap_or_default());
    let total: usize = counts.values().sum();
    let by_class: Vec<String> = counts.iter().map(|(s, n)| format!("{s}: {n}")).collect();
    say(format!(
        "api-schema: the server answered {total} requests ({}); log {}",
        by_class.join(", "),
        log_path.display()
    ));
    result?;
    let errors: usize = counts.range(500..).map(|(_, n)| n).sum();
    if errors > 0 {
        bail!(
            "the server answered {errors} requests with a 5xx; see {}",
            log_path.display()
        );
    }
    Ok(())
}

fn against(server: &mut Service, venv: &Path, work: &Path) -> Result<()> {
    let base = server.wait_ready(Duration::from_secs(60))?;
    let api = format!("{base}/api");
    http::wait_for_ok(
        &format!("{api}/health"),
        Duration::from_secs(20),
        process::interruption,
    )?;
    let doc_url = format!("{api}/openapi.json");
    let (status, body) = http::get(&doc_url, Duration::from_secs(10))?;
    if status != 200 {
        bail!("GET {doc_url} answered {status}");
    }
    let doc = work.join("openapi.json");
    std::fs::write(&doc, &body)?;
    say(format!(
        "validating {} ({} bytes)",
        doc.display(),
        body.len()
    ));
    process::run(
        Command::new(venv.join("bin/openapi-spec-validator"))
            .args(["--schema", "3.1"])
            .arg(&doc),
    )?;

    let started = Instant::now();
    let mut fuzz = Command::new(venv.join("bin/schemathesis"));
    fuzz.args(["run", &doc_url, "--url", &api, "--checks", CHECKS])
        .args(["--max-examples", MAX_EXAMPLES, "--max-time", FUZZ_SECONDS])
        .args(["--request-timeout", "10", "--report", "junit"])
        // The change feed is an endless stream: every call would wait out the timeout. Its
        // behaviour is tested in crates/server/tests/http/changes.rs.
        .args(["--exclude-operation-id", "eventChanges"])
        .arg("--report-dir")
        .arg(work.join("report"))
        .env("NO_COLOR", "1")
        // Hypothesis keeps its example database in the working directory.
        .current_dir(work);
    if let Ok(seed) = std::env::var("API_SCHEMA_SEED") {
        fuzz.args(["--seed", &seed]);
    }
    let result = process::run(&mut fuzz);
    say(format!(
        "schemathesis ran for {:.1} s",
        started.elapsed().as_secs_f64()
    ));
    result
}

/// How many requests the server logged per status, from its `request … status=NNN` lines.
fn statuses(log: &str) -> BTreeMap<u16, usize> {
    let mut counts = BTreeMap::new();
    for line in log.lines().filter(|l| l.contains(" request ")) {
        let status = line
            .split_whitespace()
            .find_map(|w| w.strip_prefix("status="))
            .and_then(|s| s.parse::<u16>().ok());
        if let Some(s) = status {
            *counts.entry(s).or_insert(0) += 1;
        }
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_count_the_request_lines() {
        let log = "2026-12-02T12:05:21Z  INFO eventual_server::middleware: request method=PUT \
                   path=/api/events/1 status=404 latency_ms=0.1\n\
                   2026-12-02T12:05:21Z  INFO eventual_server: seed inserted=3\n\
                   2026-12-02T12:05:22Z  WARN eventual_server::middleware: request method=GET \
                   path=/api/events status=503 latency_ms=9\n\
                   x request method=GET path=/api/health status=404 latency_ms=1";
        assert_eq!(statuses(log), BTreeMap::from([(404, 2), (503, 1)]));
    }
}
