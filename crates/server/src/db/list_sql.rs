//! The SQL of a list request, built from the filters it has, so each one can use an index.
//!
//! A range asks for `starts_ms < to AND ends_ms > from`. An index on the start alone bounds
//! only the first half: a week after 100,000 stored events would scan all of them. So the
//! overlap is split in two disjoint parts: events no longer than [`LONG_MS`] start within
//! `(from - LONG_MS, to)` (a bounded index range), and the few longer ones are read from a
//! partial index that holds only them (migration `events_long_by_start`).

use super::Backend;

/// Events longer than this are "long". The literal is repeated in the migrations, because a
/// partial index is used only when the query states its very condition.
pub(crate) const LONG_MS: i64 = 7 * 24 * 60 * 60 * 1000;
const IS_LONG: &str = "ends_ms - starts_ms > 604800000";
const IS_SHORT: &str = "ends_ms - starts_ms <= 604800000";

/// A value bound to a placeholder, in placeholder order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Param {
    Text(String),
    Int(i64),
}

/// The two statements of one list read, sharing their parameters; the page's also take
/// `LIMIT` and `OFFSET` as the last two.
#[derive(Debug)]
pub(crate) struct ListSql {
    pub count: String,
    pub page: String,
    pub params: Vec<Param>,
}

/// The SQL for events containing `needle` (already lowered) and overlapping `[from, to)`
/// (ms), each filter only when given; rows ordered by start then id.
pub(crate) fn list_sql(
    backend: Backend,
    columns: &str,
    needle: Option<String>,
    from: Option<i64>,
    to: Option<i64>,
) -> ListSql {
    let mut params = Vec::new();
    let mut bind = |p: Param| {
        params.push(p);
        format!("${}", params.len())
    };
    let mut common = Vec::new();
    if let Some(n) = needle {
        let find = match backend {
            Backend::Sqlite => "instr",
            Backend::Postgres => "strpos",
        };
        common.push(format!("{find}(search, {}) > 0", bind(Param::Text(n))));
    }
    if let Some(to) = to {
        common.push(format!("starts_ms < {}", bind(Param::Int(to))));
    }
    let parts: Vec<String> = match from {
        None => vec![where_clause(&common)],
        Some(from) => {
            common.push(format!("ends_ms > {}", bind(Param::Int(from))));
            let earliest = bind(Param::Int(from.saturating_sub(LONG_MS)));
            let mut short = common.clone();
            short.push(format!("starts_ms > {earliest}"));
            short.push(IS_SHORT.to_owned());
            let mut long = common;
            long.push(IS_LONG.to_owned());
            vec![where_clause(&short), where_clause(&long)]
        }
    };
    let limit = format!("LIMIT ${} OFFSET ${}", params.len() + 1, params.len() + 2);
    let (count, page) = match parts.as_slice() {
        [one] => (
            format!("SELECT COUNT(*) FROM events{one}"),
            format!("SELECT {columns} FROM events{one} ORDER BY starts_ms, id {limit}"),
        ),
        [short, long] => (
            format!(
                "SELECT (SELECT COUNT(*) FROM events{short}) + (SELECT COUNT(*) FROM events{long})"
            ),
            format!(
                "SELECT {columns} FROM (\
                 SELECT {columns}, starts_ms FROM events{short} \
                 UNION ALL SELECT {columns}, starts_ms FROM events{long}\
                 ) AS hits ORDER BY starts_ms, id {limit}"
            ),
        ),
        _ => unreachable!("one or two parts"),
    };
    ListSql {
        count,
        page,
        params,
    }
}

fn where_clause(terms: &[String]) -> String {
    if terms.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", terms.join(" AND "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_long_condition_states_the_constant() {
        assert_eq!(IS_LONG, format!("ends_ms - starts_ms > {LONG_MS}"));
        assert_eq!(IS_SHORT, format!("ends_ms - starts_ms <= {LONG_MS}"));
    }

    #[test]
    fn only_given_filters_are_in_the_sql() {
        let plain = list_sql(Backend::Sqlite, "id", None, None, None);
        assert_eq!(plain.count, "SELECT COUNT(*) FROM events");
        assert!(plain.params.is_empty());
        let to = list_sql(Backend::Postgres, "id", Some("a".into()), None, Some(5));
        assert_eq!(
            to.count,
            "SELECT COUNT(*) FROM events WHERE strpos(search, $1) > 0 AND starts_ms < $2"
        );
        assert!(to.page.ends_with("LIMIT $3 OFFSET $4"));
    }

    #[test]
    fn a_range_reads_short_events_from_a_bounded_start() {
        let sql = list_sql(
            Backend::Sqlite,
            "id",
            None,
            Some(LONG_MS + 10),
            Some(LONG_MS + 20),
        );
        assert_eq!(
            sql.params,
            [
                Param::Int(LONG_MS + 20),
                Param::Int(LONG_MS + 10),
                Param::Int(10)
            ]
        );
        assert!(sql.page.contains("starts_ms > $3"), "{}", sql.page);
        assert!(sql.page.ends_with("LIMIT $4 OFFSET $5"));
    }

    /// What SQLite plans for a range read: both halves from an index, neither a scan, so
    /// a week far from the bulk of the events reads only its own rows.
    #[tokio::test]
    async fn sqlite_reads_both_halves_of_a_range_from_an_index() {
        let db = crate::db::open(crate::db::MEMORY, 1).await.unwrap();
        let pool = db.pool.sqlite().unwrap();
        let sql = list_sql(Backend::Sqlite, "id", None, Some(1), Some(2));
        for statement in [&sql.count, &sql.page] {
            let explain = format!("EXPLAIN QUERY PLAN {statement}");
            let mut q = sqlx::query_as::<_, (i64, i64, i64, String)>(&explain);
            for p in &sql.params {
                q = match p {
                    Param::Int(i) => q.bind(*i),
                    Param::Text(t) => q.bind(t.clone()),
                };
            }
            let plan: Vec<String> = q
                .bind(10)
                .bind(0)
                .fetch_all(pool)
                .await
                .unwrap()
                .into_iter()
                .map(|r| r.3)
                .collect();
            let plan = plan.join("\n");
            assert!(
                plan.contains("USING INDEX events_by_start (starts_ms>? AND starts_ms<?)"),
                "{plan}"
            );
            assert!(
                plan.contains("USING INDEX events_long_by_start (starts_ms<?)"),
                "{plan}"
            );
            assert!(!plan.contains("SCAN events"), "{plan}");
        }
    }
}
