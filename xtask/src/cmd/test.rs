//! `cargo xtask test`: every check CI runs, in order, stopping at the first failure.

use crate::cmd::{api_schema, dist};
use crate::install::{self, Browser, Needs};
use crate::postgres;
use crate::process::{self, Service};
use crate::util::{args::Args, disk, http, paint, paths, say, secs, temp::TempDir};
use anyhow::{bail, Context, Result};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// One step of the suite.
#[derive(Debug)]
pub struct Step {
    /// Name used by `--only` / `--skip` and in the summary.
    pub name: &'static str,
    /// One-line description.
    pub about: &'static str,
    /// Tools the step needs.
    pub needs: Needs,
}

const NONE: Needs = Needs {
    wasm_target: false,
    trunk: false,
    wasm_bindgen: false,
    node_modules: false,
    browser: false,
    api_schema_tools: false,
};
const WASM: Needs = Needs {
    wasm_target: true,
    ..NONE
};

/// The suite, in the order it runs.
pub const STEPS: &[Step] = &[
    Step {
        name: "fmt",
        about: "cargo fmt --all -- --check",
        needs: NONE,
    },
    Step {
        name: "clippy",
        about: "cargo clippy --workspace --all-targets -- -D warnings",
        needs: NONE,
    },
    Step {
        name: "clippy-wasm",
        about: "cargo clippy --target wasm32-unknown-unknown (app, query, model)",
        needs: WASM,
    },
    Step {
        name: "test",
        about: "cargo test --workspace (native)",
        needs: NONE,
    },
    Step {
        name: "server-test-postgres",
        about: "the server's HTTP suite on a throwaway PostgreSQL cluster",
        needs: NONE,
    },
    Step {
        name: "test-wasm",
        about: "cargo test --target wasm32-unknown-unknown in headless Chromium",
        needs: Needs {
            wasm_target: true,
            wasm_bindgen: true,
            browser: true,
            ..NONE
        },
    },
    Step {
        name: "app-build",
        about: "trunk build --release --offline (dist/)",
        needs: Needs::APP_BUILD,
    },
    Step {
        name: "server-build",
        about: "cargo build -p eventual-server",
        needs: NONE,
    },
    Step {
        name: "api-schema",
        about: "openapi-spec-validator and schemathesis against the server's /api/openapi.json",
        needs: Needs {
            api_schema_tools: true,
            ..NONE
        },
    },
    Step {
        name: "e2e",
        about: "Playwright (e2e/) against the server on a fresh database serving dist/",
        needs: Needs {
            node_modules: true,
            browser: true,
            ..NONE
        },
    },
];

/// Which steps to run.
#[derive(Debug, PartialEq)]
pub struct Selection(Vec<&'static str>);

impl Selection {
    /// Parses `--only a,b`, `--skip a,b`, `--skip-e2e`; returns `None` for `--list`.
    pub fn parse(args: Vec<String>) -> Result<Option<Self>> {
        let mut args = Args::new(args);
        let list = args.flag("--list");
        let only = args.value("--only")?;
        let mut skip: Vec<String> = args
            .value("--skip")?
            .map(|s| s.split(',').map(str::to_string).collect())
            .unwrap_or_default();
        if args.flag("--skip-e2e") {
            skip.push("e2e".into());
        }
        args.finish()?;
        if list {
            return Ok(None);
        }
        let known = |n: &str| -> Result<()> {
            if STEPS.iter().any(|s| s.name == n) {
                Ok(())
            } else {
                bail!("unknown step `{n}`; steps: {}", step_names())
            }
        };
        for n in &skip {
            known(n)?;
        }
        let only: Option<Vec<String>> = only.map(|o| o.split(',').map(str::to_string).collect());
        if let Some(only) = &only {
            for n in only {
                known(n)?;
            }
        }
        let chosen = STEPS
            .iter()
            .map(|s| s.name)
            .filter(|n| only.as_ref().is_none_or(|o| o.iter().any(|x| x == n)))
            .filter(|n| !skip.iter().any(|x| x == n))
            .collect();
        Ok(Some(Self(chosen)))
    }

    fn steps(&self) -> impl Iterator<Item = &'static Step> + '_ {
        STEPS.iter().filter(|s| self.0.contains(&s.name))
    }
}

fn step_names() -> String {
    STEPS.iter().map(|s| s.name).collect::<Vec<_>>().join(", ")
}

enum Outcome {
    Pass,
    Fail(String),
    NotRun,
}

/// Runs the selected steps and prints a summary; fails if any step failed.
pub fn run(root: &Path, args: Vec<String>) -> Result<()> {
    let Some(selection) = Selection::parse(args)? else {
        for s in STEPS {
            println!("{:<20} {}", s.name, s.about);
        }
        return Ok(());
    };
    let total = Instant::now();
    warn_if_disk_low(root);
    let needs = selection.steps().fold(NONE, |acc, s| acc.union(s.needs));
    let install_started = Instant::now();
    let browser = install::ensure(root, needs)?;
    let install_time = install_started.elapsed();

    let ctx = Ctx {
        root,
        browser: browser.unwrap_or_default(),
    };
    let steps: Vec<&Step> = selection.steps().collect();
    let mut results: Vec<(&Step, Outcome, Duration)> = Vec::new();
    let mut failed = false;
    for (i, step) in steps.iter().enumerate() {
        if failed {
            results.push((step, Outcome::NotRun, Duration::ZERO));
            continue;
        }
        say(format!(
            "{} — {}",
            paint("1", &format!("[{}/{}] {}", i + 1, steps.len(), step.name)),
            step.about
        ));
        let started = Instant::now();
        let outcome = match run_step(step.name, &ctx) {
            Ok(()) => Outcome::Pass,
            Err(e) => {
                failed = true;
                Outcome::Fail(format!("{e:#}"))
            }
        };
        let took = started.elapsed();
        say(format!(
            "[{}/{}] {} {} in {}",
            i + 1,
            steps.len(),
            step.name,
            if failed { "FAILED" } else { "passed" },
            secs(took)
        ));
        results.push((step, outcome, took));
    }

    eprintln!();
    eprintln!("── cargo xtask test summary ──────────────────────────────");
    eprintln!("  {:<20} {:<4}  {:>8}", "install", "ok", secs(install_time));
    for (step, outcome, took) in &results {
        let (label, time) = match outcome {
            Outcome::Pass => (paint("32", "PASS"), secs(*took)),
            Outcome::Fail(_) => (paint("31", "FAIL"), secs(*took)),
            Outcome::NotRun => ("-   ".to_string(), "not run".into()),
        };
        eprintln!("  {:<20} {}  {:>8}", step.name, label, time);
    }
    eprintln!("  {:<20} {:<4}  {:>8}", "total", "", secs(total.elapsed()));
    if let Some((step, Outcome::Fail(why), _)) = results
        .iter()
        .find(|(_, o, _)| matches!(o, Outcome::Fail(_)))
    {
        eprintln!();
        if disk::free_bytes(root).is_ok_and(|free| free < disk::GIB) {
            say(paint(
                "31",
                "the disk is (nearly) full: that alone can fail a build",
            ));
        }
        bail!("step `{}` failed: {why}", step.name);
    }
    eprintln!("all {} steps passed", results.len());
    Ok(())
}

/// A fresh build needs room; say so before it fails with a linker crash far from the cause.
fn warn_if_disk_low(root: &Path) {
    match disk::free_bytes(root) {
        Ok(free) if free < disk::SUITE_NEEDS => say(paint(
            "33",
            &format!(
                "warning: {} free on the disk holding {}; a fresh run writes up to {} \
                 (target/, dist/, node_modules/)",
                disk::gib(free),
                root.display(),
                disk::gib(disk::SUITE_NEEDS)
            ),
        )),
        Ok(_) => {}
        Err(e) => say(format!("could not read free disk space: {e}")),
    }
}

struct Ctx<'a> {
    root: &'a Path,
    browser: Browser,
}

impl Ctx<'_> {
    fn cargo(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(paths::cargo());
        cmd.args(args).current_dir(self.root);
        cmd
    }
}

fn run_step(name: &str, ctx: &Ctx) -> Result<()> {
    match name {
        "fmt" => process::run(&mut ctx.cargo(&["fmt", "--all", "--", "--check"])),
        "clippy" => process::run(&mut ctx.cargo(&[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ])),
        "clippy-wasm" => process::run(&mut ctx.cargo(&[
            "clippy",
            "--target",
            "wasm32-unknown-unknown",
            "-p",
            "eventual",
            "-p",
            "eventual-query",
            "-p",
            "eventual-model",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ])),
        "test" => process::run(&mut ctx.cargo(&["test", "--workspace"])),
        "server-test-postgres" => server_test_postgres(ctx),
        "test-wasm" => test_wasm(ctx),
        "app-build" => dist::build(ctx.root, "/"),
        "server-build" => process::run(&mut ctx.cargo(&["build", "-p", "eventual-server"])),
        "api-schema" => api_schema::run(ctx.root),
        "e2e" => e2e(ctx),
        other => bail!("unknown step {other}"),
    }
}

/// Chrome capabilities for wasm-bindgen-test-runner. The runner itself adds `headless`,
/// `no-sandbox` (needed as root) and `disable-dev-shm-usage`; chromedriver finds its browser.
pub const WEBDRIVER_JSON: &str = r#"{
  "goog:chromeOptions": {
    "args": [
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync"
    ]
  }
}
"#;

/// The HTTP suite again, each test on its own schema of a cluster that lives for this step.
fn server_test_postgres(ctx: &Ctx) -> Result<()> {
    let cluster = postgres::Cluster::start()?;
    let mut cmd = ctx.cargo(&["test", "-p", "eventual-server", "--test", "http"]);
    cmd.env("EVENTUAL_TEST_POSTGRES_URL", cluster.url());
    process::run(&mut cmd)
}

fn test_wasm(ctx: &Ctx) -> Result<()> {
    let dir = paths::target_dir(ctx.root).join("xtask");
    std::fs::create_dir_all(&dir)?;
    let caps = dir.join("webdriver.json");
    std::fs::write(&caps, WEBDRIVER_JSON)?;
    let mut cmd = ctx.cargo(&[
        "test",
        "--target",
        "wasm32-unknown-unknown",
        "-p",
        "eventual-query",
        "-p",
        "eventual",
    ]);
    cmd.env("CHROMEDRIVER", &ctx.browser.chromedriver)
        .env("WASM_BINDGEN_TEST_WEBDRIVER_JSON", &caps);
    // The runner's default (20 s per test binary) is tight on a busy two-core CI machine.
    if std::env::var_os("WASM_BINDGEN_TEST_TIMEOUT").is_none() {
        cmd.env("WASM_BINDGEN_TEST_TIMEOUT", "180");
    }
    process::run(&mut cmd)
}

fn e2e(ctx: &Ctx) -> Result<()> {
    let root = ctx.root;
    let dist = root.join("dist");
    let server_bin = paths::target_dir(root).join("debug/eventual-server");
    if !dist.join("index.html").is_file() {
        bail!("dist/index.html is missing; run the app-build step first (--only app-build,e2e)");
    }
    if !server_bin.is_file() {
        bail!(
            "{} is missing; run the server-build step first",
            server_bin.display()
        );
    }
    let tmp = TempDir::new("eventual-e2e")?;
    // Request logs would drown Playwright's output; keep them in a file, shown on failure.
    let log_dir = paths::target_dir(root).join("xtask");
    std::fs::create_dir_all(&log_dir)?;
    let log_path = log_dir.join("e2e-server.log");
    let log = std::fs::File::create(&log_path)
        .with_context(|| format!("cannot create {}", log_path.display()))?;
    let mut server = Service::spawn_with_ready_line(
        "server",
        Command::new(&server_bin)
            .stderr(log)
            .env("NO_COLOR", "1")
            .args(["--host", "127.0.0.1", "--port", "0", "--allow-fault-header"])
            .arg("--db")
            .arg(tmp.0.join("e2e.db"))
            .arg("--static")
            .arg(&dist)
            .current_dir(root),
    )?;
    let base = server.wait_ready(Duration::from_secs(60))?;
    http::wait_for_ok(
        &format!("{base}/api/health"),
        Duration::from_secs(20),
        process::interruption,
    )?;
    say(format!(
        "server ready at {base}/ (database {})",
        tmp.0.join("e2e.db").display()
    ));

    let result = process::run(
        Command::new(root.join("node_modules/.bin/playwright"))
            .args(["test", "--config", "e2e/playwright.config.ts"])
            // For development: `E2E_ARGS="calendar --workers 1"` runs a subset.
            .args(
                std::env::var("E2E_ARGS")
                    .unwrap_or_default()
                    .split_whitespace(),
            )
            .env("E2E_BASE_URL", format!("{base}/"))
            // Specs that need a deployment of their own start this binary on this build.
            .env("E2E_SERVER_BIN", &server_bin)
            .env("E2E_DIST", &dist)
            .env("CHROMIUM_PATH", &ctx.browser.chromium)
            .current_dir(root),
    );
    // Stop the server before the temporary database is deleted, whatever the outcome.
    server.stop(Duration::from_secs(5));
    drop(tmp);
    if result.is_err() {
        show_tail(&log_path, 40);
    }
    result
}

/// Prints the last `lines` lines of a log file, for failures.
fn show_tail(path: &Path, lines: usize) {
    let Ok(text) = std::fs::read_to_string(path) else {
        return;
    };
    let all: Vec<&str> = text.lines().collect();
    let start = all.len().saturating_sub(lines);
    say(format!(
        "last {} lines of the server log ({}):",
        all.len() - start,
        path.display()
    ));
    for line in &all[start..] {
        eprintln!("  {line}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<Option<Selection>> {
        Selection::parse(s.split_whitespace().map(String::from).collect())
    }

    #[test]
    fn plain_run_selects_every_step_in_order() {
        let all: Vec<&str> = STEPS.iter().map(|s| s.name).collect();
        assert_eq!(parse("").unwrap(), Some(Selection(all)));
    }

    #[test]
    fn only_and_skip_select_steps() {
        assert_eq!(
            parse("--only e2e,fmt").unwrap(),
            Some(Selection(vec!["fmt", "e2e"]))
        );
        let s = parse("--skip-e2e --skip clippy,clippy-wasm")
            .unwrap()
            .unwrap();
        assert_eq!(
            s.0,
            vec![
                "fmt",
                "test",
                "server-test-postgres",
                "test-wasm",
                "app-build",
                "server-build",
                "api-schema"
            ]
        );
        assert_eq!(parse("--list").unwrap(), None);
    }

    #[test]
    fn unknown_steps_are_rejected_with_the_list() {
        let err = parse("--only lint").unwrap_err().to_string();
        assert!(err.contains("lint") && err.contains("clippy-wasm"), "{err}");
    }

    #[test]
    fn step_names_are_unique() {
        let names: std::collections::HashSet<&str> = STEPS.iter().map(|s| s.name).collect();
        assert_eq!(names.len(), STEPS.len());
    }

    #[test]
    fn webdriver_json_is_chrome_options() {
        assert!(WEBDRIVER_JSON
            .trim_start()
            .starts_with("{\n  \"goog:chromeOptions\""));
        assert_eq!(
            WEBDRIVER_JSON.matches('{').count(),
            WEBDRIVER_JSON.matches('}').count()
        );
        assert!(WEBDRIVER_JSON.contains("\"--disable-gpu\""));
    }
}
