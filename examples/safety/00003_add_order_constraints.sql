-- Shop, migration 3 (goose): constraints added to tables that are in use, each validated under a lock.
--
-- Expected findings:
--   SS204 adding-foreign-key-without-not-valid       the new foreign key is checked row by row while payments
--                                                    and orders are locked
--   SS205 adding-constraint-without-not-valid        the CHECK is validated under ACCESS EXCLUSIVE
--   SS206 adding-unique-constraint-on-existing-table the unique index is built under ACCESS EXCLUSIVE
-- Its down drops each constraint again.

-- +goose Up
ALTER TABLE payments ADD CONSTRAINT payments_order_id_fkey FOREIGN KEY (order_id) REFERENCES orders (id);
ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0);
ALTER TABLE customers ADD CONSTRAINT customers_email_key UNIQUE (email);

-- +goose Down
ALTER TABLE customers DROP CONSTRAINT customers_email_key;
ALTER TABLE orders DROP CONSTRAINT orders_total_check;
ALTER TABLE payments DROP CONSTRAINT payments_order_id_fkey;
