-- Shop, migration 1 (golang-migrate): customers and the addresses they ship to.
--
-- Expected findings: none. The down drops both tables, child first: a pair that inverts cleanly.

CREATE TABLE customers (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email text NOT NULL UNIQUE,
    full_name text NOT NULL,
    fax text,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- "state" is the region of an address, not a lifecycle state.
CREATE TABLE customer_addresses (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    street text NOT NULL,
    city text NOT NULL,
    state varchar(2),
    postal_code text NOT NULL,
    country text NOT NULL CHECK (country ~ '^[A-Z]{2}$')
);

CREATE INDEX customer_addresses_customer_id_idx ON customer_addresses (customer_id);
