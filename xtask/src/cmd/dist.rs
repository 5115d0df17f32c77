//! `cargo xtask dist [--public-url /path/]`: the static site in `dist/`, ready for any host.

use crate::install::{self, Needs};
use crate::process;
use crate::util::{args::Args, paths, say};
use anyhow::{Context, Result};
use std::ffi::OsString;
use std::path::Path;
use std::process::Command;

/// Parses the arguments, installs what the build needs, and builds `dist/`.
pub fn run(root: &Path, args: Vec<String>) -> Result<()> {
    let mut args = Args::new(args);
    let public_url = args.value("--public-url")?.unwrap_or_else(|| "/".into());
    args.finish()?;
    let public_url = normalize_public_url(&public_url);
    install::ensure(root, Needs::APP_BUILD)?;
    build(root, &public_url)?;
    say(format!(
        "dist/ is ready for {public_url} (404.html included for deep links)"
    ));
    Ok(())
}

/// Release build with Trunk (never downloading tools), split in two (see `crate::split`),
/// glue minified, then `404.html` = `index.html` so
/// static hosts serve the app for deep links like `/events/42`. `cargo xtask test`'s
/// app-build step, `dist` and `bench` all come through here: the build e2e tests is the one
/// that ships.
pub fn build(root: &Path, public_url: &str) -> Result<()> {
    let mut trunk = Command::new("trunk");
    trunk
        .args([
            "build",
            "--release",
            "--offline",
            "--public-url",
            public_url,
        ])
        .current_dir(root);
    for (key, value) in wasm_release_env(root) {
        trunk.env(key, value);
    }
    process::run(&mut trunk)?;
    let dist = root.join("dist");
    // For measuring the split against the whole wasm (bench/README.md); never in CI.
    if std::env::var_os("EVENTUAL_NO_SPLIT").is_some() {
        say("split    skipped (EVENTUAL_NO_SPLIT is set)");
    } else {
        crate::split::split_dist(root, &dist)?;
    }
    process::run(
        Command::new("node")
            .arg(root.join("xtask/minify.mjs"))
            .arg(&dist)
            .current_dir(root),
    )?;
    std::fs::copy(dist.join("index.html"), dist.join("404.html"))
        .context("cannot copy dist/index.html to dist/404.html")?;
    Ok(())
}

/// rustc flags of the shipped wasm: std rebuilt with panics as a bare `unreachable` and no
/// panic locations or `Debug` formatting strings, and Leptos's type-erased views.
pub const WASM_RUSTFLAGS: &[&str] = &[
    "-Zunstable-options",
    "-Cpanic=immediate-abort",
    "-Zlocation-detail=none",
    "-Zfmt-debug=none",
    "--cfg",
    "erase_components",
];

/// Environment of Trunk's cargo call only, so host builds (xtask, server, tests) keep their
/// flags and cache; the own target dir keeps the two flag sets from invalidating each other.
pub fn wasm_release_env(root: &Path) -> Vec<(&'static str, OsString)> {
    vec![
        (
            "CARGO_ENCODED_RUSTFLAGS",
            WASM_RUSTFLAGS.join("\x1f").into(),
        ),
        // Unlocks -Z on the stable rustc that install::ensure_build_std checked.
        ("RUSTC_BOOTSTRAP", "1".into()),
        ("CARGO_UNSTABLE_BUILD_STD", "std,panic_abort".into()),
        (
            "CARGO_TARGET_DIR",
            paths::target_dir(root).join("ship").into(),
        ),
    ]
}

/// Public URLs are directories: always end with `/`; paths start with `/`.
pub fn normalize_public_url(url: &str) -> String {
    let mut url = url.trim().to_string();
    let absolute =
        url.starts_with("http://") || url.starts_with("https://") || url.starts_with("//");
    if !absolute && !url.starts_with('/') {
        url.insert(0, '/');
    }
    if !url.ends_with('/') {
        url.push('/');
    }
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wasm_flags_reach_cargo_as_one_encoded_list() {
        let env = wasm_release_env(Path::new("/r"));
        let flags = &env
            .iter()
            .find(|(k, _)| *k == "CARGO_ENCODED_RUSTFLAGS")
            .unwrap()
            .1;
        let flags: Vec<&str> = flags.to_str().unwrap().split('\x1f').collect();
        assert_eq!(flags, WASM_RUSTFLAGS);
        assert!(flags.contains(&"-Cpanic=immediate-abort"));
    }

    #[test]
    fn public_urls_become_directories() {
        assert_eq!(normalize_public_url("/"), "/");
        assert_eq!(normalize_public_url(""), "/");
        assert_eq!(normalize_public_url("eventual"), "/eventual/");
        assert_eq!(normalize_public_url("/eventual"), "/eventual/");
        assert_eq!(normalize_public_url("/a/b/"), "/a/b/");
        assert_eq!(
            normalize_public_url("https://cdn.example.com/app"),
            "https://cdn.example.com/app/"
        );
    }
}
