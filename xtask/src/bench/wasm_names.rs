//! Where the wasm's size goes: a copy of the release build that keeps function names, and
//! `twiggy` over it. The shipped build carries no name section (wasm-opt drops it), which leaves twiggy only
//! numbered functions, so the copy is linked again with `-C strip=none`, run through the same
//! `wasm-bindgen` and `wasm-opt -Os` as Trunk, with `wasm-opt -g` keeping the name section.
//! Code and data are the same; only names are added.

use crate::process::{self, output};
use crate::util::{manifest, paths, say};
use anyhow::{bail, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The twiggy release the bench installs.
pub const TWIGGY_VERSION: &str = "0.8.0";

/// Installs `twiggy` (only the bench needs it) unless it is there at [`TWIGGY_VERSION`].
pub fn ensure_twiggy() -> Result<()> {
    let found = output(Command::new("twiggy").arg("--version"))
        .and_then(|out| manifest::version_word(&out).map(str::to_string));
    if found.as_deref() == Some(TWIGGY_VERSION) {
        say(format!("ok       twiggy {TWIGGY_VERSION}"));
        return Ok(());
    }
    say(format!(
        "install  twiggy {TWIGGY_VERSION} ({}); compiling it takes a few minutes, once",
        found.map_or("not found".into(), |v| format!("found {v}"))
    ));
    process::run(Command::new(paths::cargo()).args([
        "install",
        "twiggy",
        "--version",
        TWIGGY_VERSION,
        "--locked",
        "--force",
    ]))
}

/// Builds the named copy of the app's wasm and returns its path. `cargo rustc` hands
/// `-C strip=none` to the final binary only (it overrides the profile's strip), so every
/// dependency is reused from the release build and only the link runs again.
pub fn build(root: &Path, work: &Path) -> Result<PathBuf> {
    let target = paths::target_dir(root);
    process::run(
        Command::new(paths::cargo())
            .args([
                "rustc",
                "--release",
                "--target",
                "wasm32-unknown-unknown",
                "-p",
                "eventual",
                "--bin",
                "eventual",
                "--",
                "-C",
                "strip=none",
            ])
            .current_dir(root),
    )?;
    let raw = target.join("wasm32-unknown-unknown/release/eventual.wasm");
    let bindgen = work.join("bindgen");
    std::fs::create_dir_all(&bindgen)?;
    process::run(
        Command::new("wasm-bindgen")
            .args([
                "--target",
                "web",
                "--no-typescript",
                "--keep-debug",
                "--out-dir",
            ])
            .arg(&bindgen)
            .arg(&raw),
    )?;
    let named = work.join("eventual-named.wasm");
    // The same passes as Trunk's release build (index.html: data-wasm-opt="s" + params).
    process::run(
        Command::new("wasm-opt")
            .args([
                "-Os",
                "-g",
                "--enable-bulk-memory",
                "--enable-nontrapping-float-to-int",
            ])
            .arg(bindgen.join("eventual_bg.wasm"))
            .arg("-o")
            .arg(&named),
    )?;
    Ok(named)
}

/// Runs twiggy over `wasm`, writing `twiggy-top.txt`, `twiggy-top.csv` (every item, for the
/// per-crate breakdown) and `twiggy-dominators.txt` into `work`.
pub fn analyse(wasm: &Path, work: &Path) -> Result<()> {
    let run = |args: &[&str], file: &str| -> Result<()> {
        let out = std::fs::File::create(work.join(file))?;
        let status = process::run_status(Command::new("twiggy").args(args).arg(wasm).stdout(out))?;
        if !status.success() {
            bail!("twiggy {} failed ({status})", args.join(" "));
        }
        Ok(())
    };
    run(&["top", "-n", "30"], "twiggy-top.txt")?;
    run(
        &["top", "-n", "1000000", "--format", "csv"],
        "twiggy-top.csv",
    )?;
    run(
        &["dominators", "-d", "3", "-r", "40"],
        "twiggy-dominators.txt",
    )
}
