-- The consent ledger: append-only; the current state is the latest entry per channel/purpose.
CREATE TABLE consent_events (
    id BLOB PRIMARY KEY NOT NULL,
    workspace_id BLOB NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    customer_id BLOB NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    channel TEXT NOT NULL,
    purpose TEXT NOT NULL,
    state TEXT NOT NULL,
    source TEXT NOT NULL,
    actor TEXT NOT NULL,
    note TEXT,
    at TEXT NOT NULL
);
CREATE INDEX consent_events_customer ON consent_events (workspace_id, customer_id, at);
