//! Which ETag a change must carry, following this tab's own earlier writes. Pure.

use std::collections::HashMap;

/// The ETags this tab's own writes produced, per event: `old → new`, so a change made on
/// version `old` follows the earlier changes of the same tab instead of conflicting with them.
/// Keyed by event too: versions repeat across events (`"2"` of one is not `"2"` of another).
#[derive(Clone, Debug, Default)]
pub struct EtagChain {
    next: HashMap<(String, String), String>,
}

impl EtagChain {
    /// Our write to event `scope` sent with `If-Match: old` produced `new`.
    pub fn record(&mut self, scope: &str, old: &str, new: &str) {
        if old != new {
            self.next
                .insert((scope.to_owned(), old.to_owned()), new.to_owned());
        }
    }

    /// The tag to send for a change to event `scope` made on `tag`: `tag` followed through
    /// our own writes to that event.
    pub fn resolve(&self, scope: &str, tag: Option<&str>) -> Option<String> {
        let mut tag = tag?.to_owned();
        // Bounded: a cycle (impossible with increasing versions) can't hang the app.
        for _ in 0..=self.next.len() {
            match self.next.get(&(scope.to_owned(), tag.clone())) {
                Some(n) => tag = n.clone(),
                None => break,
            }
        }
        Some(tag)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn etags_follow_our_own_writes() {
        let mut chain = EtagChain::default();
        assert_eq!(chain.resolve("7", None), None);
        assert_eq!(chain.resolve("7", Some("\"1\"")).as_deref(), Some("\"1\""));
        chain.record("7", "\"1\"", "\"2\"");
        chain.record("7", "\"2\"", "\"3\"");
        // Another event at the same version is not ours to follow.
        assert_eq!(chain.resolve("8", Some("\"1\"")).as_deref(), Some("\"1\""));
        // Two offline edits made on version 1: the second goes out after the first's result.
        assert_eq!(chain.resolve("7", Some("\"1\"")).as_deref(), Some("\"3\""));
        // A version someone else made is not ours to skip: it stays, and may conflict.
        assert_eq!(chain.resolve("7", Some("\"9\"")).as_deref(), Some("\"9\""));
    }
}
