-- Shop, migration 11, down.
--
-- Expected findings: none.

ALTER TABLE customers RENAME COLUMN display_name TO full_name;
