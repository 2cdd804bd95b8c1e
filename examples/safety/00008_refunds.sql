-- Shop, migration 8 (goose): an enum value and a domain constraint added to types in use.
--
-- Expected findings:
--   SS224 domain-with-constraint            the new CHECK is validated against every products.price and
--                                           payments.amount under locks that block their writes
--   SS226 adding-enum-value-in-transaction  goose runs this in one transaction, and 'refunded' cannot be
--                                           used before it commits: the UPDATE fails
--   SS301 irreversible-migration            no down can drop an enum value (see examples/migrations)

-- +goose Up
ALTER DOMAIN positive_cents ADD CONSTRAINT positive_cents_below_a_million CHECK (VALUE < 100000000);
ALTER TYPE order_status ADD VALUE 'refunded' AFTER 'paid';
UPDATE orders SET status = 'refunded' WHERE total = 0;

-- +goose Down
ALTER DOMAIN positive_cents DROP CONSTRAINT positive_cents_below_a_million;
