//! Where things are: the repository root, cargo's target dir, executables on `PATH`.

use std::env;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// The repository root (the parent of the `xtask` crate), fixed at compile time.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the repository root")
        .to_path_buf()
}

/// Cargo's target directory as cargo itself resolves it from the environment
/// (`CARGO_TARGET_DIR`, `CARGO_BUILD_TARGET_DIR`), else `<root>/target`.
pub fn target_dir(root: &Path) -> PathBuf {
    let from_env = env::var_os("CARGO_TARGET_DIR")
        .or_else(|| env::var_os("CARGO_BUILD_TARGET_DIR"))
        .filter(|v| !v.is_empty());
    match from_env {
        Some(dir) => root.join(dir),
        None => root.join("target"),
    }
}

/// `$CARGO_HOME/bin` (default `~/.cargo/bin`), where `cargo install` puts tools.
pub fn cargo_bin_dir() -> Option<PathBuf> {
    env::var_os("CARGO_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .map(|home| home.join("bin"))
}

/// Returns `PATH` with `dirs` in front (each once; existing entries keep their order).
pub fn prepend_path(current: Option<OsString>, dirs: &[PathBuf]) -> OsString {
    let existing: Vec<PathBuf> = current
        .as_deref()
        .map(|p| env::split_paths(p).collect())
        .unwrap_or_default();
    let mut all: Vec<PathBuf> = dirs.to_vec();
    all.extend(existing.into_iter().filter(|p| !dirs.contains(p)));
    env::join_paths(all).expect("PATH entries never contain the separator")
}

/// Finds an executable by name on `PATH`, like `which`.
pub fn which(name: &str) -> Option<PathBuf> {
    let path = env::var_os("PATH")?;
    env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| is_executable(candidate))
}

/// The first of `names` found on `PATH`.
pub fn which_any(names: &[&str]) -> Option<PathBuf> {
    names.iter().find_map(|n| which(n))
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

/// The cargo to run: the one that launched us (`$CARGO`), so the toolchain stays the same.
pub fn cargo() -> OsString {
    env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

/// Copies the top-level files of `from` into a fresh `to` (a site snapshot: `dist/` has no
/// subdirectories).
pub fn copy_files(from: &Path, to: &Path) -> anyhow::Result<()> {
    use anyhow::Context;
    let _ = std::fs::remove_dir_all(to);
    std::fs::create_dir_all(to).with_context(|| format!("cannot create {}", to.display()))?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        if entry.file_type()?.is_file() {
            std::fs::copy(entry.path(), to.join(entry.file_name()))
                .with_context(|| format!("cannot copy {}", entry.path().display()))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prepend_path_puts_dirs_first_without_duplicates() {
        let current = env::join_paths(["/usr/bin", "/a", "/bin"]).unwrap();
        let out = prepend_path(Some(current), &[PathBuf::from("/a"), PathBuf::from("/b")]);
        let parts: Vec<PathBuf> = env::split_paths(&out).collect();
        let expect: Vec<PathBuf> = ["/a", "/b", "/usr/bin", "/bin"]
            .iter()
            .map(PathBuf::from)
            .collect();
        assert_eq!(parts, expect);
    }

    #[test]
    fn prepend_path_works_without_a_path() {
        let out = prepend_path(None, &[PathBuf::from("/x")]);
        assert_eq!(out, OsString::from("/x"));
    }

    #[test]
    fn repo_root_holds_the_workspace_manifest() {
        assert!(repo_root().join("Cargo.toml").is_file());
        assert!(repo_root().join("xtask").is_dir());
    }

    #[test]
    fn which_finds_sh() {
        assert!(which("sh").is_some());
        assert!(which("surely-not-a-real-tool-xyz").is_none());
    }
}
