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

/// A child that leads its own process group, so it and everything it starts (rustc, a
/// chromedriver, a browser) can be signalled together and swept up when it exits.
struct Group {
    child: Child,
    status: Option<ExitStatus>,
}

impl Group {
    fn spawn(cmd: &mut Command) -> Result<Self> {
        cmd.stdin(Stdio::null()).process_group(0);
        #[cfg(target_os = "linux")]
        // SAFETY: prctl is async-signal-safe and touches only the new child's own state.
        unsafe {
            cmd.pre_exec(|| {
                // If xtask dies (even by SIGKILL), the child is told to stop too.
                if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM) == -1 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = cmd
            .spawn()
            .with_context(|| format!("cannot start `{}`", display(cmd)))?;
        Ok(Self {
            child,
            status: None,
        })
    }

    fn signal(&self, sig: libc::c_int) {
        if self.status.is_none() {
            // SAFETY: kill(2) on the group we created; its leader is not reaped yet (see
            // `poll`), so the group id cannot have been reused. ESRCH is fine.
            unsafe { libc::kill(-(self.child.id() as libc::pid_t), sig) };
        }
    }

    /// The exit status once the leader has exited. Leftover group members are killed first,
    /// while the unreaped leader still reserves the group id.
    fn poll(&mut self) -> Result<Option<ExitStatus>> {
        if self.status.is_none() && leader_exited(&mut self.child)? {
            self.signal(libc::SIGKILL);
            self.status = Some(self.child.wait()?);
        }
        Ok(self.status)
    }
}

/// Whether `child` has exited, without reaping it.
#[cfg(target_os = "linux")]
fn leader_exited(child: &mut Child) -> Result<bool> {
    // SAFETY: waitid with WNOWAIT only inspects our own child; siginfo is plain data.
    unsafe {
        let mut info: libc::siginfo_t = std::mem::zeroed();
        let flags = libc::WEXITED | libc::WNOHANG | libc::WNOWAIT;
        if libc::waitid(libc::P_PID, child.id(), &mut info, flags) == -1 {
            return Err(std::io::Error::last_os_error().into());
        }
        Ok(info.si_pid() != 0)
    }
}

/// Whether `child` has exited (elsewhere: reaps it; std keeps the status for `wait`).
#[cfg(not(target_os = "linux"))]
fn leader_exited(child: &mut Child) -> Result<bool> {
    Ok(child.try_wait()?.is_some())
}

/// Runs a command in the foreground and returns its exit status. It gets its own process
/// group: signals we receive (a terminal Ctrl-C, CI's SIGTERM) are forwarded to the group, and
/// anything it leaves behind (say, a chromedriver) is killed when it exits.
pub fn run_status(cmd: &mut Command) -> Result<ExitStatus> {
    say(format!("$ {}", display(cmd)));
    let mut group = Group::spawn(cmd)?;
    let mut forwarded = false;
    loop {
        if let Some(status) = group.poll()? {
            return Ok(status);
        }
        if let (Some(sig), false) = (interrupted(), forwarded) {
            group.signal(sig);
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
    group: Group,
    ready: Option<mpsc::Receiver<String>>,
}

impl Service {
    /// Starts `cmd` as a new process-group leader (on Linux it also gets SIGTERM if xtask
    /// dies, so even `kill -9` of xtask leaves no server behind).
    pub fn spawn(name: &str, cmd: &mut Command) -> Result<Self> {
        say(format!("$ {}", display(cmd)));
        let group = Group::spawn(cmd).with_context(|| format!("cannot start {name}"))?;
        Ok(Self {
            name: name.to_string(),
            group,
            ready: None,
        })
    }

    /// Starts `cmd` with its stdout copied to ours line by line (prefixed with the name) and
    /// watched for the `eventual-server listening on …` ready line.
    pub fn spawn_with_ready_line(name: &str, cmd: &mut Command) -> Result<Self> {
        cmd.stdout(Stdio::piped());
        let mut service = Self::spawn(name, cmd)?;
        let stdout = service.group.child.stdout.take().expect("stdout was piped");
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

    /// The exit status if the process has exited (its group is swept at that moment).
    pub fn exit_status(&mut self) -> Result<Option<ExitStatus>> {
        self.group.poll()
    }

    /// The service's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    fn wait_exit(&mut self, within: Duration) -> String {
        let deadline = Instant::now() + within;
        loop {
            if let Ok(Some(status)) = self.exit_status() {
                return status.to_string();
            }
            if Instant::now() >= deadline {
                return "still running".into();
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Stops the whole process group: SIGTERM, up to `grace` to exit, then SIGKILL.
    pub fn stop(&mut self, grace: Duration) {
        if !matches!(self.exit_status(), Ok(None)) {
            return;
        }
        self.group.signal(libc::SIGTERM);
        if self.wait_exit(grace) == "still running" {
            say(format!(
                "{} did not stop within {grace:?}; killing it",
                self.name
            ));
            self.group.signal(libc::SIGKILL);
            let _ = self.wait_exit(Duration::from_secs(5));
        }
        say(format!("stopped {}", self.name));
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

    /// Reads a pid written by a test script, waiting for the file to appear.
    #[cfg(target_os = "linux")]
    fn read_pid(pidfile: &std::path::Path) -> i32 {
        loop {
            if let Ok(text) = std::fs::read_to_string(pidfile) {
                if let Ok(pid) = text.trim().parse() {
                    std::fs::remove_file(pidfile).ok();
                    return pid;
                }
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Asserts that `pid` is gone (or a zombie waiting for init to reap it).
    #[cfg(target_os = "linux")]
    fn assert_dies(pid: i32) {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let gone = match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
                Err(_) => true,
                Ok(s) => {
                    s.rsplit(')')
                        .next()
                        .and_then(|r| r.split_whitespace().next())
                        == Some("Z")
                }
            };
            if gone {
                return;
            }
            assert!(Instant::now() < deadline, "process {pid} survived");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    #[cfg(target_os = "linux")]
    fn pidfile(tag: &str) -> std::path::PathBuf {
        std::env::temp_dir().join(format!("xtask-test-{tag}-{}.pid", std::process::id()))
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn run_sweeps_what_a_step_leaves_behind() {
        // Like a test runner that exits but leaves its chromedriver running.
        let file = pidfile("sweep");
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "sleep 300 & echo $! > \"$0\""]).arg(&file);
        assert!(run_status(&mut cmd).unwrap().success());
        assert_dies(read_pid(&file));
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn service_reads_the_ready_line_and_stop_kills_the_group() {
        // A fake server: prints the ready line, starts a grandchild in its group, then waits.
        let file = pidfile("service");
        let script = "echo 'eventual-server listening on http://127.0.0.1:4321'; \
                      sleep 300 & echo $! > \"$0\"; wait";
        let mut cmd = Command::new("sh");
        cmd.args(["-c", script]).arg(&file);
        let mut svc = Service::spawn_with_ready_line("fake", &mut cmd).unwrap();
        let url = svc.wait_ready(Duration::from_secs(10)).unwrap();
        assert_eq!(url, "http://127.0.0.1:4321");
        let grandchild = read_pid(&file);
        assert!(svc.exit_status().unwrap().is_none());
        drop(svc);
        assert_dies(grandchild);
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
