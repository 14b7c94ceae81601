-- Conversations: the shared inbox. An e-mail thread or a web form's submission with its
-- follow-ups is one conversation with one customer; each message in it is an interaction on
-- the customer's timeline (the conversation points at it, never copies it), beside the
-- agents' internal notes. Mail channels are the mailboxes read over IMAP and answered over
-- SMTP; replies wait in a durable outbox until the SMTP server took them.

-- A mailbox. Passwords are sealed (ChaCha20-Poly1305) with the instance's credentials key,
-- which is kept outside the database: a copy of the database alone does not open them.
CREATE TABLE mail_channels (
    id UUID PRIMARY KEY NOT NULL,
    workspace_id UUID NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    -- The address customers write to and replies come from.
    address TEXT NOT NULL,
    imap_host TEXT NOT NULL,
    imap_port INTEGER NOT NULL,
    -- `tls`, `starttls` or `none` (loopback only).
    imap_security TEXT NOT NULL,
    imap_username TEXT NOT NULL,
    imap_password BYTEA NOT NULL,
    imap_folder TEXT NOT NULL,
    smtp_host TEXT NOT NULL,
    smtp_port INTEGER NOT NULL,
    smtp_security TEXT NOT NULL,
    smtp_username TEXT NOT NULL,
    smtp_password BYTEA NOT NULL,
    -- An extra certificate authority (PEM) to trust, for servers with their own.
    tls_ca_pem TEXT,
    delete_after_fetch BOOLEAN NOT NULL,
    -- The team new conversations from this mailbox go to (none: unassigned).
    team_id UUID REFERENCES teams (id) ON DELETE SET NULL,
    signature TEXT,
    enabled BOOLEAN NOT NULL,
    -- Where reading stopped: a restart neither skips nor repeats a message.
    uidvalidity BIGINT,
    last_uid BIGINT,
    last_fetch_at TIMESTAMPTZ,
    last_error TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    CONSTRAINT "mail_channels.address" UNIQUE (workspace_id, address)
);

CREATE TABLE conversations (
    id UUID PRIMARY KEY NOT NULL,
    workspace_id UUID NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    customer_id UUID NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    -- `email` or `web_form` now; chat, SMS and social later.
    channel TEXT NOT NULL,
    mail_channel_id UUID REFERENCES mail_channels (id) ON DELETE SET NULL,
    subject TEXT NOT NULL,
    -- `open`, `pending`, `snoozed` or `resolved`.
    status TEXT NOT NULL,
    snoozed_until TIMESTAMPTZ,
    assignee_id UUID REFERENCES users (id) ON DELETE SET NULL,
    team_id UUID REFERENCES teams (id) ON DELETE SET NULL,
    -- Short reference put in reply subjects (`[#VC-…]`): threads a reply that lost its headers.
    token TEXT NOT NULL,
    last_message_at TIMESTAMPTZ NOT NULL,
    -- The customer's last message: unread for an agent who read the conversation before it.
    last_inbound_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    CONSTRAINT "conversations.token" UNIQUE (workspace_id, token)
);
-- The inbox: a status (or all), newest activity first.
CREATE INDEX conversations_inbox ON conversations (workspace_id, status, last_message_at, id);
CREATE INDEX conversations_assignee ON conversations (workspace_id, assignee_id, last_message_at, id);
CREATE INDEX conversations_team ON conversations (workspace_id, team_id, last_message_at, id);
CREATE INDEX conversations_customer ON conversations (customer_id);

-- What a conversation holds, in order: messages (each an interaction) and internal notes.
CREATE TABLE conversation_entries (
    id UUID PRIMARY KEY NOT NULL,
    workspace_id UUID NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    conversation_id UUID NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    -- `inbound`, `outbound`, `note`, `auto_reply` or `bounce`.
    kind TEXT NOT NULL,
    interaction_id UUID REFERENCES interactions (id) ON DELETE CASCADE,
    -- The RFC 5322 Message-ID (no angle brackets): replies find their thread by it.
    message_id TEXT,
    author_id UUID REFERENCES users (id) ON DELETE SET NULL,
    -- A note's text (a message's is on its interaction).
    body TEXT,
    -- Outbound only: `queued`, `sent`, `failed` (retrying), `undeliverable` or `in_doubt`.
    delivery TEXT,
    delivery_error TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    CONSTRAINT "conversation_entries.message_id" UNIQUE (workspace_id, message_id)
);
CREATE INDEX conversation_entries_thread ON conversation_entries (conversation_id, created_at, id);
CREATE INDEX conversation_entries_interaction ON conversation_entries (interaction_id);

CREATE TABLE conversation_labels (
    workspace_id UUID NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    conversation_id UUID NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    label TEXT NOT NULL,
    PRIMARY KEY (conversation_id, label)
);
CREATE INDEX conversation_labels_label ON conversation_labels (workspace_id, label);

-- When each agent last read each conversation.
CREATE TABLE conversation_reads (
    workspace_id UUID NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    conversation_id UUID NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    user_id UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    read_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (conversation_id, user_id)
);

-- Files that came with a message. `data` is NULL for a part refused for its size (`refused`
-- says why): the message is kept, the part is listed.
CREATE TABLE attachments (
    id UUID PRIMARY KEY NOT NULL,
    workspace_id UUID NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    interaction_id UUID NOT NULL REFERENCES interactions (id) ON DELETE CASCADE,
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    content_id TEXT,
    inline BOOLEAN NOT NULL,
    data BYTEA,
    refused TEXT,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX attachments_interaction ON attachments (interaction_id);

-- Replies waiting for, or handed to, the SMTP server. A row is written in the transaction
-- that records the reply, so a reply is never lost; `sending` is committed before the SMTP
-- conversation starts, so a crash during it leaves the row `in_doubt` (not sent again
-- without an agent's say) rather than sending twice.
CREATE TABLE outbox (
    id UUID PRIMARY KEY NOT NULL,
    workspace_id UUID NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    entry_id UUID NOT NULL REFERENCES conversation_entries (id) ON DELETE CASCADE,
    mail_channel_id UUID NOT NULL REFERENCES mail_channels (id) ON DELETE CASCADE,
    envelope_from TEXT NOT NULL,
    -- JSON array of addresses.
    recipients TEXT NOT NULL,
    message BYTEA NOT NULL,
    -- `queued`, `sending`, `sent`, `failed` (will retry), `undeliverable`, `in_doubt`.
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt_at TIMESTAMPTZ NOT NULL,
    last_error TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    sent_at TIMESTAMPTZ
);
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);

-- Replies an agent inserts, with `{{customer.given_name}}`-style placeholders.
CREATE TABLE canned_responses (
    id UUID PRIMARY KEY NOT NULL,
    workspace_id UUID NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    body TEXT NOT NULL,
    created_by UUID REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMPTZ NOT NULL,
    CONSTRAINT "canned_responses.name" UNIQUE (workspace_id, name)
);
