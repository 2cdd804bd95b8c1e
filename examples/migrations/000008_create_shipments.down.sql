-- Shop, migration 8 (create_shipments), down.
--
-- Expected findings: none (the duplicate version is reported once, on the up).

DROP TABLE shipments;
