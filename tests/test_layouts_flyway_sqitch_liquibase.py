"""Flyway, sqitch and Liquibase folders: the units they hold, in which order, how each runs, which
statements are its up and its down, and what is wrong with the history itself."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sqlsoul.discovery import HistorySettings, discover
from sqlsoul.engine import LintResult
from sqlsoul.history import Chain, History, LayoutOptions, Unit
from sqlsoul.layouts import flyway

from layout_probe import lint, lint_corpus_from_the_command_line, others, placed
from conftest import SHARED

FIXTURES = Path(__file__).parent / "fixtures" / "layouts"
FLYWAY = FIXTURES / "flyway" / "db" / "migration"
SQITCH = FIXTURES / "sqitch"
LIQUIBASE = FIXTURES / "liquibase" / "changelog"
CORPORA = SHARED / "corpora"
MARQUEZ = CORPORA / "marquez" / "api" / "src" / "main" / "resources" / "marquez" / "db" / "migration"
NZ_BUILDINGS = CORPORA / "nz-buildings" / "db" / "sql"
PAY_LEDGER = CORPORA / "pay-ledger" / "src" / "main" / "resources" / "migrations"


def parse_errors(result: LintResult) -> list[tuple[str, int, int]]:
    return [(f.root_path, f.line, f.column) for f in result.findings if f.rule == "parse-error"]


def only_history(chains: list[Chain]) -> History:
    [chain] = chains
    [history] = chain.histories
    return history


def down_state(unit: Unit) -> str:
    return "none" if unit.down is None else "missing" if unit.down == [] else "present"


def summary(history: History) -> list[tuple[str, str, str, str, bool]]:
    return [(u.version, u.title, down_state(u), u.transaction.value, u.repeatable) for u in history.units]


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def corpus(folder: Path) -> Path:
    if not folder.is_dir():
        pytest.skip(f"shared corpus not available: {folder}")
    return folder


# --- Flyway --------------------------------------------------------------------------------------


def test_flyway_versions_run_in_numeric_order_then_repeatables_by_description() -> None:
    chains = discover([str(FLYWAY)], FLYWAY, [])
    history = only_history(chains)
    assert history.layout == "flyway" and history.problems == []
    # The folder has undo scripts, so a versioned migration without its U script is irreversible.
    assert summary(history) == [
        ("1", "create_users", "missing", "transaction", False),
        ("1.1", "add_users_name", "present", "transaction", False),
        ("2", "create_orders", "present", "transaction", False),
        ("2.1", "backfill_orders_note", "missing", "autocommit", False),  # V2_1...sql.conf: executeInTransaction=false
        ("10", "index_orders_user", "missing", "autocommit", False),  # CREATE INDEX CONCURRENTLY
        ("R__order_totals", "order_totals", "none", "transaction", True),
        ("R__users_view", "users_view", "none", "transaction", True),
    ]


def test_flyway_undo_scripts_are_the_down_of_their_version() -> None:
    result = lint(discover([str(FLYWAY)], FLYWAY, []))
    assert result.statements == 10 and parse_errors(result) == []
    assert sorted(placed(result)) == [
        ("R__order_totals.sql", 1, 1, "R__order_totals up transaction ViewStmt"),
        ("R__users_view.sql", 1, 1, "R__users_view up transaction ViewStmt"),
        ("U1.1__add_users_name.sql", 1, 1, "1.1 down transaction AlterTableStmt"),
        ("U2__create_orders.sql", 1, 1, "2 down transaction DropStmt"),
        ("V1.1__add_users_name.sql", 1, 1, "1.1 up transaction AlterTableStmt"),
        ("V10__index_orders_user.sql", 1, 1, "10 up autocommit IndexStmt"),
        ("V1__create_users.sql", 1, 1, "1 up transaction CreateStmt"),
        ("V2_1__backfill_orders_note.sql", 1, 1, "2.1 up autocommit UpdateStmt"),
        ("V2__create_orders.sql", 2, 1, "2 up transaction CreateStmt"),
        ("V2__create_orders.sql", 7, 1, "2 up transaction IndexStmt"),
    ]
    assert ("irreversible-migration", "V1__create_users.sql", 1, 1) in others(result)


def test_flyway_versions_compare_part_by_part() -> None:
    names = ["10", "2.1", "2", "1.10", "1.9", "1_2", "01.1"]
    assert sorted(names, key=flyway.version_key) == ["01.1", "1_2", "1.9", "1.10", "2", "2.1", "10"]
    assert flyway.version_key("1_1") == flyway.version_key("1.1") and flyway.version_key("1.0") == flyway.version_key("1")


def test_flyway_same_version_twice_and_undo_without_its_version_are_reported(tmp_path: Path) -> None:
    write(tmp_path / "db" / "V1__a.sql", "CREATE TABLE a (id int);\n")
    write(tmp_path / "db" / "V1.1__b.sql", "CREATE TABLE b (id int);\n")
    write(tmp_path / "db" / "V1_1__c.sql", "CREATE TABLE c (id int);\n")
    write(tmp_path / "db" / "V2.0__d.sql", "CREATE TABLE d (id int);\n")
    write(tmp_path / "db" / "V2__e.sql", "CREATE TABLE e (id int);\n")
    write(tmp_path / "db" / "U3__f.sql", "DROP TABLE f;\n")
    chains = discover([str(tmp_path / "db")], tmp_path, [])
    assert [unit.version for unit in only_history(chains).units] == ["1", "1.1", "1.1", "2.0", "2"]
    assert sorted(others(lint(chains))) == [
        ("duplicate-migration-version", "db/V1_1__c.sql", 1, 1),
        ("duplicate-migration-version", "db/V2__e.sql", 1, 1),
        ("irreversible-migration", "db/V1.1__b.sql", 1, 1),
        ("irreversible-migration", "db/V1_1__c.sql", 1, 1),
        ("irreversible-migration", "db/V1__a.sql", 1, 1),
        ("irreversible-migration", "db/V2.0__d.sql", 1, 1),
        ("irreversible-migration", "db/V2__e.sql", 1, 1),
        ("unpaired-migration", "db/U3__f.sql", 1, 1),
    ]


def test_flyway_without_undo_scripts_keeps_no_down_unless_one_is_required(tmp_path: Path) -> None:
    write(tmp_path / "db" / "V1__a.sql", "CREATE TABLE a (id int);\n")
    write(tmp_path / "db" / "V2__b.sql", "DROP TABLE a;\n")
    assert {down_state(u) for u in only_history(discover([str(tmp_path / "db")], tmp_path, [])).units} == {"none"}
    settings = HistorySettings(options=LayoutOptions(require_down=True, ignore_unpaired=("db/V2__*",)))
    history = only_history(discover([str(tmp_path / "db")], tmp_path, [], settings=settings))
    assert [(u.version, down_state(u)) for u in history.units] == [("1", "missing"), ("2", "none")]


@pytest.mark.parametrize(("sql", "config", "mode"), [
    ("-- CREATE INDEX CONCURRENTLY i ON t (a);\nCREATE INDEX i ON t (a);", None, "transaction"),
    ("SELECT 'DROP INDEX CONCURRENTLY i';\nDO $$ BEGIN EXECUTE 'CREATE INDEX CONCURRENTLY i ON t (a)'; END $$;", None, "transaction"),
    ("create unique index concurrently i on t (a);", None, "autocommit"),
    ("DROP INDEX CONCURRENTLY IF EXISTS i;", None, "autocommit"),
    ("VACUUM ANALYZE t;", None, "autocommit"),
    ("ALTER SYSTEM SET work_mem = '64MB';", None, "autocommit"),
    ("REINDEX VERBOSE SCHEMA public;", None, "autocommit"),
    ("CREATE DATABASE other;", None, "autocommit"),
    ("REINDEX TABLE CONCURRENTLY t;", None, "transaction"),  # Flyway does not detect this one
    ("REFRESH MATERIALIZED VIEW CONCURRENTLY v;", None, "transaction"),  # allowed in a transaction
    ("ALTER TYPE mood ADD VALUE 'meh';", None, "transaction"),  # non-transactional only before PostgreSQL 12
    ("CREATE INDEX CONCURRENTLY i ON t (a);", "executeInTransaction=true\n", "transaction"),
    ("UPDATE t SET a = 1;", "# script configuration\nexecuteInTransaction = false\n", "autocommit"),
])
def test_flyway_runs_a_script_outside_a_transaction_as_flyway_decides(tmp_path: Path, sql: str, config: str | None,
                                                                       mode: str) -> None:
    script = write(tmp_path / "db" / "V1__script.sql", sql + "\n")
    if config is not None:
        write(script.with_name(script.name + ".conf"), config)
    [unit] = only_history(discover([str(tmp_path / "db")], tmp_path, [])).units
    assert unit.transaction.value == mode


@pytest.mark.parametrize(("names", "layout"), [
    (["V1__a.sql", "R__b.sql", "U1__a.sql"], "flyway"),
    (["V1__a.sql", "afterMigrate.sql", "beforeEachMigrate__grants.sql"], "flyway"),
    (["R__views.sql"], "plain"),  # no versioned migration
    (["V1__a.sql", "seed.sql"], "plain"),  # a script Flyway would not run
    (["v1__a.sql"], "plain"),  # the prefix is case sensitive
    (["V1_a.sql"], "plain"),  # a single underscore is not the separator
])
def test_a_folder_is_flyway_when_every_script_is_named_as_flyway_reads_it(tmp_path: Path, names: list[str], layout: str) -> None:
    for name in names:
        write(tmp_path / "db" / name, "SELECT 1;\n")
    history = only_history(discover([str(tmp_path / "db")], tmp_path, []))
    assert history.layout == layout
    if names[1:2] == ["afterMigrate.sql"]:  # callbacks are parsed, but are no migration
        assert [unit.version for unit in history.units] == ["1"] and len(history.files) == 3


# --- sqitch --------------------------------------------------------------------------------------


def test_sqitch_units_follow_the_plan_and_reworked_changes_use_their_tagged_scripts() -> None:
    chains = discover([str(SQITCH)], SQITCH, [])
    history = only_history(chains)
    assert history.layout == "sqitch" and history.problems == []
    assert summary(history) == [
        ("appschema", "Add schema for all flipr objects.", "present", "autocommit", False),
        ("users", "Creates table to track our users.", "present", "autocommit", False),
        ("insert_user@v1.0.0", "Creates a function to insert a user.", "present", "autocommit", False),
        ("flips", "Adds table for storing flips.", "missing", "autocommit", False),
        ("insert_user", "Change insert_user to store the email.", "present", "autocommit", False),
    ]
    files = {unit.version: [history.files[part.file].input.root_path for part in (*unit.up, *(unit.down or []))]
             for unit in history.units}
    assert files["insert_user@v1.0.0"] == ["deploy/insert_user@v1.0.0.sql", "revert/insert_user@v1.0.0.sql"]
    assert files["insert_user"] == ["deploy/insert_user.sql", "revert/insert_user.sql"]
    verify = [f.input.root_path for f in history.files if not f.replayed]
    assert sorted(verify) == ["verify/appschema.sql", "verify/flips.sql", "verify/insert_user.sql",
                              "verify/insert_user@v1.0.0.sql", "verify/users.sql"]


def test_sqitch_deploy_and_revert_scripts_run_with_their_own_begin_and_commit() -> None:
    result = lint(discover([str(SQITCH)], SQITCH, []))
    # 29 statements in deploy and revert scripts, 15 in verify scripts (parsed, never replayed).
    assert result.statements == 44 and parse_errors(result) == []
    ran = placed(result)
    assert len(ran) == 29 and not any(row[0].startswith("verify/") for row in ran)
    assert [row for row in ran if row[0] == "deploy/insert_user.sql"] == [
        ("deploy/insert_user.sql", 3, 1, "insert_user up autocommit TransactionStmt"),
        ("deploy/insert_user.sql", 5, 1, "insert_user up autocommit AlterTableStmt"),
        ("deploy/insert_user.sql", 7, 1, "insert_user up autocommit CreateFunctionStmt"),
        ("deploy/insert_user.sql", 12, 1, "insert_user up autocommit TransactionStmt"),
    ]
    assert [row for row in ran if row[0] == "revert/insert_user@v1.0.0.sql"] == [
        ("revert/insert_user@v1.0.0.sql", 3, 1, "insert_user@v1.0.0 down autocommit TransactionStmt"),
        ("revert/insert_user@v1.0.0.sql", 5, 1, "insert_user@v1.0.0 down autocommit DropStmt"),
        ("revert/insert_user@v1.0.0.sql", 7, 1, "insert_user@v1.0.0 down autocommit TransactionStmt"),
    ]
    assert others(result) == [("irreversible-migration", "deploy/flips.sql", 4, 1)]


def test_sqitch_verify_scripts_report_their_parse_errors(tmp_path: Path) -> None:
    write(tmp_path / "sqitch.plan", "%project=p\n\nt 2024-01-01T00:00:00Z A <a@example.com> # t\n")
    write(tmp_path / "deploy" / "t.sql", "CREATE TABLE t (id int);\n")
    write(tmp_path / "revert" / "t.sql", "DROP TABLE t;\n")
    write(tmp_path / "verify" / "t.sql", "SELEC id FROM t;\n")
    result = lint(discover([str(tmp_path)], tmp_path, []))
    assert parse_errors(result) == [("verify/t.sql", 1, 1)]


def test_sqitch_scripts_the_plan_does_not_name_are_reported(tmp_path: Path) -> None:
    write(tmp_path / "sqitch.plan", "%project=p\n+a 2024-01-01T00:00:00Z A <a@example.com> # a\n# b is gone\n")
    write(tmp_path / "deploy" / "a.sql", "CREATE TABLE a (id int);\n")
    write(tmp_path / "revert" / "a.sql", "DROP TABLE a;\n")
    write(tmp_path / "deploy" / "b.sql", "CREATE TABLE b (id int);\n")
    write(tmp_path / "revert" / "old" / "c.sql", "DROP TABLE c;\n")
    chains = discover([str(tmp_path)], tmp_path, [])
    assert [unit.version for unit in only_history(chains).units] == ["a"]
    assert sorted(others(lint(chains))) == [
        ("unpaired-migration", "deploy/b.sql", 1, 1),
        ("unpaired-migration", "revert/old/c.sql", 1, 1),
    ]
    settings = HistorySettings(options=LayoutOptions(ignore_unpaired=("deploy/b.sql",)))
    assert [row[1] for row in others(lint(discover([str(tmp_path)], tmp_path, [], settings=settings)))] == ["revert/old/c.sql"]


def test_sqitch_rework_picks_the_first_tag_whose_script_exists(tmp_path: Path) -> None:
    plan = """%project=p
f 2024-01-01T00:00:00Z A <a@example.com> # first
@v1 2024-01-02T00:00:00Z A <a@example.com> # tag
g 2024-01-03T00:00:00Z A <a@example.com> # other
@v2 2024-01-04T00:00:00Z A <a@example.com> # tag
f [f@v2] 2024-01-05T00:00:00Z A <a@example.com> # second
@v3 2024-01-06T00:00:00Z A <a@example.com> # tag
f [f@v3] 2024-01-07T00:00:00Z A <a@example.com> # third
"""
    write(tmp_path / "sqitch.plan", plan)
    for name in ("f@v2", "f@v3", "f", "g"):  # no f@v1 script: the first instance's copy is named after v2
        write(tmp_path / "deploy" / f"{name}.sql", "SELECT 1;\n")
        write(tmp_path / "revert" / f"{name}.sql", "SELECT 1;\n")
    history = only_history(discover([str(tmp_path)], tmp_path, []))
    assert [(u.version, history.files[u.up[0].file].input.root_path) for u in history.units] == [
        ("f@v2", "deploy/f@v2.sql"), ("g", "deploy/g.sql"), ("f@v3", "deploy/f@v3.sql"), ("f", "deploy/f.sql"),
    ]
    assert history.problems == []


# --- Liquibase -----------------------------------------------------------------------------------


def test_liquibase_changesets_are_units_in_file_order() -> None:
    history = only_history(discover([str(LIQUIBASE)], LIQUIBASE, []))
    assert history.layout == "liquibase" and history.problems == []
    assert summary(history) == [
        ("alice:create-accounts", "001_create_accounts.sql", "present", "transaction", False),
        ("alice:add-accounts-status", "001_create_accounts.sql", "present", "transaction", False),
        ("alice:seed-accounts", "001_create_accounts.sql", "none", "transaction", False),  # --rollback not required
        ("bob:index-accounts-owner", "002_index_accounts.sql", "present", "autocommit", False),  # runInTransaction:false
        ("bob:create-transfers", "002_index_accounts.sql", "missing", "transaction", False),
    ]


def test_liquibase_rollback_sql_is_parsed_in_place_as_the_down() -> None:
    result = lint(discover([str(LIQUIBASE)], LIQUIBASE, []))
    assert result.statements == 9 and parse_errors(result) == []
    assert placed(result) == [
        ("001_create_accounts.sql", 5, 1, "alice:create-accounts up transaction CreateStmt"),
        # `--rollback DROP TABLE accounts;`: the statement starts after the prefix, column 12.
        ("001_create_accounts.sql", 9, 12, "alice:create-accounts down transaction DropStmt"),
        ("001_create_accounts.sql", 12, 1, "alice:add-accounts-status up transaction AlterTableStmt"),
        # A rollback statement spread over two `--rollback` lines is one statement.
        ("001_create_accounts.sql", 13, 12, "alice:add-accounts-status down transaction AlterTableStmt"),
        ("001_create_accounts.sql", 17, 1, "alice:seed-accounts up transaction InsertStmt"),
        ("002_index_accounts.sql", 4, 1, "bob:index-accounts-owner up autocommit IndexStmt"),
        ("002_index_accounts.sql", 6, 1, "bob:index-accounts-owner down autocommit DropStmt"),  # /* liquibase rollback */
        ("002_index_accounts.sql", 13, 1, "bob:create-transfers up transaction CreateStmt"),
        ("002_index_accounts.sql", 17, 1, "bob:create-transfers up transaction IndexStmt"),
    ]
    assert ("irreversible-migration", "002_index_accounts.sql", 13, 1) in others(result)


def test_liquibase_statements_end_at_markers_and_rollbacks_without_a_semicolon(tmp_path: Path) -> None:
    text = (
        "--liquibase formatted sql\r\n"
        "--changeset a:1\r\n"
        "CREATE TABLE t (id int)\r\n"
        "--rollback DROP TABLE t\r\n"
        "CREATE TABLE u (id int)\r\n"
        "--rollback DROP TABLE u\r\n"
        "--changeset runInTransaction:false a:2\r\n"  # Liquibase reads author runInTransaction, id false
        "ALTER TABLE t ADD COLUMN v int\r\n"
    )
    write(tmp_path / "db" / "1.sql", text.encode("utf-8"))
    chains = discover([str(tmp_path / "db")], tmp_path, [])
    assert summary(only_history(chains)) == [
        ("a:1", "1.sql", "present", "transaction", False),
        ("runInTransaction:false", "1.sql", "missing", "autocommit", False),
    ]
    result = lint(chains)
    assert parse_errors(result) == []
    assert placed(result) == [
        ("db/1.sql", 3, 1, "a:1 up transaction CreateStmt"),
        ("db/1.sql", 4, 12, "a:1 down transaction DropStmt"),
        ("db/1.sql", 5, 1, "a:1 up transaction CreateStmt"),
        ("db/1.sql", 6, 12, "a:1 down transaction DropStmt"),
        ("db/1.sql", 8, 1, "runInTransaction:false up autocommit AlterTableStmt"),
    ]


def test_liquibase_metadata_ignored_lines_and_other_databases_are_not_parsed(tmp_path: Path) -> None:
    text = """\ufeff
--liquibase formatted sql
--changeset a:oracle-only dbms:oracle
CREATE TABLE t (id NUMBER(10)) TABLESPACE users STORAGE (INITIAL 64K)
--changeset a:pg dbms:postgresql,h2 endDelimiter:/
--comment: a function, ended by a / line
--ignoreLines:start
this is not SQL
--ignoreLines:end
CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1'
/
--ignoreLines:1
nor is this
SELECT f()
/
--rollback empty
--changeset a:skipped ignore:true
this changeset is ignored
--changeset a:undo-pg
DROP FUNCTION f();
--rollback changesetId:pg changesetAuthor:a
"""
    write(tmp_path / "db" / "1.sql", text)
    chains = discover([str(tmp_path / "db")], tmp_path, [])
    history = only_history(chains)
    assert summary(history) == [
        ("a:pg", "1.sql", "none", "transaction", False),
        ("a:undo-pg", "1.sql", "present", "transaction", False),
    ]
    assert history.units[1].down == history.units[0].up  # rolled back with the SQL of changeset a:pg
    result = lint(chains)
    assert parse_errors(result) == []
    assert [row[1:] for row in placed(result)] == [
        (10, 1, "a:pg up transaction CreateFunctionStmt"),
        (10, 1, "a:undo-pg down transaction CreateFunctionStmt"),
        (14, 1, "a:pg up transaction SelectStmt"),
        (14, 1, "a:undo-pg down transaction SelectStmt"),
        (20, 1, "a:undo-pg up transaction DropStmt"),
    ]


def test_liquibase_changeset_used_twice_in_a_file_is_reported(tmp_path: Path) -> None:
    write(tmp_path / "db" / "1.sql", "--liquibase formatted sql\n--changeset a:1\nSELECT 1;\n--changeset a:1\nSELECT 2;\n")
    assert [row for row in others(lint(discover([str(tmp_path / "db")], tmp_path, []))) if row[0] != "irreversible-migration"] == [
        ("duplicate-migration-version", "db/1.sql", 4, 1),
    ]


def test_liquibase_file_without_its_header_is_one_raw_changeset(tmp_path: Path) -> None:
    write(tmp_path / "db" / "2.sql", "--changeset a:2\nALTER TABLE t ADD COLUMN b int;\nALTER TABLE t ADD COLUMN c int;\n")
    write(tmp_path / "db" / "1.sql", "\n\n-- liquibase formatted sql\n--changeset a:1\nCREATE TABLE t (a int);\n")
    history = only_history(discover([str(tmp_path / "db")], tmp_path, []))
    assert history.layout == "liquibase"
    assert summary(history) == [
        ("a:1", "1.sql", "missing", "transaction", False),
        ("includeAll:raw", "2.sql", "missing", "transaction", False),
    ]


@pytest.mark.parametrize(("files", "layout"), [
    ({"1.sql": "--liquibase formatted sql\n--changeset a:1\nSELECT 1;\n", "2.sql": "SELECT 2;\n"}, "plain"),
    ({"1.sql": "--liquibase formatted sql\n--changeset a:1\nSELECT 1;\n"}, "liquibase"),
    ({"1.sql": "SELECT 1; --liquibase formatted sql\n"}, "plain"),
])
def test_a_folder_is_liquibase_when_its_scripts_are_formatted_sql(tmp_path: Path, files: dict[str, str], layout: str) -> None:
    for name, text in files.items():
        write(tmp_path / "db" / name, text)
    assert only_history(discover([str(tmp_path / "db")], tmp_path, [])).layout == layout


# --- real corpora --------------------------------------------------------------------------------


def test_marquez_is_a_flyway_history_of_81_versions_and_3_repeatables() -> None:
    folder = corpus(MARQUEZ)
    chains = discover([str(folder)], folder, [])
    history = only_history(chains)
    assert history.layout == "flyway" and history.problems == []
    versions = [unit for unit in history.units if not unit.repeatable]
    assert len(versions) == 81 and [unit.title for unit in history.units[81:]] == [
        "Datasets_view", "Jobs_view_and_rewrite_function", "Runs_view",
    ]
    keys = [flyway.version_key(unit.version) for unit in versions]
    assert keys == sorted(keys) and [unit.version for unit in versions[:4]] == ["1", "2", "2.1", "3"]
    assert {down_state(unit) for unit in history.units} == {"none"}  # no undo scripts
    assert [unit.version for unit in history.units if unit.transaction.value == "autocommit"] == ["47"]
    assert parse_errors(lint(chains)) == []


def _plan_changes(plan: Path) -> list[str]:
    lines = [line.strip() for line in plan.read_text(encoding="utf-8").splitlines()]
    return [line.split()[0] for line in lines if line and not line.startswith(("%", "@", "#"))]


def test_nz_buildings_is_a_sqitch_history_of_one_unit_per_plan_entry() -> None:
    folder = corpus(NZ_BUILDINGS)
    chains = discover([str(folder)], folder, [])
    history = only_history(chains)
    changes = _plan_changes(folder / "sqitch.plan")
    assert history.layout == "sqitch" and history.problems == []
    assert len(history.units) == len(changes) == 91
    assert [unit.version.split("@")[0] for unit in history.units] == changes
    reworked = [unit for unit in history.units if "@" in unit.version]
    assert len(reworked) == 22 == sum(1 for _ in (folder / "deploy").rglob("*@*.sql"))
    used = {history.files[part.file].input.root_path for unit in history.units for part in (*unit.up, *(unit.down or []))}
    assert len(used) == 182  # every deploy and revert script, each used once
    assert sum(1 for f in history.files if not f.replayed) == 91  # the verify scripts
    assert {(down_state(unit), unit.transaction.value) for unit in history.units} == {("present", "autocommit")}
    assert parse_errors(lint(chains)) == []


def _changesets(folder: Path) -> int:
    count = 0
    for path in folder.glob("*.sql"):
        text = path.read_text(encoding="utf-8")
        formatted = re.match(r"\s*--\s*liquibase\s*formatted", text, re.IGNORECASE)
        count += len(re.findall(r"^\s*--\s*changeset\s", text, re.IGNORECASE | re.MULTILINE)) if formatted else 1
    return count


def test_pay_ledger_is_a_liquibase_history_of_its_changesets() -> None:
    folder = corpus(PAY_LEDGER)
    chains = discover([str(folder)], folder, [])
    history = only_history(chains)
    assert history.layout == "liquibase" and history.problems == []
    assert len(history.units) == _changesets(folder) == 106  # 105 changesets and one raw file (00039)
    assert sum(unit.transaction.value == "autocommit" for unit in history.units) == 25
    states = [down_state(unit) for unit in history.units]
    assert (states.count("present"), states.count("missing")) == (51, 55)
    result = lint(chains)
    # Changesets are split, so the index that follows a rollback without `;` parses (line 17 of
    # 00010 was a parse error before). What is left is rollback SQL that PostgreSQL rejects:
    # `drop constraint x;`, `drop column a, b;`, `drop transaction_metadata;`, two ALTERs without `;`.
    errors = parse_errors(result)
    assert ("00010_add_searchable_fields_to_transaction_table.sql", 17, 12) not in errors
    assert len(errors) == 8
    for root_path, line, _column in errors:
        assert (folder / root_path).read_text(encoding="utf-8").splitlines()[line - 1].startswith("--rollback ")


@pytest.mark.parametrize("folder", [MARQUEZ, NZ_BUILDINGS, PAY_LEDGER], ids=["marquez", "nz-buildings", "pay-ledger"])
def test_linting_each_corpus_from_the_command_line_finishes(folder: Path, tmp_path: Path) -> None:
    corpus(folder)
    report = lint_corpus_from_the_command_line(folder, tmp_path)
    assert report["summary"]["parse_errors"] == (8 if folder == PAY_LEDGER else 0)
