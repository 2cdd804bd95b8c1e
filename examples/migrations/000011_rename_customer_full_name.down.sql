-- Shop, migration 11, down.
--
-- Expected findings:
--   SS212 renaming-column  rolling back breaks the code that already says display_name

ALTER TABLE customers RENAME COLUMN display_name TO full_name;
