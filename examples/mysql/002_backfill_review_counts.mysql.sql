-- SS905 unsupported-statement: the stored procedure is valid MySQL, but sqlsoul does not model
-- stored programs, so the statements in its body are not checked (a note, so coverage is visible).
-- DELIMITER lines are client commands, like psql's meta-commands: they are not SQL.

ALTER TABLE customers ADD COLUMN review_count INT UNSIGNED NOT NULL DEFAULT 0;

DELIMITER $$
CREATE PROCEDURE backfill_review_counts()
BEGIN
    UPDATE customers c
       SET c.review_count = (SELECT COUNT(*) FROM reviews r WHERE r.customer_id = c.id);
END $$
DELIMITER ;

CALL backfill_review_counts();
DROP PROCEDURE backfill_review_counts;
