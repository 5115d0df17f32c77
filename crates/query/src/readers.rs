//! Readers of a key: registering its fetcher, garbage collection once unread, and the fetch
//! itself (with retries, stopped when cancelled or superseded).

use crate::abort::AbortHandle;
use crate::client::QueryClient;
use crate::engine::{self, Outcome, Try};
use crate::fetcher::Fetcher;
use crate::options::ms;
use crate::runtime::{now_ms, sleep, spawn};
use crate::QueryKey;

impl QueryClient {
    /// A reader of `key` mounted: registers how to fetch it and fetches if stale.
    pub(crate) fn observe(&self, key: &QueryKey, fetcher: Fetcher) {
        self.run(|i, now| {
            i.cache.observe(key, fetcher.stale_time_ms, now);
            i.fetchers.insert(key.clone(), fetcher);
        });
        let stale = self
            .try_with(|i| i.cache.is_stale(key, now_ms()))
            .unwrap_or(false);
        if stale {
            self.fetch(key);
        }
    }

    /// A reader of `key` went away; `abort` also cancels its fetch if nobody else reads it.
    pub(crate) fn unobserve(&self, key: &QueryKey, abort: bool) {
        let gc = self.run(|i, now| {
            i.cache.unobserve(key, now);
            let unread = i.cache.observers(key) == 0;
            if unread && abort {
                i.cache.cancel_key(key);
            }
            let gc_time = i
                .fetchers
                .get(key)
                .map_or(ms(i.options.gc_time), |f| f.gc_time_ms);
            unread.then_some(gc_time)
        });
        if let Some(Some(gc_time)) = gc {
            self.schedule_collect(key, gc_time);
        }
    }

    pub(crate) fn schedule_collect(&self, key: &QueryKey, gc_time: u64) {
        let client = *self;
        let key = key.clone();
        spawn(async move {
            sleep(gc_time).await;
            client.collect(&key, gc_time);
        });
    }

    /// Drops `key` if it has been unread for `gc_time` ms.
    fn collect(&self, key: &QueryKey, gc_time: u64) {
        self.run(|i, now| {
            // The in-flight fetch, if any, is aborted by the `Abort` command in `flush`.
            if i.cache.collect(key, gc_time, now) {
                i.fetchers.remove(key);
            }
        });
        // Triggers stay: a component may still read the key directly and must hear of new data.
    }

    /// Starts a fetch of `key` unless one is in flight or nobody registered a fetcher.
    pub(crate) fn fetch(&self, key: &QueryKey) {
        let started = self.run(|i, now| {
            let fetcher = i.fetchers.get(key)?.clone();
            let seq = i.cache.begin_fetch(key, now)?;
            let (handle, signal) = AbortHandle::new();
            i.aborts.insert(key.clone(), (seq, handle));
            Some((fetcher, seq, signal))
        });
        let Some(Some((fetcher, seq, signal))) = started else {
            return;
        };
        let client = *self;
        let key = key.clone();
        spawn(async move {
            // Cancelled or superseded fetches stop: their answers would be discarded anyway.
            let current = || {
                !signal.is_aborted()
                    && client
                        .try_with(|i| i.cache.is_current_fetch(&key, seq))
                        .unwrap_or(false)
            };
            let attempt = async |n: u32| {
                if n > 1 && !current() {
                    return Try::Stop;
                }
                let result = (fetcher.run)(key.clone(), signal.clone()).await;
                if !current() {
                    return Try::Stop;
                }
                Try::Answered {
                    result,
                    fresh: false,
                }
            };
            // Fetches don't wait for the network: a failure offline is reported, data kept.
            let result = match engine::run(fetcher.retry, attempt, || false, |_, _| true).await {
                Outcome::Done(value) => Ok(value),
                Outcome::Failed { error, .. } => Err(error.error),
                Outcome::Stopped => return,
            };
            client.run(|i, now| {
                if i.aborts.get(&key).is_some_and(|(s, _)| *s == seq) {
                    i.aborts.remove(&key);
                }
                i.cache.complete_fetch(&key, seq, result, now)
            });
        });
    }
}
