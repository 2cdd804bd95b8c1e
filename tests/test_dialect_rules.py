"""MySQL, MariaDB and SQLite semantics in the schema model and the rules built on it.

Replay tests read real SQL through the sqlglot front end (as the engine does) and look at the
catalog; rule tests lint real SQL and compare the findings users see (rule, line, column).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from sqlsoul.dialects import DEFAULT_MARIADB_VERSION, DEFAULT_MYSQL_VERSION
from sqlsoul.dialects.front import parse_foreign
from sqlsoul.model import Catalog, ConstraintKind, Table, TypeRef
from sqlsoul.registry import Registry
from sqlsoul.replay import Replayer, checks_ignored, inline_references_ignored
from sqlsoul.source import SourceFile
from sqlsoul.testing import run_case

PK, UNIQUE, FK, CHECK = ConstraintKind.PRIMARY_KEY, ConstraintKind.UNIQUE, ConstraintKind.FOREIGN_KEY, ConstraintKind.CHECK


@dataclass(frozen=True)
class Versions:
    mysql_version: tuple[int, ...] = DEFAULT_MYSQL_VERSION
    mariadb_version: tuple[int, ...] = DEFAULT_MARIADB_VERSION


def replay(dialect: str, *files: str, versions: Versions | None = None) -> Catalog:
    """Replay files of one dialect in order (each must parse) into a catalog."""
    catalog = Catalog()
    replayer = Replayer(catalog, versions=versions)
    for index, text in enumerate(files):
        source = SourceFile(f"{index}.sql", f"{index}.sql", text, dialect)
        parsed = parse_foreign(source, dialect)
        assert parsed.failures == [] and parsed.unsupported == [], (parsed.failures, parsed.unsupported)
        for statement in parsed.statements:
            replayer.apply(statement, source, index)
    return catalog


def table(catalog: Catalog, name: str) -> Table:
    return catalog.tables[("public", name)]


def keys(t: Table) -> list[tuple[ConstraintKind, str | None, tuple[str, ...]]]:
    return [(c.kind, c.name, c.columns) for c in t.constraints]


def indexes(t: Table) -> list[tuple[str | None, tuple[str | None, ...]]]:
    return [(index.name, index.columns) for index in t.indexes]


# --- MySQL columns ---------------------------------------------------------------------------


def test_mysql_column_facts_enum_values_unsigned_auto_increment_and_comments() -> None:
    catalog = replay(
        "mysql",
        "CREATE TABLE orders (\n"
        "  id INT UNSIGNED NOT NULL AUTO_INCREMENT,\n"
        "  status ENUM('new', 'paid') NOT NULL DEFAULT 'new' COMMENT 'where the order is',\n"
        "  flags SET('gift', 'rush'),\n"
        "  PRIMARY KEY (id)\n"
        ") ENGINE=InnoDB COMMENT='one row per order';",
    )
    orders = table(catalog, "orders")
    assert orders.comment == "one row per order"
    assert orders.columns["id"].type == TypeRef("int4", unsigned=True)
    assert orders.columns["id"].has_default and orders.columns["id"].not_null  # numbered by the server
    status = orders.columns["status"]
    assert status.type == TypeRef("enum", members=("new", "paid"))
    assert (status.default, status.comment) == ("new", "where the order is")
    assert orders.columns["flags"].type == TypeRef("set", members=("gift", "rush"))


def test_mysql_types_of_its_own_are_integers_and_text() -> None:
    catalog = replay("mysql", "CREATE TABLE t (a TINYINT, b MEDIUMINT, c LONGTEXT, d MEDIUMTEXT);")
    columns = table(catalog, "t").columns
    assert columns["a"].type.is_integer and columns["b"].type.is_integer  # type: ignore[union-attr]
    assert columns["c"].type.is_text and columns["d"].type.is_text  # type: ignore[union-attr]


def test_modify_replaces_the_whole_definition_and_change_renames() -> None:
    catalog = replay(
        "mysql",
        "CREATE TABLE t (id BIGINT PRIMARY KEY, note VARCHAR(10) NOT NULL DEFAULT 'x' COMMENT 'c', old_name INT);\n"
        "ALTER TABLE t MODIFY note VARCHAR(20);\n"
        "ALTER TABLE t CHANGE old_name new_name BIGINT NOT NULL, MODIFY id BIGINT;",
    )
    columns = table(catalog, "t").columns
    note = columns["note"]
    # What MODIFY does not repeat is gone: nullable, no default, no comment.
    assert (note.type, note.not_null, note.has_default, note.comment) == (TypeRef("varchar", modifiers=(20,)), False, False, None)
    assert list(columns) == ["id", "note", "new_name"]
    assert (columns["new_name"].type, columns["new_name"].not_null) == (TypeRef("int8"), True)
    assert columns["id"].not_null  # a primary key column stays NOT NULL


# --- MySQL keys and indexes ------------------------------------------------------------------


def test_mysql_names_unnamed_keys_the_way_mysql_does() -> None:
    catalog = replay(
        "mysql",
        "CREATE TABLE parents (id BIGINT PRIMARY KEY);\n"
        "CREATE TABLE t (\n"
        "  id BIGINT NOT NULL, parent_id BIGINT, code VARCHAR(5),\n"
        "  PRIMARY KEY (id), UNIQUE KEY (code), KEY (parent_id), KEY (parent_id, code),\n"
        "  FOREIGN KEY (parent_id) REFERENCES parents (id), CHECK (code <> '')\n"
        ");\n"
        "ALTER TABLE t ADD INDEX (code), ADD FOREIGN KEY (id) REFERENCES parents (id);",
    )
    t = table(catalog, "t")
    assert keys(t) == [
        (PK, "PRIMARY", ("id",)), (UNIQUE, "code", ("code",)), (FK, "t_ibfk_1", ("parent_id",)),
        (CHECK, "t_chk_1", ("code",)), (FK, "t_ibfk_2", ("id",)),
    ]
    assert indexes(t) == [("parent_id", ("parent_id",)), ("parent_id_2", ("parent_id", "code")), ("code_2", ("code",))]


def test_mariadb_names_checks_after_their_column_or_by_number() -> None:
    catalog = replay("mariadb", "CREATE TABLE t (a INT CHECK (a > 0), b INT, CHECK (b > a));")
    assert [(c.name, c.columns) for c in table(catalog, "t").constraints] == [("a", ("a",)), ("CONSTRAINT_1", ("b", "a"))]


def test_mysql_drops_indexes_of_one_table_by_name() -> None:
    catalog = replay(
        "mysql",
        "CREATE TABLE a (id BIGINT PRIMARY KEY, x INT, KEY idx (x), UNIQUE KEY ux (x));\n"
        "CREATE TABLE b (id BIGINT PRIMARY KEY, x INT, KEY idx (x));\n"
        "DROP INDEX idx ON a;\n"
        "ALTER TABLE a DROP INDEX ux, DROP PRIMARY KEY;\n"
        "ALTER TABLE b RENAME INDEX idx TO b_x;",
    )
    assert (indexes(table(catalog, "a")), keys(table(catalog, "a"))) == ([], [])
    assert indexes(table(catalog, "b")) == [("b_x", ("x",))]


def test_mysql_like_copies_keys_and_indexes_but_not_foreign_keys() -> None:
    catalog = replay(
        "mysql",
        "CREATE TABLE p (id BIGINT PRIMARY KEY);\n"
        "CREATE TABLE a (id BIGINT PRIMARY KEY, p_id BIGINT, KEY (p_id), FOREIGN KEY (p_id) REFERENCES p (id));\n"
        "CREATE TABLE b LIKE a;",
    )
    b = table(catalog, "b")
    assert (keys(b), indexes(b)) == ([(PK, "PRIMARY", ("id",))], [("p_id", ("p_id",))])


# --- what older servers ignore ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("dialect", "version", "ignored"),
    [("mysql", (8, 4, 0), True), ("mysql", (9, 0, 0), False), ("mariadb", (10, 4, 0), True), ("mariadb", (10, 5, 0), False),
     ("sqlite", None, False), ("postgres", None, False)],
)
def test_inline_references_create_a_key_from_mysql_9_and_mariadb_10_5(
    dialect: str, version: tuple[int, ...] | None, ignored: bool
) -> None:
    versions = Versions(mysql_version=version or DEFAULT_MYSQL_VERSION, mariadb_version=version or DEFAULT_MARIADB_VERSION)
    assert inline_references_ignored(dialect, versions) is ignored
    if dialect == "postgres":
        return
    catalog = replay(
        dialect,
        "CREATE TABLE p (id BIGINT PRIMARY KEY);\n"
        "CREATE TABLE c (id BIGINT PRIMARY KEY, p_id BIGINT REFERENCES p (id), q_id BIGINT, FOREIGN KEY (q_id) REFERENCES p (id));",
        versions=versions,
    )
    foreign = [c.columns for c in table(catalog, "c").constraints if c.kind is FK]
    assert foreign == ([("q_id",)] if ignored else [("p_id",), ("q_id",)])  # a table-level key always counts


@pytest.mark.parametrize(
    ("dialect", "version", "ignored"),
    [("mysql", (8, 0, 15), True), ("mysql", (8, 0, 16), False), ("mariadb", (10, 2, 0), True), ("mariadb", (10, 2, 1), False)],
)
def test_checks_are_constraints_from_mysql_8_0_16_and_mariadb_10_2_1(dialect: str, version: tuple[int, ...], ignored: bool) -> None:
    versions = Versions(mysql_version=version, mariadb_version=version)
    assert checks_ignored(dialect, versions) is ignored
    catalog = replay(dialect, "CREATE TABLE t (a INT CHECK (a > 0));\nALTER TABLE t ADD CONSTRAINT t_a CHECK (a < 9);", versions=versions)
    assert len(table(catalog, "t").constraints) == (0 if ignored else 2)


def test_a_check_not_enforced_is_stored_but_checks_nothing() -> None:
    catalog = replay("mysql", "CREATE TABLE t (a INT, CONSTRAINT t_a CHECK (a > 0) NOT ENFORCED, CONSTRAINT t_b CHECK (a < 9));")
    assert [(c.name, c.enforced) for c in table(catalog, "t").constraints] == [("t_a", False), ("t_b", True)]


# --- SQLite ----------------------------------------------------------------------------------


def test_sqlite_integers_are_64_bit_and_unnamed_constraints_stay_unnamed() -> None:
    catalog = replay("sqlite", "CREATE TABLE t (id INTEGER PRIMARY KEY, n INT UNIQUE, CHECK (n > 0));")
    t = table(catalog, "t")
    assert t.columns["id"].type == TypeRef("int8") and t.columns["n"].type == TypeRef("int8")
    assert keys(t) == [(PK, None, ("id",)), (UNIQUE, None, ("n",)), (CHECK, None, ("n",))]


def test_sqlite_rebuild_ends_with_the_new_definition_and_keeps_the_keys_that_reference_it() -> None:
    catalog = replay(
        "sqlite",
        "CREATE TABLE customers (id INTEGER PRIMARY KEY, email TEXT);\n"
        "CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER REFERENCES customers (id));",
        "PRAGMA foreign_keys = OFF;\n"
        "BEGIN;\n"
        "CREATE TABLE new_customers (id INTEGER PRIMARY KEY, email TEXT NOT NULL);\n"
        "INSERT INTO new_customers (id, email) SELECT id, email FROM customers;\n"
        "DROP TABLE customers;\n"
        "ALTER TABLE new_customers RENAME TO customers;\n"
        "COMMIT;\n"
        "PRAGMA foreign_keys = ON;",
    )
    assert sorted(name for _, name in catalog.tables) == ["customers", "orders"]
    assert table(catalog, "customers").columns["email"].not_null
    assert [(c.references, c.columns) for c in table(catalog, "orders").constraints if c.kind is FK] == [
        (("public", "customers"), ("customer_id",))
    ]
    assert catalog.pragmas == {"foreign_keys": "on"}


def test_postgres_drop_table_still_drops_the_keys_that_reference_it() -> None:
    catalog = Catalog()
    replayer = Replayer(catalog)
    from sqlsoul.parsing import parse

    source = SourceFile("0.sql", "0.sql", "CREATE TABLE p (id int PRIMARY KEY); CREATE TABLE c (p_id int REFERENCES p); DROP TABLE p CASCADE;")
    for statement in parse(source).statements:
        replayer.apply(statement, source, 0)
    assert table(catalog, "c").constraints == []


def test_sqlite_and_mysql_names_mean_the_same_object_whatever_their_case() -> None:
    sqlite = replay(
        "sqlite",
        "CREATE TABLE Items (Id INTEGER PRIMARY KEY, Title TEXT);\n"
        "ALTER TABLE items ADD COLUMN note TEXT;\n"
        "CREATE INDEX items_title ON ITEMS (title);\n"
        "ALTER TABLE ITEMS RENAME COLUMN TITLE TO heading;",
    )
    items = table(sqlite, "Items")
    assert (list(items.columns), indexes(items)) == (["Id", "heading", "note"], [("items_title", ("heading",))])
    mysql = replay("mysql", "CREATE TABLE t (Total INT, KEY (TOTAL));\nALTER TABLE t DROP COLUMN total;")
    assert (table(mysql, "t").columns, table(mysql, "t").indexes) == ({}, [])


# --- rules: what users see -------------------------------------------------------------------


def findings(code: str, case: dict, registry: Registry) -> list[tuple[str, int, int]]:
    return [(f.rule, f.line, f.column) for f in run_case(code, case, registry)]


def test_help_follows_the_engine_of_the_file(registry: Registry) -> None:
    sql = "CREATE TABLE customers (id BIGINT PRIMARY KEY);\nCREATE TABLE orders (id BIGINT PRIMARY KEY, customer_id BIGINT);\n"
    helps = {
        dialect: run_case("SS101", {"sql": sql, "config": {"dialect": dialect}}, registry)[0].help
        for dialect in ("postgres", "mysql", "sqlite")
    }
    assert "NOT VALID" in helps["postgres"] and "CONCURRENTLY" in helps["postgres"]
    assert "NOT VALID" not in helps["mysql"] and "ADD CONSTRAINT orders_customer_id_fkey FOREIGN KEY" in helps["mysql"]
    assert "rebuild orders" in helps["sqlite"] and "PRAGMA foreign_keys = ON" in helps["sqlite"]


def test_mysql_key_limits_count_unsigned_and_small_integer_types(registry: Registry) -> None:
    case = {
        "config": {"dialect": "mysql"},
        "sql": "CREATE TABLE kinds (id TINYINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY);\n"
               "CREATE TABLE things (id MEDIUMINT NOT NULL AUTO_INCREMENT PRIMARY KEY, kind_id TINYINT UNSIGNED,\n"
               "  FOREIGN KEY (kind_id) REFERENCES kinds (id));\n",
    }
    messages = [f.message for f in run_case("SS401", case, registry)]
    assert len(messages) == 2
    assert "it stops at 255" in messages[0] and "it stops at 8,388,607" in messages[1]


def test_foreign_key_without_index_is_not_judged_on_mysql(registry: Registry) -> None:
    # InnoDB creates an index for every foreign key that has none, and refuses to drop it while the key needs it.
    sql = "CREATE TABLE p (id BIGINT PRIMARY KEY);\nCREATE TABLE c (id BIGINT PRIMARY KEY, p_id BIGINT, FOREIGN KEY (p_id) REFERENCES p (id));\n"
    assert findings("SS502", {"sql": sql, "config": {"dialect": "mysql"}}, registry) == []
    assert findings("SS502", {"sql": sql, "config": {"dialect": "sqlite"}}, registry) == [("foreign-key-without-index", 2, 53)]


def test_lock_rules_do_not_run_on_mysql(registry: Registry) -> None:
    files = {"1_init.sql": "CREATE TABLE t (id BIGINT PRIMARY KEY, a INT);\n", "2_index.sql": "CREATE INDEX t_a ON t (a);\n"}
    assert findings("SS208", {"files": files, "config": {"dialect": "mysql"}}, registry) == []
    assert findings("SS208", {"files": files}, registry) == [("creating-index-non-concurrently", 1, 1)]


def test_sqlite_option_with_a_bad_version_says_what_is_wrong() -> None:
    from sqlsoul.rules.dialect.sqlite_unsupported_alter import SqliteUnsupportedAlter

    with pytest.raises(ValueError, match=r"sqlite-unsupported-alter, option sqlite_version: expected a version"):
        SqliteUnsupportedAlter({"sqlite_version": "latest"})
