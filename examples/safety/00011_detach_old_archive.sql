-- Shop, migration 11 (goose): last year's archive moves out of the partitioned table.
--
-- Expected findings:
--   SS222 detach-partition-non-concurrently  DETACH takes ACCESS EXCLUSIVE on order_archive: from PostgreSQL
--                                            14, DETACH ... CONCURRENTLY (outside a transaction) does not

-- +goose Up
ALTER TABLE order_archive DETACH PARTITION order_archive_2024;

-- +goose Down
ALTER TABLE order_archive ATTACH PARTITION order_archive_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
