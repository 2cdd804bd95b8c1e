-- Web shop done right, migration 5: the foreign key itself, added the safe way on a table that
-- already holds rows: NOT VALID takes only a brief lock ...

ALTER TABLE shop.shipments ADD CONSTRAINT shipments_order_id_fkey
    FOREIGN KEY (order_id) REFERENCES shop.orders (id) NOT VALID;
