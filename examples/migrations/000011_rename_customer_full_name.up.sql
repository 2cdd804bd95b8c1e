-- Shop, migration 11 (golang-migrate): customers choose the name shown on their account.
--
-- A rename loses nothing, and the down renames it back: irreversible-migration is quiet. But code that
-- still says full_name breaks the moment it commits, as the migration-safety rules say.
--
-- Expected findings:
--   SS212 renaming-column  queries that say customers.full_name fail from the moment this commits

ALTER TABLE customers RENAME COLUMN full_name TO display_name;
