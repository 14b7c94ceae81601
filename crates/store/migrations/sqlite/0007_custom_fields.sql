-- Custom fields per workspace, their values on customers, sorting by name and by last
-- change, and saved views of the customer lists.

-- Names compare without case or accents ("Álvaro" sorts with "alvaro"); the application
-- writes the folded form, this first fill is close enough for rows written before.
ALTER TABLE customers ADD COLUMN sort_name TEXT NOT NULL DEFAULT '';
UPDATE customers SET sort_name = lower(display_name);
CREATE INDEX customers_by_name ON customers (workspace_id, sort_name, id);
CREATE INDEX customers_by_change ON customers (workspace_id, updated_at, id);

CREATE TABLE custom_fields (
    id BLOB PRIMARY KEY NOT NULL,
    workspace_id BLOB NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    label TEXT NOT NULL,
    field_type TEXT NOT NULL,
    applies_to TEXT NOT NULL,
    -- Select choices, one per line, in display order.
    options TEXT NOT NULL DEFAULT '',
    currency TEXT,
    position INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    CONSTRAINT "custom_fields.key" UNIQUE (workspace_id, key)
);

-- One row per customer and field: the canonical JSON value, and what lists filter and sort
-- on (folded text for text, dates, choices; a number for numbers, money and yes/no).
CREATE TABLE customer_field_values (
    workspace_id BLOB NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    customer_id BLOB NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    field_id BLOB NOT NULL REFERENCES custom_fields (id) ON DELETE CASCADE,
    value TEXT NOT NULL,
    folded TEXT,
    number REAL,
    PRIMARY KEY (customer_id, field_id)
);
CREATE INDEX customer_field_values_text ON customer_field_values (workspace_id, field_id, folded, customer_id);
CREATE INDEX customer_field_values_number ON customer_field_values (workspace_id, field_id, number, customer_id);

-- A named list query (filters and sort as the list's query string), for its author or, shared,
-- for the whole workspace.
CREATE TABLE saved_views (
    id BLOB PRIMARY KEY NOT NULL,
    workspace_id BLOB NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    user_id BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    list TEXT NOT NULL,
    name TEXT NOT NULL,
    query TEXT NOT NULL,
    shared INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
CREATE INDEX saved_views_list ON saved_views (workspace_id, list, name);
