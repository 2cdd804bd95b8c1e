-- Shop, migration 11 (golang-migrate): customers choose the name shown on their account.
--
-- Expected findings: none. A rename loses nothing, and the down renames it back.

ALTER TABLE customers RENAME COLUMN full_name TO display_name;
