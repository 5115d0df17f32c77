//! Tool checks and installs. Everything is checked first and installed only when missing or at
//! the wrong version, so a second run installs nothing.

use crate::process::{self, output};
use crate::util::{manifest, paths, say};
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The Trunk release the build is tested with.
pub const TRUNK_VERSION: &str = "0.21.14";
/// Oldest Node.js major that the npm dev tools (binaryen 132, Playwright) support.
const NODE_MIN_MAJOR: u32 = 20;

/// Which tools a command needs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Needs {
    /// Rust's `wasm32-unknown-unknown` target.
    pub wasm_target: bool,
    /// `trunk` (plus the crates it builds, fetched so `--offline` works).
    pub trunk: bool,
    /// `wasm-bindgen` and `wasm-bindgen-test-runner`, matching Cargo.lock.
    pub wasm_bindgen: bool,
    /// The npm dev-dependencies (wasm-opt, Playwright).
    pub node_modules: bool,
    /// Chromium and chromedriver for browser tests.
    pub browser: bool,
    /// The Python venv with schemathesis and openapi-spec-validator (see [`api_schema_venv`]).
    pub api_schema_tools: bool,
}

impl Needs {
    /// Merges two sets of needs.
    pub fn union(self, other: Needs) -> Needs {
        Needs {
            wasm_target: self.wasm_target || other.wasm_target,
            trunk: self.trunk || other.trunk,
            wasm_bindgen: self.wasm_bindgen || other.wasm_bindgen,
            node_modules: self.node_modules || other.node_modules,
            browser: self.browser || other.browser,
            api_schema_tools: self.api_schema_tools || other.api_schema_tools,
        }
    }

    /// Everything.
    pub const ALL: Needs = Needs {
        wasm_target: true,
        trunk: true,
        wasm_bindgen: true,
        node_modules: true,
        browser: true,
        api_schema_tools: true,
    };

    /// What `trunk serve` needs (debug builds never run wasm-opt, so no Node.js).
    pub const DEV: Needs = Needs {
        wasm_target: true,
        trunk: true,
        wasm_bindgen: true,
        node_modules: false,
        browser: false,
        api_schema_tools: false,
    };

    /// What a release build of the app with Trunk needs.
    pub const APP_BUILD: Needs = Needs {
        wasm_target: true,
        trunk: true,
        wasm_bindgen: true,
        node_modules: true,
        browser: false,
        api_schema_tools: false,
    };
}

/// Where the browser binaries are, once ensured.
#[derive(Clone, Debug, Default)]
pub struct Browser {
    /// Chromium (or Chrome) executable.
    pub chromium: PathBuf,
    /// Matching chromedriver.
    pub chromedriver: PathBuf,
}

/// Puts `node_modules/.bin` and cargo's bin dir first on our own `PATH` (inherited by every
/// child, so Trunk finds wasm-opt 132 and the cargo-installed tools), and makes sure no npm
/// install ever downloads Playwright's browsers.
pub fn prepare_env(root: &Path) {
    let mut dirs = vec![root.join("node_modules").join(".bin")];
    dirs.extend(paths::cargo_bin_dir());
    let path = paths::prepend_path(std::env::var_os("PATH"), &dirs);
    // Called first thing in main, before any thread exists.
    std::env::set_var("PATH", path);
    std::env::set_var("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
}

/// Checks every needed tool and installs what is missing. Returns the browser paths when
/// `needs.browser` is set.
pub fn ensure(root: &Path, needs: Needs) -> Result<Option<Browser>> {
    if needs.wasm_target {
        ensure_wasm_target()?;
    }
    if needs.trunk {
        ensure_trunk()?;
        ensure_build_std(root)?;
    }
    if needs.wasm_bindgen {
        ensure_wasm_bindgen(root)?;
    }
    if needs.node_modules {
        ensure_node_modules(root)?;
    }
    if needs.trunk {
        // Trunk builds run with `--offline`, so every crate must already be downloaded.
        process::run(Command::new(paths::cargo()).arg("fetch").current_dir(root))?;
    }
    if needs.api_schema_tools {
        ensure_api_schema_venv(root)?;
    }
    needs.browser.then(ensure_browser).transpose()
}

/// The pinned Python tools of the `api-schema` step.
pub const API_SCHEMA_REQUIREMENTS: &str = "xtask/api-schema/requirements.txt";

/// The venv holding them, inside the target dir so `cargo clean` takes it too.
pub fn api_schema_venv(root: &Path) -> PathBuf {
    paths::target_dir(root).join("xtask/api-schema-venv")
}

/// Creates the venv and `pip install`s the pinned requirements, unless the venv was made from
/// exactly this requirements file.
fn ensure_api_schema_venv(root: &Path) -> Result<()> {
    let venv = api_schema_venv(root);
    let requirements = root.join(API_SCHEMA_REQUIREMENTS);
    let wanted = std::fs::read(&requirements)
        .with_context(|| format!("cannot read {}", requirements.display()))?;
    let stamp = venv.join(".xtask-requirements.txt");
    let python = venv.join("bin/python");
    if std::fs::read(&stamp).ok().as_ref() == Some(&wanted) && python.is_file() {
        ok("schemathesis + openapi-spec-validator (api-schema venv unchanged)");
        return Ok(());
    }
    let system = paths::which("python3")
        .context("the api-schema step needs python3 (3.9 or newer) with its venv module")?;
    say(format!(
        "install  schemathesis + openapi-spec-validator (pip, into {})",
        venv.display()
    ));
    // --clear: a venv left half-made by an interrupted install is rebuilt, not trusted.
    process::run(
        Command::new(system)
            .args(["-m", "venv", "--clear"])
            .arg(&venv),
    )
    .context("cannot create a Python venv; on Debian/Ubuntu: apt-get install python3-venv")?;
    process::run(
        Command::new(&python)
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
            ])
            .args(["--no-input", "-r"])
            .arg(&requirements),
    )?;
    std::fs::write(&stamp, wanted).context("cannot write the api-schema venv stamp")?;
    Ok(())
}

fn ok(what: &str) {
    say(format!("ok       {what}"));
}

fn ensure_wasm_target() -> Result<()> {
    const TARGET: &str = "wasm32-unknown-unknown";
    let sysroot = output(Command::new("rustc").args(["--print", "sysroot"]))
        .context("cannot run `rustc --print sysroot`; is Rust installed?")?;
    let installed = Path::new(&sysroot)
        .join("lib/rustlib")
        .join(TARGET)
        .is_dir();
    if installed {
        ok(&format!("rust target {TARGET}"));
        return Ok(());
    }
    say(format!("install  rust target {TARGET}"));
    if paths::which("rustup").is_none() {
        bail!("the Rust target {TARGET} is missing and rustup is not available; install it with your Rust distribution");
    }
    process::run(Command::new("rustup").args(["target", "add", TARGET]))
}

/// The rustc the shipped wasm's unstable flags (`cmd::dist::WASM_RUSTFLAGS`, `-Zbuild-std`)
/// are tested with; another release may rename them, so it is checked, not assumed.
pub const BUILD_STD_RUSTC: &str = "1.95.";

/// `-Zbuild-std` compiles std from the `rust-src` component; its crates must be fetched for
/// Trunk's `--offline` cargo call.
fn ensure_build_std(root: &Path) -> Result<()> {
    let version = output(Command::new("rustc").arg("--version")).unwrap_or_default();
    if !manifest::version_word(&version).is_some_and(|v| v.starts_with(BUILD_STD_RUSTC)) {
        bail!(
            "the release wasm build uses unstable rustc flags checked with rustc {BUILD_STD_RUSTC}x, \
             found `{}`; install that toolchain or re-check the flags in xtask/src/cmd/dist.rs \
             and update BUILD_STD_RUSTC",
            version.trim()
        );
    }
    let sysroot = output(Command::new("rustc").args(["--print", "sysroot"]))
        .context("cannot run `rustc --print sysroot`")?;
    let library = Path::new(sysroot.trim()).join("lib/rustlib/src/rust/library/Cargo.toml");
    if library.is_file() {
        ok("rust-src (for -Zbuild-std)");
    } else {
        say("install  rust-src (std's source, for -Zbuild-std)");
        if paths::which("rustup").is_none() {
            bail!("the rust-src component is missing and rustup is not available");
        }
        process::run(Command::new("rustup").args(["component", "add", "rust-src"]))?;
    }
    process::run(
        Command::new(paths::cargo())
            .arg("fetch")
            .arg("--manifest-path")
            .arg(&library)
            .env("RUSTC_BOOTSTRAP", "1")
            .current_dir(root),
    )
}

/// The version a `<tool> --version` prints, if the tool runs.
fn tool_version(tool: &str) -> Option<String> {
    let out = output(Command::new(tool).arg("--version"))?;
    manifest::version_word(&out).map(str::to_string)
}

/// Ensures every tool in `tools` reports version `want`, else `cargo install`s `krate`.
fn ensure_cargo_tool(tools: &[&str], krate: &str, want: &str, install_args: &[&str]) -> Result<()> {
    let found: Vec<Option<String>> = tools.iter().map(|t| tool_version(t)).collect();
    let label = tools.join(" + ");
    if found.iter().all(|v| v.as_deref() == Some(want)) {
        ok(&format!("{label} {want}"));
        return Ok(());
    }
    let found = match &found[0] {
        Some(v) => format!("found {v}"),
        None => "not found".into(),
    };
    say(format!(
        "install  {krate} {want} ({found}); compiling it takes a few minutes, once"
    ));
    // --force: also repairs a half install (e.g. wasm-bindgen present, test runner missing).
    process::run(
        Command::new(paths::cargo())
            .args(["install", krate, "--force"])
            .args(install_args),
    )?;
    for tool in tools {
        match tool_version(tool) {
            Some(v) if v == want => {}
            other => bail!(
                "installed {krate} {want} but `{tool} --version` reports {other:?}; \
                 is another {tool} earlier on PATH?"
            ),
        }
    }
    Ok(())
}

fn ensure_trunk() -> Result<()> {
    ensure_cargo_tool(
        &["trunk"],
        "trunk",
        TRUNK_VERSION,
        &["--version", TRUNK_VERSION, "--locked"],
    )
}

/// The exact `wasm-bindgen` version the app links against, from Cargo.lock.
pub fn locked_wasm_bindgen(root: &Path) -> Result<String> {
    let lock =
        std::fs::read_to_string(root.join("Cargo.lock")).context("cannot read Cargo.lock")?;
    let versions = manifest::lock_versions(&lock, "wasm-bindgen");
    match versions.as_slice() {
        [one] => Ok(one.clone()),
        [] => bail!("Cargo.lock has no wasm-bindgen package"),
        many => bail!(
            "Cargo.lock has several wasm-bindgen versions {many:?}; the CLI must match exactly one"
        ),
    }
}

fn ensure_wasm_bindgen(root: &Path) -> Result<()> {
    let want = locked_wasm_bindgen(root)?;
    let trunk_toml = std::fs::read_to_string(root.join("Trunk.toml")).unwrap_or_default();
    if let Some(pinned) = manifest::toml_string(&trunk_toml, "tools", "wasm_bindgen") {
        if pinned != want {
            bail!(
                "Trunk.toml pins [tools] wasm_bindgen = \"{pinned}\" but Cargo.lock has {want}; \
                 make them equal"
            );
        }
    }
    // Deliberately without --locked: the project installs the CLI against current crates.io.
    ensure_cargo_tool(
        &["wasm-bindgen", "wasm-bindgen-test-runner"],
        "wasm-bindgen-cli",
        &want,
        &["--version", &format!("={want}")],
    )
}

fn node_major(version: &str) -> Option<u32> {
    version
        .trim()
        .trim_start_matches('v')
        .split('.')
        .next()?
        .parse()
        .ok()
}

fn ensure_node_modules(root: &Path) -> Result<()> {
    let node = output(Command::new("node").arg("--version"));
    match node.as_deref().and_then(node_major) {
        Some(major) if major >= NODE_MIN_MAJOR => ok(&format!("node {}", node.unwrap_or_default())),
        _ => bail!(
            "Node.js {NODE_MIN_MAJOR} or newer is needed (found: {}); install it from \
             https://nodejs.org or your package manager (Debian 12's nodejs is too old; \
             NodeSource packages work)",
            node.as_deref().unwrap_or("none")
        ),
    }
    if paths::which("npm").is_none() {
        bail!("npm is missing; install it along with Node.js");
    }

    let lock = root.join("package-lock.json");
    let stamp = root.join("node_modules").join(".xtask-package-lock.json");
    let wanted = std::fs::read(&lock).ok();
    let installed = std::fs::read(&stamp).ok();
    let bins_present = ["wasm-opt", "playwright"]
        .iter()
        .all(|b| root.join("node_modules/.bin").join(b).exists());
    if wanted.is_some() && wanted == installed && bins_present {
        ok("node_modules (package-lock.json unchanged)");
    } else {
        let sub = if wanted.is_some() { "ci" } else { "install" };
        say(format!("install  npm dev-dependencies (npm {sub})"));
        process::run(
            Command::new("npm")
                .args([sub, "--no-audit", "--no-fund"])
                .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
                .current_dir(root),
        )?;
        if let Ok(bytes) = std::fs::read(&lock) {
            std::fs::write(&stamp, bytes).context("cannot write the node_modules stamp")?;
        }
    }

    // Trunk accepts a system wasm-opt only at exactly the version pinned in Trunk.toml.
    let trunk_toml = std::fs::read_to_string(root.join("Trunk.toml")).unwrap_or_default();
    let pinned = manifest::toml_string(&trunk_toml, "tools", "wasm_opt");
    let found = output(Command::new("wasm-opt").arg("--version"))
        .and_then(|out| manifest::wasm_opt_version(&out));
    match (pinned, found) {
        (Some(p), Some(f)) if p == f => ok(&format!("wasm-opt {f} (node_modules/.bin)")),
        (None, Some(f)) => ok(&format!("wasm-opt {f} (node_modules/.bin)")),
        (p, f) => bail!(
            "wasm-opt on PATH is {} but Trunk.toml wants {}; check package.json's binaryen version",
            f.as_deref().unwrap_or("missing"),
            p.as_deref().unwrap_or("any")
        ),
    }
    Ok(())
}

const CHROMIUM_NAMES: [&str; 3] = ["chromium", "chromium-browser", "google-chrome"];

fn find_browser() -> (Option<PathBuf>, Option<PathBuf>) {
    (
        paths::which_any(&CHROMIUM_NAMES),
        paths::which("chromedriver"),
    )
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

fn ensure_browser() -> Result<Browser> {
    let (mut chromium, mut driver) = find_browser();
    if chromium.is_none() || driver.is_none() {
        let apt = paths::which("apt-get").is_some();
        if is_root() && apt {
            say("install  chromium chromium-driver (apt-get)");
            process::run(Command::new("apt-get").arg("update"))?;
            process::run(
                Command::new("apt-get")
                    .args([
                        "install",
                        "-y",
                        "--no-install-recommends",
                        "chromium",
                        "chromium-driver",
                    ])
                    .env("DEBIAN_FRONTEND", "noninteractive"),
            )?;
            (chromium, driver) = find_browser();
        }
        if chromium.is_none() || driver.is_none() {
            bail!(
                "browser tests need Chromium and a matching chromedriver (found chromium: {}, chromedriver: {}).\n\
                 Install them, e.g. on Debian/Ubuntu: sudo apt-get install chromium chromium-driver",
                chromium.is_some(),
                driver.is_some()
            );
        }
    }
    let browser = Browser {
        chromium: chromium.expect("checked above"),
        chromedriver: driver.expect("checked above"),
    };
    let version = output(Command::new(&browser.chromedriver).arg("--version")).unwrap_or_default();
    ok(&format!(
        "{} + {} {}",
        browser.chromium.display(),
        browser.chromedriver.display(),
        manifest::version_word(&version).unwrap_or("")
    ));
    Ok(browser)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_major_parses_node_version_output() {
        assert_eq!(node_major("v20.20.2\n"), Some(20));
        assert_eq!(node_major("v18.19.0"), Some(18));
        assert_eq!(node_major("garbage"), None);
    }

    #[test]
    fn needs_union_keeps_every_need() {
        let a = Needs {
            trunk: true,
            ..Needs::default()
        };
        let b = Needs {
            browser: true,
            ..Needs::default()
        };
        let u = a.union(b);
        assert!(u.trunk && u.browser && !u.node_modules);
        assert_eq!(Needs::default().union(Needs::ALL), Needs::ALL);
    }

    #[test]
    fn the_repository_pins_one_wasm_bindgen_matching_trunk_toml() {
        let root = paths::repo_root();
        let locked = locked_wasm_bindgen(&root).unwrap();
        let trunk = std::fs::read_to_string(root.join("Trunk.toml")).unwrap();
        assert_eq!(
            manifest::toml_string(&trunk, "tools", "wasm_bindgen").as_deref(),
            Some(locked.as_str())
        );
    }
}
