-- Shop, migration 4 (golang-migrate): when an order shipped, and its tracking number.
--
-- Expected findings:
--   SS301 irreversible-migration  the down drops shipped_at but forgets tracking_number:
--                                 reported where the up adds it

ALTER TABLE orders ADD COLUMN shipped_at timestamptz;
ALTER TABLE orders ADD COLUMN tracking_number text;
