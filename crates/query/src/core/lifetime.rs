//! How entries end: cancelled fetches, invalidation, removal and garbage collection of keys
//! nobody reads.

use super::cache::{Cache, Command};
use super::types::{Millis, Target};
use crate::QueryKey;

impl Cache {
    /// Aborts in-flight fetches under `prefix`; their answers will never be written.
    pub fn cancel(&mut self, prefix: &QueryKey) {
        for key in self.keys_matching(&Target::Prefix(prefix.clone())) {
            self.cancel_key(&key);
        }
    }

    /// Aborts the in-flight fetch of exactly `key`; its answer will never be written.
    pub fn cancel_key(&mut self, key: &QueryKey) {
        if let Some(e) = self.entries.get_mut(key) {
            if let Some(seq) = e.in_flight.take() {
                self.commands.push(Command::Abort(key.clone(), seq));
                self.commands.push(Command::Status(key.clone()));
            }
        }
    }

    /// Marks keys under `prefix` stale, aborts their in-flight fetches and asks for refetches.
    pub fn invalidate(&mut self, prefix: &QueryKey) {
        for key in self.keys_matching(&Target::Prefix(prefix.clone())) {
            self.cancel_key(&key);
            if let Some(e) = self.entries.get_mut(&key) {
                e.invalidated = true;
            }
            self.commands.push(Command::Status(key.clone()));
            self.commands.push(Command::Refetch(key));
        }
    }

    /// Drops keys under `prefix` (aborting their fetches).
    pub fn remove(&mut self, prefix: &QueryKey) -> Vec<QueryKey> {
        let keys = self.keys_matching(&Target::Prefix(prefix.clone()));
        for key in &keys {
            self.cancel_key(key);
            self.entries.remove(key);
            self.commands.push(Command::Data(key.clone()));
            self.commands.push(Command::Status(key.clone()));
        }
        self.prune_confirmed();
        if !keys.is_empty() {
            self.written();
        }
        keys
    }

    /// Drops entries unread for at least `gc_time_ms`; returns them.
    pub fn gc(&mut self, gc_time_ms: Millis, now: Millis) -> Vec<QueryKey> {
        let old: Vec<QueryKey> = self
            .entries
            .iter()
            .filter(|(_, e)| {
                e.observers == 0
                    && e.unobserved_since
                        .is_some_and(|t| now.saturating_sub(t) >= gc_time_ms)
            })
            .map(|(k, _)| k.clone())
            .collect();
        for key in &old {
            self.cancel_key(key);
            self.entries.remove(key);
            self.commands.push(Command::Data(key.clone()));
        }
        if !old.is_empty() {
            self.prune_confirmed();
            self.written();
        }
        old
    }

    /// Drops `key` if it has been unread for at least `gc_time_ms`; true if dropped.
    pub fn collect(&mut self, key: &QueryKey, gc_time_ms: Millis, now: Millis) -> bool {
        let old = self.entries.get(key).is_some_and(|e| {
            e.observers == 0
                && e.unobserved_since
                    .is_some_and(|t| now.saturating_sub(t) >= gc_time_ms)
        });
        if old {
            self.cancel_key(key);
            self.entries.remove(key);
            self.commands.push(Command::Data(key.clone()));
            self.prune_confirmed();
            self.written();
        }
        old
    }

    /// Stale keys that are being read (for focus / reconnect refetches).
    pub fn stale_observed(&self, now: Millis) -> Vec<QueryKey> {
        self.entries
            .iter()
            .filter(|(_, e)| e.observers > 0 && e.is_stale(now))
            .map(|(k, _)| k.clone())
            .collect()
    }
}
