"""Replaying DDL into the schema model: the catalog after each kind of statement.

Generated names follow PostgreSQL (makeObjectName, ChooseConstraintName, ChooseIndexName), so that
a later `DROP CONSTRAINT orders_customer_id_fkey` finds the constraint an earlier statement made.
"""

from __future__ import annotations

import copy

import pytest

from sqlsoul.model import Catalog, ConstraintKind, Domain, Table, TypeRef
from sqlsoul.parsing import parse
from sqlsoul.replay import Replayer
from sqlsoul.source import SourceFile

PK, UNIQUE, FK, CHECK, EXCL = (
    ConstraintKind.PRIMARY_KEY,
    ConstraintKind.UNIQUE,
    ConstraintKind.FOREIGN_KEY,
    ConstraintKind.CHECK,
    ConstraintKind.EXCLUSION,
)


def replay(*files: str, catalog: Catalog | None = None) -> Catalog:
    """Replay files in order (each must parse) into a catalog."""
    catalog = catalog if catalog is not None else Catalog()
    replayer = Replayer(catalog)
    for index, text in enumerate(files):
        source = SourceFile(f"{index}.sql", f"{index}.sql", text)
        parsed = parse(source)
        assert parsed.failures == [], parsed.failures
        for statement in parsed.statements:
            replayer.apply(statement, source, index)
    return catalog


def table(catalog: Catalog, name: str, schema: str = "public") -> Table:
    return catalog.tables[(schema, name)]


def constraints(t: Table) -> list[tuple[ConstraintKind, str | None, tuple[str, ...]]]:
    return [(c.kind, c.name, c.columns) for c in t.constraints]


def columns(t: Table) -> dict[str, tuple[TypeRef | None, bool, bool, str | None]]:
    return {name: (c.type, c.not_null, c.has_default, c.default) for name, c in t.columns.items()}


# --- tables and columns -----------------------------------------------------------------------


def test_create_table_records_columns_types_nullability_and_defaults() -> None:
    catalog = replay(
        "CREATE TYPE mood AS ENUM ('sad', 'ok');\n"
        "CREATE TABLE orders (\n"
        "    id bigint PRIMARY KEY,\n"
        "    note varchar(20) NOT NULL DEFAULT 'x',\n"
        "    total numeric(10, 2) DEFAULT 0,\n"
        "    tags text[],\n"
        "    feeling public.mood,\n"
        "    seq serial,\n"
        "    ident int GENERATED ALWAYS AS IDENTITY\n"
        ");"
    )
    assert columns(table(catalog, "orders")) == {
        "id": (TypeRef("int8"), True, False, None),  # a primary key column is NOT NULL
        "note": (TypeRef("varchar", None, (20,)), True, True, "x"),
        "total": (TypeRef("numeric", None, (10, 2)), False, True, "0"),
        "tags": (TypeRef("text", is_array=True), False, False, None),
        "feeling": (TypeRef("mood", "public"), False, False, None),
        "seq": (TypeRef("serial"), True, True, None),  # serial is NOT NULL DEFAULT nextval(...)
        "ident": (TypeRef("int4"), True, True, None),
    }
    assert table(catalog, "orders").columns_known


def test_column_origin_points_at_the_column_name() -> None:
    text = "CREATE TABLE t (\n    id int,\n    é_col int\n);"
    source = SourceFile("0.sql", "0.sql", text)
    catalog = replay(text)
    origin = table(catalog, "t").columns["é_col"].origin
    assert origin is not None and (origin.file, origin.statement) == (0, 0)
    assert source.position(origin.span.start) == (3, 5)
    assert source.position(origin.span.end) == (3, 10)  # é_col is 5 code points


def test_create_table_if_not_exists_keeps_the_existing_table() -> None:
    catalog = replay("CREATE TABLE t (a int);\nCREATE TABLE IF NOT EXISTS t (b int);")
    assert list(table(catalog, "t").columns) == ["a"]


def test_alter_table_column_commands() -> None:
    catalog = replay(
        "CREATE TABLE t (a int, b text NOT NULL, c int DEFAULT 1, d int);\n"
        "ALTER TABLE t ADD COLUMN e bigint NOT NULL DEFAULT 7;\n"
        "ALTER TABLE t ADD COLUMN IF NOT EXISTS a text;\n"
        "ALTER TABLE t ALTER COLUMN a TYPE bigint USING a::bigint;\n"
        "ALTER TABLE t ALTER COLUMN a SET NOT NULL, ALTER COLUMN b DROP NOT NULL;\n"
        "ALTER TABLE t ALTER COLUMN c DROP DEFAULT;\n"
        "ALTER TABLE t ALTER COLUMN d SET DEFAULT 'x';\n"
        "ALTER TABLE t RENAME COLUMN b TO bee;\n"
        "ALTER TABLE t DROP COLUMN IF EXISTS zzz;\n"
        "ALTER TABLE t DROP COLUMN e;"
    )
    assert columns(table(catalog, "t")) == {
        "a": (TypeRef("int8"), True, False, None),
        "bee": (TypeRef("text"), False, False, None),
        "c": (TypeRef("int4"), False, False, None),
        "d": (TypeRef("int4"), False, True, "x"),
    }
    assert table(catalog, "t").columns["bee"].name == "bee"


def test_rename_table_moves_it_and_foreign_keys_follow() -> None:
    catalog = replay(
        "CREATE TABLE customers (id bigint PRIMARY KEY);\n"
        "CREATE TABLE orders (id bigint, customer_id bigint REFERENCES customers);\n"
        "ALTER TABLE customers RENAME TO clients;"
    )
    assert sorted(catalog.tables) == [("public", "clients"), ("public", "orders")]
    fk = table(catalog, "orders").constraints[0]
    assert (fk.name, fk.references, fk.referenced_columns) == ("orders_customer_id_fkey", ("public", "clients"), ())
    # Constraint names do not change with the table's name.
    assert constraints(table(catalog, "clients")) == [(PK, "customers_pkey", ("id",))]


def test_drop_table_drops_it_and_the_foreign_keys_that_pointed_at_it() -> None:
    catalog = replay(
        "CREATE TABLE customers (id bigint PRIMARY KEY);\n"
        "CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers);\n"
        "DROP TABLE IF EXISTS customers, nothing_here CASCADE;"
    )
    assert sorted(catalog.tables) == [("public", "orders")]
    assert constraints(table(catalog, "orders")) == [(PK, "orders_pkey", ("id",))]


def test_set_schema_moves_the_table_and_references_follow() -> None:
    catalog = replay(
        "CREATE SCHEMA billing;\n"
        "CREATE TABLE accounts (id bigint PRIMARY KEY);\n"
        "CREATE TABLE invoices (account_id bigint REFERENCES accounts);\n"
        "ALTER TABLE accounts SET SCHEMA billing;"
    )
    assert sorted(catalog.tables) == [("billing", "accounts"), ("public", "invoices")]
    assert table(catalog, "invoices").constraints[0].references == ("billing", "accounts")


def test_comments_on_tables_and_columns() -> None:
    catalog = replay(
        "CREATE SCHEMA s;\n"
        "CREATE TABLE s.t (a int);\n"
        "CREATE TABLE u (b int);\n"
        "COMMENT ON TABLE s.t IS 'the t';\n"
        "COMMENT ON COLUMN s.t.a IS 'an a';\n"
        "COMMENT ON COLUMN u.b IS 'a b';\n"
        "COMMENT ON COLUMN u.missing IS 'nothing';"
    )
    assert (table(catalog, "t", "s").comment, table(catalog, "t", "s").columns["a"].comment) == ("the t", "an a")
    assert (table(catalog, "u").comment, table(catalog, "u").columns["b"].comment) == (None, "a b")


# --- constraints and the names PostgreSQL gives them -------------------------------------------


def test_inline_constraints_get_postgresql_generated_names() -> None:
    catalog = replay(
        "CREATE TABLE customers (id bigint PRIMARY KEY);\n"
        "CREATE TABLE orders (\n"
        "    id bigint PRIMARY KEY,\n"
        "    code text UNIQUE,\n"
        "    customer_id bigint REFERENCES customers (id),\n"
        "    qty int CHECK (qty > 0),\n"
        "    low int CHECK (low < qty),\n"  # reads two columns: orders_check, not orders_low_check
        "    flag bool CHECK (true)\n"  # reads none: orders_check1 (orders_check is taken)
        ");"
    )
    assert constraints(table(catalog, "orders")) == [
        (PK, "orders_pkey", ("id",)),
        (UNIQUE, "orders_code_key", ("code",)),
        (FK, "orders_customer_id_fkey", ("customer_id",)),
        (CHECK, "orders_qty_check", ("qty",)),
        (CHECK, "orders_check", ("low", "qty")),
        (CHECK, "orders_check1", ("flag",)),
    ]
    fk = table(catalog, "orders").constraints[2]
    assert (fk.references, fk.referenced_columns, fk.validated) == (("public", "customers"), ("id",), True)


def test_table_level_constraints_named_and_unnamed() -> None:
    catalog = replay(
        "CREATE TABLE t (a int, b int, c int,\n"
        "    PRIMARY KEY (a, b),\n"
        "    UNIQUE (b, c),\n"
        "    CONSTRAINT c_positive CHECK (c > 0),\n"
        "    CHECK (a < b),\n"
        "    FOREIGN KEY (a, b) REFERENCES t (b, c),\n"
        "    EXCLUDE USING gist (c WITH =)\n"
        ");"
    )
    assert constraints(table(catalog, "t")) == [
        (PK, "t_pkey", ("a", "b")),
        (UNIQUE, "t_b_c_key", ("b", "c")),
        (CHECK, "c_positive", ("c",)),
        (CHECK, "t_check", ("a", "b")),
        (FK, "t_a_b_fkey", ("a", "b")),
        (EXCL, "t_c_excl", ("c",)),
    ]
    assert columns(table(catalog, "t"))["a"][1] and columns(table(catalog, "t"))["b"][1]  # PK columns NOT NULL


def test_drop_constraint_by_generated_name() -> None:
    catalog = replay(
        "CREATE TABLE customers (id bigint PRIMARY KEY);\n"
        "CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers,"
        " code text UNIQUE, qty int CHECK (qty > 0));",
        "ALTER TABLE orders DROP CONSTRAINT orders_customer_id_fkey;\n"
        "ALTER TABLE orders DROP CONSTRAINT orders_code_key;\n"
        "ALTER TABLE orders DROP CONSTRAINT IF EXISTS orders_qty_check;\n"
        "ALTER TABLE orders DROP CONSTRAINT IF EXISTS no_such_constraint;",
    )
    assert constraints(table(catalog, "orders")) == [(PK, "orders_pkey", ("id",))]


def test_a_second_unnamed_constraint_of_the_same_shape_gets_a_number() -> None:
    catalog = replay(
        "CREATE TABLE a (id int PRIMARY KEY);\n"
        "CREATE TABLE b (id int PRIMARY KEY);\n"
        "CREATE TABLE t (x int REFERENCES a, CHECK (x > 0));\n"
        "ALTER TABLE t ADD FOREIGN KEY (x) REFERENCES b;\n"
        "ALTER TABLE t ADD CHECK (x < 10);\n"
        "ALTER TABLE t DROP CONSTRAINT t_x_fkey1;"
    )
    assert constraints(table(catalog, "t")) == [
        (FK, "t_x_fkey", ("x",)),
        (CHECK, "t_x_check", ("x",)),
        (CHECK, "t_x_check1", ("x",)),
    ]
    assert table(catalog, "t").constraints[0].references == ("public", "a")


def test_generated_names_are_cut_to_63_bytes_like_postgresql() -> None:
    # makeObjectName shortens the longer of table and column name first: 40 + 30 characters must fit
    # in 63 - len("_fkey") - 1 = 57, which leaves 29 of the table name and 28 of the column name.
    long_table, long_column = "a" * 40, "b" * 30
    catalog = replay(f"CREATE TABLE {long_table} ({long_column} int REFERENCES {long_table}, c int UNIQUE);")
    assert [c.name for c in table(catalog, long_table).constraints] == [
        "a" * 29 + "_" + "b" * 28 + "_fkey",
        "a" * 40 + "_c_key",
    ]


def test_add_constraint_not_valid_then_validate_and_rename() -> None:
    catalog = replay(
        "CREATE TABLE customers (id bigint PRIMARY KEY);\n"
        "CREATE TABLE orders (customer_id bigint);\n"
        "ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;"
    )
    assert table(catalog, "orders").constraints[0].validated is False
    replay("ALTER TABLE orders VALIDATE CONSTRAINT fk;", catalog=catalog)
    assert table(catalog, "orders").constraints[0].validated is True
    replay("ALTER TABLE orders RENAME CONSTRAINT fk TO orders_customer_fk;", catalog=catalog)
    assert constraints(table(catalog, "orders")) == [(FK, "orders_customer_fk", ("customer_id",))]


def test_dropping_a_column_drops_the_constraints_and_indexes_on_it() -> None:
    catalog = replay(
        "CREATE TABLE parents (id int PRIMARY KEY, code int UNIQUE);\n"
        "CREATE TABLE kids (parent_code int REFERENCES parents (code), a int, UNIQUE (a, parent_code));\n"
        "CREATE INDEX kids_a_idx ON kids (a);\n"
        "ALTER TABLE parents DROP COLUMN code CASCADE;\n"
        "ALTER TABLE kids DROP COLUMN a;"
    )
    assert constraints(table(catalog, "parents")) == [(PK, "parents_pkey", ("id",))]
    assert constraints(table(catalog, "kids")) == []  # the foreign key went with parents.code
    assert table(catalog, "kids").indexes == []


def test_renaming_a_column_renames_it_in_constraints_and_indexes() -> None:
    catalog = replay(
        "CREATE TABLE t (a int PRIMARY KEY, b int);\n"
        "CREATE INDEX t_b_idx ON t (b, a);\n"
        "ALTER TABLE t RENAME a TO z;"
    )
    assert constraints(table(catalog, "t")) == [(PK, "t_pkey", ("z",))]
    assert table(catalog, "t").indexes[0].columns == ("b", "z")


def test_not_null_table_constraint_postgresql_18() -> None:
    catalog = replay("CREATE TABLE q (a int, b int, CONSTRAINT q_a_nn NOT NULL a);\nALTER TABLE q ADD CONSTRAINT nn NOT NULL b;")
    assert [c.not_null for c in table(catalog, "q").columns.values()] == [True, True]
    assert table(catalog, "q").constraints == []


def test_primary_key_using_index_takes_over_the_index() -> None:
    catalog = replay(
        "CREATE TABLE t (a int);\n"
        "CREATE UNIQUE INDEX CONCURRENTLY t_a_uniq ON t (a);\n"
        "ALTER TABLE t ADD CONSTRAINT t_pk PRIMARY KEY USING INDEX t_a_uniq;"
    )
    assert constraints(table(catalog, "t")) == [(PK, "t_pk", ("a",))]
    assert table(catalog, "t").indexes == []


# --- indexes ---------------------------------------------------------------------------------


def test_indexes_create_if_not_exists_rename_and_drop() -> None:
    catalog = replay(
        "CREATE TABLE t (a int, b text);\n"
        "CREATE INDEX t_a ON t (a);\n"
        "CREATE INDEX IF NOT EXISTS t_a ON t (b);\n"
        "CREATE UNIQUE INDEX CONCURRENTLY t_lower_b ON t USING hash (lower(b)) WHERE a > 0;\n"
        "ALTER INDEX t_a RENAME TO t_a_renamed;"
    )
    assert [(i.name, i.columns, i.unique, i.method, i.partial) for i in table(catalog, "t").indexes] == [
        ("t_a_renamed", ("a",), False, "btree", False),
        ("t_lower_b", (None,), True, "hash", True),
    ]
    replay("DROP INDEX CONCURRENTLY IF EXISTS t_lower_b;\nDROP INDEX public.t_a_renamed;", catalog=catalog)
    assert table(catalog, "t").indexes == []


def test_unnamed_indexes_get_postgresql_generated_names() -> None:
    catalog = replay(
        "CREATE TABLE t (a int, b text, c int);\n"
        "CREATE INDEX ON t (a);\n"
        "CREATE INDEX ON t (a);\n"  # t_a_idx is taken: t_a_idx1
        "CREATE INDEX ON t (lower(b), c) INCLUDE (a);\n"
        "CREATE INDEX ON t ((a + c));\n"
        "CREATE INDEX ON t ((b::int), (b::int));"
    )
    assert [i.name for i in table(catalog, "t").indexes] == [
        "t_a_idx",
        "t_a_idx1",
        "t_lower_c_a_idx",
        "t_expr_idx",
        "t_b_b1_idx",
    ]
    replay("DROP INDEX t_a_idx1;", catalog=catalog)
    assert "t_a_idx1" not in [i.name for i in table(catalog, "t").indexes]


def test_renaming_the_index_of_a_constraint_renames_the_constraint() -> None:
    catalog = replay("CREATE TABLE t (a int PRIMARY KEY);\nALTER INDEX t_pkey RENAME TO t_primary;")
    assert constraints(table(catalog, "t")) == [(PK, "t_primary", ("a",))]


def test_index_on_an_unknown_table_is_a_no_op() -> None:
    catalog = replay("CREATE INDEX ON elsewhere (a);\nCREATE INDEX i ON elsewhere (a);")
    assert catalog == Catalog()


# --- enum types and domains --------------------------------------------------------------------


def test_enum_create_add_value_rename_value_and_drop() -> None:
    catalog = replay(
        "CREATE TYPE mood AS ENUM ('sad', 'ok');\n"
        "ALTER TYPE mood ADD VALUE 'happy';\n"
        "ALTER TYPE mood ADD VALUE IF NOT EXISTS 'happy';\n"
        "ALTER TYPE mood ADD VALUE 'meh' BEFORE 'ok';\n"
        "ALTER TYPE mood ADD VALUE 'glad' AFTER 'ok';\n"
        "ALTER TYPE mood RENAME VALUE 'sad' TO 'blue';\n"
        "CREATE TYPE other AS ENUM ();"
    )
    assert catalog.enums == {("public", "mood"): ("blue", "meh", "ok", "glad", "happy"), ("public", "other"): ()}
    replay("DROP TYPE IF EXISTS other, nothing;", catalog=catalog)
    assert list(catalog.enums) == [("public", "mood")]


def test_renaming_an_enum_keeps_its_columns_pointing_at_it() -> None:
    catalog = replay(
        "CREATE TYPE mood AS ENUM ('sad', 'ok');\n"
        "CREATE TABLE t (m mood);\n"
        "ALTER TYPE mood RENAME TO feeling;\n"
        "CREATE SCHEMA s;\n"
        "ALTER TYPE feeling SET SCHEMA s;"
    )
    assert catalog.enums == {("s", "feeling"): ("sad", "ok")}
    column_type = table(catalog, "t").columns["m"].type
    assert column_type == TypeRef("feeling", "s")
    assert catalog.enum(column_type) == ("sad", "ok")


def test_domains_with_and_without_check() -> None:
    catalog = replay(
        "CREATE DOMAIN label AS varchar(30);\n"
        "CREATE DOMAIN positive AS int CHECK (VALUE > 0);\n"
        "CREATE DOMAIN code AS text NOT NULL;\n"
        "CREATE SCHEMA s;\n"
        "CREATE DOMAIN s.email AS citext;\n"
        "ALTER DOMAIN code ADD CONSTRAINT code_format CHECK (VALUE ~ '^[A-Z]+$');\n"
        "ALTER DOMAIN label SET NOT NULL;"
    )
    assert catalog.domains == {
        ("public", "label"): Domain(TypeRef("varchar", None, (30,)), has_check=False),
        ("public", "positive"): Domain(TypeRef("int4"), has_check=True),
        ("public", "code"): Domain(TypeRef("text"), has_check=True),
        ("s", "email"): Domain(TypeRef("citext"), has_check=False),
    }
    replay("DROP DOMAIN code;\nDROP DOMAIN IF EXISTS s.email CASCADE;", catalog=catalog)
    assert sorted(catalog.domains) == [("public", "label"), ("public", "positive")]


# --- schemas and the search path ---------------------------------------------------------------


def test_create_schema_with_elements_creates_them_inside() -> None:
    catalog = replay("CREATE SCHEMA billing CREATE TABLE invoices (id bigint PRIMARY KEY) CREATE INDEX ON invoices (id);")
    assert "billing" in catalog.schemas
    invoices = table(catalog, "invoices", "billing")
    assert constraints(invoices) == [(PK, "invoices_pkey", ("id",))]
    assert [i.name for i in invoices.indexes] == ["invoices_id_idx"]


def test_rename_schema_moves_its_tables_and_types() -> None:
    catalog = replay(
        "CREATE SCHEMA app;\n"
        "CREATE TYPE app.mood AS ENUM ('ok');\n"
        "CREATE TABLE app.t (m app.mood);\n"
        "CREATE TABLE refs (t_id int REFERENCES app.t);\n"
        "ALTER SCHEMA app RENAME TO core;"
    )
    assert sorted(catalog.schemas) == ["core", "public"]
    assert sorted(catalog.tables) == [("core", "t"), ("public", "refs")]
    assert catalog.enums == {("core", "mood"): ("ok",)}
    assert table(catalog, "t", "core").columns["m"].type == TypeRef("mood", "core")
    assert table(catalog, "refs").constraints[0].references == ("core", "t")


def test_drop_schema_cascade_drops_what_it_holds() -> None:
    catalog = replay(
        "CREATE SCHEMA app;\n"
        "CREATE TABLE app.t (id int PRIMARY KEY);\n"
        "CREATE TYPE app.mood AS ENUM ('ok');\n"
        "CREATE DOMAIN app.d AS int;\n"
        "CREATE TABLE keep (t_id int REFERENCES app.t);\n"
        "DROP SCHEMA app CASCADE;"
    )
    assert catalog.schemas == {"public"}
    assert sorted(catalog.tables) == [("public", "keep")]
    assert (catalog.enums, catalog.domains) == ({}, {})
    assert table(catalog, "keep").constraints == []


def test_search_path_decides_where_tables_are_created_and_found() -> None:
    catalog = replay(
        "CREATE SCHEMA app;\n"
        "SET search_path TO app, \"$user\", public;\n"
        "CREATE TABLE t (a int);\n"
        "ALTER TABLE t ADD COLUMN b int;\n"
        "RESET search_path;\n"
        "CREATE TABLE t (c int);"
    )
    assert catalog.search_path == ("public",)
    assert list(table(catalog, "t", "app").columns) == ["a", "b"]
    assert list(table(catalog, "t").columns) == ["c"]
    replay("SET search_path = app;\nALTER TABLE t ADD COLUMN d int;\nSET search_path TO DEFAULT;", catalog=catalog)
    assert list(table(catalog, "t", "app").columns) == ["a", "b", "d"]
    assert catalog.search_path == ("public",)


# --- partitions, inheritance, LIKE, CREATE TABLE AS ------------------------------------------------


def test_partition_of_takes_the_parents_columns() -> None:
    catalog = replay(
        "CREATE TABLE events (id bigint NOT NULL, at date, kind text) PARTITION BY RANGE (at);\n"
        "CREATE TABLE events_2024 PARTITION OF events (kind NOT NULL, CONSTRAINT k CHECK (kind <> ''))"
        " FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');"
    )
    partition = table(catalog, "events_2024")
    assert partition.partition_of == ("public", "events")
    assert columns(partition) == {
        "id": (TypeRef("int8"), True, False, None),
        "at": (TypeRef("date"), False, False, None),
        "kind": (TypeRef("text"), True, False, None),
    }
    assert constraints(partition) == [(CHECK, "k", ("kind",))]
    assert all(column.origin is None for column in partition.columns.values())  # judged on the parent
    assert catalog.partitions(table(catalog, "events")) == [partition]


def test_partitions_follow_their_parents_column_changes() -> None:
    catalog = replay(
        "CREATE TABLE events (id bigint, at date, kind text) PARTITION BY RANGE (at);\n"
        "CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');\n"
        "ALTER TABLE events ADD COLUMN payload jsonb, DROP COLUMN kind, ALTER COLUMN id SET NOT NULL;\n"
        "ALTER TABLE events RENAME COLUMN at TO happened_on;\n"
        "ALTER TABLE events RENAME TO happenings;"
    )
    partition = table(catalog, "events_2024")
    assert list(partition.columns) == ["id", "happened_on", "payload"]
    assert partition.columns["id"].not_null
    assert partition.partition_of == ("public", "happenings")


def test_attach_and_detach_partition() -> None:
    catalog = replay(
        "CREATE TABLE m (a int) PARTITION BY LIST (a);\n"
        "CREATE TABLE m1 (a int);\n"
        "CREATE TABLE m2 (a int);\n"
        "ALTER TABLE m ATTACH PARTITION m1 FOR VALUES IN (1);\n"
        "ALTER TABLE m ATTACH PARTITION m2 DEFAULT;\n"
        "ALTER TABLE m ATTACH PARTITION nowhere FOR VALUES IN (3);"
    )
    assert [t.name for t in catalog.partitions(table(catalog, "m"))] == ["m1", "m2"]
    replay("ALTER TABLE m DETACH PARTITION m1 CONCURRENTLY;\nALTER TABLE m DETACH PARTITION m2 FINALIZE;", catalog=catalog)
    assert catalog.partitions(table(catalog, "m")) == []
    assert table(catalog, "m1").partition_of is None


def test_dropping_a_partitioned_table_drops_its_partitions() -> None:
    catalog = replay(
        "CREATE TABLE m (a int) PARTITION BY LIST (a);\n"
        "CREATE TABLE m1 PARTITION OF m FOR VALUES IN (1) PARTITION BY LIST (a);\n"
        "CREATE TABLE m11 PARTITION OF m1 FOR VALUES IN (1);\n"
        "CREATE TABLE other (a int);\n"
        "DROP TABLE m;"
    )
    assert list(catalog.tables) == [("public", "other")]


def test_inherits_and_like_copy_known_columns() -> None:
    catalog = replay(
        "CREATE TABLE base (id bigint NOT NULL, created_at timestamptz DEFAULT now());\n"
        "CREATE TABLE child (extra text) INHERITS (base);\n"
        "CREATE TABLE copy (LIKE base INCLUDING ALL, more int);"
    )
    for name, extra in (("child", "extra"), ("copy", "more")):
        t = table(catalog, name)
        assert list(t.columns) == ["id", "created_at", extra]
        assert t.columns_known
        assert (t.columns["id"].not_null, t.columns["created_at"].has_default) == (True, True)
        assert t.columns["id"].origin is None and t.columns[extra].origin is not None


def test_columns_from_what_the_model_cannot_see_are_unknown() -> None:
    catalog = replay(
        "CREATE TABLE a AS SELECT 1 AS x;\n"
        "CREATE TABLE b (x, y) AS SELECT 1, 2;\n"
        "SELECT * INTO c FROM a;\n"
        "CREATE TABLE d (LIKE not_here);\n"
        "CREATE TABLE e () INHERITS (not_here);\n"
        "CREATE TABLE f OF some_composite_type;\n"
        "CREATE TABLE g PARTITION OF not_here DEFAULT;\n"
        "CREATE MATERIALIZED VIEW v AS SELECT 1;"
    )
    assert sorted(catalog.tables) == [("public", name) for name in "abcdefg"]
    assert [t.columns_known for t in catalog.tables.values()] == [False] * 7
    assert all(t.columns == {} for t in catalog.tables.values())
    assert table(catalog, "g").partition_of == ("public", "not_here")


def test_create_table_as_if_not_exists_keeps_a_known_table() -> None:
    catalog = replay("CREATE TABLE a (x int);\nCREATE TABLE IF NOT EXISTS a AS SELECT 1 AS y;")
    assert list(table(catalog, "a").columns) == ["x"]
    assert table(catalog, "a").columns_known


# --- statements on objects the model does not know --------------------------------------------

UNKNOWN_OBJECT_STATEMENTS = """
ALTER TABLE nope ADD COLUMN a int;
ALTER TABLE nope DROP COLUMN a;
ALTER TABLE IF EXISTS nope RENAME TO x;
ALTER TABLE nope RENAME COLUMN a TO b;
ALTER TABLE nope RENAME CONSTRAINT a TO b;
ALTER INDEX nope RENAME TO x;
ALTER TABLE nope SET SCHEMA s;
ALTER TABLE nope ATTACH PARTITION p FOR VALUES IN (1);
ALTER TABLE nope DETACH PARTITION p;
ALTER TABLE nope ALTER COLUMN a TYPE int;
ALTER TABLE nope ADD CONSTRAINT c FOREIGN KEY (a) REFERENCES nope2 (b);
ALTER TABLE nope VALIDATE CONSTRAINT c;
ALTER TABLE nope DROP CONSTRAINT c;
ALTER TABLE ONLY nope ADD CONSTRAINT nope_pkey PRIMARY KEY USING INDEX i;
ALTER FOREIGN TABLE nope ADD COLUMN a int;
ALTER VIEW nope RENAME TO x;
ALTER SEQUENCE nope RENAME TO x;
DROP TABLE nope;
DROP TABLE IF EXISTS nope, s.nope2 CASCADE;
DROP INDEX IF EXISTS nope;
DROP TYPE IF EXISTS nope;
DROP DOMAIN nope;
DROP SCHEMA IF EXISTS nope CASCADE;
DROP VIEW nope;
DROP FUNCTION nope(int);
ALTER TYPE nope ADD VALUE 'x';
ALTER TYPE nope RENAME VALUE 'x' TO 'y';
ALTER TYPE nope RENAME TO x;
ALTER TYPE nope SET SCHEMA s;
ALTER DOMAIN nope ADD CONSTRAINT c CHECK (VALUE > 0);
ALTER DOMAIN nope DROP CONSTRAINT c;
COMMENT ON TABLE nope IS 'x';
COMMENT ON COLUMN nope.a IS 'x';
COMMENT ON COLUMN db.s.nope.a IS NULL;
COMMENT ON INDEX nope IS 'x';
CREATE INDEX ON nope (a);
TRUNCATE nope;
DO $$ BEGIN END $$;
SET statement_timeout = 0;
INSERT INTO nope VALUES (1);
UPDATE nope SET a = 1;
"""


def test_statements_on_unknown_objects_change_nothing() -> None:
    base = replay("CREATE TABLE t (a int PRIMARY KEY);\nCREATE TYPE mood AS ENUM ('ok');\nCREATE DOMAIN d AS int;")
    before = copy.deepcopy(base)
    after = replay(UNKNOWN_OBJECT_STATEMENTS, catalog=base)
    assert after == before


@pytest.mark.parametrize("statement", [line for line in UNKNOWN_OBJECT_STATEMENTS.splitlines() if line])
def test_each_statement_on_an_empty_catalog_is_a_no_op(statement: str) -> None:
    assert replay(statement) == Catalog()


# --- snapshots ----------------------------------------------------------------------------------

SNAPSHOT_BASE = (
    "CREATE TABLE parent (id int PRIMARY KEY);\n"
    "CREATE TABLE t (a int, p int REFERENCES parent);\n"
    "CREATE TYPE mood AS ENUM ('a');\n"
    "CREATE DOMAIN d AS text;\n"
)
SNAPSHOT_CHANGES = (
    "ALTER TABLE t ADD COLUMN b int NOT NULL;\n"
    "ALTER TABLE t RENAME a TO c;\n"
    "CREATE INDEX ON t (c);\n"
    "ALTER TYPE mood ADD VALUE 'b';\n"
    "ALTER DOMAIN d ADD CHECK (VALUE <> '');\n"
    "DROP TABLE parent CASCADE;\n"
    "ALTER TABLE t RENAME TO u;\n"
)


def _state(catalog: Catalog) -> tuple[object, ...]:
    return (
        {key: (columns(t), constraints(t), [(i.name, i.columns) for i in t.indexes]) for key, t in catalog.tables.items()},
        dict(catalog.enums),
        dict(catalog.domains),
    )


def test_a_snapshot_keeps_its_state_while_the_catalog_changes() -> None:
    catalog = replay(SNAPSHOT_BASE)
    expected = _state(catalog)
    snapshot = catalog.snapshot()
    replay(SNAPSHOT_CHANGES, catalog=catalog)
    assert _state(snapshot) == expected
    assert list(catalog.tables) == [("public", "u")] and list(table(catalog, "u").columns) == ["c", "p", "b"]
    assert catalog.enums[("public", "mood")] == ("a", "b") and catalog.domains[("public", "d")].has_check


def test_changes_to_a_snapshot_do_not_reach_the_catalog() -> None:
    catalog = replay(SNAPSHOT_BASE)
    expected = _state(catalog)
    replay(SNAPSHOT_CHANGES, catalog=catalog.snapshot())
    assert _state(catalog) == expected


def test_a_check_that_a_column_is_not_null_is_known_as_such() -> None:
    catalog = replay(
        "CREATE TABLE t (a int, b int);\n"
        "ALTER TABLE t ADD CONSTRAINT a_present CHECK (a IS NOT NULL) NOT VALID;\n"
        "ALTER TABLE t ADD CONSTRAINT b_positive CHECK (b > 0);\n"
    )
    checks = {c.name: c for c in catalog.table(None, "t").constraints}
    assert (checks["a_present"].not_null_of, checks["a_present"].validated) == ("a", False)
    assert checks["b_positive"].not_null_of is None


def test_a_snapshot_keeps_its_columns_whatever_changes_after_it() -> None:
    # Tables and their columns are shared with a snapshot until one side changes them.
    catalog = replay(
        "CREATE TYPE mood AS ENUM ('ok', 'sad');\n"
        "CREATE TABLE t (a int, b text, m mood DEFAULT 'ok', c int);\n"
        "CREATE TABLE p (a int) PARTITION BY RANGE (a);\n"
        "CREATE TABLE p1 PARTITION OF p FOR VALUES FROM (0) TO (10);\n"
    )
    snapshot = catalog.snapshot()
    replay(
        "ALTER TABLE t ALTER COLUMN a SET NOT NULL, ALTER COLUMN b TYPE varchar(10), ALTER COLUMN c SET DEFAULT 1;\n"
        "COMMENT ON COLUMN t.a IS 'counted';\n"
        "ALTER TYPE mood RENAME VALUE 'ok' TO 'fine';\n"
        "ALTER TYPE mood RENAME TO feeling;\n"
        "ALTER TABLE t RENAME COLUMN c TO d;\n"
        "ALTER TABLE p ALTER COLUMN a SET NOT NULL;\n",
        catalog=catalog,
    )
    now, then = table(catalog, "t"), table(snapshot, "t")
    assert (now.columns["a"].not_null, now.columns["a"].comment, now.columns["b"].type.name) == (True, "counted", "varchar")
    assert (then.columns["a"].not_null, then.columns["a"].comment, then.columns["b"].type.name) == (False, None, "text")
    assert (now.columns["m"].default, now.columns["m"].type.name) == ("fine", "feeling")
    assert (then.columns["m"].default, then.columns["m"].type.name) == ("ok", "mood")
    assert ("d" in now.columns, "c" in then.columns, then.columns["c"].name, then.columns["c"].has_default) == (True, True, "c", False)
    assert (table(catalog, "p1").columns["a"].not_null, table(snapshot, "p1").columns["a"].not_null) == (True, False)


def test_temporary_tables_are_marked_as_such() -> None:
    catalog = replay(
        "CREATE TEMP TABLE batch (id int);\n"
        "CREATE TEMPORARY TABLE totals AS SELECT 1 AS n;\n"
        "CREATE TABLE kept (id int);\n"
        "ALTER TABLE kept ADD COLUMN note text;\n"
    )
    snapshot = catalog.snapshot()
    replay("CREATE INDEX ON batch (id);", catalog=catalog)  # a copied table keeps the mark
    assert [(t.name, t.temporary) for t in catalog.tables.values()] == [("batch", True), ("totals", True), ("kept", False)]
    assert table(snapshot, "batch").temporary


def test_an_index_keeps_column_options_include_columns_and_predicate() -> None:
    catalog = replay(
        "CREATE TABLE t (a int, b text, c text, d int, e int);\n"
        "CREATE INDEX i ON t (a DESC, b text_pattern_ops, c COLLATE \"C\" NULLS FIRST, lower(c), d ASC NULLS LAST)\n"
        "    INCLUDE (e) WHERE a IS NOT NULL AND d > 0;\n"
        "CREATE INDEX j ON t (a) WHERE d>0 AND t.a IS NOT NULL;\n"
        "CREATE INDEX k ON t (a);\n"
    )
    i, j, k = table(catalog, "t").indexes
    assert i.column_options == ("DESC", "text_pattern_ops", 'COLLATE "C" NULLS FIRST', "", "")
    assert (i.columns, i.include, i.partial) == (("a", "b", "c", None, "d"), ("e",), True)
    assert "a IS NOT NULL" in i.predicate and len(i.predicate) == 2
    assert j.predicate == i.predicate  # the same conditions, spaced and ordered differently
    assert (k.column_options, k.include, k.predicate) == (("",), (), None)


def test_renaming_or_dropping_a_column_reaches_include_columns_and_not_null_predicates() -> None:
    catalog = replay(
        "CREATE TABLE t (a int, b int, c int, d int);\n"
        "CREATE INDEX i ON t (a) INCLUDE (b) WHERE c IS NOT NULL;\n"
        "CREATE INDEX j ON t (a) INCLUDE (d);\n"
        "ALTER TABLE t RENAME COLUMN b TO bb;\n"
        "ALTER TABLE t RENAME COLUMN c TO cc;\n"
        "ALTER TABLE t DROP COLUMN d;\n"
    )
    (index,) = table(catalog, "t").indexes
    assert (index.name, index.include, index.predicate) == ("i", ("bb",), frozenset({"cc IS NOT NULL"}))
    replay("ALTER TABLE t DROP COLUMN cc;", catalog=catalog)
    assert table(catalog, "t").indexes == []


def test_identity_added_by_alter_table_numbers_the_column() -> None:
    catalog = replay(
        "CREATE TABLE actor (actor_id integer NOT NULL, name text);\n"
        "ALTER TABLE actor ALTER COLUMN actor_id ADD GENERATED ALWAYS AS IDENTITY (SEQUENCE NAME actor_actor_id_seq);\n"
        "ALTER TABLE actor ALTER COLUMN name SET NOT NULL;\n"
    )
    assert table(catalog, "actor").columns["actor_id"].has_default
    replay("ALTER TABLE actor ALTER COLUMN actor_id DROP IDENTITY;\n", catalog=catalog)
    assert not table(catalog, "actor").columns["actor_id"].has_default


def test_a_detached_partition_keeps_the_keys_it_had_through_its_parent() -> None:
    catalog = replay(
        "CREATE TABLE archive (id bigint NOT NULL, day date NOT NULL, PRIMARY KEY (id, day)) PARTITION BY RANGE (day);\n"
        "CREATE TABLE archive_2024 PARTITION OF archive FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');\n"
        "ALTER TABLE archive DETACH PARTITION archive_2024;\n"
    )
    child = table(catalog, "archive_2024")
    assert child.partition_of is None
    assert [(c.kind, c.name, c.columns) for c in child.constraints] == [(ConstraintKind.PRIMARY_KEY, "archive_2024_pkey", ("id", "day"))]
    # Attached again, its key is the parent's once more.
    replay("ALTER TABLE archive ATTACH PARTITION archive_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');\n", catalog=catalog)
    assert table(catalog, "archive_2024").constraints == []


def test_dropping_a_column_drops_the_indexes_whose_expressions_or_predicates_read_it() -> None:
    catalog = replay(
        "CREATE TABLE users (id bigint PRIMARY KEY, email text, deleted_at timestamptz);\n"
        "CREATE INDEX users_email_lower_idx ON users (lower(email));\n"
        "CREATE INDEX users_live_idx ON users (id) WHERE deleted_at IS NULL;\n"
        "ALTER TABLE users RENAME COLUMN email TO login;\n"
        "ALTER TABLE users DROP COLUMN login;\n"
    )
    assert [index.name for index in table(catalog, "users").indexes] == ["users_live_idx"]
    replay("ALTER TABLE users DROP COLUMN deleted_at;\n", catalog=catalog)
    assert table(catalog, "users").indexes == []
