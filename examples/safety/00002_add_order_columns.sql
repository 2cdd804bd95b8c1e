-- Shop, migration 2 (goose): columns added to a table that is in use.
--
-- Expected findings:
--   SS201 adding-column-with-volatile-default  gen_random_uuid() is computed per row: the whole table is
--                                              rewritten under ACCESS EXCLUSIVE
--   SS202 adding-required-column               NOT NULL without a default fails as soon as orders has a row
--   SS203 setting-not-null-on-existing-column  SET NOT NULL scans every row of customers under ACCESS EXCLUSIVE

-- +goose Up
ALTER TABLE orders ADD COLUMN public_id uuid DEFAULT gen_random_uuid();
ALTER TABLE orders ADD COLUMN channel text NOT NULL;
ALTER TABLE customers ALTER COLUMN full_name SET NOT NULL;

-- +goose Down
ALTER TABLE customers ALTER COLUMN full_name DROP NOT NULL;
ALTER TABLE orders DROP COLUMN channel;
ALTER TABLE orders DROP COLUMN public_id;
