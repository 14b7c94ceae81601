-- Merges of customers: who was merged into whom, by whom and when, and what undoing it needs.
-- PostgreSQL column types: UUID ids, TIMESTAMPTZ times, JSONB documents.
CREATE TABLE merges (
    id UUID PRIMARY KEY NOT NULL,
    workspace_id UUID NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    -- Not a foreign key: the record outlives an erasure of the survivor (its data does not).
    survivor_id UUID NOT NULL,
    -- The merged-away customers' ids, as a JSON array, in the order given.
    losers JSONB NOT NULL,
    -- The field winners chosen (`{"given_name": "<customer id>"}`), as JSON.
    fields JSONB NOT NULL,
    -- `merged`, `undone`, or `erased` (a customer in it was erased: nothing left to restore).
    status TEXT NOT NULL,
    merged_by TEXT NOT NULL,
    merged_at TIMESTAMPTZ NOT NULL,
    undone_by TEXT,
    undone_at TIMESTAMPTZ,
    -- Every row of every customer-keyed table of the survivor and each loser before the
    -- merge, and the suggestions that named a loser (JSON). Emptied by undo and by erasure.
    snapshot JSONB NOT NULL,
    -- The survivor's own rows right after the merge: undo is exact only if they are unchanged.
    survivor_after JSONB NOT NULL,
    -- What moved besides rows with ids (people's links to a merged organisation) and counts.
    moved JSONB NOT NULL
);
CREATE INDEX merges_survivor ON merges (workspace_id, survivor_id);

-- Rows with an id that the merge moved to the survivor (interactions, consent entries) or
-- added to it (`consent_events+`: an opt-out kept), so undo moves back exactly those.
CREATE TABLE merge_moves (
    merge_id UUID NOT NULL REFERENCES merges (id) ON DELETE CASCADE,
    workspace_id UUID NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    row_table TEXT NOT NULL,
    row_id UUID NOT NULL,
    from_customer UUID NOT NULL,
    PRIMARY KEY (merge_id, row_table, row_id)
);

-- Every customer whose data a merge record holds: erasing one of them empties the record.
CREATE TABLE merge_subjects (
    merge_id UUID NOT NULL REFERENCES merges (id) ON DELETE CASCADE,
    workspace_id UUID NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    customer_id UUID NOT NULL,
    PRIMARY KEY (merge_id, customer_id)
);
CREATE INDEX merge_subjects_customer ON merge_subjects (workspace_id, customer_id);

-- Duplicate suggestions scored at or above this probability are merged without a person
-- (NULL, the default: never).
ALTER TABLE workspaces ADD COLUMN auto_merge_above DOUBLE PRECISION;
