-- A person's organisations are read on every customer page and list: look them up by person
-- within the workspace (without it, SQLite's planner scanned the workspace's links).
CREATE INDEX affiliations_person ON affiliations (workspace_id, person_id);
