-- An application's SQLite schema, run as one script.
--   SS703 sqlite-foreign-keys-off: order_items declares foreign keys, but SQLite enforces them only on
--         connections that run PRAGMA foreign_keys = ON, and nothing here says the application does
--         (a note, once per history: the setting belongs to each connection, not to the database file).
--   SS502 foreign-key-without-index: deleting a product scans order_items for rows that point at it.

CREATE TABLE products (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    price_cents INTEGER NOT NULL CHECK (price_cents >= 0)
);

CREATE TABLE order_items (
    id INTEGER PRIMARY KEY,
    product_id INTEGER NOT NULL REFERENCES products (id),
    quantity INTEGER NOT NULL CHECK (quantity > 0)
);
