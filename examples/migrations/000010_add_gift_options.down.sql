-- Shop, migration 10, down.
--
-- Expected findings: none.

ALTER TABLE orders DROP COLUMN gift_message, DROP COLUMN gift_wrap;
