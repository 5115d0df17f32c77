//! Keeping confirmed data across page loads: the app registers how to encode the values under
//! a key prefix; `dehydrate` saves confirmed data (never optimistic edits), `hydrate` seeds an
//! empty cache with it, stale, so readers refetch while showing it.

use std::rc::Rc;

use crate::core::{Millis, Value};
use crate::{QueryClient, QueryKey};

type Encode = Rc<dyn Fn(&Value) -> Option<String>>;
type Decode = Rc<dyn Fn(&str) -> Option<Value>>;

/// How values under one key prefix are written to and read from text.
#[derive(Clone)]
pub(crate) struct Codec {
    prefix: QueryKey,
    encode: Encode,
    decode: Decode,
}

/// One saved entry: its key, its confirmed data as text, and when that data was fetched.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dehydrated {
    /// The key.
    pub key: QueryKey,
    /// The confirmed data, as its codec wrote it.
    pub data: String,
    /// When the data landed (ms since the epoch).
    pub updated_at: Millis,
}

impl QueryClient {
    /// Saves values of type `T` under `prefix` with `encode` / `decode` (e.g. serde_json).
    /// The first registered prefix matching a key whose value is a `T` is used.
    pub fn persist<T: PartialEq + 'static>(
        &self,
        prefix: impl Into<QueryKey>,
        encode: impl Fn(&T) -> Option<String> + 'static,
        decode: impl Fn(&str) -> Option<T> + 'static,
    ) {
        let codec = Codec {
            prefix: prefix.into(),
            encode: Rc::new(move |v: &Value| encode(v.downcast_ref::<T>()?)),
            decode: Rc::new(move |s: &str| decode(s).map(Value::new)),
        };
        self.try_with(|i| i.codecs.push(codec));
    }

    /// The confirmed data of every key with a codec, oldest key order. Pending edits are not
    /// included: they are the app's to save and re-issue.
    pub fn dehydrate(&self) -> Vec<Dehydrated> {
        self.try_with(|i| {
            let keys: Vec<QueryKey> = i.cache.keys().cloned().collect();
            keys.into_iter()
                .filter_map(|key| {
                    let base = i.cache.base(&key)?;
                    let data = i
                        .codecs
                        .iter()
                        .filter(|c| key.starts_with(&c.prefix))
                        .find_map(|c| (c.encode)(&base.value))?;
                    Some(Dehydrated {
                        key,
                        data,
                        updated_at: base.updated_at,
                    })
                })
                .collect()
        })
        .unwrap_or_default()
    }

    /// Seeds keys that have no data yet with saved entries (stale, so readers refetch them).
    /// Entries no codec can read are skipped. Returns how many were written.
    pub fn hydrate(&self, saved: impl IntoIterator<Item = Dehydrated>) -> usize {
        let saved: Vec<Dehydrated> = saved.into_iter().collect();
        let written = self
            .run(|i, now| {
                let mut written = Vec::new();
                for entry in saved {
                    let value = i
                        .codecs
                        .iter()
                        .filter(|c| entry.key.starts_with(&c.prefix))
                        .find_map(|c| (c.decode)(&entry.data));
                    if let Some(value) = value {
                        if i.cache.hydrate(&entry.key, value, entry.updated_at, now) {
                            written.push(entry.key);
                        }
                    }
                }
                (written, crate::options::ms(i.options.gc_time))
            })
            .unwrap_or_default();
        let (keys, gc_time) = written;
        // Like set_query_data: an entry nobody reads is collected after gc_time.
        for key in &keys {
            self.schedule_collect(key, gc_time);
        }
        keys.len()
    }
}
