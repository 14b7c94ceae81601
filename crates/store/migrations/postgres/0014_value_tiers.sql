-- Value tiers (nivel de valor): how a workspace names its customers' levels. By spend (the
-- default), a customer's purchases of the last twelve months meet the thresholds of
-- `value_tiers` (a JSON array of {name, min_spend_cents}, highest first) in the workspace's
-- `currency`; by field, the tier is the value of the single-select custom field keyed
-- `value_tier_field`.
ALTER TABLE workspaces ADD COLUMN value_tier_basis TEXT NOT NULL DEFAULT 'spend';
ALTER TABLE workspaces ADD COLUMN value_tiers JSONB NOT NULL DEFAULT '[]';
ALTER TABLE workspaces ADD COLUMN value_tier_field TEXT;
ALTER TABLE workspaces ADD COLUMN currency TEXT NOT NULL DEFAULT 'EUR';
