-- Web shop, migration 3: shipping.
--
-- Expected findings:
--   SS900 parse-error                  the ALTER TABLE below (deliberately broken)
--   SS101 missing-foreign-key          shipments.order_id has no foreign key to orders
--   SS102 unchecked-status-column      shipments.delivery_state accepts any string
--   SS104 text-for-structured-data     shipments.parcel_ids holds a list of ids in text

-- DELIBERATELY BROKEN: the comma after the first ADD COLUMN is missing.
-- sqlsoul reports it and still checks the statements after it.
ALTER TABLE orders
    ADD COLUMN shipped_at timestamptz
    ADD COLUMN tracking_number text;

CREATE TABLE shipments (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id bigint NOT NULL,
    carrier text NOT NULL,
    delivery_state text,
    parcel_ids text
);
