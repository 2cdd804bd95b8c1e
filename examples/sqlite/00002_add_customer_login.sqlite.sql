--   SS704 sqlite-unsupported-alter: ADD COLUMN ... UNIQUE fails on SQLite (add it plain, then a unique index);
--   SS704 sqlite-unsupported-alter: and so does the down's DROP COLUMN of a column a unique constraint uses.

-- +goose Up
ALTER TABLE customers ADD COLUMN login TEXT UNIQUE;

-- +goose Down
ALTER TABLE customers DROP COLUMN login;
