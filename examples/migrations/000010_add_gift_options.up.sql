-- Shop, migration 10 (golang-migrate): gift wrapping and a message for the recipient.
--
-- Expected findings: none. The down drops both columns again.

ALTER TABLE orders
    ADD COLUMN gift_wrap boolean NOT NULL DEFAULT false,
    ADD COLUMN gift_message text;
