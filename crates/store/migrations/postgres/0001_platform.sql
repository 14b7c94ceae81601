-- Platform foundation: workspaces, users and memberships, teams, sessions, API tokens,
-- invitations, the audit log and idempotency records.
-- PostgreSQL column types: UUID ids, TIMESTAMPTZ times, JSONB change sets.

CREATE TABLE workspaces (
    id UUID PRIMARY KEY NOT NULL,
    slug TEXT NOT NULL,
    name TEXT NOT NULL,
    default_locale TEXT NOT NULL DEFAULT 'es',
    created_at TIMESTAMPTZ NOT NULL,
    CONSTRAINT "workspaces.slug" UNIQUE (slug)
);

-- Users are people, and a person may belong to several workspaces: the tenant boundary for
-- users is the membership row, which every workspace-scoped query joins.
CREATE TABLE users (
    id UUID PRIMARY KEY NOT NULL,
    email TEXT NOT NULL,
    name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    locale TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    CONSTRAINT "users.email" UNIQUE (email)
);

CREATE TABLE memberships (
    workspace_id UUID NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    user_id UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (workspace_id, user_id)
);
CREATE INDEX memberships_user ON memberships (user_id);

CREATE TABLE teams (
    id UUID PRIMARY KEY NOT NULL,
    workspace_id UUID NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    CONSTRAINT "teams.name" UNIQUE (workspace_id, name)
);

CREATE TABLE team_members (
    workspace_id UUID NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    team_id UUID NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    user_id UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (team_id, user_id)
);
CREATE INDEX team_members_user ON team_members (workspace_id, user_id);

-- The session cookie holds a random secret; only its SHA-256 is stored, so a leaked
-- database does not leak live sessions.
CREATE TABLE sessions (
    token_hash BYTEA PRIMARY KEY NOT NULL,
    user_id UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    workspace_id UUID NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    user_agent TEXT,
    ip TEXT
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id UUID PRIMARY KEY NOT NULL,
    workspace_id UUID NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    user_id UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token_hash BYTEA NOT NULL,
    prefix TEXT NOT NULL,
    scopes TEXT NOT NULL,
    created_by UUID NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    last_used_at TIMESTAMPTZ,
    revoked_at TIMESTAMPTZ,
    CONSTRAINT "api_tokens.token_hash" UNIQUE (token_hash),
    CONSTRAINT "api_tokens.name" UNIQUE (workspace_id, name)
);

CREATE TABLE invites (
    id UUID PRIMARY KEY NOT NULL,
    workspace_id UUID NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    role TEXT NOT NULL,
    token_hash BYTEA NOT NULL,
    invited_by UUID NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    accepted_at TIMESTAMPTZ,
    revoked_at TIMESTAMPTZ,
    CONSTRAINT "invites.token_hash" UNIQUE (token_hash)
);
CREATE INDEX invites_workspace ON invites (workspace_id, created_at);

CREATE TABLE audit_log (
    id UUID PRIMARY KEY NOT NULL,
    workspace_id UUID NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    actor_user_id UUID,
    actor_token_id UUID,
    actor_label TEXT NOT NULL,
    action TEXT NOT NULL,
    entity_type TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    changes JSONB NOT NULL,
    request_id TEXT,
    at TIMESTAMPTZ NOT NULL
);
CREATE INDEX audit_log_scope ON audit_log (workspace_id, id);
CREATE INDEX audit_log_entity ON audit_log (workspace_id, entity_type, entity_id);

-- A POST carrying an Idempotency-Key is answered once; a retry gets the stored answer.
CREATE TABLE idempotency_keys (
    workspace_id UUID NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    principal TEXT NOT NULL,
    idem_key TEXT NOT NULL,
    request_hash BYTEA NOT NULL,
    status_code INTEGER,
    content_type TEXT,
    response_body BYTEA,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (workspace_id, principal, idem_key)
);

-- Instance-wide settings (not tenant data), such as the generated key that signs CSRF
-- tokens: stored here so every process sharing the database agrees on it.
CREATE TABLE instance_settings (
    name TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);
