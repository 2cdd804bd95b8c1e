-- Shop, migration 8 (golang-migrate), from one branch: product weights for shipping costs.
-- Another branch also picked version 000008 (000008_create_shipments); see there.
--
-- Expected findings:
--   SS303 duplicate-migration-version  000008 is also create_shipments (reported on both ups)
-- Otherwise a clean pair: the down drops the column, and its CHECK goes with it. The CHECK is added
-- NOT VALID: checking the rows of a live table would block it (SS205), and the new column is NULL
-- everywhere anyway.

ALTER TABLE products ADD COLUMN weight_grams integer;
ALTER TABLE products ADD CONSTRAINT products_weight_grams_check CHECK (weight_grams > 0) NOT VALID;
