-- The shop on SQLite, in a goose folder (each migration runs in a transaction). This file is clean;
-- 00002 adds a column the way SQLite rejects, 00003 rebuilds a table with its PRAGMAs in the wrong place.

-- +goose Up
CREATE TABLE customers (id INTEGER PRIMARY KEY, email TEXT NOT NULL);
CREATE TABLE orders (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers (id)
);
CREATE INDEX orders_customer_id ON orders (customer_id);

-- +goose Down
DROP TABLE orders;
DROP TABLE customers;
