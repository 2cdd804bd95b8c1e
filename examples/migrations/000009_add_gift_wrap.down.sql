-- Shop, migration 9, down only: left behind when 000009_add_gift_wrap.up.sql was renamed to
-- 000010_add_gift_options.up.sql. golang-migrate takes version 9 for an empty up, and runs this
-- down when stepping down from 9 to 8, after 000010's down has already dropped gift_wrap: it fails.
--
-- Expected findings:
--   SS304 unpaired-migration  a down migration without its up

ALTER TABLE orders DROP COLUMN gift_wrap;
