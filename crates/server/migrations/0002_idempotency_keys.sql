-- Answers to writes sent with an `Idempotency-Key`, so a re-sent request is replayed instead
-- of applied twice. Only successful (2xx) answers are kept, for 24 hours.
CREATE TABLE idempotency_keys (
    key           TEXT    PRIMARY KEY NOT NULL,  -- the decoded key (1..=255 visible ASCII)
    method        TEXT    NOT NULL,
    path          TEXT    NOT NULL,              -- as the client sent it, prefix and query included
    request_body  BLOB    NOT NULL,
    status        INTEGER NOT NULL CHECK (status BETWEEN 200 AND 299),
    content_type  TEXT,
    etag          TEXT,
    location      TEXT,
    response_body BLOB    NOT NULL,
    created_ms    INTEGER NOT NULL               -- UTC milliseconds; rows older than 24 h expire
) WITHOUT ROWID;

CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_ms);
