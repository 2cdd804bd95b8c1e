-- Shop, migration 10 (goose): a transaction inside the one goose opens.
--
-- Expected findings:
--   SS220 nested-transaction  goose already runs this in a transaction: PostgreSQL ignores the BEGIN, and
--                             the COMMIT ends goose's transaction early

-- +goose Up
BEGIN;
DELETE FROM orders WHERE status = 'pending' AND created_at < now() - interval '1 year';
COMMIT;

-- +goose Down
SELECT 1;
