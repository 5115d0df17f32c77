//! `cargo xtask`: the project's automation, in Rust so it runs wherever cargo does.
//!
//! `dev` runs the app against a local API server, `test` runs every check CI runs,
//! `dist` builds the static site, `install` only sets up the tools.

mod cmd;
mod install;
mod postgres;
mod process;
mod split;
mod util;

use std::process::ExitCode;

const HELP: &str = "\
cargo xtask <command> [options]

Commands:
  dev      Run the app at http://127.0.0.1:8080/ against a local API server.
             --port N          trunk serve port (default 8080)
             --api-port N      API server port (default 3000; 0 = any free port)
             --db PATH         SQLite file (default data/eventual.db; created and seeded if new)
             --postgres        on a throwaway PostgreSQL cluster instead (seeded, removed
                               on exit; installs Debian's postgresql when root and missing)
             other options go to eventual-server unchanged, e.g.
             --latency-ms N --jitter-ms N --fail-rate F --fault-seed N
             --fault-methods GET,PATCH --allow-fault-header
  test     Run every check CI runs, stopping at the first failure.
             --list            show the steps
             --only a,b        run only these steps
             --skip a,b        skip these steps (--skip-e2e skips e2e)
  dist     Build the static site into dist/ (with 404.html for deep links).
             --public-url P    URL path the site is served from (default /)
  install  Only install/check the tools (Rust wasm target, trunk, wasm-bindgen-cli,
           npm dev-dependencies, Chromium + chromedriver).
  bench    Measure the app and server; writes bench/report.md.
";

fn main() -> ExitCode {
    let root = util::paths::repo_root();
    install::prepare_env(&root);
    process::install_signal_handlers();

    let mut args = std::env::args().skip(1);
    let command = args.next().unwrap_or_default();
    let rest: Vec<String> = args.collect();
    let result = match command.as_str() {
        "dev" => cmd::dev::run(&root, rest),
        "test" => cmd::test::run(&root, rest),
        "dist" => cmd::dist::run(&root, rest),
        "install" => util::args::Args::new(rest)
            .finish()
            .and_then(|()| install::ensure(&root, install::Needs::ALL).map(drop)),
        "bench" => cmd::bench::run(rest),
        "" | "help" | "-h" | "--help" => {
            print!("{HELP}");
            return ExitCode::SUCCESS;
        }
        other => Err(anyhow::anyhow!("unknown command `{other}`\n\n{HELP}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{}: {e:#}", util::paint("1;31", "error"));
            // 128 + signal, like a shell, when we stopped because of a signal.
            match process::interrupted() {
                Some(sig) => ExitCode::from(128u8.saturating_add(sig as u8)),
                None => ExitCode::FAILURE,
            }
        }
    }
}
