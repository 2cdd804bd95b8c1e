-- +goose NO TRANSACTION
-- Shop, migration 7 (goose, outside a transaction): each statement commits on its own, so a failure half
-- way leaves the first ones applied, and a rerun starts again from the top.
--
-- Expected findings:
--   SS228 missing-if-exists       a rerun fails at CREATE TABLE: the table is there from the first attempt
--   SS225 identifier-too-long     a constraint name of 66 bytes, which PostgreSQL cuts to 63
--   SS223 vacuum-full-or-cluster  VACUUM FULL rewrites orders under ACCESS EXCLUSIVE
--   SS216 truncate-cascade        TRUNCATE ... CASCADE also empties order_lines and price_changes, which
--                                 reference products
--   SS302 destructive-migration   the truncate destroys every product and order line
--   SS214 dropping-database       a migration that drops a database
-- (CREATE INDEX CONCURRENTLY IF NOT EXISTS is the right way to build an index here.)

-- +goose Up
CREATE TABLE price_changes (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    product_id bigint NOT NULL,
    price positive_cents NOT NULL,
    CONSTRAINT price_changes_product_id_must_reference_an_existing_product_row_fk
        FOREIGN KEY (product_id) REFERENCES products (id)
);
CREATE INDEX CONCURRENTLY IF NOT EXISTS price_changes_product_id_idx ON price_changes (product_id);
VACUUM FULL orders;
TRUNCATE products CASCADE;
DROP DATABASE IF EXISTS shop_reporting;

-- +goose Down
DROP TABLE IF EXISTS price_changes;
