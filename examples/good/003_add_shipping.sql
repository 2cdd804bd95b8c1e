-- Web shop done right, migration 3: shipping.

ALTER TABLE shop.orders
    ADD COLUMN shipped_at timestamptz,
    ADD COLUMN tracking_number text;

-- Delivery states come from a lookup table, so new carriers' states are rows, not migrations.
CREATE TABLE shop.delivery_states (
    code text PRIMARY KEY,
    description text NOT NULL
);

CREATE TABLE shop.shipments (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id bigint NOT NULL,
    carrier text NOT NULL,
    delivery_state text NOT NULL REFERENCES shop.delivery_states (code),
    parcel_ids text[] NOT NULL DEFAULT '{}'
);

-- Deleting a delivery state looks its shipments up by this index, not by a scan.
CREATE INDEX shipments_delivery_state_idx ON shop.shipments (delivery_state);

COMMENT ON COLUMN shop.shipments.parcel_ids IS 'Carrier parcel numbers, one per box';
