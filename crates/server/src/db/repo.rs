use eventual_model::{Event, EventId, EventInput, Status, Timestamp};
use time::OffsetDateTime;

use super::list_sql::{list_sql, Param};
use super::{Backend, Conn, Db, Pool};
use crate::extract::ListParams;
use crate::on_backend;

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

/// The event queries, on SQLite or PostgreSQL. Every change bumps `version` in the same
/// statement that checks it.
#[derive(Clone, Debug)]
pub struct Repo {
    db: Db,
}

const COLUMNS: &str = "id, title, description, location, starts_at, ends_at, all_day, status, \
                       version, created_at, updated_at";

/// A row of `events` as both backends return it.
#[derive(sqlx::FromRow)]
struct EventRow {
    id: i64,
    title: String,
    description: String,
    location: String,
    starts_at: String,
    ends_at: String,
    all_day: bool,
    status: String,
    version: i64,
    created_at: String,
    updated_at: String,
}

impl Repo {
    /// Queries over an opened, migrated database.
    pub fn new(db: Db) -> Repo {
        Repo { db }
    }

    /// The database, with its keep-alive connection for `:memory:`.
    pub fn db(&self) -> &Db {
        &self.db
    }

    /// The pool, for health checks and tests.
    pub fn pool(&self) -> &Pool {
        &self.db.pool
    }

    /// Events overlapping `[from, to)` whose text contains `q` (Unicode case-insensitive),
    /// ordered by start then id, with the total before paging; both read in one snapshot.
    pub(crate) async fn list(&self, p: &ListParams) -> sqlx::Result<ListPage> {
        let needle = p.q.as_deref().map(search_text);
        if self.pool().backend() == Backend::Postgres
            && needle.as_ref().is_some_and(|n| n.contains('\0'))
        {
            // PostgreSQL text cannot hold U+0000, so no stored text contains it.
            return Ok(ListPage {
                events: Vec::new(),
                total: 0,
            });
        }
        let from = p.from.map(Timestamp::unix_millis);
        let to = p.to.map(Timestamp::unix_millis);
        let limit = i64::from(p.limit);
        let offset = i64::try_from(p.offset()).unwrap_or(i64::MAX);
        let mut tx = self.pool().begin().await?;
        let sql = list_sql(tx.conn().backend(), COLUMNS, needle, from, to);
        let (total, rows): (i64, Vec<EventRow>) = on_backend!(tx.conn(), c => {
            let mut count = sqlx::query_scalar(&sql.count);
            let mut page = sqlx::query_as(&sql.page);
            for p in &sql.params {
                (count, page) = match p {
                    Param::Text(t) => (count.bind(t), page.bind(t)),
                    Param::Int(i) => (count.bind(i), page.bind(i)),
                };
            }
            let total = count.fetch_one(&mut *c).await?;
            let rows = page.bind(limit).bind(offset).fetch_all(&mut *c).await?;
            (total, rows)
        });
        tx.commit().await?;
        let events = rows
            .into_iter()
            .map(EventRow::into_event)
            .collect::<sqlx::Result<_>>()?;
        Ok(ListPage {
            events,
            total: u64::try_from(total).unwrap_or(0),
        })
    }

    /// One event, if it exists.
    pub async fn get(&self, id: i64) -> sqlx::Result<Option<Event>> {
        get(self.pool().acquire().await?.conn(), id).await
    }

    /// Store a new event at version 1 with fresh timestamps.
    pub async fn insert(&self, input: &EventInput) -> sqlx::Result<Event> {
        insert(self.pool().acquire().await?.conn(), input).await
    }

    /// Replace the writable fields only if the event is still at `version`; `None` when it
    /// is gone or has moved on.
    pub async fn update_if_version(
        &self,
        id: i64,
        version: u64,
        input: &EventInput,
    ) -> sqlx::Result<Option<Event>> {
        update_if_version(self.pool().acquire().await?.conn(), id, version, input).await
    }

    /// Delete only if the event is still at `version`; false when it is gone or moved on.
    pub async fn delete_if_version(&self, id: i64, version: u64) -> sqlx::Result<bool> {
        delete_if_version(self.pool().acquire().await?.conn(), id, version).await
    }

    /// Every event, ordered by start then id (the iCalendar feed).
    pub async fn all(&self) -> sqlx::Result<Vec<Event>> {
        let sql = format!("SELECT {COLUMNS} FROM events ORDER BY starts_ms, id");
        let mut pooled = self.pool().acquire().await?;
        let rows: Vec<EventRow> =
            on_backend!(pooled.conn(), c => sqlx::query_as(&sql).fetch_all(c).await?);
        rows.into_iter().map(EventRow::into_event).collect()
    }

    /// How many events are stored.
    pub async fn count(&self) -> sqlx::Result<u64> {
        let mut pooled = self.pool().acquire().await?;
        let n: i64 = on_backend!(pooled.conn(), c =>
            sqlx::query_scalar("SELECT COUNT(*) FROM events").fetch_one(c).await?);
        Ok(u64::try_from(n).unwrap_or(0))
    }
}

// The queries, on a pooled connection or inside a held transaction (see `held`).

/// Binds the writable fields as `$1`..`$9`, in the column order `INSERT` and `UPDATE` list.
macro_rules! bind_fields {
    ($query:expr, $input:expr) => {
        $query
            .bind(&$input.title)
            .bind(&$input.description)
            .bind(&$input.location)
            .bind($input.start.to_string())
            .bind($input.start.unix_millis())
            .bind($input.end.to_string())
            .bind($input.end.unix_millis())
            .bind($input.all_day)
            .bind($input.status.as_str())
    };
}

/// One event, if it exists.
pub(super) async fn get(c: Conn<'_>, id: i64) -> sqlx::Result<Option<Event>> {
    let sql = format!("SELECT {COLUMNS} FROM events WHERE id = $1");
    let row: Option<EventRow> =
        on_backend!(c, c => sqlx::query_as(&sql).bind(id).fetch_optional(c).await?);
    row.map(EventRow::into_event).transpose()
}

/// Store a new event at version 1 with fresh timestamps.
pub(super) async fn insert(c: Conn<'_>, input: &EventInput) -> sqlx::Result<Event> {
    let now = now().to_string();
    let search = search_text(&searchable(input));
    let sql = format!(
        "INSERT INTO events (title, description, location, starts_at, starts_ms, ends_at, \
             ends_ms, all_day, status, version, created_at, updated_at, search) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1, $10, $10, $11) RETURNING {COLUMNS}"
    );
    let row: EventRow = on_backend!(c, c => bind_fields!(sqlx::query_as(&sql), input)
        .bind(&now)
        .bind(&search)
        .fetch_one(c)
        .await?);
    row.into_event()
}

/// Replace the writable fields only if the event is still at `version`; `None` when it
/// is gone or has moved on. On PostgreSQL a concurrent writer of the row makes this wait for
/// its commit, then re-checks `version`: the loser matches nothing, never a lost update.
pub(super) async fn update_if_version(
    c: Conn<'_>,
    id: i64,
    version: u64,
    input: &EventInput,
) -> sqlx::Result<Option<Event>> {
    let now = now().to_string();
    let search = search_text(&searchable(input));
    let sql = format!(
        "UPDATE events SET title = $1, description = $2, location = $3, starts_at = $4, \
             starts_ms = $5, ends_at = $6, ends_ms = $7, all_day = $8, status = $9, \
             version = version + 1, updated_at = $10, search = $11 \
             WHERE id = $12 AND version = $13 RETURNING {COLUMNS}"
    );
    let row: Option<EventRow> = on_backend!(c, c => bind_fields!(sqlx::query_as(&sql), input)
        .bind(&now)
        .bind(&search)
        .bind(id)
        .bind(version_param(version))
        .fetch_optional(c)
        .await?);
    row.map(EventRow::into_event).transpose()
}

/// Delete only if the event is still at `version`; false when it is gone or moved on.
pub(super) async fn delete_if_version(c: Conn<'_>, id: i64, version: u64) -> sqlx::Result<bool> {
    let sql = "DELETE FROM events WHERE id = $1 AND version = $2";
    let done = on_backend!(c, c => sqlx::query(sql)
        .bind(id)
        .bind(version_param(version))
        .execute(c)
        .await?
        .rows_affected());
    Ok(done == 1)
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

impl EventRow {
    fn into_event(self) -> sqlx::Result<Event> {
        let decode = |col: &str, e: String| sqlx::Error::ColumnDecode {
            index: col.to_owned(),
            source: e.into(),
        };
        let ts = |col: &str, s: &str| -> sqlx::Result<Timestamp> {
            Timestamp::parse(s).map_err(|e| decode(col, e))
        };
        Ok(Event {
            id: EventId::new(self.id.to_string()),
            start: ts("starts_at", &self.starts_at)?,
            end: ts("ends_at", &self.ends_at)?,
            all_day: self.all_day,
            status: self
                .status
                .parse::<Status>()
                .map_err(|e| decode("status", e))?,
            version: Some(
                u64::try_from(self.version).map_err(|e| decode("version", e.to_string()))?,
            ),
            created_at: Some(ts("created_at", &self.created_at)?),
            updated_at: Some(ts("updated_at", &self.updated_at)?),
            title: self.title,
            description: self.description,
            location: self.location,
        })
    }
}
