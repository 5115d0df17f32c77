//! Range reads against a brute-force overlap filter: events short and long (around the
//! week that splits the query in two), ranges open on either side, and paging.

use proptest::prelude::*;
use serde_json::json;

use crate::common::*;

const MINUTE: i64 = 60_000;
const DAY: i64 = 24 * 60 * MINUTE;
const WEEK: i64 = 7 * DAY;
/// 2027-01-01T00:00:00Z.
const BASE: i64 = 1_798_761_600_000;

fn iso(ms: i64) -> String {
    let t = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).unwrap();
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap()
}

/// (start, length) in ms: mostly short, some exactly at and around a week, some of months.
fn event() -> impl Strategy<Value = (i64, i64)> {
    let length = prop_oneof![
        4 => (1i64..600).prop_map(|m| m * MINUTE),
        1 => Just(WEEK),
        1 => Just(WEEK - 1),
        1 => Just(WEEK + 1),
        1 => (8i64..90).prop_map(|d| d * DAY),
    ];
    ((0i64..60 * 24 * 60).prop_map(|m| BASE + m * MINUTE), length)
}

/// (from, to, limit, page): either side may be open; `to` after `from`.
fn range() -> impl Strategy<Value = (Option<i64>, Option<i64>, u32, u32)> {
    let at = (-20i64 * 24 * 60..100 * 24 * 60).prop_map(|m| BASE + m * MINUTE);
    (
        proptest::option::of(at.clone()),
        proptest::option::of(1i64..40 * 24 * 60),
        1u32..8,
        1u32..4,
    )
        .prop_map(|(from, span, limit, page)| {
            let to = span.map(|s| from.unwrap_or(BASE) + s * MINUTE);
            (from, to, limit, page)
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    #[test]
    fn ranges_match_a_brute_force_overlap_filter(
        events in proptest::collection::vec(event(), 1..30),
        ranges in proptest::collection::vec(range(), 1..8),
    ) {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            let app = app().await;
            let mut stored = Vec::new();
            for (i, (start, len)) in events.iter().enumerate() {
                let body = json!({"title": format!("E{i}"), "start": iso(*start), "end": iso(start + len)});
                let e = app.create(&body).await;
                stored.push((*start, start + len, e["id"].as_str().unwrap().parse::<i64>().unwrap()));
            }
            stored.sort_by_key(|&(start, _, id)| (start, id));
            for (from, to, limit, page) in ranges {
                let hits: Vec<i64> = stored
                    .iter()
                    .filter(|(s, e, _)| from.is_none_or(|f| *e > f) && to.is_none_or(|t| *s < t))
                    .map(|&(_, _, id)| id)
                    .collect();
                let want: Vec<i64> = hits.iter().copied().skip(((page - 1) * limit) as usize).take(limit as usize).collect();
                let mut uri = format!("/api/events?_limit={limit}&_page={page}");
                if let Some(f) = from {
                    uri.push_str(&format!("&from={}", iso(f)));
                }
                if let Some(t) = to {
                    uri.push_str(&format!("&to={}", iso(t)));
                }
                let res = app.get(&uri).await;
                let total = hits.len().to_string();
                prop_assert_eq!(res.header("x-total-count"), Some(total.as_str()), "{}", uri);
                let got: Vec<i64> = res.json().as_array().unwrap().iter()
                    .map(|e| e["id"].as_str().unwrap().parse().unwrap())
                    .collect();
                prop_assert_eq!(got, want, "{}", uri);
            }
            Ok(())
        })?;
    }
}
