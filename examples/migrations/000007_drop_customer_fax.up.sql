-- Shop, migration 7 (golang-migrate): nobody sends faxes any more.
--
-- Expected findings:
--   SS302 destructive-migration  DROP COLUMN throws the fax numbers away; the down brings the
--                                column back, empty

ALTER TABLE customers DROP COLUMN fax;
