//! Facts about the machine and toolchain, written as a flat JSON object for the report.

use crate::process::output;
use std::path::Path;
use std::process::Command;

/// A flat JSON object of string, number and boolean members, in insertion order.
#[derive(Debug, Default)]
pub struct Facts(Vec<(String, String)>);

impl Facts {
    /// Adds a string member.
    pub fn text(&mut self, key: &str, value: impl AsRef<str>) -> &mut Self {
        self.0.push((key.into(), quote(value.as_ref())));
        self
    }

    /// Adds a number member (non-finite numbers become `null`).
    pub fn number(&mut self, key: &str, value: f64) -> &mut Self {
        let v = if value.is_finite() {
            value.to_string()
        } else {
            "null".into()
        };
        self.0.push((key.into(), v));
        self
    }

    /// Adds a boolean member.
    pub fn flag(&mut self, key: &str, value: bool) -> &mut Self {
        self.0.push((key.into(), value.to_string()));
        self
    }

    /// The object as JSON text.
    pub fn to_json(&self) -> String {
        let members: Vec<String> = self
            .0
            .iter()
            .map(|(k, v)| format!("  {}: {v}", quote(k)))
            .collect();
        format!("{{\n{}\n}}\n", members.join(",\n"))
    }
}

/// `s` as a JSON string literal.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The `model name` line of `/proc/cpuinfo`.
pub fn cpu_model(cpuinfo: &str) -> Option<&str> {
    cpuinfo
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split_once(':'))
        .map(|(_, v)| v.trim())
}

/// `MemTotal` of `/proc/meminfo`, in bytes.
pub fn mem_total(meminfo: &str) -> Option<u64> {
    let line = meminfo.lines().find(|l| l.starts_with("MemTotal:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// The machine: cores, memory, CPU, load, toolchain and browser versions, date.
pub fn machine(facts: &mut Facts, chromium: &Path) {
    let read = |p: &str| std::fs::read_to_string(p).unwrap_or_default();
    let cmd = |c: &mut Command| output(c).unwrap_or_else(|| "unknown".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    facts
        .number("nproc", cores as f64)
        .number(
            "memoryBytes",
            mem_total(&read("/proc/meminfo")).map_or(f64::NAN, |b| b as f64),
        )
        .text(
            "cpu",
            cpu_model(&read("/proc/cpuinfo")).unwrap_or("unknown"),
        )
        .text("loadavgAtStart", read("/proc/loadavg").trim())
        .text("rustc", cmd(Command::new("rustc").arg("-V")))
        .text("chromium", cmd(Command::new(chromium).arg("--version")))
        .text("node", cmd(Command::new("node").arg("--version")))
        .text(
            "date",
            cmd(Command::new("date").args(["-u", "+%Y-%m-%d %H:%M UTC"])),
        );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_is_escaped_and_ordered() {
        let mut f = Facts::default();
        f.text("a", "say \"hi\"\n\\")
            .number("b", 1.5)
            .flag("c", true);
        f.number("d", f64::NAN);
        assert_eq!(
            f.to_json(),
            "{\n  \"a\": \"say \\\"hi\\\"\\n\\\\\",\n  \"b\": 1.5,\n  \"c\": true,\n  \"d\": null\n}\n"
        );
        assert_eq!(quote("\u{1}"), "\"\\u0001\"");
    }

    #[test]
    fn proc_files_are_read() {
        let cpu = "processor\t: 0\nmodel name\t: AMD EPYC 7B13\nflags\t: fpu\n";
        assert_eq!(cpu_model(cpu), Some("AMD EPYC 7B13"));
        assert_eq!(cpu_model(""), None);
        let mem = "MemTotal:       24634440 kB\nMemFree: 1 kB\n";
        assert_eq!(mem_total(mem), Some(24_634_440 * 1024));
        assert_eq!(mem_total("MemFree: 1 kB"), None);
    }
}
