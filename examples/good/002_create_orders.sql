-- Web shop done right, migration 2: orders, order lines, payments.

-- The order's status is one of a known set; the customer is referenced, not copied:
-- receipts read the email through the foreign key.
CREATE TABLE shop.orders (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES shop.customers (id),
    status varchar(20) NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'paid', 'shipped', 'delivered', 'cancelled')),
    gift_message text,
    placed_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX orders_customer_id_idx ON shop.orders (customer_id, placed_at DESC);

CREATE TABLE shop.order_items (
    order_id bigint NOT NULL REFERENCES shop.orders (id) ON DELETE CASCADE,
    product_id bigint NOT NULL REFERENCES shop.products (id),
    quantity integer NOT NULL CHECK (quantity > 0),
    unit_price_cents integer NOT NULL CHECK (unit_price_cents >= 0),
    PRIMARY KEY (order_id, product_id)
);

CREATE INDEX order_items_product_id_idx ON shop.order_items (product_id);

-- The payment provider's response is a JSON document: jsonb, validated on insert.
CREATE TYPE shop.payment_state AS ENUM ('authorized', 'captured', 'refunded', 'failed');

CREATE TABLE shop.payments (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id bigint NOT NULL REFERENCES shop.orders (id),
    amount_cents integer NOT NULL CHECK (amount_cents > 0),
    state shop.payment_state NOT NULL DEFAULT 'authorized',
    provider_payload jsonb NOT NULL
);

CREATE INDEX payments_order_id_idx ON shop.payments (order_id);
