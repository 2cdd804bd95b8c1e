-- Shop, migration 4 (goose): indexes built, dropped and rebuilt the blocking way.
--
-- Expected findings:
--   SS208 creating-index-non-concurrently       writes to orders wait while the index is built
--   SS207 adding-primary-key-on-existing-table  the key's index is built under ACCESS EXCLUSIVE
--   SS209 dropping-index-non-concurrently       (a note) DROP INDEX takes ACCESS EXCLUSIVE on orders
--   SS221 reindex-non-concurrently              REINDEX blocks writes to orders while it rebuilds
-- Downs run on the live database too:
--   SS208 creating-index-non-concurrently       the down re-creates orders_status_idx the blocking way
--   SS209 dropping-index-non-concurrently       and drops orders_created_at_idx the same way

-- +goose Up
CREATE INDEX orders_created_at_idx ON orders (created_at);
ALTER TABLE order_events ADD PRIMARY KEY (id);
DROP INDEX orders_status_idx;
REINDEX TABLE orders;

-- +goose Down
CREATE INDEX orders_status_idx ON orders (status);
ALTER TABLE order_events DROP CONSTRAINT order_events_pkey;
DROP INDEX orders_created_at_idx;
