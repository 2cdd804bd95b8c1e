-- Web shop, migration 2: orders, order lines, payments.
--
-- Expected findings:
--   SS101 missing-foreign-key          orders.customer_id has no foreign key to customers
--   SS102 unchecked-status-column      orders.status accepts any string
--   SS103 denormalized-user-field      orders.customer_email copies customers.email
--   SS904 unknown-rule-in-suppression  the suppression on customer_email misspells the rule
--                                      (so it silences nothing and SS103 still fires)
--   SS903 unused-suppression           the suppression above order_items: its foreign keys exist
--   SS502 foreign-key-without-index    order_items.product_id (the primary key starts with order_id)
--   SS502 foreign-key-without-index    payments.order_id
-- Not flagged: payments.provider_payload, whose suppression is used.

CREATE TABLE orders (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id bigint NOT NULL,
    status varchar(20) NOT NULL DEFAULT 'pending',
    customer_email text NOT NULL,  -- sqlsoul: ignore[denormalised-user-field] copied for receipts
    gift_message text,
    placed_at timestamptz NOT NULL DEFAULT now()
);

-- sqlsoul: ignore[missing-foreign-key] left over from before the foreign keys were added
CREATE TABLE order_items (
    order_id bigint NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    product_id bigint NOT NULL REFERENCES products (id),
    quantity integer NOT NULL CHECK (quantity > 0),
    unit_price_cents integer NOT NULL,
    PRIMARY KEY (order_id, product_id)
);

CREATE TABLE payments (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id bigint NOT NULL REFERENCES orders (id),
    amount_cents integer NOT NULL,
    provider_payload text  -- sqlsoul: ignore[text-for-structured-data] kept verbatim for disputes
);
