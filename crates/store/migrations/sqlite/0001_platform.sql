-- Platform foundation: workspaces, users and memberships, teams, sessions, API tokens,
-- invitations, the audit log and idempotency records.
-- SQLite column types: ids are 16-byte BLOB UUIDs, times are UTC TEXT, JSON is TEXT.

CREATE TABLE workspaces (
    id BLOB PRIMARY KEY NOT NULL,
    slug TEXT NOT NULL,
    name TEXT NOT NULL,
    default_locale TEXT NOT NULL DEFAULT 'es',
    created_at TEXT NOT NULL,
    CONSTRAINT "workspaces.slug" UNIQUE (slug)
);

-- Users are people, and a person may belong to several workspaces: the tenant boundary for
-- users is the membership row, which every workspace-scoped query joins.
CREATE TABLE users (
    id BLOB PRIMARY KEY NOT NULL,
    email TEXT NOT NULL,
    name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    locale TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CONSTRAINT "users.email" UNIQUE (email)
);

CREATE TABLE memberships (
    workspace_id BLOB NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    user_id BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    PRIMARY KEY (workspace_id, user_id)
);
CREATE INDEX memberships_user ON memberships (user_id);

CREATE TABLE teams (
    id BLOB PRIMARY KEY NOT NULL,
    workspace_id BLOB NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    CONSTRAINT "teams.name" UNIQUE (workspace_id, name)
);

CREATE TABLE team_members (
    workspace_id BLOB NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    team_id BLOB NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    user_id BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (team_id, user_id)
);
CREATE INDEX team_members_user ON team_members (workspace_id, user_id);

-- The session cookie holds a random secret; only its SHA-256 is stored, so a leaked
-- database does not leak live sessions.
CREATE TABLE sessions (
    token_hash BLOB PRIMARY KEY NOT NULL,
    user_id BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    workspace_id BLOB NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    user_agent TEXT,
    ip TEXT
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id BLOB PRIMARY KEY NOT NULL,
    workspace_id BLOB NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    user_id BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token_hash BLOB NOT NULL,
    prefix TEXT NOT NULL,
    scopes TEXT NOT NULL,
    created_by BLOB NOT NULL,
    created_at TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at TEXT,
    CONSTRAINT "api_tokens.token_hash" UNIQUE (token_hash),
    CONSTRAINT "api_tokens.name" UNIQUE (workspace_id, name)
);

CREATE TABLE invites (
    id BLOB PRIMARY KEY NOT NULL,
    workspace_id BLOB NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    role TEXT NOT NULL,
    token_hash BLOB NOT NULL,
    invited_by BLOB NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    accepted_at TEXT,
    revoked_at TEXT,
    CONSTRAINT "invites.token_hash" UNIQUE (token_hash)
);
CREATE INDEX invites_workspace ON invites (workspace_id, created_at);

CREATE TABLE audit_log (
    id BLOB PRIMARY KEY NOT NULL,
    workspace_id BLOB NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    actor_user_id BLOB,
    actor_token_id BLOB,
    actor_label TEXT NOT NULL,
    action TEXT NOT NULL,
    entity_type TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    changes TEXT NOT NULL,
    request_id TEXT,
    at TEXT NOT NULL
);
CREATE INDEX audit_log_scope ON audit_log (workspace_id, id);
CREATE INDEX audit_log_entity ON audit_log (workspace_id, entity_type, entity_id);

-- A POST carrying an Idempotency-Key is answered once; a retry gets the stored answer.
CREATE TABLE idempotency_keys (
    workspace_id BLOB NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    principal TEXT NOT NULL,
    idem_key TEXT NOT NULL,
    request_hash BLOB NOT NULL,
    status_code INTEGER,
    content_type TEXT,
    response_body BLOB,
    created_at TEXT NOT NULL,
    PRIMARY KEY (workspace_id, principal, idem_key)
);

-- Instance-wide settings (not tenant data), such as the generated key that signs CSRF
-- tokens: stored here so every process sharing the database agrees on it.
CREATE TABLE instance_settings (
    name TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);
