use eventual_model::{Event, EventId, EventInput, Status, Timestamp};
use sqlx::query::Query;
use sqlx::sqlite::{SqliteArguments, SqliteRow};
use sqlx::{Executor, Row, Sqlite, SqlitePool};
use time::OffsetDateTime;

use super::Db;
use crate::extract::ListParams;

/// What a conditional write found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WriteOutcome<T> {
    /// The write (or read) went through.
    Done(T),
    /// No event has that id.
    NotFound,
    /// The event exists at another version than the one the write was conditioned on.
    Conflict {
        /// The version the event is at now.
        current: u64,
    },
}

/// One page of a list and how many events matched in all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListPage {
    /// The events of the requested page, in order.
    pub events: Vec<Event>,
    /// How many events matched before paging (`X-Total-Count`).
    pub total: u64,
}

/// The event queries. Every change bumps `version` in the same statement that checks it.
#[derive(Clone, Debug)]
pub struct Repo {
    db: Db,
    pool: SqlitePool,
}

const COLUMNS: &str = "id, title, description, location, starts_at, ends_at, all_day, status, \
                       version, created_at, updated_at";

const FILTER: &str = "(? IS NULL OR instr(search, ?) > 0) \
                      AND (? IS NULL OR ends_ms > ?) \
                      AND (? IS NULL OR starts_ms < ?)";

impl Repo {
    /// Queries over an opened, migrated pool.
    pub fn new(db: Db) -> Repo {
        Repo {
            pool: db.pool.clone(),
            db,
        }
    }

    /// The database, with its keep-alive connection for `:memory:`.
    pub fn db(&self) -> &Db {
        &self.db
    }

    /// The pool, for health checks and tests.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// Events overlapping `[from, to)` whose text contains `q` (Unicode case-insensitive),
    /// ordered by start then id, with the total before paging; both read in one snapshot.
    pub(crate) async fn list(&self, p: &ListParams) -> sqlx::Result<ListPage> {
        // `instr` on pre-lowered text: a plain substring test, so `%` and `_` in `q` are
        // literal without any LIKE escaping.
        let needle = p.q.as_deref().map(search_text);
        let from = p.from.map(Timestamp::unix_millis);
        let to = p.to.map(Timestamp::unix_millis);
        let mut tx = self.pool.begin().await?;
        let total: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM events WHERE {FILTER}"))
            .bind(&needle)
            .bind(&needle)
            .bind(from)
            .bind(from)
            .bind(to)
            .bind(to)
            .fetch_one(&mut *tx)
            .await?;
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM events WHERE {FILTER} ORDER BY starts_ms, id LIMIT ? OFFSET ?"
        ))
        .bind(&needle)
        .bind(&needle)
        .bind(from)
        .bind(from)
        .bind(to)
        .bind(to)
        .bind(i64::from(p.limit))
        .bind(i64::try_from(p.offset()).unwrap_or(i64::MAX))
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        let events = rows
            .iter()
            .map(event_from_row)
            .collect::<sqlx::Result<_>>()?;
        Ok(ListPage {
            events,
            total: u64::try_from(total).unwrap_or(0),
        })
    }

    /// One event, if it exists.
    pub async fn get(&self, id: i64) -> sqlx::Result<Option<Event>> {
        get(&self.pool, id).await
    }

    /// Store a new event at version 1 with fresh timestamps.
    pub async fn insert(&self, input: &EventInput) -> sqlx::Result<Event> {
        insert(&self.pool, input).await
    }

    /// Replace the writable fields only if the event is still at `version`; `None` when it
    /// is gone or has moved on.
    pub async fn update_if_version(
        &self,
        id: i64,
        version: u64,
        input: &EventInput,
    ) -> sqlx::Result<Option<Event>> {
        update_if_version(&self.pool, id, version, input).await
    }

    /// Delete only if the event is still at `version`; false when it is gone or moved on.
    pub async fn delete_if_version(&self, id: i64, version: u64) -> sqlx::Result<bool> {
        delete_if_version(&self.pool, id, version).await
    }

    /// Every event, ordered by start then id (the iCalendar feed).
    pub async fn all(&self) -> sqlx::Result<Vec<Event>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM events ORDER BY starts_ms, id"
        ))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(event_from_row).collect()
    }

    /// How many events are stored.
    pub async fn count(&self) -> sqlx::Result<u64> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM events")
            .fetch_one(&self.pool)
            .await?;
        Ok(u64::try_from(n).unwrap_or(0))
    }
}

// The queries, on the pool or inside a held transaction (see `held`).

/// One event, if it exists.
pub(super) async fn get<'e>(
    ex: impl Executor<'e, Database = Sqlite>,
    id: i64,
) -> sqlx::Result<Option<Event>> {
    sqlx::query(&format!("SELECT {COLUMNS} FROM events WHERE id = ?"))
        .bind(id)
        .fetch_optional(ex)
        .await?
        .as_ref()
        .map(event_from_row)
        .transpose()
}

/// Store a new event at version 1 with fresh timestamps.
pub(super) async fn insert<'e>(
    ex: impl Executor<'e, Database = Sqlite>,
    input: &EventInput,
) -> sqlx::Result<Event> {
    let now = now();
    let sql = format!(
        "INSERT INTO events (title, description, location, starts_at, starts_ms, ends_at, \
             ends_ms, all_day, status, version, created_at, updated_at, search) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?) RETURNING {COLUMNS}"
    );
    let row = bind_fields(sqlx::query(&sql), input)
        .bind(now.to_string())
        .bind(now.to_string())
        .bind(search_text(&searchable(input)))
        .fetch_one(ex)
        .await?;
    event_from_row(&row)
}

/// Replace the writable fields only if the event is still at `version`; `None` when it
/// is gone or has moved on.
pub(super) async fn update_if_version<'e>(
    ex: impl Executor<'e, Database = Sqlite>,
    id: i64,
    version: u64,
    input: &EventInput,
) -> sqlx::Result<Option<Event>> {
    let now = now();
    let sql = format!(
        "UPDATE events SET title = ?, description = ?, location = ?, starts_at = ?, \
             starts_ms = ?, ends_at = ?, ends_ms = ?, all_day = ?, status = ?, \
             version = version + 1, updated_at = ?, search = ? \
             WHERE id = ? AND version = ? RETURNING {COLUMNS}"
    );
    let row = bind_fields(sqlx::query(&sql), input)
        .bind(now.to_string())
        .bind(search_text(&searchable(input)))
        .bind(id)
        .bind(version_param(version))
        .fetch_optional(ex)
        .await?;
    row.as_ref().map(event_from_row).transpose()
}

/// Delete only if the event is still at `version`; false when it is gone or moved on.
pub(super) async fn delete_if_version<'e>(
    ex: impl Executor<'e, Database = Sqlite>,
    id: i64,
    version: u64,
) -> sqlx::Result<bool> {
    let done = sqlx::query("DELETE FROM events WHERE id = ? AND version = ?")
        .bind(id)
        .bind(version_param(version))
        .execute(ex)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Binds the writable fields, in the column order both `INSERT` and `UPDATE` list them.
fn bind_fields<'q>(
    query: Query<'q, Sqlite, SqliteArguments<'q>>,
    input: &'q EventInput,
) -> Query<'q, Sqlite, SqliteArguments<'q>> {
    query
        .bind(&input.title)
        .bind(&input.description)
        .bind(&input.location)
        .bind(input.start.to_string())
        .bind(input.start.unix_millis())
        .bind(input.end.to_string())
        .bind(input.end.unix_millis())
        .bind(input.all_day)
        .bind(input.status.as_str())
}

/// The version stored on an event read from this database.
pub fn stored_version(e: &Event) -> u64 {
    e.version.unwrap_or(1)
}

fn version_param(version: u64) -> i64 {
    // Versions beyond i64 cannot exist in the table, so they match nothing.
    i64::try_from(version).unwrap_or(-1)
}

fn now() -> Timestamp {
    let t = OffsetDateTime::now_utc();
    let ms = (t.unix_timestamp_nanos() / 1_000_000) as i64;
    Timestamp::from_unix_millis(ms).unwrap_or_else(|| Timestamp::from(t))
}

fn searchable(input: &EventInput) -> String {
    // U+001F cannot appear in a needle (see `search_text`), so matches never span fields.
    format!(
        "{}\u{1f}{}\u{1f}{}",
        input.title, input.location, input.description
    )
}

/// Lowercased (Unicode) text as stored in `search` and as searched for.
fn search_text(s: &str) -> String {
    s.chars()
        .filter(|c| *c != '\u{1f}')
        .collect::<String>()
        .to_lowercase()
}

fn event_from_row(row: &SqliteRow) -> sqlx::Result<Event> {
    let decode = |col: &str, e: String| sqlx::Error::ColumnDecode {
        index: col.to_owned(),
        source: e.into(),
    };
    let ts = |col: &str| -> sqlx::Result<Timestamp> {
        let s: String = row.try_get(col)?;
        Timestamp::parse(&s).map_err(|e| decode(col, e))
    };
    let id: i64 = row.try_get("id")?;
    let version: i64 = row.try_get("version")?;
    let status: String = row.try_get("status")?;
    Ok(Event {
        id: EventId::new(id.to_string()),
        title: row.try_get("title")?,
        description: row.try_get("description")?,
        location: row.try_get("location")?,
        start: ts("starts_at")?,
        end: ts("ends_at")?,
        all_day: row.try_get("all_day")?,
        status: status.parse::<Status>().map_err(|e| decode("status", e))?,
        version: Some(u64::try_from(version).map_err(|e| decode("version", e.to_string()))?),
        created_at: Some(ts("created_at")?),
        updated_at: Some(ts("updated_at")?),
    })
}
