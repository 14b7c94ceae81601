-- Telephony: the extension an agent answers calls on (per workspace), and the calls in
-- progress, so that a call's `ended` can be logged with the duration its `answered` began.
-- A call's row goes once it is logged as an interaction (the interaction is the record);
-- rows whose `ended` never came are pruned after a day.
ALTER TABLE memberships ADD COLUMN extension TEXT;
CREATE INDEX memberships_extension ON memberships (workspace_id, extension);

CREATE TABLE calls (
    workspace_id UUID NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    -- The telephony system that sent it (`asterisk`, `twilio`, `telephony`) and its call id.
    source TEXT NOT NULL,
    call_id TEXT NOT NULL,
    direction TEXT NOT NULL,
    -- The customer's side of the call as received, and as E.164 when it parsed.
    number TEXT NOT NULL,
    phone TEXT,
    called TEXT,
    extension TEXT,
    queue TEXT,
    customer_id UUID REFERENCES customers (id) ON DELETE CASCADE,
    state TEXT NOT NULL,
    ringing_at TIMESTAMPTZ NOT NULL,
    answered_at TIMESTAMPTZ,
    answered_by TEXT,
    PRIMARY KEY (workspace_id, source, call_id)
);
CREATE INDEX calls_ringing ON calls (workspace_id, ringing_at);
