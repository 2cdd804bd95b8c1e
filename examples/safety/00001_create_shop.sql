-- Shop, migration 1 (goose): the tables the later migrations change. Nothing to report: every table is
-- new, so building it with keys, indexes and constraints blocks no one.

-- +goose Up
CREATE TYPE order_status AS ENUM ('pending', 'paid', 'shipped');
CREATE DOMAIN positive_cents AS bigint CHECK (VALUE > 0);
CREATE TABLE customers (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email text NOT NULL,
    full_name text
);
CREATE TABLE products (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    title text NOT NULL,
    price positive_cents NOT NULL
);
CREATE TABLE orders (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES customers (id),
    status order_status NOT NULL DEFAULT 'pending',
    total integer NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX orders_customer_id_idx ON orders (customer_id);
CREATE INDEX orders_status_idx ON orders (status);
CREATE TABLE order_events (
    id bigint NOT NULL,
    order_id bigint NOT NULL REFERENCES orders (id),
    kind text NOT NULL
);
CREATE INDEX order_events_order_id_idx ON order_events (order_id);
CREATE TABLE order_lines (
    order_id bigint NOT NULL REFERENCES orders (id),
    product_id bigint NOT NULL REFERENCES products (id),
    quantity integer NOT NULL,
    PRIMARY KEY (order_id, product_id)
);
CREATE INDEX order_lines_product_id_idx ON order_lines (product_id);
CREATE TABLE payments (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id bigint NOT NULL,
    amount positive_cents NOT NULL
);
CREATE INDEX payments_order_id_idx ON payments (order_id);
CREATE TABLE order_archive (
    id bigint NOT NULL,
    archived_on date NOT NULL,
    PRIMARY KEY (id, archived_on)
) PARTITION BY RANGE (archived_on);
CREATE TABLE order_archive_2024 PARTITION OF order_archive FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');

-- +goose Down
DROP TABLE order_archive;
DROP TABLE payments;
DROP TABLE order_events;
DROP TABLE order_lines;
DROP TABLE orders;
DROP TABLE products;
DROP TABLE customers;
DROP DOMAIN positive_cents;
DROP TYPE order_status;
