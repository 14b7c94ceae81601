-- Whether ingest adds keys no one owns to the customer they were seen with (1, the default) or leaves them out.
ALTER TABLE workspaces ADD COLUMN attach_new_keys INTEGER NOT NULL DEFAULT 1;
