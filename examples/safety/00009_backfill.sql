-- +goose NO TRANSACTION
-- Shop, migration 9 (goose, outside a transaction): a transaction opened and never closed.
--
-- Expected findings:
--   SS219 uncommitted-transaction  BEGIN without COMMIT: the updates stay uncommitted, holding their locks,
--                                  until the connection closes and PostgreSQL rolls them back

-- +goose Up
BEGIN;
UPDATE orders SET channel = 'web' WHERE channel IS NULL;

-- +goose Down
SELECT 1;
