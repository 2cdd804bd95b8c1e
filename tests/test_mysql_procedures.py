"""The statements of a MySQL procedure that the file CALLs are linted and replayed where it is called.

See the docstring of sqlsoul.dialects.front: the DDL and DML of the body are read at their own
place in the file and run after the CALL; the procedural parts are skipped, conditions are not
evaluated, and a procedure never called keeps its unsupported-statement note.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import findings, run, write

# Line 5: an ALTER guarded by IF NOT EXISTS, as Apache Ranger's patches write them; line 6 creates
# a table that the file uses after the CALL.
GUARDED = """\
CREATE TABLE customers (id bigint PRIMARY KEY); CREATE TABLE t (id int PRIMARY KEY);
delimiter ;;
create procedure add_columns() begin
 if not exists (select * from information_schema.columns where table_name = 't' and column_name = 'customer_id') then
   ALTER TABLE t ADD customer_id bigint;
   create table u (id int primary key);
 end if;
end;;
delimiter ;
call add_columns();
ALTER TABLE u ADD note varchar(10);
drop procedure if exists add_columns;
"""


def lint(path: Path, *extra: str) -> list[tuple[str, int, int]]:
    result = run("lint", "--no-plugins", "-q", "--format", "json", "--dialect", "mysql", *extra, str(path))
    assert result.exit_code in (0, 1), (result.exit_code, result.stdout, result.stderr)
    return [(code, line, column) for _, code, line, column in findings(result)]


def tables(path: Path) -> dict[str, list[str]]:
    result = run("schema", "--no-plugins", "--format", "json", "--dialect", "mysql", str(path))
    assert result.exit_code == 0, (result.stdout, result.stderr)
    history = json.loads(result.stdout)["histories"][0]
    return {table["name"]: [column["name"] for column in table["columns"]] for table in history["tables"]}


def test_a_statement_inside_a_called_procedure_is_checked_at_its_place(tmp_path: Path) -> None:
    # SS101: the column added inside the body has no foreign key; the called procedure has no note.
    assert lint(write(tmp_path / "m.sql", GUARDED)) == [("SS101", 5, 22)]


def test_the_body_is_replayed_where_the_call_runs(tmp_path: Path) -> None:
    path = write(tmp_path / "m.sql", GUARDED)
    assert tables(path) == {"customers": ["id"], "t": ["id", "customer_id"], "u": ["id", "note"]}
    # Without the CALL nothing of the body runs: u does not exist, t keeps its one column.
    write(tmp_path / "m.sql", GUARDED.replace("call add_columns();", ""))
    assert tables(path) == {"customers": ["id"], "t": ["id"]}


def test_a_procedure_never_called_keeps_its_note_and_its_body_is_not_read(tmp_path: Path) -> None:
    path = write(tmp_path / "m.sql", GUARDED.replace("call add_columns();", "call other();"))
    assert lint(path) == [("SS905", 3, 1)]
    # A CALL before the CREATE does not run this procedure either (the server has no such one yet).
    path = write(tmp_path / "m.sql", "call add_columns();\n" + GUARDED.replace("call add_columns();", ""))
    assert lint(path) == [("SS905", 4, 1)]


def test_a_broken_statement_inside_is_a_parse_error_at_its_place(tmp_path: Path) -> None:
    text = GUARDED.replace("   create table u", "   insert into t values (1,;\n   create table u")
    assert lint(write(tmp_path / "m.sql", text)) == [("SS101", 5, 22), ("SS900", 6, 27)]


def test_procedural_parts_are_skipped(tmp_path: Path) -> None:
    text = """\
CREATE TABLE customers (id bigint PRIMARY KEY); CREATE TABLE t (id int PRIMARY KEY);
delimiter $$
CREATE DEFINER=`root`@`localhost` PROCEDURE migrate(IN n int) MODIFIES SQL DATA COMMENT 'x'
main: BEGIN
  DECLARE done int DEFAULT 0;
  DECLARE c CURSOR FOR SELECT id FROM t;
  DECLARE CONTINUE HANDLER FOR NOT FOUND, SQLSTATE VALUE '42S01' BEGIN SET done = 1; DROP TABLE t; END;
  DECLARE EXIT HANDLER FOR SQLEXCEPTION ROLLBACK;
  SET @s = CONCAT('ALTER TABLE t ADD x', n, ' int');
  SELECT COUNT(*) INTO done FROM t;
  PREPARE stmt FROM @s;
  EXECUTE stmt;
  DEALLOCATE PREPARE stmt;
  WHILE done < 3 DO
    SET done = done + 1;
    REPEAT SET done = done + 1; UNTIL done > 5 END REPEAT;
  END WHILE;
  CASE n WHEN 1 THEN ALTER TABLE t ADD customer_id bigint; ELSE LEAVE main; END CASE;
  inner_loop: LOOP LEAVE inner_loop; END LOOP inner_loop;
END main$$
delimiter ;
CALL migrate(1);
"""
    path = write(tmp_path / "m.sql", text)
    assert lint(path) == [("SS101", 18, 40)]
    assert tables(path) == {"customers": ["id"], "t": ["id", "customer_id"]}  # the handler's DROP TABLE runs only on an error


def test_a_directive_above_the_call_or_the_statement_inside_silences_its_findings(tmp_path: Path) -> None:
    above_call = GUARDED.replace("call add_columns();", "-- sqlsoul: ignore[missing-foreign-key] reviewed\ncall add_columns();")
    assert lint(write(tmp_path / "m.sql", above_call)) == []
    inside = GUARDED.replace("   ALTER TABLE t ADD", "   # sqlsoul: ignore[missing-foreign-key] reviewed\n   ALTER TABLE t ADD")
    assert lint(write(tmp_path / "m.sql", inside)) == []
    # One that silences nothing inside the body is reported as unused.
    unused = GUARDED.replace("   create table u", "   -- sqlsoul: ignore[missing-foreign-key] reviewed\n   create table u")
    assert lint(write(tmp_path / "m.sql", unused)) == [("SS101", 5, 22), ("SS903", 6, 4)]


def test_each_call_runs_the_body_again(tmp_path: Path) -> None:
    text = """\
CREATE TABLE t (id int PRIMARY KEY);
CREATE PROCEDURE add_x() ALTER TABLE t ADD x int;
CALL add_x();
ALTER TABLE t RENAME COLUMN x TO y;
CALL add_x();
"""
    path = write(tmp_path / "m.sql", text)
    assert lint(path) == []
    assert tables(path) == {"t": ["id", "y", "x"]}
