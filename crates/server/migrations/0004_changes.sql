-- The change feed (`GET /events/changes`): one row per committed write, written by triggers in
-- the writing transaction, so a change is recorded exactly when its write commits, from any
-- process on this database. Only the newest 10,000 are kept; a client further behind is told
-- to reset.
CREATE TABLE changes (
    seq      INTEGER PRIMARY KEY AUTOINCREMENT,  -- AUTOINCREMENT: a sequence number is never reused
    event_id INTEGER NOT NULL,
    version  INTEGER NOT NULL,
    op       TEXT    NOT NULL CHECK (op IN ('created', 'updated', 'deleted'))
);

CREATE TRIGGER changes_on_insert AFTER INSERT ON events BEGIN
    INSERT INTO changes (event_id, version, op) VALUES (NEW.id, NEW.version, 'created');
    DELETE FROM changes WHERE seq <= (SELECT MAX(seq) FROM changes) - 10000;
END;

CREATE TRIGGER changes_on_update AFTER UPDATE ON events WHEN NEW.version <> OLD.version BEGIN
    INSERT INTO changes (event_id, version, op) VALUES (NEW.id, NEW.version, 'updated');
    DELETE FROM changes WHERE seq <= (SELECT MAX(seq) FROM changes) - 10000;
END;

CREATE TRIGGER changes_on_delete AFTER DELETE ON events BEGIN
    INSERT INTO changes (event_id, version, op) VALUES (OLD.id, OLD.version, 'deleted');
    DELETE FROM changes WHERE seq <= (SELECT MAX(seq) FROM changes) - 10000;
END;
