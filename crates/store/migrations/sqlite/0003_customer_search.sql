-- Search terms of customers (folded names, e-mails and their parts, phone digits, external
-- ids). Prefix queries are range scans on (workspace_id, term): the same plan on both backends.
CREATE TABLE customer_search (
    workspace_id BLOB NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    customer_id BLOB NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    term TEXT NOT NULL,
    PRIMARY KEY (customer_id, term)
);
CREATE INDEX customer_search_prefix ON customer_search (workspace_id, term, customer_id);
