-- Canned responses grow a shortcut, a team and an owner: shared with the workspace (no
-- owner) or private to the agent who wrote them. Names are unique among the shared ones and
-- among each agent's own, so two agents may both keep a private "Saludo".
ALTER TABLE canned_responses DROP CONSTRAINT "canned_responses.name";
ALTER TABLE canned_responses ADD COLUMN shortcut TEXT;
ALTER TABLE canned_responses ADD COLUMN owner_id UUID REFERENCES users (id) ON DELETE CASCADE;
ALTER TABLE canned_responses ADD COLUMN team_id UUID REFERENCES teams (id) ON DELETE SET NULL;
ALTER TABLE canned_responses ADD COLUMN updated_at TIMESTAMPTZ;
UPDATE canned_responses SET updated_at = created_at;
ALTER TABLE canned_responses ALTER COLUMN updated_at SET NOT NULL;
-- Partial indexes rather than constraints: uniqueness depends on whether there is an owner.
-- Named `canned_responses.name` (one of them) so a clash reports the field `name`, as SQLite's
-- message does.
CREATE UNIQUE INDEX "canned_responses.name" ON canned_responses (workspace_id, name)
    WHERE owner_id IS NULL;
CREATE UNIQUE INDEX "canned_responses.own.name" ON canned_responses (workspace_id, owner_id, name)
    WHERE owner_id IS NOT NULL;

-- Assignment by turn: a team may hand each new conversation to the member who was given one
-- least recently.
ALTER TABLE teams ADD COLUMN assign_by_turn BOOLEAN NOT NULL DEFAULT FALSE;

-- When each member of a team was last given a conversation by turn. Kept apart from
-- team_members (which is rewritten whenever the members are edited) so that editing a team
-- does not reset whose turn it is.
CREATE TABLE team_turns (
    workspace_id UUID NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    team_id UUID NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    user_id UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    last_assigned_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (team_id, user_id)
);
