-- Shop, migration 1, down: undoes the up in reverse order.
--
-- Expected findings: none.

DROP TABLE customer_addresses;
DROP TABLE customers;
