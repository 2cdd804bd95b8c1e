-- Shop, migration 8 (golang-migrate), from another branch: shipments. Both branches picked 000008;
-- golang-migrate refuses a folder with two migrations of one version ("duplicate migration file").
--
-- Expected findings:
--   SS303 duplicate-migration-version  000008 is also add_product_weight (reported on both ups)

CREATE TABLE shipments (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id bigint NOT NULL REFERENCES orders (id),
    carrier text NOT NULL,
    delivery_state text NOT NULL DEFAULT 'label_created'
        CHECK (delivery_state IN ('label_created', 'in_transit', 'delivered', 'returned')),
    parcel_numbers text[] NOT NULL DEFAULT '{}'
);

CREATE INDEX shipments_order_id_idx ON shipments (order_id);
