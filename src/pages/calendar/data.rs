//! Loading what a view shows: only its range (`GET /events?from&to`), as a cache entry under
//! the lists prefix, with the neighbouring ranges loaded ahead.

use eventual_model::{Event, Timestamp};
use eventual_query::{use_query, AbortSignal, QueryKey, QueryResult};
use leptos::prelude::*;

use crate::api::{Api, ApiError};
use crate::keys;

/// Events asked for per range: the reference server's cap.
const RANGE_LIMIT: u32 = 1000;

/// `from` and `to` back out of a [`keys::range`] key.
fn bounds(key: &QueryKey) -> Option<(Timestamp, Timestamp)> {
    match keys::list_kind(key)? {
        keys::ListKind::Range { from, to } => Some((from, to)),
        _ => None,
    }
}

type Loading = std::pin::Pin<Box<dyn std::future::Future<Output = Result<Vec<Event>, ApiError>>>>;

fn fetcher(api: Api) -> impl Fn(QueryKey, AbortSignal) -> Loading + 'static {
    move |key, signal| {
        let api = api.clone();
        Box::pin(async move {
            let Some((from, to)) = bounds(&key) else {
                return Err(ApiError::Decode(format!("not a range: {key}")));
            };
            api.range(from, to, RANGE_LIMIT, signal.web()).await
        })
    }
}

/// The events of `[from, to)` as cached (optimistic edits applied), fetched when missing or
/// stale.
pub fn use_range(
    range: impl Fn() -> (Timestamp, Timestamp) + 'static,
) -> QueryResult<Vec<Event>, ApiError> {
    let api = expect_context::<Api>();
    use_query(
        move || {
            let (from, to) = range();
            keys::range(from, to)
        },
        fetcher(api),
    )
}

/// Keeps a neighbouring range loaded (and fresh) so stepping to it paints at once.
#[component]
pub fn Prefetch(range: Signal<(Timestamp, Timestamp)>) -> impl IntoView {
    let _ = use_range(move || range.get());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_range_key_gives_its_bounds_back() {
        let at = |s| Timestamp::parse(s).unwrap();
        let (from, to) = (at("2026-12-06T05:00:00Z"), at("2026-12-13T05:00:00Z"));
        assert_eq!(bounds(&keys::range(from, to)), Some((from, to)));
        assert_eq!(bounds(&keys::lists()), None);
    }
}
