-- Web shop, migration 1: customers, their addresses, products.
--
-- Expected findings:
--   SS502 foreign-key-without-index  customer_addresses.customer_id: deleting a customer scans the addresses
--   SS405 char-column                (a note) customer_addresses.country is char(2), padded with spaces
--   SS104 text-for-structured-data   products.tags holds a comma-separated list in text
-- Not flagged: customer_addresses.state is the region of an address, not a lifecycle state.

CREATE TABLE customers (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email text NOT NULL UNIQUE,
    full_name text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE customer_addresses (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    street text NOT NULL,
    city text NOT NULL,
    state varchar(2),
    postal_code text NOT NULL,
    country char(2) NOT NULL
);

CREATE TABLE products (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sku text NOT NULL UNIQUE,
    title text NOT NULL,
    price_cents integer NOT NULL,
    tags text  -- e.g. 'sale,summer'
);
