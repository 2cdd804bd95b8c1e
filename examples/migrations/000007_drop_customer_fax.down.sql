-- Shop, migration 7, down: re-creates the column as it was (type and nullability), so the
-- schema is restored and irreversible-migration stays quiet; its values are gone for good.
--
-- Expected findings: none.

ALTER TABLE customers ADD COLUMN fax text;
