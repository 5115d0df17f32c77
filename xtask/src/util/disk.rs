//! Free disk space: a full build of every target needs several GB, and a full disk shows up
//! as a linker "Bus error" far from its cause, so the suite says so up front.

use std::ffi::CString;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

/// What a fresh `cargo xtask test` writes (native + wasm targets, dist/, node_modules).
pub const SUITE_NEEDS: u64 = 8 * GIB;

/// One gibibyte.
pub const GIB: u64 = 1 << 30;

/// Bytes an unprivileged user may still write on the filesystem holding `path`.
pub fn free_bytes(path: &Path) -> std::io::Result<u64> {
    let c = CString::new(path.as_os_str().as_bytes())
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
    // SAFETY: `c` is a valid NUL-terminated path and `stat` is a plain out-parameter.
    let mut stat: libc::statvfs = unsafe { std::mem::zeroed() };
    if unsafe { libc::statvfs(c.as_ptr(), &mut stat) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(stat.f_bavail.saturating_mul(stat.f_frsize))
}

/// `12.3 GB`-style text for a byte count.
pub fn gib(bytes: u64) -> String {
    format!("{:.1} GB", bytes as f64 / GIB as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_current_directory_has_a_size_and_a_missing_path_is_an_error() {
        let free = free_bytes(Path::new(".")).unwrap();
        assert!(free > 0, "tests are writing here, so some space is free");
        assert!(free_bytes(Path::new("/no/such/dir/eventual")).is_err());
        assert_eq!(gib(3 * GIB / 2), "1.5 GB");
    }
}
