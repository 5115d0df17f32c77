-- Events longer than a week, for range reads: the rest are found from a bounded start range
-- (see src/db/list_sql.rs), so a range far from the bulk of the events reads few rows. The
-- condition must stay exactly the one the queries state, or the index is not used.
CREATE INDEX events_long_by_start ON events (starts_ms, id) WHERE ends_ms - starts_ms > 604800000;
