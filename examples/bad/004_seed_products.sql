-- Saved as Latin-1 on purpose (SS901): the e-acute below is the byte 0xE9.
INSERT INTO products (sku, title, price_cents) VALUES ('CAFE-1', 'Café beans', 1250);
