-- Shop, migration 2, down.
--
-- Expected findings: none.

DROP TABLE products;
