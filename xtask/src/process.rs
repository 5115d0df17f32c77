//! Child processes: foreground steps, background services in their own process groups,
//! and signal handling so Ctrl-C (or a CI timeout's SIGTERM) never leaves orphans behind.

use crate::util::{manifest, paths, say};
use anyhow::{bail, Context, Result};
use std::io::{BufRead, BufReader, Write};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

static SIGNAL: AtomicI32 = AtomicI32::new(0);

extern "C" fn remember_signal(sig: libc::c_int) {
    // Only an atomic store: async-signal-safe.
    SIGNAL.store(sig, Ordering::SeqCst);
}

/// Catches SIGINT, SIGTERM and SIGHUP so xtask can stop its children before exiting.
pub fn install_signal_handlers() {
    for sig in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
        // SAFETY: a zeroed sigaction is valid; the handler only stores to an atomic.
        unsafe {
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = remember_signal as extern "C" fn(libc::c_int) as usize;
            libc::sigemptyset(&mut action.sa_mask);
            action.sa_flags = libc::SA_RESTART;
            libc::sigaction(sig, &action, std::ptr::null_mut());
        }
    }
}

/// The signal that asked us to stop, if any.
pub fn interrupted() -> Option<i32> {
    match SIGNAL.load(Ordering::SeqCst) {
        0 => None,
        sig => Some(sig),
    }
}

/// Human-readable "interrupted by SIGINT" text, when interrupted.
pub fn interruption() -> Option<String> {
    interrupted().map(|sig| format!("interrupted by {}", signal_name(sig)))
}

fn signal_name(sig: i32) -> &'static str {
    match sig {
        libc::SIGINT => "SIGINT",
        libc::SIGTERM => "SIGTERM",
        libc::SIGHUP => "SIGHUP",
        libc::SIGKILL => "SIGKILL",
        _ => "a signal",
    }
}

/// Renders a command the way a user would type it.
pub fn display(cmd: &Command) -> String {
    // `$CARGO` is a long toolchain path; users know it as `cargo`.
    let program = if cmd.get_program() == paths::cargo() {
        "cargo".into()
    } else {
        cmd.get_program().to_string_lossy().into_owned()
    };
    let mut parts = vec![program];
    parts.extend(cmd.get_args().map(|a| {
        let a = a.to_string_lossy();
        if a.contains(' ') || a.is_empty() {
            format!("'{a}'")
        } else {
            a.into_owned()
        }
    }));
    parts.join(" ")
}

/// Runs a command in the foreground (our process group, so a terminal Ctrl-C reaches it too)
/// and returns its exit status. A signal we receive is forwarded once.
pub fn run_status(cmd: &mut Command) -> Result<ExitStatus> {
    say(format!("$ {}", display(cmd)));
    cmd.stdin(Stdio::null());
    let mut child = cmd
        .spawn()
        .with_context(|| format!("cannot start `{}`", display(cmd)))?;
    let mut forwarded = false;
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(status);
        }
        if let (Some(sig), false) = (interrupted(), forwarded) {
            // SAFETY: plain kill(2) on our own child's pid, which is not yet reaped.
            unsafe { libc::kill(child.id() as libc::pid_t, sig) };
            forwarded = true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Runs a command in the foreground and fails unless it exits successfully.
pub fn run(cmd: &mut Command) -> Result<()> {
    let status = run_status(cmd)?;
    if let Some(why) = interruption() {
        bail!("{why}");
    }
    if !status.success() {
        bail!("`{}` failed ({status})", display(cmd));
    }
    Ok(())
}

/// Runs a command and returns its trimmed stdout, or `None` if it cannot run or fails.
pub fn output(cmd: &mut Command) -> Option<String> {
    let out = cmd
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// A long-running child (server, `trunk serve`) in its own process group. Dropping it stops
/// the whole group: SIGTERM, a grace period, then SIGKILL.
pub struct Service {
    name: String,
    child: Child,
    exited: Option<ExitStatus>,
    ready: Option<mpsc::Receiver<String>>,
    stopped: bool,
}

impl Service {
    /// Starts `cmd` as a new process-group leader. On Linux it also gets SIGTERM if xtask dies,
    /// so even `kill -9` of xtask leaves no server behind.
    pub fn spawn(name: &str, cmd: &mut Command) -> Result<Self> {
        say(format!("$ {}", display(cmd)));
        cmd.stdin(Stdio::null()).process_group(0);
        #[cfg(target_os = "linux")]
        // SAFETY: prctl is async-signal-safe and touches only the new child's own state.
        unsafe {
            cmd.pre_exec(|| {
                if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM) == -1 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = cmd
            .spawn()
            .with_context(|| format!("cannot start {name}: `{}`", display(cmd)))?;
        Ok(Self {
            name: name.to_string(),
            child,
            exited: None,
            ready: None,
            stopped: false,
        })
    }

    /// Starts `cmd` with its stdout copied to ours line by line (prefixed with the name) and
    /// watched for the `eventual-server listening on …` ready line.
    pub fn spawn_with_ready_line(name: &str, cmd: &mut Command) -> Result<Self> {
        cmd.stdout(Stdio::piped());
        let mut service = Self::spawn(name, cmd)?;
        let stdout = service.child.stdout.take().expect("stdout was piped");
        let (tx, rx) = mpsc::channel();
        let prefix = format!("[{name}] ");
        std::thread::spawn(move || {
            let mut sent = false;
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let mut out = std::io::stdout().lock();
                let _ = writeln!(out, "{prefix}{line}");
                if !sent {
                    if let Some(url) = manifest::ready_url(&line) {
                        sent = tx.send(url.to_string()).is_ok();
                    }
                }
            }
        });
        service.ready = Some(rx);
        Ok(service)
    }

    /// Waits for the ready line and returns the base URL it announces.
    pub fn wait_ready(&mut self, within: Duration) -> Result<String> {
        let rx = self
            .ready
            .take()
            .context("service was not started with a ready line")?;
        let deadline = Instant::now() + within;
        loop {
            match rx.recv_timeout(Duration::from_millis(100)) {
                Ok(url) => return Ok(url),
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    let status = self.wait_exit(Duration::from_secs(2));
                    bail!(
                        "{} closed its output before it was ready ({status})",
                        self.name
                    )
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {}
            }
            if let Some(status) = self.exit_status()? {
                bail!("{} exited before it was ready ({status})", self.name);
            }
            if let Some(why) = interruption() {
                bail!("{why}");
            }
            if Instant::now() >= deadline {
                bail!("{} printed no ready line within {within:?}", self.name);
            }
        }
    }

    /// The exit status if the process has exited.
    pub fn exit_status(&mut self) -> Result<Option<ExitStatus>> {
        if self.exited.is_none() {
            self.exited = self.child.try_wait()?;
        }
        Ok(self.exited)
    }

    /// The service's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    fn wait_exit(&mut self, within: Duration) -> String {
        let deadline = Instant::now() + within;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.exit_status() {
                return status.to_string();
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        "still running".into()
    }

    fn signal_group(&self, sig: libc::c_int) {
        let pgid = self.child.id() as libc::pid_t;
        // SAFETY: kill(2) on the process group we created; ESRCH (already gone) is fine.
        unsafe { libc::kill(-pgid, sig) };
    }

    /// Stops the whole process group: SIGTERM, up to `grace` to exit, then SIGKILL.
    pub fn stop(&mut self, grace: Duration) {
        // Once only: after the leader is reaped its pid (= our group id) may be reused.
        if std::mem::replace(&mut self.stopped, true) {
            return;
        }
        let was_running = matches!(self.exit_status(), Ok(None));
        self.signal_group(libc::SIGTERM);
        if was_running {
            let status = self.wait_exit(grace);
            if status == "still running" {
                say(format!(
                    "{} did not stop within {grace:?}; killing it",
                    self.name
                ));
            }
        }
        // Sweep the group (e.g. a cargo build started by trunk) and reap the leader.
        self.signal_group(libc::SIGKILL);
        let _ = self.child.wait();
        if was_running {
            say(format!("stopped {}", self.name));
        }
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        self.stop(Duration::from_secs(5));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_quotes_arguments_with_spaces() {
        let mut cmd = Command::new("cargo");
        cmd.args(["test", "a b", ""]);
        assert_eq!(display(&cmd), "cargo test 'a b' ''");
    }

    #[test]
    fn run_reports_failure_with_the_command() {
        let err = run(Command::new("sh").args(["-c", "exit 3"])).unwrap_err();
        assert!(err.to_string().contains("sh -c 'exit 3'"), "{err}");
        run(&mut Command::new("true")).unwrap();
    }

    #[test]
    fn output_captures_stdout() {
        assert_eq!(
            output(Command::new("echo").arg("hi")).as_deref(),
            Some("hi")
        );
        assert_eq!(output(&mut Command::new("false")), None);
        assert_eq!(
            output(&mut Command::new("surely-not-a-real-tool-xyz")),
            None
        );
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn service_reads_the_ready_line_and_stop_kills_the_group() {
        // A fake server: prints the ready line, starts a grandchild in its group, then waits.
        let script = "echo 'eventual-server listening on http://127.0.0.1:4321'; \
                      sleep 300 & echo $! > \"$0\"; wait";
        let pidfile = std::env::temp_dir().join(format!("xtask-test-{}.pid", std::process::id()));
        let mut cmd = Command::new("sh");
        cmd.args(["-c", script]).arg(&pidfile);
        let mut svc = Service::spawn_with_ready_line("fake", &mut cmd).unwrap();
        let url = svc.wait_ready(Duration::from_secs(10)).unwrap();
        assert_eq!(url, "http://127.0.0.1:4321");
        let grandchild: i32 = loop {
            if let Ok(text) = std::fs::read_to_string(&pidfile) {
                if let Ok(pid) = text.trim().parse() {
                    break pid;
                }
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        drop(svc);
        std::fs::remove_file(&pidfile).ok();
        // The grandchild was in the service's group, so it must be gone (or a zombie
        // waiting for init) once the service is dropped.
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let stat = std::fs::read_to_string(format!("/proc/{grandchild}/stat"));
            let gone = match stat {
                Err(_) => true,
                Ok(s) => s.split_whitespace().nth(2) == Some("Z"),
            };
            if gone {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "grandchild {grandchild} survived"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    #[test]
    fn wait_ready_fails_when_the_process_exits_first() {
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "echo starting; exit 7"]);
        let mut svc = Service::spawn_with_ready_line("dies", &mut cmd).unwrap();
        let err = svc.wait_ready(Duration::from_secs(10)).unwrap_err();
        assert!(err.to_string().contains("dies"), "{err}");
    }
}
