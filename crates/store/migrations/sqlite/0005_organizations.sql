-- Organisations (customers of kind 'organization'), postal addresses, people's links to
-- organisations, and each workspace's own lifecycle stages.

ALTER TABLE customers ADD COLUMN tax_id TEXT;
ALTER TABLE customers ADD COLUMN industry TEXT;
ALTER TABLE customers ADD COLUMN size TEXT;
CREATE INDEX customers_kind ON customers (workspace_id, kind, id);

-- Comma-separated, in funnel order; the first is the default of a new customer.
ALTER TABLE workspaces ADD COLUMN lifecycle_stages TEXT NOT NULL DEFAULT 'prospect,lead,customer,inactive,churned';

CREATE TABLE customer_addresses (
    workspace_id BLOB NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    customer_id BLOB NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    label TEXT,
    street TEXT,
    city TEXT,
    region TEXT,
    postal_code TEXT,
    country TEXT,
    is_primary INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (customer_id, position)
);

-- A person works at (or belongs to) organisations, with a title there.
CREATE TABLE affiliations (
    workspace_id BLOB NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    person_id BLOB NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    organization_id BLOB NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    title TEXT,
    position INTEGER NOT NULL,
    PRIMARY KEY (person_id, organization_id)
);
CREATE INDEX affiliations_organization ON affiliations (workspace_id, organization_id, person_id);
