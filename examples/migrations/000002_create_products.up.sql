-- Shop, migration 2 (golang-migrate): the catalogue.
--
-- Expected findings: none. Tags are an array with a GIN index, attributes a jsonb document, and
-- the down drops the table (its indexes go with it).

CREATE TABLE products (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sku text NOT NULL UNIQUE,
    title text NOT NULL,
    price_cents integer NOT NULL CHECK (price_cents >= 0),
    tags text[] NOT NULL DEFAULT '{}',
    attributes jsonb NOT NULL DEFAULT '{}'
);

CREATE INDEX products_tags_idx ON products USING gin (tags);
