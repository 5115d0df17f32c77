//! `cargo xtask dev`: the API server on an SQLite file (or, with `--postgres`, a throwaway
//! PostgreSQL cluster) plus `trunk serve` with a proxy to it.
//!
//! The server is a debug build: it compiles in a fraction of the release time (the workspace
//! release profile uses LTO for the small wasm) and is far faster than a dev loop needs.

use crate::install::{self, Needs};
use crate::postgres;
use crate::process::{self, Service};
use crate::util::{args::Args, http, paint, paths, say};
use anyhow::{bail, Result};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// Options of `cargo xtask dev`.
#[derive(Debug, PartialEq)]
pub struct DevArgs {
    /// Port of `trunk serve` (the URL to open).
    pub port: u16,
    /// Port of the API server (0 = any free port).
    pub api_port: u16,
    /// SQLite file, relative to the repository root unless absolute.
    pub db: PathBuf,
    /// Run on a throwaway PostgreSQL cluster instead of `db`.
    pub postgres: bool,
    /// Passed to `eventual-server` unchanged (fault injection, latency, …).
    pub server_args: Vec<String>,
}

impl DevArgs {
    /// Parses the options; unknown ones go to the server.
    pub fn parse(args: Vec<String>) -> Result<Self> {
        let mut args = Args::new(args);
        let port = args.parsed("--port")?.unwrap_or(8080);
        let api_port = args.parsed("--api-port")?.unwrap_or(3000);
        let db = args
            .value("--db")?
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("data/eventual.db"));
        let postgres = args.flag("--postgres");
        let server_args = args.rest();
        for reserved in ["--host", "--port", "--db", "--static"] {
            if server_args
                .iter()
                .any(|a| a == reserved || a.starts_with(&format!("{reserved}=")))
            {
                bail!("{reserved} is set by `cargo xtask dev` itself; see `cargo xtask help`");
            }
        }
        Ok(Self {
            port,
            api_port,
            db,
            postgres,
            server_args,
        })
    }
}

/// Runs the dev environment until Ctrl-C or until one of the two processes exits.
pub fn run(root: &Path, args: Vec<String>) -> Result<()> {
    let args = DevArgs::parse(args)?;
    install::ensure(root, Needs::DEV)?;

    process::run(
        Command::new(paths::cargo())
            .args(["build", "--package", "eventual-server"])
            .current_dir(root),
    )?;
    let server_bin = paths::target_dir(root).join("debug/eventual-server");

    // Dropped last: the cluster outlives the server that uses it.
    let cluster = args.postgres.then(postgres::Cluster::start).transpose()?;
    let (db, fresh) = match &cluster {
        Some(c) => (PathBuf::from(c.url()), true),
        None => {
            let db = root.join(&args.db);
            (db.clone(), !db.exists())
        }
    };
    if let (None, Some(dir)) = (&cluster, db.parent()) {
        std::fs::create_dir_all(dir)?;
    }
    let mut server_cmd = Command::new(&server_bin);
    server_cmd
        .args(["--host", "127.0.0.1", "--port", &args.api_port.to_string()])
        .arg("--db")
        .arg(&db)
        .args(&args.server_args)
        .current_dir(root);
    if fresh {
        say(format!(
            "{} is new: creating it with sample events",
            db.display()
        ));
        server_cmd.arg("--seed");
    }
    let mut server = Service::spawn_with_ready_line("api", &mut server_cmd)?;
    let api = server.wait_ready(Duration::from_secs(60))?;
    http::wait_for_ok(
        &format!("{api}/api/health"),
        Duration::from_secs(20),
        process::interruption,
    )?;

    let mut trunk = Service::spawn(
        "trunk",
        Command::new("trunk")
            .args(["serve", "--offline", "--port", &args.port.to_string()])
            .arg("--proxy-backend")
            .arg(format!("{api}/api/"))
            .current_dir(root),
    )?;
    let url = format!("http://127.0.0.1:{}/", args.port);
    say("building the app (the first build takes a few minutes)…");
    // The first wasm build of a cold target dir can take many minutes on two cores.
    http::wait_for_ok(&url, Duration::from_secs(45 * 60), || {
        process::interruption()
            .or_else(|| exited(&mut trunk))
            .or_else(|| exited(&mut server))
    })?;
    say(format!(
        "{}  (API {api}/api, database {}) — Ctrl-C stops both",
        paint("1", &format!("Eventual is running at {url}")),
        db.display()
    ));

    let reason = loop {
        if let Some(why) = process::interruption() {
            break why;
        }
        if let Some(why) = exited(&mut trunk).or_else(|| exited(&mut server)) {
            break why;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    say(format!("stopping ({reason})"));
    trunk.stop(Duration::from_secs(5));
    server.stop(Duration::from_secs(5));
    if process::interrupted().is_none() {
        bail!("{reason}");
    }
    Ok(())
}

fn exited(service: &mut Service) -> Option<String> {
    match service.exit_status() {
        Ok(Some(status)) => Some(format!("{} exited ({status})", service.name())),
        Ok(None) => None,
        Err(e) => Some(format!("{}: {e}", service.name())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<DevArgs> {
        DevArgs::parse(s.split_whitespace().map(String::from).collect())
    }

    #[test]
    fn defaults() {
        assert_eq!(
            parse("").unwrap(),
            DevArgs {
                port: 8080,
                api_port: 3000,
                db: PathBuf::from("data/eventual.db"),
                postgres: false,
                server_args: vec![],
            }
        );
    }

    #[test]
    fn fault_flags_pass_through_to_the_server() {
        let a = parse("--port 9000 --latency-ms 400 --fail-rate 0.2 --allow-fault-header").unwrap();
        assert_eq!(a.port, 9000);
        assert_eq!(
            a.server_args,
            vec![
                "--latency-ms",
                "400",
                "--fail-rate",
                "0.2",
                "--allow-fault-header"
            ]
        );
    }

    #[test]
    fn postgres_is_a_dev_flag_not_a_server_one() {
        let a = parse("--postgres --latency-ms 5").unwrap();
        assert!(a.postgres);
        assert_eq!(a.server_args, vec!["--latency-ms", "5"]);
    }

    #[test]
    fn flags_owned_by_dev_are_refused_in_passthrough() {
        assert!(parse("-- --static dist").is_err());
        assert!(parse("-- --host=0.0.0.0").is_err());
    }
}
