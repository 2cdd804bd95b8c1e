-- Shop, migration 5 (goose): the right statement in the wrong place.
--
-- Expected findings:
--   SS210 concurrent-index-in-transaction  goose runs this migration in a transaction, where PostgreSQL
--                                          refuses CREATE INDEX CONCURRENTLY: the migration fails
--   SS209 dropping-index-non-concurrently  (a note) the down drops the index without CONCURRENTLY
-- (With `-- +goose NO TRANSACTION` at the top it would run, as 00007 does.)

-- +goose Up
CREATE INDEX CONCURRENTLY orders_total_idx ON orders (total);

-- +goose Down
DROP INDEX orders_total_idx;
