//! `cargo xtask dist [--public-url /path/]`: the static site in `dist/`, ready for any host.

use crate::install::{self, Needs};
use crate::process;
use crate::util::{args::Args, say};
use anyhow::{Context, Result};
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

/// Release build with Trunk (never downloading tools), then `404.html` = `index.html` so
/// static hosts serve the app for deep links like `/events/42`.
pub fn build(root: &Path, public_url: &str) -> Result<()> {
    process::run(
        Command::new("trunk")
            .args([
                "build",
                "--release",
                "--offline",
                "--public-url",
                public_url,
            ])
            .current_dir(root),
    )?;
    let dist = root.join("dist");
    std::fs::copy(dist.join("index.html"), dist.join("404.html"))
        .context("cannot copy dist/index.html to dist/404.html")?;
    Ok(())
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
