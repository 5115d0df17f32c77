-- Events as the REST contract defines them. Instants are stored twice: the canonical RFC 3339
-- text (exact, what the API returns) and UTC milliseconds (for ordering and range filters).
CREATE TABLE events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,  -- AUTOINCREMENT: a deleted id is never reused
    title       TEXT    NOT NULL,
    description TEXT    NOT NULL DEFAULT '',
    location    TEXT    NOT NULL DEFAULT '',
    starts_at   TEXT    NOT NULL,
    starts_ms   INTEGER NOT NULL,
    ends_at     TEXT    NOT NULL,
    ends_ms     INTEGER NOT NULL,
    all_day     INTEGER NOT NULL DEFAULT 0 CHECK (all_day IN (0, 1)),
    status      TEXT    NOT NULL DEFAULT 'confirmed'
                        CHECK (status IN ('confirmed', 'tentative', 'cancelled')),
    version     INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL,
    -- Unicode-lowercased title/location/description for `q`, so search is case-insensitive
    -- beyond ASCII (SQLite's LOWER and LIKE only fold ASCII).
    search      TEXT    NOT NULL DEFAULT ''
);

CREATE INDEX events_by_start ON events (starts_ms, id);
