-- Shop, migration 3, down.
--
-- Expected findings: none.

DROP TABLE order_items;
DROP TABLE orders;
DROP TYPE order_status;
