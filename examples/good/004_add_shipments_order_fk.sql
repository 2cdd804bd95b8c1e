-- Web shop done right, migration 4: the foreign key 003 forgot, added the safe way on a
-- table that already holds rows: NOT VALID takes only a brief lock ...

CREATE INDEX CONCURRENTLY shipments_order_id_idx ON shop.shipments (order_id);

ALTER TABLE shop.shipments ADD CONSTRAINT shipments_order_id_fkey
    FOREIGN KEY (order_id) REFERENCES shop.orders (id) NOT VALID;
