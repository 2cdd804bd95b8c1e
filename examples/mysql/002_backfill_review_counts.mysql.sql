-- SS905 unsupported-statement: the trigger is valid MySQL, but sqlsoul does not model stored
-- programs that run later (triggers, events, functions, procedures never called), so the
-- statements in its body are not checked (a note, so coverage is visible).
-- The procedure is different: the file CALLs it, so the UPDATE in its body is checked and
-- replayed where the CALL runs (conditions in a body are not evaluated: every statement counts).
-- DELIMITER lines are client commands, like psql's meta-commands: they are not SQL.

ALTER TABLE customers ADD COLUMN review_count INT UNSIGNED NOT NULL DEFAULT 0;

DELIMITER $$
CREATE PROCEDURE backfill_review_counts()
BEGIN
    UPDATE customers c
       SET c.review_count = (SELECT COUNT(*) FROM reviews r WHERE r.customer_id = c.id);
END $$

CREATE TRIGGER reviews_count AFTER INSERT ON reviews FOR EACH ROW
BEGIN
    UPDATE customers SET review_count = review_count + 1 WHERE id = NEW.customer_id;
END $$
DELIMITER ;

CALL backfill_review_counts();
DROP PROCEDURE backfill_review_counts;
