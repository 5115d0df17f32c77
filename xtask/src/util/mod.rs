//! Small helpers shared by the commands: paths, argument parsing, manifests, HTTP probes.

pub mod args;
pub mod disk;
pub mod http;
pub mod manifest;
pub mod paths;
pub mod temp;

use std::time::Duration;

/// Formats a duration as seconds with one decimal, e.g. `12.3s`.
pub fn secs(d: Duration) -> String {
    format!("{:.1}s", d.as_secs_f64())
}

/// Prints a progress line on stderr (so it never mixes into piped stdout data).
pub fn say(msg: impl AsRef<str>) {
    eprintln!("{} {}", paint("1;36", "xtask"), msg.as_ref());
}

/// Wraps `text` in an ANSI style when stderr is a terminal and `NO_COLOR` is unset.
pub fn paint(style: &str, text: &str) -> String {
    use std::io::IsTerminal;
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    if color {
        format!("\x1b[{style}m{text}\x1b[0m")
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secs_has_one_decimal() {
        assert_eq!(secs(Duration::from_millis(12_345)), "12.3s");
        assert_eq!(secs(Duration::ZERO), "0.0s");
    }
}
