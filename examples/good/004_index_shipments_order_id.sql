-- Web shop done right, migration 4: the foreign key 003 forgot needs an index first, built
-- CONCURRENTLY so that writes to shipments go on. CONCURRENTLY cannot run in a transaction block,
-- and these scripts are run with psql, statement by statement, as the directive below tells sqlsoul.
-- Should the build fail, it leaves an INVALID index behind: dropping it first makes a rerun work.
-- sqlsoul: assume-in-transaction=false

DROP INDEX CONCURRENTLY IF EXISTS shop.shipments_order_id_idx;
CREATE INDEX CONCURRENTLY shipments_order_id_idx ON shop.shipments (order_id);
