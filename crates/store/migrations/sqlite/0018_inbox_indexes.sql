-- The inbox's slow views, measured at 100,000 conversations (docs/performance.md, "The
-- inbox list"):
--
-- A label filter had no index in the inbox's order: SQLite gathered every conversation with
-- the label, read each, and sorted them (21 ms p50 for a label on 7,000 conversations). A
-- label now carries its conversation's last activity, kept by `touch` and `set_labels`, so
-- the view is a range of one index read newest first, like the other views.
ALTER TABLE conversation_labels ADD COLUMN last_message_at TEXT NOT NULL DEFAULT '';
UPDATE conversation_labels SET last_message_at = (
    SELECT c.last_message_at FROM conversations c WHERE c.id = conversation_labels.conversation_id
);
DROP INDEX conversation_labels_label;
CREATE INDEX conversation_labels_inbox
    ON conversation_labels (workspace_id, label, last_message_at, conversation_id);

-- "Open, assigned to me" and the unread count (open, mine or nobody's) read a status and an
-- assignee together: two short ranges here, instead of every conversation the agent was ever
-- assigned checked for its status.
CREATE INDEX conversations_status_assignee
    ON conversations (workspace_id, status, assignee_id, last_message_at, id);
