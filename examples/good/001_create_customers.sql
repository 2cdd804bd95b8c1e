-- Web shop done right, migration 1: customers, their addresses, products.
-- Everything lives in the "shop" schema: sqlsoul follows schema-qualified names through
-- the whole history (this folder is a history of its own, apart from bad/ and migrations/).

CREATE SCHEMA shop;

-- One row per customer; the only place a customer's email and name are stored.
CREATE TABLE shop.customers (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email text NOT NULL UNIQUE,
    full_name text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- Addresses a customer ships to. "state" is the region of the address.
CREATE TABLE shop.customer_addresses (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES shop.customers (id) ON DELETE CASCADE,
    street text NOT NULL,
    city text NOT NULL,
    state varchar(2),
    postal_code text NOT NULL,
    country text NOT NULL CHECK (country ~ '^[A-Z]{2}$')  -- ISO 3166 code
);

CREATE INDEX customer_addresses_customer_id_idx ON shop.customer_addresses (customer_id);

-- Tags are a plain list of values: an array, searchable with a GIN index.
CREATE TABLE shop.products (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sku text NOT NULL UNIQUE,
    title text NOT NULL,
    price_cents integer NOT NULL CHECK (price_cents >= 0),
    tags text[] NOT NULL DEFAULT '{}',
    attributes jsonb NOT NULL DEFAULT '{}'
);

CREATE INDEX products_tags_idx ON shop.products USING gin (tags);

COMMENT ON COLUMN shop.products.attributes IS 'Free-form product facts (size, colour), one JSON object';
