//! The saved query cache as text: newest entries first, within a size cap. Pure.

use eventual_query::{Dehydrated, QueryKey};
use serde::{Deserialize, Serialize};

/// Most characters the saved cache may take (localStorage holds ~5 MB per origin).
pub const CACHE_CAP: usize = 1_000_000;

#[derive(Serialize, Deserialize)]
struct Saved {
    key: String,
    data: String,
    at: u64,
}

/// `entries` as stored text, keeping the most recently fetched ones that fit in `cap`.
pub fn encode(entries: &[Dehydrated], cap: usize) -> String {
    let mut entries: Vec<&Dehydrated> = entries.iter().collect();
    entries.sort_by_key(|e| std::cmp::Reverse(e.updated_at));
    let mut kept = Vec::new();
    let mut size = 2;
    for e in entries {
        let saved = Saved {
            key: e.key.to_string(),
            data: e.data.clone(),
            at: e.updated_at,
        };
        let len = crate::json::to_string(&saved).map_or(usize::MAX, |s| s.len() + 1);
        if size + len <= cap {
            size += len;
            kept.push(saved);
        }
    }
    crate::json::to_string(&kept).unwrap_or_else(|_| "[]".into())
}

/// Stored text back into entries; anything unreadable is an empty cache.
pub fn decode(text: &str) -> Vec<Dehydrated> {
    crate::json::from_str::<Vec<Saved>>(text)
        .unwrap_or_default()
        .into_iter()
        .map(|s| Dehydrated {
            key: QueryKey::from(s.key.as_str()),
            data: s.data,
            updated_at: s.at,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(key: &str, data: &str, at: u64) -> Dehydrated {
        Dehydrated {
            key: QueryKey::from(key),
            data: data.into(),
            updated_at: at,
        }
    }

    #[test]
    fn round_trips_keys_with_queries() {
        let entries = vec![
            entry("events/list?q=a%20b", "[1]", 5),
            entry("events/7", "{}", 9),
        ];
        let back = decode(&encode(&entries, CACHE_CAP));
        assert_eq!(back.len(), 2);
        assert!(back.contains(&entries[0]) && back.contains(&entries[1]));
        assert!(decode("garbage").is_empty());
    }

    #[test]
    fn the_cap_keeps_the_newest_entries() {
        let big = "x".repeat(400);
        let entries = vec![
            entry("events/1", &big, 1),
            entry("events/2", &big, 3),
            entry("events/3", &big, 2),
        ];
        let text = encode(&entries, 1_000);
        assert!(text.len() <= 1_000);
        let keys: Vec<String> = decode(&text).iter().map(|e| e.key.to_string()).collect();
        assert_eq!(keys, ["events/2", "events/3"]);
    }
}
