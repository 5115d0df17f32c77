//! A throwaway PostgreSQL cluster: found (or, as root, installed from Debian's `postgresql`),
//! initialised in a temp dir, served on a free loopback port, and stopped and removed on drop
//! (so also after a failed step or Ctrl-C).

use crate::process::{self, Service};
use crate::util::{paths, say, temp::TempDir};
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// The binaries a cluster needs.
const TOOLS: [&str; 3] = ["initdb", "postgres", "pg_isready"];

/// A running cluster; dropping it stops the server and deletes its directory.
pub struct Cluster {
    // Declared first so the server stops before its directory goes.
    _server: Service,
    _dir: TempDir,
    port: u16,
}

impl Cluster {
    /// A URL of the `postgres` database as the superuser `postgres` (trust auth, loopback).
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// Initialise and start a new cluster, installing PostgreSQL first when it is missing.
    pub fn start() -> Result<Cluster> {
        let bin = bin_dir().map_or_else(install, Ok)?;
        let dir = TempDir::new("eventual-pg")?;
        let data = dir.0.join("data");
        let as_root = is_root();
        if as_root {
            // initdb and postgres refuse to run as root: the cluster belongs to `postgres`.
            chown_postgres(&dir.0)?;
        }
        let started = Instant::now();
        let mut initdb = as_owner(as_root, &bin.join("initdb"));
        initdb.arg("-D").arg(&data).args([
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-locale",
            "--no-sync",
        ]);
        let init = process::output(&mut initdb);
        if init.is_none() {
            bail!("`{}` failed", process::display(&initdb));
        }
        let port = free_port()?;
        let mut postgres = as_owner(as_root, &bin.join("postgres"));
        postgres
            .arg("-D")
            .arg(&data)
            .args(["-p", &port.to_string(), "-k"])
            .arg(&dir.0);
        // Throwaway data: durability settings off, enough connections for parallel tests.
        for setting in [
            "listen_addresses=127.0.0.1",
            "fsync=off",
            "synchronous_commit=off",
            "full_page_writes=off",
            "max_connections=300",
        ] {
            postgres.args(["-c", setting]);
        }
        postgres
            .stdout(std::fs::File::create(dir.0.join("log"))?)
            .stderr(std::fs::File::create(dir.0.join("log.err"))?);
        let mut server = Service::spawn("postgres", &mut postgres)?;
        wait_ready(&bin, port, &mut server, &dir.0)?;
        say(format!(
            "PostgreSQL ready on 127.0.0.1:{port} in {:.1}s ({})",
            started.elapsed().as_secs_f64(),
            dir.0.display()
        ));
        Ok(Cluster {
            _server: server,
            _dir: dir,
            port,
        })
    }
}

/// Poll `pg_isready` until the server accepts connections.
fn wait_ready(bin: &Path, port: u16, server: &mut Service, dir: &Path) -> Result<()> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let ready = Command::new(bin.join("pg_isready"))
            .args(["-q", "-h", "127.0.0.1", "-p", &port.to_string()])
            .status()
            .is_ok_and(|s| s.success());
        if ready {
            return Ok(());
        }
        if let Some(status) = server.exit_status()? {
            let log = std::fs::read_to_string(dir.join("log.err")).unwrap_or_default();
            bail!("postgres exited before it was ready ({status}):\n{log}");
        }
        if let Some(why) = process::interruption() {
            bail!("{why}");
        }
        if Instant::now() > deadline {
            bail!("postgres did not accept connections within 30 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The directory holding `initdb`, `postgres` and `pg_isready`: the newest Debian
/// `/usr/lib/postgresql/N/bin`, else wherever `initdb` on PATH really lives (on Debian
/// `/usr/local/bin/pg_ctl` and friends may be symlinks into that directory).
pub fn bin_dir() -> Option<PathBuf> {
    let complete = |dir: &Path| TOOLS.iter().all(|t| dir.join(t).is_file());
    let mut debian: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let version = e.file_name().to_str()?.parse::<u32>().ok()?;
            Some((version, e.path().join("bin")))
        })
        .filter(|(_, dir)| complete(dir))
        .collect();
    debian.sort();
    if let Some((_, dir)) = debian.pop() {
        return Some(dir);
    }
    let initdb = paths::which("initdb")?;
    let real = std::fs::canonicalize(&initdb).unwrap_or(initdb);
    real.parent().filter(|d| complete(d)).map(Path::to_path_buf)
}

/// Install Debian's `postgresql` when root, else say what to install.
fn install() -> Result<PathBuf> {
    if !is_root() || paths::which("apt-get").is_none() {
        bail!(
            "PostgreSQL is not installed (no initdb/postgres/pg_isready found in \
             /usr/lib/postgresql/*/bin or on PATH). Install the server, e.g. on Debian/Ubuntu \
             `sudo apt-get install postgresql`, or skip this step with --skip server-test-postgres"
        );
    }
    say("PostgreSQL not found: installing Debian's postgresql (apt-get)");
    process::run(Command::new("apt-get").arg("update"))?;
    process::run(
        Command::new("apt-get")
            .args(["install", "-y", "--no-install-recommends", "postgresql"])
            .env("DEBIAN_FRONTEND", "noninteractive"),
    )?;
    bin_dir().context("postgresql was installed but its binaries were not found")
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// A command for `program`, run as `postgres` when we are root.
fn as_owner(as_root: bool, program: &Path) -> Command {
    if as_root {
        let mut cmd = Command::new("runuser");
        cmd.args(["-u", "postgres", "--"]).arg(program);
        cmd
    } else {
        Command::new(program)
    }
}

fn chown_postgres(dir: &Path) -> Result<()> {
    let status = Command::new("chown")
        .arg("postgres:")
        .arg(dir)
        .status()
        .context("running chown")?;
    if !status.success() {
        bail!(
            "cannot give {} to the `postgres` user (does it exist?)",
            dir.display()
        );
    }
    Ok(())
}

/// A port nobody listens on right now.
fn free_port() -> Result<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").context("finding a free port")?;
    Ok(listener.local_addr()?.port())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_owner_runs_commands_itself_and_root_runs_them_as_postgres() {
        let cmd = as_owner(true, Path::new("/x/initdb"));
        assert_eq!(process::display(&cmd), "runuser -u postgres -- /x/initdb");
        let cmd = as_owner(false, Path::new("/x/initdb"));
        assert_eq!(process::display(&cmd), "/x/initdb");
    }
}
