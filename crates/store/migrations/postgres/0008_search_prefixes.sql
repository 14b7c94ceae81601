-- The first three characters of each search term, per customer: the list of customers
-- whose terms start with a three-letter prefix, in id order. A search word matched by many
-- customers ("gar", "ana") walks this list newest first and stops after a page, instead of
-- gathering and sorting every match (see store::customers::list).
CREATE TABLE customer_prefixes (
    workspace_id UUID NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    prefix TEXT NOT NULL,
    customer_id UUID NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    PRIMARY KEY (workspace_id, prefix, customer_id)
);
CREATE INDEX customer_prefixes_customer ON customer_prefixes (customer_id);

INSERT INTO customer_prefixes (workspace_id, prefix, customer_id)
SELECT DISTINCT workspace_id, substr(term, 1, 3), customer_id
FROM customer_search
WHERE length(term) >= 3;
