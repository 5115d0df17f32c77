//! Hierarchical query keys.

use std::fmt;
use std::str::FromStr;

/// A hierarchical cache key made of string segments, e.g. `events/42`.
///
/// Parsing a string splits the path on `/`; a `?query` suffix becomes its own
/// trailing segment (kept with its leading `?`), so `events/list?q=foo` is
/// `["events", "list", "?q=foo"]` and the prefix `events/list` matches every
/// list query whatever its parameters. `Display` round-trips that form.
///
/// ```
/// use eventual_query::QueryKey;
/// let list = QueryKey::from("events/list?q=foo");
/// assert_eq!(list.segments(), ["events", "list", "?q=foo"]);
/// assert!(list.starts_with(&QueryKey::from("events/list")));
/// assert_eq!(list.to_string(), "events/list?q=foo");
/// let detail = QueryKey::new(["events", "42"]);
/// assert_eq!(detail, QueryKey::from("events").child("42"));
/// assert!(!detail.starts_with(&QueryKey::from("events/4")));
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, Default)]
pub struct QueryKey(Vec<String>);

impl QueryKey {
    /// Builds a key from its segments (taken verbatim).
    pub fn new<I, S>(segments: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self(segments.into_iter().map(Into::into).collect())
    }

    /// The empty key: a prefix of every key.
    pub fn root() -> Self {
        Self(Vec::new())
    }

    /// This key extended by one segment.
    pub fn child(&self, segment: impl Into<String>) -> Self {
        let mut segments = self.0.clone();
        segments.push(segment.into());
        Self(segments)
    }

    /// Whether `prefix`'s segments are the first segments of this key (a key is its own prefix).
    pub fn starts_with(&self, prefix: &QueryKey) -> bool {
        self.0.starts_with(&prefix.0)
    }

    /// The segments.
    pub fn segments(&self) -> &[String] {
        &self.0
    }

    /// Whether this is the root (empty) key.
    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for QueryKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, segment) in self.0.iter().enumerate() {
            if i > 0 && !segment.starts_with('?') {
                f.write_str("/")?;
            }
            f.write_str(segment)?;
        }
        Ok(())
    }
}

impl FromStr for QueryKey {
    type Err = std::convert::Infallible;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (path, query) = match s.find('?') {
            Some(i) => (&s[..i], Some(&s[i..])),
            None => (s, None),
        };
        let mut segments: Vec<String> = path
            .split('/')
            .filter(|p| !p.is_empty())
            .map(str::to_owned)
            .collect();
        if let Some(q) = query.filter(|q| q.len() > 1) {
            segments.push(q.to_owned());
        }
        Ok(Self(segments))
    }
}

impl From<&str> for QueryKey {
    fn from(s: &str) -> Self {
        match s.parse() {
            Ok(k) => k,
            Err(never) => match never {},
        }
    }
}

impl From<String> for QueryKey {
    fn from(s: String) -> Self {
        Self::from(s.as_str())
    }
}

impl From<&String> for QueryKey {
    fn from(s: &String) -> Self {
        Self::from(s.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_displays_round_trip() {
        for s in ["events", "events/42", "events/list?q=foo&page=2", "a/b/c"] {
            assert_eq!(QueryKey::from(s).to_string(), s);
        }
        assert_eq!(QueryKey::from("/events//42/").segments(), ["events", "42"]);
        assert_eq!(
            QueryKey::from("events/list?").segments(),
            ["events", "list"]
        );
    }

    #[test]
    fn prefix_matching_is_by_whole_segment() {
        let k = QueryKey::from("events/42");
        assert!(k.starts_with(&QueryKey::root()));
        assert!(k.starts_with(&QueryKey::from("events")));
        assert!(k.starts_with(&k));
        assert!(!k.starts_with(&QueryKey::from("event")));
        assert!(!QueryKey::from("events").starts_with(&k));
    }
}
