-- Canned responses grow a shortcut, a team and an owner: shared with the workspace (no
-- owner) or private to the agent who wrote them. Names are unique among the shared ones and
-- among each agent's own, so two agents may both keep a private "Saludo"; SQLite cannot
-- drop a table constraint, so the table is rebuilt (it was created empty in 0015).
CREATE TABLE canned_responses_new (
    id BLOB PRIMARY KEY NOT NULL,
    workspace_id BLOB NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    body TEXT NOT NULL,
    -- Lower case, without the leading `/`.
    shortcut TEXT,
    -- NULL: shared with the workspace; a user: theirs alone (gone with them).
    owner_id BLOB REFERENCES users (id) ON DELETE CASCADE,
    team_id BLOB REFERENCES teams (id) ON DELETE SET NULL,
    created_by BLOB REFERENCES users (id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
INSERT INTO canned_responses_new (id, workspace_id, name, body, created_by, created_at, updated_at)
    SELECT id, workspace_id, name, body, created_by, created_at, created_at FROM canned_responses;
DROP TABLE canned_responses;
ALTER TABLE canned_responses_new RENAME TO canned_responses;
-- Partial indexes rather than constraints: uniqueness depends on whether there is an owner.
-- Their last column is `name`, so a clash reports the field `name` on both backends.
CREATE UNIQUE INDEX canned_responses_shared_name ON canned_responses (workspace_id, name)
    WHERE owner_id IS NULL;
CREATE UNIQUE INDEX canned_responses_own_name ON canned_responses (workspace_id, owner_id, name)
    WHERE owner_id IS NOT NULL;

-- Assignment by turn: a team may hand each new conversation to the member who was given one
-- least recently.
ALTER TABLE teams ADD COLUMN assign_by_turn INTEGER NOT NULL DEFAULT 0;

-- When each member of a team was last given a conversation by turn. Kept apart from
-- team_members (which is rewritten whenever the members are edited) so that editing a team
-- does not reset whose turn it is.
CREATE TABLE team_turns (
    workspace_id BLOB NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    team_id BLOB NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    user_id BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    last_assigned_at TEXT NOT NULL,
    PRIMARY KEY (team_id, user_id)
);
