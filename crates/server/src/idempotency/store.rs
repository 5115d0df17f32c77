//! The `idempotency_keys` table: what a key was first used for and the answer it got.

use std::time::Duration;

use crate::db::{Conn, Pool};
use crate::on_backend;
use axum::body::Bytes;
use axum::http::{header, response, HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use super::IdempotencyKey;

/// How long a key is remembered.
pub const KEY_TTL: Duration = Duration::from_secs(24 * 60 * 60);

/// The response headers worth replaying (the rest are per-response or added by outer layers).
const KEPT_HEADERS: [HeaderName; 3] = [header::CONTENT_TYPE, header::ETAG, header::LOCATION];

/// What makes two requests "the same": `If-Match` is deliberately left out, so a change
/// re-sent with a fresher precondition still replays its first success.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fingerprint {
    /// The method.
    pub method: Method,
    /// Path and query as the client sent them (API prefix included).
    pub path: String,
    /// SHA-256 of method, path and body: equal for the same body byte for byte.
    pub digest: [u8; 32],
}

impl Fingerprint {
    /// The fingerprint of a request (the body is not kept).
    pub fn new(method: Method, path: String, body: &[u8]) -> Fingerprint {
        let mut hash = Sha256::new();
        // Lengths first, so no two (method, path, body) triples hash the same bytes.
        for part in [method.as_str().as_bytes(), path.as_bytes()] {
            hash.update((part.len() as u64).to_be_bytes());
            hash.update(part);
        }
        hash.update(body);
        Fingerprint {
            method,
            path,
            digest: hash.finalize().into(),
        }
    }
}

/// A successful answer kept for replay.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SavedResponse {
    /// Always 2xx: failures are never saved, so they can be retried.
    pub status: StatusCode,
    /// `Content-Type`, `ETag` and `Location`, when the answer had them.
    pub headers: HeaderMap,
    /// The body, byte for byte.
    pub body: Bytes,
}

impl SavedResponse {
    /// The parts worth keeping of an answer; `None` unless it is a success.
    pub fn capture(parts: &response::Parts, body: Bytes) -> Option<SavedResponse> {
        if !parts.status.is_success() {
            return None;
        }
        let mut headers = HeaderMap::new();
        for name in KEPT_HEADERS {
            if let Some(v) = parts.headers.get(&name) {
                headers.insert(name, v.clone());
            }
        }
        Some(SavedResponse {
            status: parts.status,
            headers,
            body,
        })
    }
}

/// One row: the first request sent with a key and its answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    /// The request the key was first used for.
    pub request: Fingerprint,
    /// Its successful answer.
    pub response: SavedResponse,
}

/// Reads and writes `idempotency_keys` on the connection it is given (the write's own
/// transaction), keeping at most `max_rows`.
#[derive(Debug)]
pub struct KeyTable {
    max_rows: u32,
}

impl KeyTable {
    /// A table that forgets its oldest keys past `max_rows`.
    pub fn new(max_rows: u32) -> KeyTable {
        KeyTable { max_rows }
    }

    /// The unexpired record for `key`, if any. On PostgreSQL it first locks the key for the
    /// rest of the transaction, so a copy on another instance waits here for the first
    /// one's commit and then finds its record (SQLite's write lock already does that).
    pub async fn find(
        &self,
        mut conn: Conn<'_>,
        key: &IdempotencyKey,
        now_ms: i64,
    ) -> sqlx::Result<Option<Record>> {
        if let Conn::Postgres(c) = &mut conn {
            sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
                .bind(key.as_str())
                .execute(&mut **c)
                .await?;
        }
        let sql = "SELECT method, path, request_digest, status, content_type, etag, location, \
                   response_body FROM idempotency_keys WHERE key = $1 AND created_ms > $2";
        let row: Option<KeyRow> = on_backend!(conn, c => {
            sqlx::query_as(sql)
                .bind(key.as_str())
                .bind(expired_before(now_ms))
                .fetch_optional(c)
                .await?
        });
        let Some(row) = row else { return Ok(None) };
        let bad = |col: &str, e: String| sqlx::Error::ColumnDecode {
            index: col.to_owned(),
            source: e.into(),
        };
        let mut headers = HeaderMap::new();
        for (col, value, name) in [
            ("content_type", row.content_type, header::CONTENT_TYPE),
            ("etag", row.etag, header::ETAG),
            ("location", row.location, header::LOCATION),
        ] {
            if let Some(v) = value {
                let v = HeaderValue::from_str(&v).map_err(|e| bad(col, e.to_string()))?;
                headers.insert(name, v);
            }
        }
        let status = row.status;
        Ok(Some(Record {
            request: Fingerprint {
                method: Method::from_bytes(row.method.as_bytes())
                    .map_err(|e| bad("method", e.to_string()))?,
                path: row.path,
                digest: row
                    .request_digest
                    .try_into()
                    .map_err(|_| bad("request_digest", "not 32 bytes".into()))?,
            },
            response: SavedResponse {
                status: u16::try_from(status)
                    .ok()
                    .and_then(|s| StatusCode::from_u16(s).ok())
                    .ok_or_else(|| bad("status", format!("{status} is not a status")))?,
                headers,
                body: Bytes::from(row.response_body),
            },
        }))
    }

    /// Remember `record` for `key` (replacing an expired one), then forget the oldest keys
    /// past the row cap.
    pub async fn save(
        &self,
        conn: Conn<'_>,
        key: &IdempotencyKey,
        record: &Record,
        now_ms: i64,
    ) -> sqlx::Result<()> {
        let header = |name: &HeaderName| {
            record
                .response
                .headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let (content_type, etag, location) = (
            header(&header::CONTENT_TYPE),
            header(&header::ETAG),
            header(&header::LOCATION),
        );
        let upsert = "INSERT INTO idempotency_keys (key, method, path, request_digest, status, \
             content_type, etag, location, response_body, created_ms) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
             ON CONFLICT (key) DO UPDATE SET method = excluded.method, path = excluded.path, \
             request_digest = excluded.request_digest, status = excluded.status, \
             content_type = excluded.content_type, etag = excluded.etag, \
             location = excluded.location, response_body = excluded.response_body, \
             created_ms = excluded.created_ms";
        let evict = "DELETE FROM idempotency_keys WHERE key IN \
             (SELECT key FROM idempotency_keys ORDER BY created_ms, key LIMIT $1)";
        let max_rows = i64::from(self.max_rows);
        on_backend!(conn, c => {
            sqlx::query(upsert)
                .bind(key.as_str())
                .bind(record.request.method.as_str())
                .bind(&record.request.path)
                .bind(&record.request.digest[..])
                .bind(i64::from(record.response.status.as_u16()))
                .bind(&content_type)
                .bind(&etag)
                .bind(&location)
                .bind(record.response.body.as_ref())
                .bind(now_ms)
                .execute(&mut *c)
                .await?;
            // Counted by triggers, so this is one row read, not a scan.
            let rows: i64 = sqlx::query_scalar("SELECT n FROM idempotency_key_count")
                .fetch_one(&mut *c)
                .await?;
            let excess = rows - max_rows;
            if excess > 0 {
                sqlx::query(evict).bind(excess).execute(&mut *c).await?;
            }
        });
        Ok(())
    }
}

/// A row of `idempotency_keys` as both backends return it.
#[derive(sqlx::FromRow)]
struct KeyRow {
    method: String,
    path: String,
    request_digest: Vec<u8>,
    status: i64,
    content_type: Option<String>,
    etag: Option<String>,
    location: Option<String>,
    response_body: Vec<u8>,
}

/// Delete expired records every `every` (the first time at once) until the returned task
/// is aborted.
pub fn spawn_purger(pool: Pool, every: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(every.max(Duration::from_millis(1)));
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            let purged = match pool.acquire().await {
                Ok(mut conn) => purge_expired(conn.conn(), now_ms()).await,
                Err(e) => Err(e),
            };
            match purged {
                Ok(0) => {}
                Ok(n) => tracing::debug!(deleted = n, "expired idempotency keys purged"),
                Err(e) => tracing::warn!(error = %e, "purging expired idempotency keys failed"),
            }
        }
    })
}

/// Delete every record older than [`KEY_TTL`]; returns how many went.
pub async fn purge_expired(conn: Conn<'_>, now_ms: i64) -> sqlx::Result<u64> {
    let sql = "DELETE FROM idempotency_keys WHERE created_ms <= $1";
    let before = expired_before(now_ms);
    Ok(on_backend!(conn, c => sqlx::query(sql)
        .bind(before)
        .execute(c)
        .await?
        .rows_affected()))
}

/// The current time in UTC milliseconds, as `created_ms` holds it.
pub fn now_ms() -> i64 {
    (OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

/// Records created at or before this instant have expired.
fn expired_before(now_ms: i64) -> i64 {
    now_ms.saturating_sub(KEY_TTL.as_millis() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(body: &str) -> Record {
        let mut headers = HeaderMap::new();
        headers.insert(header::ETAG, HeaderValue::from_static("\"1\""));
        Record {
            request: Fingerprint::new(Method::POST, "/api/events?x=1".into(), body.as_bytes()),
            response: SavedResponse {
                status: StatusCode::CREATED,
                headers,
                body: Bytes::from_static(b"{\"id\":\"1\"}"),
            },
        }
    }

    async fn table() -> (KeyTable, sqlx::pool::PoolConnection<sqlx::Sqlite>) {
        let db = crate::db::open(crate::db::MEMORY, 1).await.unwrap();
        (
            KeyTable::new(2),
            db.pool.sqlite().unwrap().acquire().await.unwrap(),
        )
    }

    #[tokio::test]
    async fn a_saved_record_reads_back_until_it_expires() {
        let (s, mut c) = table().await;
        let k = IdempotencyKey::parse(b"k").unwrap();
        let t0 = now_ms();
        assert_eq!(s.find(Conn::Sqlite(&mut c), &k, t0).await.unwrap(), None);
        s.save(Conn::Sqlite(&mut c), &k, &record("{}"), t0)
            .await
            .unwrap();
        assert_eq!(
            s.find(Conn::Sqlite(&mut c), &k, t0).await.unwrap(),
            Some(record("{}"))
        );
        let ttl = KEY_TTL.as_millis() as i64;
        assert!(s
            .find(Conn::Sqlite(&mut c), &k, t0 + ttl - 1)
            .await
            .unwrap()
            .is_some());
        assert_eq!(
            s.find(Conn::Sqlite(&mut c), &k, t0 + ttl).await.unwrap(),
            None,
            "expired"
        );
        // An expired key is free again.
        s.save(Conn::Sqlite(&mut c), &k, &record("{\"a\":1}"), t0 + ttl)
            .await
            .unwrap();
        assert_eq!(
            s.find(Conn::Sqlite(&mut c), &k, t0 + ttl).await.unwrap(),
            Some(record("{\"a\":1}"))
        );
    }

    #[tokio::test]
    async fn purge_deletes_only_expired_rows() {
        let (s, mut c) = table().await;
        let ttl = KEY_TTL.as_millis() as i64;
        let t0 = now_ms();
        let (old, new) = (
            IdempotencyKey::parse(b"old").unwrap(),
            IdempotencyKey::parse(b"new").unwrap(),
        );
        s.save(Conn::Sqlite(&mut c), &old, &record(""), t0 - ttl - 1)
            .await
            .unwrap();
        s.save(Conn::Sqlite(&mut c), &new, &record(""), t0)
            .await
            .unwrap();
        let count = "SELECT COUNT(*) FROM idempotency_keys";
        let n: i64 = sqlx::query_scalar(count).fetch_one(&mut *c).await.unwrap();
        assert_eq!(n, 2, "saves do not purge");
        assert_eq!(purge_expired(Conn::Sqlite(&mut c), t0).await.unwrap(), 1);
        let n: i64 = sqlx::query_scalar(count).fetch_one(&mut *c).await.unwrap();
        assert_eq!(n, 1);
        assert!(s
            .find(Conn::Sqlite(&mut c), &new, t0)
            .await
            .unwrap()
            .is_some());
    }

    #[tokio::test]
    async fn the_trigger_count_follows_inserts_replacements_and_evictions() {
        let (s, mut c) = table().await;
        let ttl = KEY_TTL.as_millis() as i64;
        let t0 = now_ms();
        for (i, k) in [b"a", b"b", b"c"].into_iter().enumerate() {
            let k = IdempotencyKey::parse(k).unwrap();
            s.save(Conn::Sqlite(&mut c), &k, &record(""), t0 - ttl + i as i64)
                .await
                .unwrap();
        }
        // Replacing an expired key updates its row instead of adding one.
        let a = IdempotencyKey::parse(b"b").unwrap();
        s.save(Conn::Sqlite(&mut c), &a, &record("x"), t0)
            .await
            .unwrap();
        let count: i64 = sqlx::query_scalar("SELECT n FROM idempotency_key_count")
            .fetch_one(&mut *c)
            .await
            .unwrap();
        let rows: Vec<String> = sqlx::query_scalar("SELECT key FROM idempotency_keys ORDER BY key")
            .fetch_all(&mut *c)
            .await
            .unwrap();
        assert_eq!(rows, ["b", "c"], "a, the oldest, went past the cap of 2");
        assert_eq!(count, 2);
        assert_ne!(
            record("x").request,
            record("").request,
            "the digest sees the body"
        );
    }

    #[test]
    fn only_successes_are_captured_with_their_replayable_headers() {
        let (mut parts, ()) = response::Response::builder()
            .status(201)
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::LOCATION, "/api/events/1")
            .header(header::CACHE_CONTROL, "no-store")
            .body(())
            .unwrap()
            .into_parts();
        let saved = SavedResponse::capture(&parts, Bytes::new()).unwrap();
        assert_eq!(saved.headers.len(), 2);
        assert!(!saved.headers.contains_key(header::CACHE_CONTROL));
        parts.status = StatusCode::PRECONDITION_FAILED;
        assert_eq!(SavedResponse::capture(&parts, Bytes::new()), None);
    }
}
