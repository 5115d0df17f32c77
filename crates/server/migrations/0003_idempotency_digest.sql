-- Keys keep a SHA-256 of the request (method, path, body) instead of the body (up to 64 KiB
-- each), and a row count kept by triggers, so the row cap is checked without a scan.
-- SQLite cannot compute SHA-256, so records from before this migration cannot be converted:
-- they are dropped (keys live 24 h; a re-send across the upgrade is applied as new).
DROP TABLE idempotency_keys;

CREATE TABLE idempotency_keys (
    key            TEXT    PRIMARY KEY NOT NULL,  -- the decoded key (1..=255 visible ASCII)
    method         TEXT    NOT NULL,
    path           TEXT    NOT NULL,              -- as the client sent it, prefix and query included
    request_digest BLOB    NOT NULL CHECK (length(request_digest) = 32),
    status         INTEGER NOT NULL CHECK (status BETWEEN 200 AND 299),
    content_type   TEXT,
    etag           TEXT,
    location       TEXT,
    response_body  BLOB    NOT NULL,
    created_ms     INTEGER NOT NULL               -- UTC milliseconds; rows older than 24 h expire
) WITHOUT ROWID;

CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_ms);

CREATE TABLE idempotency_key_count (
    only INTEGER PRIMARY KEY CHECK (only = 1),
    n    INTEGER NOT NULL
);
INSERT INTO idempotency_key_count (only, n) VALUES (1, 0);

CREATE TRIGGER idempotency_keys_counted_in AFTER INSERT ON idempotency_keys
BEGIN
    UPDATE idempotency_key_count SET n = n + 1;
END;

CREATE TRIGGER idempotency_keys_counted_out AFTER DELETE ON idempotency_keys
BEGIN
    UPDATE idempotency_key_count SET n = n - 1;
END;
