-- Whether ingest adds keys no one owns to the customer they were seen with (the default) or leaves them out.
ALTER TABLE workspaces ADD COLUMN attach_new_keys BOOLEAN NOT NULL DEFAULT TRUE;
