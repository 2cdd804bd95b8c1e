"""Statements inside DO blocks and function bodies: linted where they are written, replayed when they run.

A DO block runs with the migration: its static statements go through every rule, the session and
the model. A function body runs later: only design and security rules read it, and nothing in it
changes the model. Findings point at the statement inside the body, columns in code points.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from sqlsoul.cli import main
from sqlsoul.engine import InputFile, Linter, LintSettings, StatementContext
from sqlsoul.findings import Severity, Span
from sqlsoul.parsing import Statement, parse
from sqlsoul.plpgsql import do_statements, function_statements, leading_words
from sqlsoul.registry import Registry
from sqlsoul.rules.base import Rule, RuleMeta
from sqlsoul.source import SourceFile

Seen = tuple[str, str, int, int]  # path, rule, line, column


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def lint(root: Path, select: str, files: dict[str, str]) -> list[Seen]:
    write(root, files)
    result = CliRunner().invoke(
        main, ["lint", "--format", "json", "--no-plugins", "--select", select, str(root)], prog_name="sqlsoul"
    )
    assert result.exit_code in (0, 1), result.output
    return [
        (Path(f["path"]).relative_to(root).as_posix(), f["rule"], f["line"], f["column"])
        for f in json.loads(result.stdout)["findings"]
    ]


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


USERS = {"1_users.up.sql": "CREATE TABLE users (id bigint PRIMARY KEY);\n", "1_users.down.sql": "DROP TABLE users;\n"}


# --- DO blocks run with the migration ------------------------------------------------------------


def test_a_do_block_builds_the_model_and_is_reported_inside(root: Path) -> None:
    jobs = (
        "DO $$\n"
        "BEGIN\n"
        "    CREATE TABLE jobs (id bigint PRIMARY KEY);\n"
        "    ALTER TABLE jobs ADD COLUMN status text NOT NULL;\n"
        "END $$;\n"
    )
    files = {"1_jobs.up.sql": jobs, "1_jobs.down.sql": "DROP TABLE jobs;\n"}
    # "    ALTER TABLE jobs ADD COLUMN " is 32 characters: status starts at column 33.
    assert lint(root, "unchecked-status-column", files) == [("1_jobs.up.sql", "unchecked-status-column", 4, 33)]
    # A later migration alters the table the DO block created: the model knows both.
    files["2_check.up.sql"] = "ALTER TABLE jobs ADD CONSTRAINT jobs_status CHECK (status IN ('new', 'done'));\n"
    files["2_check.down.sql"] = "ALTER TABLE jobs DROP CONSTRAINT jobs_status;\n"
    assert lint(root, "unchecked-status-column,irreversible-migration", files) == []


def test_a_statement_under_if_not_exists_is_linted(root: Path) -> None:
    rename = (
        "DO $$\n"
        "BEGIN\n"
        "    IF NOT EXISTS (SELECT 1 FROM pg_class WHERE relname = 'accounts') THEN\n"
        "        ALTER TABLE users RENAME TO accounts;\n"
        "    END IF;\n"
        "END $$;\n"
    )
    files = {**USERS, "2_rename.up.sql": rename, "2_rename.down.sql": "ALTER TABLE accounts RENAME TO users;\n"}
    assert lint(root, "renaming-table", files) == [
        ("2_rename.down.sql", "renaming-table", 1, 1),
        ("2_rename.up.sql", "renaming-table", 4, 9),
    ]


def test_what_execute_runs_is_unknown(root: Path) -> None:
    rename = "DO $$ BEGIN EXECUTE 'ALTER TABLE users RENAME TO accounts'; END $$;\n"
    files = {**USERS, "2_rename.up.sql": rename, "2_rename.down.sql": "SELECT 1;\n"}
    assert lint(root, "renaming-table,irreversible-migration,destructive-migration", files) == []


def test_a_table_created_in_a_do_block_is_new_for_the_rest_of_the_migration(root: Path) -> None:
    files = {
        "1_jobs.up.sql": "DO $$ BEGIN CREATE TABLE jobs (id bigint); END $$;\nALTER TABLE jobs RENAME TO tasks;\n",
        "1_jobs.down.sql": "DROP TABLE tasks;\n",
    }
    assert lint(root, "renaming-table,irreversible-migration", files) == []


def test_migration_rules_see_what_a_do_block_does(root: Path) -> None:
    up = "DO $$\nBEGIN\n    CREATE TABLE jobs (id bigint PRIMARY KEY);\n    DROP TABLE users;\nEND $$;\n"
    files = {**USERS, "2_swap.up.sql": up, "2_swap.down.sql": "CREATE TABLE users (id bigint PRIMARY KEY);\n"}
    assert lint(root, "irreversible-migration,destructive-migration", files) == [
        ("2_swap.up.sql", "irreversible-migration", 3, 18),  # the down leaves jobs
        ("2_swap.up.sql", "destructive-migration", 4, 5),
    ]


def test_a_do_block_in_a_down_is_replayed_too(root: Path) -> None:
    files = {
        "1_jobs.up.sql": "CREATE TABLE jobs (id bigint PRIMARY KEY);\n",
        "1_jobs.down.sql": "DO $$ BEGIN DROP TABLE IF EXISTS jobs; END $$;\n",
    }
    assert lint(root, "irreversible-migration", files) == []


def test_a_suppression_before_the_do_block_covers_its_statements(root: Path) -> None:
    rename = (
        "-- sqlsoul: ignore[renaming-table] nothing reads users any more\n"
        "DO $$\nBEGIN\n    ALTER TABLE users RENAME TO accounts;\nEND $$;\n"
    )
    files = {**USERS, "2_rename.up.sql": rename, "2_rename.down.sql": "SELECT 1;\n"}
    assert lint(root, "renaming-table,unused-suppression", files) == []
    # History rules report at the statement inside the block: the directive covers them as well.
    jobs = (
        "DO $$ BEGIN CREATE TABLE jobs (id bigint PRIMARY KEY, status text); END $$;"
        " -- sqlsoul: ignore[unchecked-status-column] free text on purpose\n"
    )
    files = {"1_jobs.up.sql": jobs, "1_jobs.down.sql": "DROP TABLE jobs;\n"}
    assert lint(root, "unchecked-status-column,unused-suppression", files) == []


def test_a_body_that_does_not_parse_is_no_finding(root: Path) -> None:
    files = {"1_odd.sql": "DO $$ BEGIN this is not plpgsql; END $$;\nDO LANGUAGE plperl $$ print 1; $$;\n"}
    assert lint(root, "ALL", files) == []


def test_columns_inside_the_body_count_code_points(root: Path) -> None:
    rename = "DO $$ BEGIN /* é → ü */ ALTER TABLE users RENAME TO accounts; END $$; -- ünïcode\n"
    files = {**USERS, "2_rename.up.sql": rename, "2_rename.down.sql": "SELECT 1;\n"}
    # "DO $$ BEGIN /* é → ü */ " is 24 code points (28 bytes).
    assert lint(root, "renaming-table", files) == [("2_rename.up.sql", "renaming-table", 1, 25)]


# --- function bodies run later -------------------------------------------------------------------

BODY_RULE_META = RuleMeta(
    code="TST001",
    name="granting-to-public",
    category="security",
    severity=Severity.WARNING,
    enabled=True,
    summary="A GRANT to PUBLIC.",
)


class GrantingToPublic(Rule):
    """A security rule that reports GRANT ... TO PUBLIC at its grantee."""

    meta = BODY_RULE_META
    targets = frozenset({"GrantStmt"})

    def check_statement(self, ctx: StatementContext) -> None:
        for grantee in ctx.statement.node.get("grantees") or ():
            role = grantee.get("RoleSpec", {})
            if role.get("roletype") == "ROLESPEC_PUBLIC":
                start = ctx.statement.offset(role.get("location"))
                ctx.report(Span(start, start + len("PUBLIC")), "granted to PUBLIC")


def lint_engine(registry: Registry, text: str, enabled: set[str]) -> list[tuple[str, int, int]]:
    rules = dict(registry.rules, TST001=GrantingToPublic)
    extended = Registry(rules, dict(registry.names, **{"granting-to-public": "TST001"}))
    result = Linter(extended, LintSettings(enabled=enabled)).lint([[InputFile("case.sql", "case.sql", None, text.encode())]])
    return [(f.rule, f.line, f.column) for f in result.findings]


FUNCTION = (
    "CREATE FUNCTION make_jobs() RETURNS trigger LANGUAGE plpgsql AS $fn$\n"
    "BEGIN\n"
    "    NEW.seen := now();\n"
    "    CREATE TABLE jobs (id bigint, status text);\n"
    "    ALTER TABLE users RENAME TO accounts;\n"
    "    GRANT SELECT ON users TO PUBLIC;\n"
    "    RETURN NEW;\n"
    "END $fn$;\n"
)


def test_a_function_body_is_judged_by_design_and_security_rules_only(registry: Registry) -> None:
    enabled = {"TST001", "SS102", "SS213"}
    # "    GRANT SELECT ON users TO " is 29 characters.
    assert lint_engine(registry, FUNCTION, enabled) == [("granting-to-public", 6, 30)]


def test_a_function_body_is_not_replayed(registry: Registry) -> None:
    # jobs is only created when the function runs: the model has no table, so it has no status column.
    assert lint_engine(registry, FUNCTION + "ALTER TABLE jobs ADD COLUMN state text;\n", {"SS102"}) == []


def test_a_sql_function_written_as_a_string(registry: Registry) -> None:
    text = "CREATE FUNCTION f() RETURNS void AS 'SELECT ''it''''s''; GRANT ALL ON t TO public' LANGUAGE sql;\n"
    # Each '' in the file is one quote of the body; the grantee is at column 76.
    assert lint_engine(registry, text, {"TST001"}) == [("granting-to-public", 1, 76)]


def test_the_same_rule_reads_a_do_block(registry: Registry) -> None:
    text = "DO $$ BEGIN GRANT SELECT ON users TO PUBLIC; END $$;\n"
    assert lint_engine(registry, text, {"TST001"}) == [("granting-to-public", 1, 38)]


def test_a_suppression_before_create_function_covers_its_body(registry: Registry) -> None:
    text = "-- sqlsoul: ignore[granting-to-public] read-only reporting role\n" + FUNCTION
    assert lint_engine(registry, text, {"TST001", "SS903"}) == []


# --- where statements are found ------------------------------------------------------------------


def statements_of(text: str, words: frozenset[str] | None = None) -> list[tuple[str | None, str, str]]:
    """(inside, kind, the statement's text in the file) for each body statement."""
    source = SourceFile("case.sql", "case.sql", text)
    found: list[Statement] = []
    for statement in parse(source).statements:
        if statement.kind == "DoStmt":
            found += do_statements(statement, source)
        elif statement.kind == "CreateFunctionStmt":
            found += function_statements(statement, source, words)
    return [(s.inside, s.kind, source.sql[s.span.start : s.span.end].decode()) for s in found]


def test_static_statements_in_order_with_their_text_as_written() -> None:
    text = (
        "DO $body$\n"
        "DECLARE n int; r record;\n"
        "BEGIN\n"
        "    SELECT count(*) INTO STRICT n FROM jobs;\n"
        "    PERFORM pg_notify('jobs', 'x');\n"
        "    FOR r IN SELECT id FROM jobs LOOP\n"
        "        UPDATE jobs SET id = r.id;\n"
        "    END LOOP;\n"
        "    EXECUTE 'DROP TABLE ' || 'jobs';\n"
        "    DO $inner$ BEGIN CREATE INDEX ON jobs (id); END $inner$;\n"
        "    DELETE FROM jobs;\n"
        "EXCEPTION WHEN others THEN\n"
        "    DROP TABLE jobs;\n"
        "END\n"
        "$body$;\n"
    )
    assert statements_of(text) == [
        ("do", "SelectStmt", "SELECT count(*) INTO STRICT n FROM jobs"),
        ("do", "SelectStmt", "PERFORM pg_notify('jobs', 'x')"),
        ("do", "SelectStmt", "SELECT id FROM jobs"),
        ("do", "UpdateStmt", "UPDATE jobs SET id = r.id"),
        ("do", "DoStmt", "DO $inner$ BEGIN CREATE INDEX ON jobs (id); END $inner$"),
        ("do", "IndexStmt", "CREATE INDEX ON jobs (id)"),
        ("do", "DeleteStmt", "DELETE FROM jobs"),
        ("do", "DropStmt", "DROP TABLE jobs"),
    ]


def test_node_locations_map_into_the_body() -> None:
    text = "DO 'BEGIN INSERT INTO t VALUES (''a''); ALTER TABLE t ADD c text DEFAULT ''b''; END';\n"
    source = SourceFile("case.sql", "case.sql", text)
    (outer,) = parse(source).statements
    insert, alter = do_statements(outer, source)
    command = alter.node["cmds"][0]["AlterTableCmd"]
    default = command["def"]["ColumnDef"]["constraints"][0]["Constraint"]["raw_expr"]["A_Const"]
    assert text[alter.offset(command["def"]["ColumnDef"]["location"]) :].startswith("c text")
    assert text[alter.offset(default["location"]) :].startswith("''b''")
    assert insert.index == alter.index == outer.index


def test_only_bodies_that_can_hold_a_wanted_statement_are_read() -> None:
    text = (
        "CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$ BEGIN UPDATE t SET a = 1; END $$;\n"
        "CREATE FUNCTION g() RETURNS void LANGUAGE plpgsql AS $$ BEGIN UPDATE t SET a = 1; GRANT ALL ON t TO r; END $$;\n"
    )
    assert statements_of(text, leading_words({"GrantStmt"})) == [("function", "GrantStmt", "GRANT ALL ON t TO r")]
    assert leading_words({"GrantStmt", "CreateStmt"}) == {"grant", "revoke", "create"}
    assert leading_words({"FetchStmt"}) is None  # no shortcut known: every statement is read
