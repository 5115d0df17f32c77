//! The split build: the release wasm in two, the functions the first screen of /events runs
//! (the primary module, loaded at start) and the rest (the deferred module, fetched after the
//! app has started, see `public/boot.js`). Which functions the first screen runs is measured,
//! not guessed: an instrumented copy of the build opens /events in Chromium against a seeded
//! server, and Binaryen's `wasm-split` splits by the profile that run wrote. See
//! `xtask/wasm-split/README.md`.

use crate::install::{self, Needs};
use crate::process::{self, output, Service};
use crate::util::{paths, say, temp::TempDir};
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// Binaryen's wasm-split from Debian's `binaryen` package: npm's `binaryen` has no wasm-split,
/// and Debian 12 has only this release. Pinned, because the placeholder scheme `boot.js`
/// follows (module `placeholder`, names = table slots) is the tool's, not a standard's.
const BINARYEN_DEB: &str = "binaryen=108-1";
const WASM_SPLIT_VERSION: &str = "wasm-split version 108";

/// wasm-opt features of the split modules: the Trunk build's (`index.html`) plus what Rust's
/// wasm32 target and wasm-bindgen use by default.
const WASM_FEATURES: &[&str] = &[
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
    "--enable-reference-types",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-multivalue",
];

/// Export prefix of what the primary module shares with the deferred one; `%` cannot clash
/// with a Rust or wasm-bindgen export name.
const EXPORT_PREFIX: &str = "%";
/// The primary's function-table export (`EXPORT_PREFIX` + "table"), named in `index.html`.
const TABLE_EXPORT: &str = "%table";

/// Splits `dist/`'s wasm in place: the primary keeps the name Trunk gave it (and
/// `index.html`'s preload, with its integrity rewritten), the deferred module goes next to it.
pub fn split_dist(root: &Path, dist: &Path) -> Result<()> {
    let browser = install::ensure(
        root,
        Needs {
            node_modules: true,
            browser: true,
            ..Needs::default()
        },
    )?
    .context("install::ensure returns the browser when asked for it")?;
    let wasm_split = ensure_wasm_split(root)?;
    let server = build_server(root)?;
    let wasm = only_file(dist, "_bg.wasm")?;
    let name = file_name(&wasm)?;
    let deferred_name = format!("{}.deferred.wasm", name.trim_end_matches(".wasm"));

    let tmp = TempDir::new("eventual-split")?;
    let input = tmp.0.join("input.wasm");
    std::fs::copy(&wasm, &input).with_context(|| format!("cannot copy {}", wasm.display()))?;

    // 1. The training run, on a copy of the site whose wasm records which functions run.
    let instrumented = tmp.0.join("instrumented.wasm");
    process::run(
        Command::new(&wasm_split)
            .arg("--instrument")
            .arg("--all-features")
            .arg(&input)
            .arg("-o")
            .arg(&instrumented),
    )?;
    table_exports(root, &input, &[&instrumented])?;
    let site = tmp.0.join("site");
    paths::copy_files(dist, &site)?;
    std::fs::copy(&instrumented, site.join(&name))?;
    let profile = tmp.0.join("profile.data");
    train(root, &server, &site, &tmp.0, &profile, &browser.chromium)?;

    // 2. The split, then each module optimized as Trunk optimizes the whole one.
    let primary = tmp.0.join("primary.wasm");
    let rest = tmp.0.join("deferred.wasm");
    process::run(
        Command::new(&wasm_split)
            .arg(&input)
            .arg("--all-features")
            .arg(format!("--profile={}", profile.display()))
            .arg(format!("--export-prefix={EXPORT_PREFIX}"))
            .arg("-o1")
            .arg(&primary)
            .arg("-o2")
            .arg(&rest),
    )?;
    table_exports(root, &input, &[&primary])?;
    for (from, to) in [(&primary, wasm.clone()), (&rest, dist.join(&deferred_name))] {
        process::run(
            Command::new("wasm-opt")
                .arg("-Os")
                // Build-time records (wasm-bindgen has read the features); the browser ignores them.
                .args(["--strip-producers", "--strip-target-features"])
                .args(WASM_FEATURES)
                .arg(from)
                .arg("-o")
                .arg(&to),
        )?;
    }

    // 3. index.html: the primary's new integrity, and where boot.js finds the rest.
    process::run(
        Command::new("node")
            .arg(root.join("xtask/wasm-split/html.mjs"))
            .arg(dist)
            .arg(&input)
            .arg(&name)
            .arg(&deferred_name)
            .arg(TABLE_EXPORT),
    )?;
    say(format!(
        "split    {name}: {} kB first, {} kB deferred (raw, before compression)",
        kb(&wasm)?,
        kb(&dist.join(&deferred_name))?
    ));
    Ok(())
}

/// Serves the instrumented site from a seeded server and lets `train.mjs` write the profile.
fn train(
    root: &Path,
    server: &Path,
    site: &Path,
    tmp: &Path,
    profile: &Path,
    chromium: &Path,
) -> Result<()> {
    let log = std::fs::File::create(tmp.join("server.log"))?;
    let mut service = Service::spawn_with_ready_line(
        "train-server",
        Command::new(server)
            .stderr(log)
            .env("NO_COLOR", "1")
            .args(["--host", "127.0.0.1", "--port", "0", "--seed"])
            .arg("--db")
            .arg(tmp.join("train.db"))
            .arg("--static")
            .arg(site),
    )?;
    let result = service
        .wait_ready(Duration::from_secs(60))
        .and_then(|base| {
            process::run(
                Command::new("node")
                    .arg(root.join("xtask/wasm-split/train.mjs"))
                    .arg(format!("{base}/"))
                    .arg(profile)
                    .arg(chromium)
                    .current_dir(root),
            )
        });
    service.stop(Duration::from_secs(5));
    result
}

fn table_exports(root: &Path, input: &Path, outputs: &[&Path]) -> Result<()> {
    process::run(
        Command::new("node")
            .arg(root.join("xtask/wasm-split/table-exports.mjs"))
            .arg(input)
            .args(outputs),
    )
}

/// The server binary the training run serves from (the debug build e2e uses too).
fn build_server(root: &Path) -> Result<PathBuf> {
    process::run(Command::new(paths::cargo()).current_dir(root).args([
        "build",
        "-p",
        "eventual-server",
        "--bin",
        "eventual-server",
    ]))?;
    Ok(paths::target_dir(root).join("debug/eventual-server"))
}

/// wasm-split from Debian's package, unpacked (not installed: its wasm-opt must not shadow
/// npm's) into the target dir.
fn ensure_wasm_split(root: &Path) -> Result<PathBuf> {
    let dir = paths::target_dir(root).join("tools/binaryen-108");
    let bin = dir.join("usr/bin/wasm-split");
    let version = |bin: &Path| output(Command::new(bin).arg("--version")).unwrap_or_default();
    if version(&bin).starts_with(WASM_SPLIT_VERSION) {
        say(format!("ok       {WASM_SPLIT_VERSION} ({})", bin.display()));
        return Ok(bin);
    }
    if paths::which("apt-get").is_none() || paths::which("dpkg").is_none() {
        bail!(
            "the split build needs Binaryen 108's wasm-split (Debian's `binaryen` package); \
             this machine has no apt-get/dpkg to fetch it"
        );
    }
    say(format!(
        "install  wasm-split ({BINARYEN_DEB}, unpacked into {})",
        dir.display()
    ));
    let debs = dir.join("deb");
    std::fs::create_dir_all(&debs)?;
    let download = || {
        process::run(
            Command::new("apt-get")
                .args(["download", BINARYEN_DEB])
                .current_dir(&debs),
        )
    };
    if download().is_err() {
        // A fresh machine may not have read the package lists yet.
        process::run(Command::new("apt-get").arg("update"))?;
        download()?;
    }
    let deb = only_file(&debs, ".deb")?;
    process::run(Command::new("dpkg").arg("-x").arg(&deb).arg(&dir))?;
    let found = version(&bin);
    if !found.starts_with(WASM_SPLIT_VERSION) {
        bail!("{} says {found:?}, not {WASM_SPLIT_VERSION}", bin.display());
    }
    Ok(bin)
}

/// The one file in `dir` whose name ends with `suffix`.
fn only_file(dir: &Path, suffix: &str) -> Result<PathBuf> {
    let found: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.ends_with(suffix) && !n.ends_with(".deferred.wasm"))
        })
        .collect();
    match found.as_slice() {
        [one] => Ok(one.clone()),
        _ => bail!(
            "expected one *{suffix} in {}, found {found:?}",
            dir.display()
        ),
    }
}

fn file_name(path: &Path) -> Result<String> {
    Ok(path
        .file_name()
        .and_then(|n| n.to_str())
        .context("file name is not UTF-8")?
        .to_string())
}

fn kb(path: &Path) -> Result<u64> {
    Ok(std::fs::metadata(path)?.len() / 1000)
}
