-- Shop, migration 6 (golang-migrate): payments. Nobody wrote 000006_create_payments.down.sql.
--
-- Expected findings:
--   SS301 irreversible-migration  migration 000006 has no down migration (reported at its first statement)

CREATE TYPE payment_state AS ENUM ('authorized', 'captured', 'refunded', 'failed');

-- The payment provider's response is a JSON document: jsonb, validated on insert.
CREATE TABLE payments (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id bigint NOT NULL REFERENCES orders (id),
    amount_cents integer NOT NULL CHECK (amount_cents > 0),
    state payment_state NOT NULL DEFAULT 'authorized',
    provider_payload jsonb NOT NULL
);

CREATE INDEX payments_order_id_idx ON payments (order_id);
