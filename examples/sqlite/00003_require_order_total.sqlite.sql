-- A table rebuild (new table, copy, drop, rename), the way SQLite changes a column's definition; goose
-- runs it in a transaction, where both PRAGMAs do nothing (the fix: -- +goose NO TRANSACTION, with the
-- rebuild in BEGIN ... COMMIT):
--   SS706 sqlite-pragma-in-transaction: PRAGMA foreign_keys = OFF;
--   SS706 sqlite-pragma-in-transaction: PRAGMA foreign_keys = ON.

-- +goose Up
PRAGMA foreign_keys = OFF;
CREATE TABLE new_orders (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers (id),
    total_cents INTEGER NOT NULL DEFAULT 0
);
INSERT INTO new_orders (id, customer_id) SELECT id, customer_id FROM orders;
DROP TABLE orders;
ALTER TABLE new_orders RENAME TO orders;
CREATE INDEX orders_customer_id ON orders (customer_id);
PRAGMA foreign_keys = ON;

-- +goose Down
CREATE TABLE old_orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customers (id));
INSERT INTO old_orders (id, customer_id) SELECT id, customer_id FROM orders;
DROP TABLE orders;
ALTER TABLE old_orders RENAME TO orders;
CREATE INDEX orders_customer_id ON orders (customer_id);
