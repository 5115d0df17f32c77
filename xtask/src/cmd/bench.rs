//! `cargo xtask bench`: reserved for the load and latency benchmarks of issue 7.

use anyhow::{bail, Result};

/// Always fails for now, clearly, instead of pretending to measure something.
pub fn run(_args: Vec<String>) -> Result<()> {
    bail!("`cargo xtask bench` is not implemented yet (issue 7)")
}
