-- Interactions: every contact with a customer on any channel, append-only. A customer's
-- timeline is a range of (workspace_id, customer_id, occurred_at, id), newest first.
-- SQLite column types: ids are 16-byte BLOB UUIDs, times are UTC TEXT, JSON is TEXT.
CREATE TABLE interactions (
    id BLOB PRIMARY KEY NOT NULL,
    workspace_id BLOB NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    customer_id BLOB NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    channel TEXT NOT NULL,
    direction TEXT NOT NULL,
    kind TEXT NOT NULL,
    occurred_at TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    subject TEXT,
    body TEXT,
    body_html TEXT,
    attributes TEXT NOT NULL,
    agent TEXT,
    links TEXT NOT NULL,
    -- The identity keys it was seen with (`kind:value`), as a JSON array.
    keys TEXT NOT NULL,
    -- Who recorded it: `user:<id>` or `token:<id>`.
    recorded_by TEXT NOT NULL,
    source TEXT NOT NULL,
    source_event_id TEXT,
    -- A second delivery of the same event from the same source is the same interaction.
    CONSTRAINT "interactions.source_event" UNIQUE (workspace_id, source, source_event_id)
);
CREATE INDEX interactions_timeline ON interactions (workspace_id, customer_id, occurred_at, id);

-- Two customers that may be one person, found when one interaction's keys named both (or,
-- later, by the duplicate finder). `customer_a` < `customer_b`, so a pair is one row.
CREATE TABLE merge_suggestions (
    id BLOB PRIMARY KEY NOT NULL,
    workspace_id BLOB NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    customer_a BLOB NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    customer_b BLOB NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    -- Why: `shared_interaction` (one interaction's keys named both) or `duplicate_score`.
    reason TEXT NOT NULL,
    -- The evidence, as JSON (the keys seen together, the interaction).
    evidence TEXT NOT NULL,
    -- `open`, `merged` or `dismissed`.
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    CONSTRAINT "merge_suggestions.pair" UNIQUE (workspace_id, customer_a, customer_b)
);
CREATE INDEX merge_suggestions_open ON merge_suggestions (workspace_id, status, id);
CREATE INDEX merge_suggestions_b ON merge_suggestions (customer_b);
