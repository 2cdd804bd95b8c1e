"""The comparison behind irreversible-migration: the schema before an up against the schema after its down.

Catalogs are built as the engine builds them: the up replays into the history's catalog after a
snapshot (`before`), the down into a snapshot of the result, so unchanged tables are shared.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from sqlsoul.config import Config, history_settings, lint_settings
from sqlsoul.discovery import discover
from sqlsoul.engine import Linter
from sqlsoul.model import Catalog, ConstraintKind, TypeRef
from sqlsoul.parsing import parse
from sqlsoul.registry import Registry
from sqlsoul.replay import Replayer
from sqlsoul.rules.migration.destructive_migration import narrows
from sqlsoul.rules.migration.inversion import (
    ADDED,
    CHANGED,
    COLUMN,
    CONSTRAINT,
    DEFAULT,
    DOMAIN,
    ENUM,
    INDEX,
    NULLABILITY,
    REMOVED,
    RENAMED,
    REPLACED,
    TABLE,
    TYPE,
    VALUES_ADDED,
    Difference,
    compare,
)
from sqlsoul.source import SourceFile

from conftest import SHARED

BASE = """
CREATE TYPE mood AS ENUM ('sad', 'ok');
CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL UNIQUE, nickname varchar(40) DEFAULT '', mood mood);
CREATE TABLE orders (id bigint PRIMARY KEY, user_id integer REFERENCES users, total numeric(12, 2) NOT NULL);
CREATE INDEX orders_user_id_idx ON orders (user_id);
CREATE TABLE audit (id bigint PRIMARY KEY, note text);
"""


def _replay(replayer: Replayer, index: int, text: str) -> list[str]:
    source = SourceFile(f"{index}.sql", f"{index}.sql", text)
    parsed = parse(source)
    assert parsed.failures == [], parsed.failures
    problems = [replayer.apply(statement, source, index) for statement in parsed.statements]
    return [problem for problem in problems if problem]


def unit(up: str, down: str, base: str = BASE) -> tuple[Catalog, Catalog, Catalog, list[str]]:
    """(before, after up, after down, down problems): file 0 is the base, 1 the up, 2 the down."""
    catalog = Catalog()
    replayer = Replayer(catalog)
    _replay(replayer, 0, base)
    before = catalog.snapshot()
    _replay(replayer, 1, up)
    after_down = catalog.snapshot()
    problems = _replay(Replayer(after_down, known=replayer.known), 2, down)
    return before, catalog, after_down, problems


def differences(up: str, down: str, base: str = BASE) -> list[Difference]:
    before, _, after_down, _ = unit(up, down, base)
    return compare(before, after_down)


def shape(found: list[Difference]) -> list[tuple[str, str, str, tuple[str, ...]]]:
    def name(item: object) -> str:
        if isinstance(item, tuple):
            return item[0][1]  # enums and domains: ((schema, name), value)
        return getattr(item, "name", "")

    return [(d.kind, d.change, name(d.object), d.details) for d in found]


# --- inversions that leave nothing behind ---------------------------------------------------------


@pytest.mark.parametrize(
    ("up", "down"),
    [
        ("CREATE TABLE tags (id bigint PRIMARY KEY, user_id integer REFERENCES users)", "DROP TABLE tags"),
        ("ALTER TABLE users ADD COLUMN last_seen_at timestamptz", "ALTER TABLE users DROP COLUMN last_seen_at"),
        ("CREATE INDEX CONCURRENTLY users_nickname_idx ON users (nickname)", "DROP INDEX CONCURRENTLY users_nickname_idx"),
        ("CREATE INDEX ON users (lower(email))", "DROP INDEX users_lower_idx"),
        ("ALTER TABLE audit ADD CONSTRAINT audit_note_check CHECK (note <> '')", "ALTER TABLE audit DROP CONSTRAINT audit_note_check"),
        ("ALTER TABLE audit ADD UNIQUE (note)", "ALTER TABLE audit DROP CONSTRAINT audit_note_key"),
        ("ALTER TABLE orders DROP CONSTRAINT orders_user_id_fkey", "ALTER TABLE orders ADD FOREIGN KEY (user_id) REFERENCES users (id)"),
        ("ALTER TABLE users RENAME TO accounts", "ALTER TABLE accounts RENAME TO users"),
        ("ALTER TABLE users RENAME COLUMN email TO mail", "ALTER TABLE users RENAME COLUMN mail TO email"),
        ("CREATE TYPE colour AS ENUM ('red')", "DROP TYPE colour"),
        ("CREATE DOMAIN score AS integer CHECK (VALUE >= 0)", "DROP DOMAIN score"),
        ("ALTER TABLE users ALTER COLUMN id TYPE bigint", "ALTER TABLE users ALTER COLUMN id TYPE integer"),
        ("ALTER TABLE users ALTER COLUMN nickname SET NOT NULL", "ALTER TABLE users ALTER COLUMN nickname DROP NOT NULL"),
        ("ALTER TABLE users ALTER COLUMN nickname DROP DEFAULT", "ALTER TABLE users ALTER COLUMN nickname SET DEFAULT ''"),
        ("ALTER TABLE audit ALTER COLUMN note SET DEFAULT 'x'", "ALTER TABLE audit ALTER COLUMN note SET DEFAULT NULL"),
        ("DROP TABLE audit", "CREATE TABLE audit (id bigint PRIMARY KEY, note text DEFAULT NULL)"),
        ("ALTER TABLE orders DROP COLUMN user_id",
         "ALTER TABLE orders ADD COLUMN user_id integer REFERENCES users; CREATE INDEX orders_user_id_idx ON orders (user_id)"),
        ("DROP TABLE orders; DROP TABLE users",
         "CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL UNIQUE, nickname varchar(40) DEFAULT '', mood mood);"
         "CREATE TABLE orders (id bigint PRIMARY KEY, user_id integer REFERENCES users, total numeric(12, 2) NOT NULL);"
         "CREATE INDEX orders_user_id_idx ON orders (user_id)"),
        ("ALTER TYPE mood ADD VALUE 'happy'",
         "CREATE TYPE mood_new AS ENUM ('sad', 'ok');"
         "ALTER TABLE users ALTER COLUMN mood TYPE mood_new USING mood::text::mood_new;"
         "DROP TYPE mood; ALTER TYPE mood_new RENAME TO mood"),
        ("UPDATE users SET nickname = ''", "SELECT 1"),
    ],
)
def test_a_down_that_inverts_its_up_leaves_no_difference(up: str, down: str) -> None:
    assert differences(up, down) == []


# --- what a down leaves behind ---------------------------------------------------------------------


def test_a_column_the_down_forgets_points_at_the_up_statement_that_added_it() -> None:
    (found,) = differences("ALTER TABLE users ADD COLUMN a int; ALTER TABLE users ADD COLUMN b int", "ALTER TABLE users DROP COLUMN a")
    assert (found.kind, found.change, found.after.name) == (COLUMN, ADDED, "b")
    assert (found.after.origin.file, found.after.origin.statement) == (1, 1)
    assert found.table is not None and found.table.name == "users"


def test_a_table_the_down_does_not_restore_is_one_difference_not_one_per_column() -> None:
    # orders' foreign key to users went with users (CASCADE): it is not a difference of its own.
    assert shape(differences("DROP TABLE users CASCADE", "")) == [(TABLE, REMOVED, "users", ())]


def test_a_table_the_down_does_not_drop_is_one_difference() -> None:
    found = differences("CREATE TABLE tags (id bigint PRIMARY KEY, name text UNIQUE); CREATE INDEX ON tags (name)", "")
    assert shape(found) == [(TABLE, ADDED, "tags", ())]


def test_constraints_and_indexes_go_with_their_column() -> None:
    found = differences("ALTER TABLE orders DROP COLUMN user_id", "")
    assert shape(found) == [(COLUMN, REMOVED, "user_id", ())]


def test_a_column_restored_differently_lists_what_differs() -> None:
    found = differences("ALTER TABLE users DROP COLUMN nickname", "ALTER TABLE users ADD COLUMN nickname text NOT NULL")
    assert shape(found) == [(COLUMN, CHANGED, "nickname", (TYPE, NULLABILITY, DEFAULT))]


def test_changes_the_down_does_not_undo() -> None:
    found = differences(
        "ALTER TABLE orders ALTER COLUMN total TYPE numeric(14, 2), ALTER COLUMN total DROP NOT NULL", "",
    )
    assert shape(found) == [(COLUMN, CHANGED, "total", (TYPE, NULLABILITY))]


def test_a_down_that_drops_what_the_up_did_not_add() -> None:
    found = differences("ALTER TABLE users ADD COLUMN a int", "ALTER TABLE users DROP COLUMN a, DROP COLUMN nickname")
    assert shape(found) == [(COLUMN, REMOVED, "nickname", ())]


def test_renames_not_undone_are_one_difference_each() -> None:
    assert shape(differences("ALTER TABLE users RENAME TO accounts", "")) == [(TABLE, RENAMED, "users", ())]
    assert shape(differences("ALTER TABLE users RENAME COLUMN email TO mail", "")) == [(COLUMN, RENAMED, "email", ())]
    assert shape(differences("ALTER INDEX orders_user_id_idx RENAME TO orders_user_idx", "")) == [
        (INDEX, RENAMED, "orders_user_id_idx", ())
    ]


def test_foreign_keys_follow_a_rename_that_was_not_undone() -> None:
    # orders' key now points at accounts: that is the rename, not a second difference.
    before, _, after_down, _ = unit("ALTER TABLE users RENAME TO accounts", "")
    (key,) = [c for c in after_down.tables[("public", "orders")].constraints if c.kind is ConstraintKind.FOREIGN_KEY]
    assert key.references == ("public", "accounts")
    assert shape(compare(before, after_down)) == [(TABLE, RENAMED, "users", ())]


def test_a_constraint_restored_under_another_name() -> None:
    found = differences(
        "ALTER TABLE users DROP CONSTRAINT users_email_key", "ALTER TABLE users ADD CONSTRAINT users_email_uniq UNIQUE (email)"
    )
    assert shape(found) == [(CONSTRAINT, RENAMED, "users_email_key", ())]


def test_a_unique_constraint_restored_as_a_unique_index() -> None:
    found = differences("ALTER TABLE users DROP CONSTRAINT users_email_key", "CREATE UNIQUE INDEX users_email_key ON users (email)")
    assert shape(found) == [(CONSTRAINT, REPLACED, "users_email_key", ())]
    assert found[0].after.unique


def test_an_index_restored_with_another_definition() -> None:
    found = differences("DROP INDEX orders_user_id_idx", "CREATE UNIQUE INDEX orders_user_id_idx ON orders (user_id)")
    assert shape(found) == [(INDEX, CHANGED, "orders_user_id_idx", ("definition",))]


def test_an_added_enum_value_is_a_change_of_the_type() -> None:
    found = differences("ALTER TYPE mood ADD VALUE 'happy' AFTER 'ok'", "")
    assert shape(found) == [(ENUM, CHANGED, "mood", (VALUES_ADDED,))]
    assert found[0].after[1] == ("sad", "ok", "happy")


def test_enum_and_domain_types() -> None:
    assert shape(differences("CREATE TYPE colour AS ENUM ('red')", "")) == [(ENUM, ADDED, "colour", ())]
    assert shape(differences("DROP TYPE mood", "")) == [(ENUM, REMOVED, "mood", ())]
    assert shape(differences("ALTER TYPE mood RENAME TO feeling", "")) == [(ENUM, RENAMED, "mood", ())]
    domain = "CREATE DOMAIN score AS integer;"
    assert shape(differences("ALTER DOMAIN score ADD CHECK (VALUE > 0)", "", BASE + domain)) == [
        (DOMAIN, CHANGED, "score", ("definition",))
    ]


def test_a_table_whose_columns_are_not_known_hides_nothing_it_may_have() -> None:
    base = BASE + "CREATE TABLE report AS SELECT 1 AS total;"
    found = differences(
        "DROP TABLE report", "CREATE TABLE report (total integer, extra text)", base,
    )
    assert found == []


# --- cheap where nothing changed --------------------------------------------------------------------


class _Untouchable(dict):
    def _fail(self, *args: object, **kwargs: object) -> None:
        raise AssertionError("a table shared by both catalogs was compared by content")

    items = values = keys = __iter__ = __getitem__ = __len__ = __contains__ = get = _fail  # type: ignore[assignment]


def test_a_table_both_catalogs_share_is_skipped_by_identity() -> None:
    before, _, after_down, _ = unit("ALTER TABLE users ADD COLUMN a int", "ALTER TABLE users DROP COLUMN a")
    shared = before.tables[("public", "audit")]
    assert after_down.tables[("public", "audit")] is shared
    shared.columns = _Untouchable(shared.columns)  # any look inside fails the test
    assert compare(before, after_down) == []


def test_nothing_touched_compares_in_one_pass() -> None:
    catalog = Catalog()
    _replay(Replayer(catalog), 0, BASE)
    snapshot = catalog.snapshot()
    for table in catalog.tables.values():
        table.columns = _Untouchable(table.columns)
    assert compare(snapshot, catalog) == []


def test_dropping_a_column_leaves_tables_whose_keys_do_not_use_it_shared() -> None:
    # Replay copies only the tables whose foreign keys it changes, so the comparison can skip the rest.
    before, _, after_down, _ = unit("ALTER TABLE users DROP COLUMN nickname", "")
    assert after_down.tables[("public", "orders")] is before.tables[("public", "orders")]


# --- replay details the comparison relies on ----------------------------------------------------------


def test_default_null_is_no_default() -> None:
    _, after_up, _, _ = unit("ALTER TABLE audit ALTER COLUMN note SET DEFAULT NULL::text", "")
    assert not after_up.tables[("public", "audit")].columns["note"].has_default


def test_renaming_an_enum_value_renames_the_defaults_that_use_it() -> None:
    base = BASE + "ALTER TABLE users ALTER COLUMN mood SET DEFAULT 'ok';"
    before, after_up, _, _ = unit("ALTER TYPE mood RENAME VALUE 'ok' TO 'fine'", "ALTER TYPE mood RENAME VALUE 'fine' TO 'ok'", base)
    assert after_up.tables[("public", "users")].columns["mood"].default == "fine"
    assert before.tables[("public", "users")].columns["mood"].default == "ok"
    assert differences("ALTER TYPE mood RENAME VALUE 'ok' TO 'fine'", "ALTER TYPE mood RENAME VALUE 'fine' TO 'ok'", base) == []


def test_numbered_not_null_constraint_names_are_not_reported_missing() -> None:
    *_, problems = unit("", "ALTER TABLE audit DROP CONSTRAINT audit_note_not_null1")
    assert problems == []


def test_a_column_rename_reaches_the_indexes_of_a_table_whose_columns_are_not_known() -> None:
    base = BASE + "CREATE TABLE report AS SELECT 1 AS total; CREATE INDEX report_total_idx ON report (total);"
    _, after_up, _, _ = unit("ALTER TABLE report RENAME COLUMN total TO amount", "", base)
    assert after_up.tables[("public", "report")].indexes[0].columns == ("amount",)


def test_a_down_statement_against_what_is_gone_is_a_problem() -> None:
    *_, problems = unit("DROP TABLE audit", "DROP TABLE audit")
    assert problems == ["table audit does not exist at this point"]


def test_references_to_the_primary_key_match_however_they_are_written() -> None:
    found = differences(
        "ALTER TABLE orders DROP CONSTRAINT orders_user_id_fkey",
        "ALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id)",
    )
    assert found == []


# --- narrowing type changes (destructive-migration) ---------------------------------------------------


def _type(name: str, *modifiers: int) -> TypeRef:
    return TypeRef(name, None, modifiers)


@pytest.mark.parametrize(
    ("old", "new", "narrowing"),
    [
        (_type("int8"), _type("int4"), True),
        (_type("int4"), _type("int8"), False),
        (_type("bigserial"), _type("int2"), True),
        (_type("text"), _type("varchar", 100), True),
        (_type("varchar", 100), _type("varchar", 50), True),
        (_type("varchar", 50), _type("varchar", 100), False),
        (_type("varchar", 50), _type("text"), False),
        (_type("numeric", 12, 4), _type("numeric", 12, 2), True),
        (_type("numeric", 12, 2), _type("numeric", 10, 2), True),
        (_type("numeric", 12, 2), _type("numeric", 14, 4), False),
        (_type("numeric"), _type("numeric", 12, 2), True),
        (_type("numeric", 9), _type("int4"), False),
        (_type("numeric", 12, 2), _type("int8"), True),
        (_type("float8"), _type("float4"), True),
        (_type("float8"), _type("int8"), True),
        (_type("timestamptz"), _type("date"), True),
        (_type("timestamp"), _type("timestamptz"), False),
        (_type("timestamptz"), _type("timestamptz", 0), True),
        (_type("date"), _type("timestamptz"), False),
        (_type("text"), _type("jsonb"), False),
        (_type("bpchar", 10), _type("bpchar", 1), True),
    ],
)
def test_narrowing(old: TypeRef, new: TypeRef, narrowing: bool) -> None:
    assert narrows(old, new) is narrowing


# --- a real history ---------------------------------------------------------------------------------

CONCOURSE = SHARED / "corpora" / "concourse" / "atc" / "db" / "migration" / "migrations"


@pytest.mark.skipif(not CONCOURSE.is_dir(), reason="concourse corpus not present")
def test_concourse_history(registry: Registry, capsys: pytest.CaptureFixture[str]) -> None:
    """149 golang-migrate ups and 150 downs, every unit compared: what the rules find, by kind."""
    config = Config()
    chains = discover([str(CONCOURSE)], CONCOURSE, [], settings=history_settings(config))
    result = Linter(registry, lint_settings(config, {"SS301", "SS302"})).lint(chains)
    kinds = Counter((finding.code, _kind(finding.message)) for finding in result.findings)
    with capsys.disabled():
        print("\nconcourse findings by kind:")
        for (code, kind), count in sorted(kinds.items()):
            print(f"  {code} {kind}: {count}")
    by_file = {(Path(f.path).name, f.line, f.code) for f in result.findings}
    # Hand-checked: golang-migrate pairs by version, so an up and a down whose titles differ by a typo
    # (add_new_inputs_to_jobs / _to_job) are one migration, and this down does invert its up ...
    assert not any(name.startswith("1554469235") for name, _, code in by_file if code == "SS301")
    # ... a DROP NOT NULL the down does not undo ...
    assert ("1513895878_update_timestamp_with_timezone.up.sql", 43, "SS301") in by_file
    # ... and a down that adds columns to another table than the one its up drops them from.
    assert ("1627322243_remove_image_check_get_from_containers.down.sql", 1, "SS301") in by_file
    # A restored `REFERENCES t` is the same key as `REFERENCES t (id)`, and a partial index goes
    # with the column its predicate reads.
    assert not any(name.startswith(("1601993585", "1579713192")) for name, _, code in by_file if code == "SS301")


def _kind(message: str) -> str:
    words = message.split()
    if message.startswith("migration "):
        return "no down" if "has no down" in message else "down changes nothing"
    if message.startswith("this down statement"):
        return "down statement cannot run"
    if message.startswith("enum value"):
        return "enum value added"
    if message.startswith("down "):
        kind = next((word for word in words if word in ("table", "column", "index", "constraint", "type", "domain")), "?")
        return f"{' '.join(words[1:3])} ... {kind}"
    return words[0]
