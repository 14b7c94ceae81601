-- Customer records: people (organisations next), their identity keys and tags.
-- PostgreSQL column types: UUID ids, TIMESTAMPTZ times, DATE dates.

-- Phones typed without a country code are read in the workspace's country.
ALTER TABLE workspaces ADD COLUMN default_country TEXT NOT NULL DEFAULT 'ES';

CREATE TABLE customers (
    id UUID PRIMARY KEY NOT NULL,
    workspace_id UUID NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    display_name TEXT NOT NULL,
    given_name TEXT,
    family_name TEXT,
    language TEXT,
    timezone TEXT,
    birthday DATE,
    lifecycle_stage TEXT NOT NULL,
    owner TEXT,
    notes TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    archived_at TIMESTAMPTZ
);
CREATE INDEX customers_scope ON customers (workspace_id, id);
CREATE INDEX customers_stage ON customers (workspace_id, lifecycle_stage, id);

-- A normalised key (e-mail, E.164 phone, source:id) names at most one customer per workspace.
CREATE TABLE identity_keys (
    workspace_id UUID NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    customer_id UUID NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    display TEXT NOT NULL,
    label TEXT,
    is_primary BOOLEAN NOT NULL DEFAULT FALSE,
    position INTEGER NOT NULL,
    CONSTRAINT "identity_keys.value" UNIQUE (workspace_id, kind, value)
);
CREATE INDEX identity_keys_customer ON identity_keys (customer_id);

CREATE TABLE customer_tags (
    workspace_id UUID NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    customer_id UUID NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    tag TEXT NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (customer_id, tag)
);
CREATE INDEX customer_tags_filter ON customer_tags (workspace_id, tag, customer_id);
