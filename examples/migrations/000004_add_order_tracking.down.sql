-- Shop, migration 4, down: forgets tracking_number, so rolling back and migrating up again fails
-- with "column already exists" (irreversible-migration is reported in the up, where the column is added).
--
-- Expected findings: none in this file.

ALTER TABLE orders DROP COLUMN shipped_at;
