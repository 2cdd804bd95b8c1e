-- Shop, migration 6 (goose): changes that break the code still running, or rewrite a table.
--
-- Expected findings:
--   SS212 renaming-column        queries that say products.title fail as soon as this commits
--   SS213 renaming-table         queries that say order_events fail as soon as this commits
--   SS211 changing-column-type   integer to bigint rewrites orders and its indexes under ACCESS EXCLUSIVE
-- The down narrows the type and renames back: the same three findings again (destructive-migration does
-- not judge downs: they may undo what their up made).
--   SS211 changing-column-type   bigint back to integer: another rewrite
--   SS213 renaming-table         order_history back to order_events
--   SS212 renaming-column        products.name back to title

-- +goose Up
ALTER TABLE products RENAME COLUMN title TO name;
ALTER TABLE order_events RENAME TO order_history;
ALTER TABLE orders ALTER COLUMN total TYPE bigint;

-- +goose Down
ALTER TABLE orders ALTER COLUMN total TYPE integer;
ALTER TABLE order_history RENAME TO order_events;
ALTER TABLE products RENAME COLUMN name TO title;
