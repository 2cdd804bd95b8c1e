"""The session statement rules see, through the real engine: how each layout's transaction mode, BEGIN
and COMMIT, SET / SET LOCAL / RESET of the timeouts and the tables created in a part shape it."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from sqlsoul import cli
from sqlsoul.discovery import discover
from sqlsoul.engine import Linter, LintSettings, StatementContext
from sqlsoul.findings import Severity
from sqlsoul.history import HistorySettings, LayoutOptions
from sqlsoul.registry import Registry, load_registry
from sqlsoul.rules.base import Rule, RuleMeta

PROBE_CODE = "TST002"


class SessionProbe(Rule):
    """One note per statement: what the session says just before it runs."""

    meta = RuleMeta(code=PROBE_CODE, name="session-probe", category="test", severity=Severity.NOTE, enabled=True,
                    summary="the session before each statement")
    targets = frozenset(
        {"CreateStmt", "AlterTableStmt", "SelectStmt", "InsertStmt", "TransactionStmt", "VariableSetStmt",
         "CreateTableAsStmt", "CreateSeqStmt", "RenameStmt", "IndexStmt", "DropStmt"}
    )

    def check_statement(self, ctx: StatementContext) -> None:
        session = ctx.session
        state = [
            ctx.statement.kind.removesuffix("Stmt"),
            "tx" if session.in_transaction else "no-tx",
            "open" if session.transaction_open else "-",
        ]
        state += [name for name in ("lock_timeout", "statement_timeout") if getattr(session, name)]
        relation = ctx.statement.node.get("relation")
        if ctx.statement.kind in ("AlterTableStmt", "IndexStmt") and relation:
            state.append("new" if session.is_new(relation) else "live")
        ctx.report(ctx.statement.span, " ".join(state))


def _registry() -> Registry:
    base = load_registry(plugins=False)
    return Registry({**base.rules, PROBE_CODE: SessionProbe}, {**base.names, "session-probe": PROBE_CODE})


def probe(tmp_path: Path, files: dict[str, str], **options: bool) -> dict[str, list[str]]:
    """The probe's notes per file, in order, for a folder of migration files."""
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    chains = discover([str(tmp_path)], tmp_path, [], settings=HistorySettings(options=LayoutOptions(**options)))
    result = Linter(_registry(), LintSettings(enabled={PROBE_CODE})).lint(chains)
    notes: dict[str, list[str]] = {}
    for finding in result.findings:
        notes.setdefault(finding.root_path, []).append(finding.message)
    return notes


# --- how each framework sends a migration ---------------------------------------------------------


def test_goose_wraps_a_migration_unless_told_not_to(tmp_path: Path) -> None:
    notes = probe(tmp_path, {
        "00001_wrapped.sql": "-- +goose Up\nCREATE TABLE a (id int);\n-- +goose Down\nDROP TABLE a;\n",
        "00002_not.sql": "-- +goose NO TRANSACTION\n-- +goose Up\nCREATE TABLE b (id int);\nCREATE TABLE c (id int);\n",
    })
    assert notes["00001_wrapped.sql"] == ["Create tx open", "Drop tx open"]
    assert notes["00002_not.sql"] == ["Create no-tx -", "Create no-tx -"]


def test_golang_migrate_sends_a_file_in_one_request(tmp_path: Path) -> None:
    notes = probe(tmp_path, {
        "1_one.up.sql": "CREATE TABLE a (id int);\n",
        "2_two.up.sql": "CREATE TABLE b (id int);\nCREATE TABLE c (id int);\n",
    })
    # A single statement is its own transaction; several form one implicit transaction block.
    assert notes["1_one.up.sql"] == ["Create no-tx -"]
    assert notes["2_two.up.sql"] == ["Create tx -", "Create tx -"]


def test_golang_migrate_multi_statement_mode_sends_statement_by_statement(tmp_path: Path) -> None:
    notes = probe(tmp_path, {"1_two.up.sql": "CREATE TABLE b (id int);\nCREATE TABLE c (id int);\n"},
                  multi_statement=True)
    assert notes["1_two.up.sql"] == ["Create no-tx -", "Create no-tx -"]


def test_dbmate_transaction_false_is_one_request(tmp_path: Path) -> None:
    notes = probe(tmp_path, {
        "db/migrations/20240101000000_a.sql": "-- migrate:up transaction:false\nCREATE TABLE a (id int);\n"
                                              "CREATE TABLE b (id int);\n-- migrate:down\nDROP TABLE b;\n",
        "db/migrations/20240102000000_c.sql": "-- migrate:up\nCREATE TABLE c (id int);\n",
    })
    assert notes["db/migrations/20240101000000_a.sql"] == ["Create tx -", "Create tx -", "Drop no-tx -"]
    assert notes["db/migrations/20240102000000_c.sql"] == ["Create tx open"]


@pytest.mark.parametrize(("assume", "expected"), [(False, "Create tx -"), (True, "Create tx open")])
def test_plain_folder_is_one_request_unless_assumed_wrapped(tmp_path: Path, assume: bool, expected: str) -> None:
    notes = probe(tmp_path, {"a.sql": "CREATE TABLE a (id int);\nCREATE TABLE b (id int);\n"},
                  assume_in_transaction=assume)
    assert notes["a.sql"] == [expected, expected]


@pytest.mark.parametrize(("directive", "expected"), [("true", "Create tx open"), ("false", "Create no-tx -")])
def test_a_file_directs_its_own_mode(tmp_path: Path, directive: str, expected: str) -> None:
    notes = probe(tmp_path, {"a.sql": f"-- sqlsoul: assume-in-transaction={directive}\nCREATE TABLE a (id int);\n"
                                      "CREATE TABLE b (id int);\n"})
    assert notes["a.sql"] == [expected, expected]


def test_the_directive_overrides_the_framework(tmp_path: Path) -> None:
    notes = probe(tmp_path, {"00001_a.sql": "-- +goose Up\n-- sqlsoul: assume-in-transaction=false\n"
                                            "CREATE TABLE a (id int);\nCREATE TABLE b (id int);\n"})
    assert notes["00001_a.sql"] == ["Create no-tx -", "Create no-tx -"]


def test_assume_in_transaction_flag_on_the_command_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a.sql").write_text("CREATE TABLE a (id int);\n", encoding="utf-8")
    monkeypatch.setattr(cli, "_registry", lambda no_plugins: _registry())
    command = ["lint", "-q", "--no-color", "--select", PROBE_CODE, str(tmp_path / "a.sql")]
    assert "Create no-tx -" in CliRunner().invoke(cli.main, command).output
    assert "Create tx open" in CliRunner().invoke(cli.main, [*command, "--assume-in-transaction"]).output


# --- BEGIN and COMMIT ---------------------------------------------------------------------------------


def test_begin_and_commit_in_a_migration_sent_statement_by_statement(tmp_path: Path) -> None:
    notes = probe(tmp_path, {
        "sqitch.plan": "%project=demo\n\na 2024-01-10T12:00:00Z Dev <dev@example.com> # a\n",
        "deploy/a.sql": "CREATE TABLE a (id int);\nBEGIN;\nCREATE TABLE b (id int);\nCOMMIT;\n"
                        "CREATE TABLE c (id int);\n",
    })
    assert notes["deploy/a.sql"] == ["Create no-tx -", "Transaction no-tx -", "Create tx open", "Transaction tx open",
                                     "Create no-tx -"]


def test_a_commit_ends_the_framework_transaction(tmp_path: Path) -> None:
    notes = probe(tmp_path, {"00001_a.sql": "-- +goose Up\nCOMMIT;\nCREATE INDEX CONCURRENTLY a_idx ON a (id);\n"
                                            "BEGIN;\nCREATE TABLE b (id int);\n"})
    assert notes["00001_a.sql"] == [
        "Transaction tx open", "Index no-tx - live", "Transaction no-tx -", "Create tx open",
    ]


def test_commit_and_chain_keeps_a_transaction_open(tmp_path: Path) -> None:
    notes = probe(tmp_path, {"a.sql": "-- sqlsoul: assume-in-transaction=false\nBEGIN;\nCOMMIT AND CHAIN;\n"
                                      "CREATE TABLE a (id int);\nEND;\nCREATE TABLE b (id int);\n"})
    assert notes["a.sql"][2:] == ["Create tx open", "Transaction tx open", "Create no-tx -"]


def test_statements_after_a_commit_in_one_request_form_a_new_implicit_block(tmp_path: Path) -> None:
    notes = probe(tmp_path, {"1_a.up.sql": "BEGIN;\nCREATE TABLE a (id int);\nCOMMIT;\nCREATE TABLE b (id int);\n"})
    assert notes["1_a.up.sql"] == ["Transaction tx -", "Create tx open", "Transaction tx open", "Create tx -"]


# --- timeouts ------------------------------------------------------------------------------------------


def test_set_local_lasts_until_the_transaction_ends(tmp_path: Path) -> None:
    notes = probe(tmp_path, {"a.sql": "-- sqlsoul: assume-in-transaction=false\nBEGIN;\n"
                                      "SET LOCAL lock_timeout = '5s';\nCREATE TABLE a (id int);\nCOMMIT;\n"
                                      "CREATE TABLE b (id int);\n"})
    assert notes["a.sql"][2:] == ["Create tx open lock_timeout", "Transaction tx open lock_timeout", "Create no-tx -"]


def test_set_local_in_the_framework_transaction_lasts_the_whole_migration(tmp_path: Path) -> None:
    notes = probe(tmp_path, {"00001_a.sql": "-- +goose Up\nSET LOCAL statement_timeout = 60000;\n"
                                            "CREATE TABLE a (id int);\nCREATE TABLE b (id int);\n"})
    assert notes["00001_a.sql"][1:] == ["Create tx open statement_timeout", "Create tx open statement_timeout"]


def test_set_local_outside_a_transaction_block_does_nothing(tmp_path: Path) -> None:
    notes = probe(tmp_path, {"00001_a.sql": "-- +goose NO TRANSACTION\n-- +goose Up\n"
                                            "SET LOCAL lock_timeout = '5s';\nCREATE TABLE a (id int);\n"})
    assert notes["00001_a.sql"][1:] == ["Create no-tx -"]


def test_set_lasts_for_the_connection(tmp_path: Path) -> None:
    notes = probe(tmp_path, {"00001_a.sql": "-- +goose NO TRANSACTION\n-- +goose Up\n"
                                            "SET lock_timeout TO '5s';\nCREATE TABLE a (id int);\n"
                                            "CREATE TABLE b (id int);\n"})
    assert notes["00001_a.sql"][1:] == ["Create no-tx - lock_timeout", "Create no-tx - lock_timeout"]


@pytest.mark.parametrize("turn_off", [
    "RESET lock_timeout", "RESET ALL", "SET lock_timeout = 0", "SET lock_timeout = '0ms'",
    "SET lock_timeout TO DEFAULT", "SET SESSION lock_timeout = '0'",
])
def test_reset_default_and_zero_turn_the_timeout_off(tmp_path: Path, turn_off: str) -> None:
    notes = probe(tmp_path, {"a.sql": f"SET lock_timeout = '5s';\nCREATE TABLE a (id int);\n{turn_off};\n"
                                      "CREATE TABLE b (id int);\n"})
    assert [note for note in notes["a.sql"] if note.startswith("Create")] == ["Create tx - lock_timeout", "Create tx -"]


def test_a_plain_set_outlives_an_earlier_set_local(tmp_path: Path) -> None:
    notes = probe(tmp_path, {"a.sql": "-- sqlsoul: assume-in-transaction=false\nBEGIN;\n"
                                      "SET LOCAL lock_timeout = 0;\nSET lock_timeout = '5s';\nCOMMIT;\n"
                                      "CREATE TABLE a (id int);\n"})
    assert notes["a.sql"][-1] == "Create no-tx - lock_timeout"


def test_rollback_undoes_a_set_made_in_its_transaction(tmp_path: Path) -> None:
    notes = probe(tmp_path, {"a.sql": "-- sqlsoul: assume-in-transaction=false\nSET statement_timeout = '1min';\n"
                                      "BEGIN;\nSET lock_timeout = '5s';\nROLLBACK;\nCREATE TABLE a (id int);\n"})
    assert notes["a.sql"][-1] == "Create no-tx - statement_timeout"


# --- what the part created -----------------------------------------------------------------------------


def test_relations_created_in_the_part_are_new(tmp_path: Path) -> None:
    notes = probe(tmp_path, {"00001_a.sql": (
        "-- +goose Up\n"
        "CREATE TABLE app.a (id int);\n"
        "ALTER TABLE a ADD COLUMN x int;\n"  # unqualified: the table created above
        "ALTER TABLE app.a ADD COLUMN y int;\n"
        "ALTER TABLE other.a ADD COLUMN z int;\n"  # another schema's table of the same name
        "CREATE TABLE b AS SELECT 1 AS x;\n"
        "SELECT 1 AS x INTO c;\n"
        "ALTER TABLE c RENAME TO d;\n"
        "ALTER TABLE public.b ADD COLUMN w int;\n"  # created unqualified: taken to be this one
        "CREATE INDEX d_x_idx ON d (x);\n"
        "CREATE SEQUENCE e_seq;\n"
        "ALTER TABLE e_seq OWNER TO admin;\n"
        "ALTER TABLE users ADD COLUMN v int;\n"
        "-- +goose Down\n"
        "ALTER TABLE app.a DROP COLUMN y;\n"  # the down runs after the up: its tables are live
    )})
    altered = [note.split()[-1] for note in notes["00001_a.sql"] if note.split()[0] in ("AlterTable", "Index")]
    assert altered == ["new", "new", "live", "new", "new", "new", "live", "live"]


def test_a_do_block_is_one_statement_of_its_request(tmp_path: Path) -> None:
    notes = probe(tmp_path, {"1_a.up.sql": "DO $$\nBEGIN\n  CREATE TABLE a (id int);\n  ALTER TABLE a ADD COLUMN x int;\n"
                                           "END $$;\n"})
    # The file sends one statement, so no implicit block; what the block runs sees the table it made.
    assert notes["1_a.up.sql"] == ["Create no-tx -", "AlterTable no-tx - new"]
