-- Shop, migration 8 (add_product_weight), down.
--
-- Expected findings: none.

ALTER TABLE products DROP COLUMN weight_grams;
