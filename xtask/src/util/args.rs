//! Hand-rolled argument parsing: `--flag`, `--key value`, `--key=value`, and `--` passthrough.

use anyhow::{bail, Context, Result};
use std::str::FromStr;

/// Arguments of one subcommand, consumed option by option.
#[derive(Debug)]
pub struct Args {
    items: Vec<String>,
    /// Everything after a bare `--`, never interpreted.
    after_dashes: Vec<String>,
}

impl Args {
    /// Wraps the arguments that follow the subcommand name.
    pub fn new(args: impl IntoIterator<Item = String>) -> Self {
        let mut items: Vec<String> = args.into_iter().collect();
        let after_dashes = match items.iter().position(|a| a == "--") {
            Some(i) => {
                let tail = items.split_off(i);
                tail.into_iter().skip(1).collect()
            }
            None => Vec::new(),
        };
        Self {
            items,
            after_dashes,
        }
    }

    /// True if `--name` was given (all occurrences are consumed).
    pub fn flag(&mut self, name: &str) -> bool {
        let before = self.items.len();
        self.items.retain(|a| a != name);
        self.items.len() != before
    }

    /// The value of `--name V` or `--name=V` (the last one wins), if given.
    pub fn value(&mut self, name: &str) -> Result<Option<String>> {
        let mut found = None;
        let prefix = format!("{name}=");
        let mut i = 0;
        while i < self.items.len() {
            if self.items[i] == name {
                if i + 1 >= self.items.len() {
                    bail!("{name} needs a value");
                }
                let v = self.items.remove(i + 1);
                self.items.remove(i);
                found = Some(v);
            } else if let Some(v) = self.items[i].strip_prefix(&prefix) {
                found = Some(v.to_string());
                self.items.remove(i);
            } else {
                i += 1;
            }
        }
        Ok(found)
    }

    /// Like [`Args::value`], parsed into `T`.
    pub fn parsed<T: FromStr>(&mut self, name: &str) -> Result<Option<T>>
    where
        T::Err: std::error::Error + Send + Sync + 'static,
    {
        self.value(name)?
            .map(|v| {
                v.parse::<T>()
                    .with_context(|| format!("invalid value for {name}: {v}"))
            })
            .transpose()
    }

    /// Fails if anything was not consumed.
    pub fn finish(self) -> Result<()> {
        let rest = self.rest();
        if !rest.is_empty() {
            bail!("unexpected arguments: {}", rest.join(" "));
        }
        Ok(())
    }

    /// Everything not consumed, followed by everything after `--`.
    pub fn rest(self) -> Vec<String> {
        let mut rest = self.items;
        rest.extend(self.after_dashes);
        rest
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Args {
        Args::new(s.split_whitespace().map(String::from))
    }

    #[test]
    fn values_in_both_spellings() {
        let mut a = args("--port 9000 --db=x.db");
        assert_eq!(a.parsed::<u16>("--port").unwrap(), Some(9000));
        assert_eq!(a.value("--db").unwrap().as_deref(), Some("x.db"));
        assert_eq!(a.value("--api-port").unwrap(), None);
        a.finish().unwrap();
    }

    #[test]
    fn flags_and_leftovers() {
        let mut a = args("--skip-e2e --latency-ms 300 --allow-fault-header");
        assert!(a.flag("--skip-e2e"));
        assert!(!a.flag("--skip-e2e"));
        assert_eq!(
            a.rest(),
            vec!["--latency-ms", "300", "--allow-fault-header"]
        );
    }

    #[test]
    fn dashes_protect_passthrough() {
        let mut a = args("--port 1 -- --port 2");
        assert_eq!(a.parsed::<u16>("--port").unwrap(), Some(1));
        assert_eq!(a.rest(), vec!["--port", "2"]);
    }

    #[test]
    fn errors_are_clear() {
        assert!(args("--port").value("--port").is_err());
        assert!(args("--port abc").parsed::<u16>("--port").is_err());
        let err = args("--bogus").finish().unwrap_err();
        assert!(err.to_string().contains("--bogus"));
    }
}
