-- The duplicate finder's probability for a `duplicate_score` suggestion (NULL for other
-- reasons), so a list can show the likeliest duplicates first.
ALTER TABLE merge_suggestions ADD COLUMN score DOUBLE PRECISION;
