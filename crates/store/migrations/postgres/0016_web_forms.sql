-- Web forms: an admin builds a form (fields mapped to customer attributes, custom fields or
-- free questions; a consent box; what a submission leads to) and embeds it on a site or
-- links to its hosted page at `/f/{slug}`. What visitors send becomes a `form_submission`
-- interaction on their customer's timeline; each submission is listed here once its
-- consequences (customer update, consent, conversation or lead) are written.
CREATE TABLE web_forms (
    id UUID PRIMARY KEY NOT NULL,
    workspace_id UUID NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    -- The public address names no workspace, so a slug is unique on the instance.
    slug TEXT NOT NULL,
    -- `es` or `en`: the hosted page's language.
    language TEXT NOT NULL,
    description TEXT,
    -- JSON array of {maps_to, label, required}, in display order.
    fields TEXT NOT NULL,
    -- JSON {text, channel, purpose}, or NULL for no consent box.
    consent TEXT,
    -- `record`, `lead` or `conversation`.
    outcome TEXT NOT NULL,
    team_id UUID REFERENCES teams (id) ON DELETE SET NULL,
    -- The mailbox an agent answers a form's conversation from.
    mail_channel_id UUID REFERENCES mail_channels (id) ON DELETE SET NULL,
    -- JSON array of origins (`https://example.com`) whose pages may post to the form.
    allowed_origins TEXT NOT NULL,
    thank_you TEXT NOT NULL,
    redirect_url TEXT,
    enabled BOOLEAN NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    CONSTRAINT "web_forms.slug" UNIQUE (slug)
);
CREATE INDEX web_forms_workspace ON web_forms (workspace_id, name);

-- One row per submission whose consequences are written: a retried submission (same
-- submission id) finds its interaction here and is not applied twice. The customer is the
-- interaction's (a merge moves it; a copy here would go stale).
CREATE TABLE web_form_submissions (
    id UUID PRIMARY KEY NOT NULL,
    workspace_id UUID NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    form_id UUID NOT NULL REFERENCES web_forms (id) ON DELETE CASCADE,
    interaction_id UUID NOT NULL REFERENCES interactions (id) ON DELETE CASCADE,
    conversation_id UUID REFERENCES conversations (id) ON DELETE SET NULL,
    created_at TIMESTAMPTZ NOT NULL,
    CONSTRAINT "web_form_submissions.interaction_id" UNIQUE (interaction_id)
);
CREATE INDEX web_form_submissions_form ON web_form_submissions (form_id, created_at);
