-- Shop, migration 5 (golang-migrate): orders can be refunded.
--
-- Expected findings:
--   SS301 irreversible-migration  PostgreSQL cannot drop an enum value: the down can only undo
--                                 this by recreating the type (the finding's help says how)

ALTER TYPE order_status ADD VALUE 'refunded' AFTER 'delivered';
