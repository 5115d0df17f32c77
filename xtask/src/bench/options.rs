//! `cargo xtask bench` options and the fixed parameters of a run.

use crate::util::args::Args;
use anyhow::Result;

/// What one bench run does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Fewer iterations everywhere (development); the report says so.
    pub quick: bool,
    /// Reuse `dist/` and the release binaries as they are (development only).
    pub no_build: bool,
    /// The app's query cache gc time, for the "readerless entries are gone" check.
    pub gc_ms: u64,
}

/// Events in the large-list database.
pub const LARGE_LIST_EVENTS: u64 = 10_000;
/// Events in the small and the large database of the calendar's scale row (issue 14).
pub const SCALE_EVENTS: (u64, u64) = (100, 100_000);
/// Concurrent clients of the server load test.
pub const LOAD_CLIENTS: u64 = 50;

impl Options {
    /// Parses `--quick`, `--no-build`, `--gc-ms N`.
    pub fn parse(args: Vec<String>) -> Result<Self> {
        let mut args = Args::new(args);
        let quick = args.flag("--quick");
        let no_build = args.flag("--no-build");
        let gc_ms = args.parsed::<u64>("--gc-ms")?.unwrap_or(300_000);
        args.finish()?;
        Ok(Self {
            quick,
            no_build,
            gc_ms,
        })
    }

    /// Milliseconds each load scenario runs.
    pub fn load_millis(&self) -> u64 {
        if self.quick {
            2_000
        } else {
            8_000
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<Options> {
        Options::parse(s.split_whitespace().map(String::from).collect())
    }

    #[test]
    fn defaults_are_a_full_run() {
        let o = parse("").unwrap();
        assert_eq!(
            o,
            Options {
                quick: false,
                no_build: false,
                gc_ms: 300_000
            }
        );
        assert_eq!(o.load_millis(), 8_000);
    }

    #[test]
    fn flags_are_read_and_unknown_ones_refused() {
        let o = parse("--quick --no-build --gc-ms 5000").unwrap();
        assert!(o.quick && o.no_build);
        assert_eq!(o.gc_ms, 5_000);
        assert_eq!(o.load_millis(), 2_000);
        assert!(parse("--fast").is_err());
        assert!(parse("--gc-ms soon").is_err());
    }
}
