"""`sqlsoul verify` on a real PostgreSQL: the embedded throwaway server, started once for the module
(the CLI runs against it with --database-url, each run in its own scratch database)."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner

from sqlsoul.cli import main
from sqlsoul.verify.server import Server, embedded_bin_dir, throwaway_server
from sqlsoul.verify.snapshot import differences, take_snapshot

# The issue's tree: correct units, a down that forgets a column, an empty down, a unit that needs an
# extension no server has, and an up that fails; the unit after it is never run.
TREE = {
    "001_users.up.sql": "CREATE TABLE users (id bigint PRIMARY KEY, name text NOT NULL);\n",
    "001_users.down.sql": "DROP TABLE users;\n",
    "002_email.up.sql": "ALTER TABLE users ADD COLUMN email text;\nCREATE INDEX users_email_idx ON users (email);\n",
    "002_email.down.sql": "DROP INDEX users_email_idx;\n",
    "003_mood.up.sql": "CREATE TYPE mood AS ENUM ('happy', 'sad');\n",
    "003_mood.down.sql": "",
    "004_notes.up.sql": "CREATE EXTENSION IF NOT EXISTS sqlsoul_no_such_extension;\nCREATE TABLE notes (id bigint PRIMARY KEY);\n",
    "004_notes.down.sql": "DROP TABLE notes;\nDROP EXTENSION IF EXISTS sqlsoul_no_such_extension;\n",
    "005_tags.up.sql": "CREATE TABLE tags (id bigint PRIMARY KEY, label text NOT NULL DEFAULT '');\n",
    "005_tags.down.sql": "DROP TABLE tags;\n",
    "006_posts.up.sql": "CREATE TABLE posts (id bigint PRIMARY KEY);\n"
                        "ALTER TABLE posts ADD CONSTRAINT posts_user_fk FOREIGN KEY (user_id) REFERENCES users (id);\n",
    "006_posts.down.sql": "DROP TABLE posts;\n",
    "007_later.up.sql": "CREATE TABLE later (id bigint PRIMARY KEY);\n",
    "007_later.down.sql": "DROP TABLE later;\n",
}


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    with throwaway_server(embedded_bin_dir()) as running:
        yield running


def write_tree(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def run_verify(server: Server, folder: Path, *options: str) -> tuple[int, list[dict], str]:
    result = CliRunner().invoke(
        main, ["verify", "-q", "--format", "json", "--database-url", server.conninfo, *options, str(folder)]
    )
    findings = json.loads(result.stdout)["findings"] if result.exit_code in (0, 1) else []
    return result.exit_code, findings, result.stderr


def where(findings: list[dict]) -> list[tuple[str, int, str, str]]:
    return [(Path(f["path"]).name, f["line"], f["rule"], f["severity"]) for f in findings]


def test_the_issue_tree(server: Server, tmp_path: Path) -> None:
    code, findings, _ = run_verify(server, write_tree(tmp_path / "migrations", TREE))
    assert code == 1
    assert where(findings) == [
        ("002_email.down.sql", 1, "down-does-not-restore", "error"),
        ("003_mood.down.sql", 1, "down-does-not-restore", "error"),
        ("004_notes.up.sql", 1, "environment-missing", "error"),
    ]
    assert findings[0]["message"] == (
        "the down of 002_email does not restore the schema from before its up: column public.users.email is left over"
    )
    assert findings[1]["message"].endswith(": type public.mood is left over")
    assert findings[2]["message"] == (
        "the up of 004_notes fails: the server has no extension sqlsoul_no_such_extension (PostgreSQL: extension "
        '"sqlsoul_no_such_extension" is not available); verify stopped here: the 3 later units depend on this one '
        "and were not run"
    )
    assert "--skip-unavailable-extensions" in findings[2]["help"]


def test_skipping_unavailable_extensions_goes_on_to_the_failing_up(server: Server, tmp_path: Path) -> None:
    code, findings, _ = run_verify(server, write_tree(tmp_path / "migrations", TREE), "--skip-unavailable-extensions")
    assert code == 1
    assert where(findings) == [
        ("002_email.down.sql", 1, "down-does-not-restore", "error"),
        ("003_mood.down.sql", 1, "down-does-not-restore", "error"),
        ("004_notes.up.sql", 1, "environment-missing", "note"),
        ("006_posts.up.sql", 2, "up-fails", "error"),
    ]
    assert findings[3]["message"] == (
        'the up of 006_posts fails: column "user_id" referenced in foreign key constraint does not exist '
        "[SQLSTATE 42703]; verify stopped here: the next unit depends on this one and was not run"
    )


def test_a_correct_history_passes_and_leaves_no_scratch_database(server: Server, tmp_path: Path) -> None:
    correct = {name: text for name, text in TREE.items() if name[:3] in ("001", "005", "007")}
    code, findings, _ = run_verify(server, write_tree(tmp_path / "migrations", correct))
    assert (code, findings) == (0, [])
    with psycopg.connect(server.conninfo) as connection:
        names = [row[0] for row in connection.execute("SELECT datname FROM pg_database")]
    assert not [name for name in names if name.startswith("sqlsoul_verify")]


def test_down_fails_is_rolled_back_and_the_next_unit_still_runs(server: Server, tmp_path: Path) -> None:
    tree = {
        "001_a.up.sql": "CREATE TABLE a (id int);\nCREATE TABLE b (id int);\n",
        "001_a.down.sql": "DROP TABLE b;\nDROP TABLE a_typo;\n",
        "002_c.up.sql": "CREATE TABLE c (id int);\n",
        "002_c.down.sql": "",
    }
    code, findings, _ = run_verify(server, write_tree(tmp_path / "migrations", tree))
    assert where(findings) == [
        ("001_a.down.sql", 2, "down-fails", "error"),
        ("002_c.down.sql", 1, "down-does-not-restore", "error"),
    ]
    assert findings[0]["message"] == 'the down of 001_a fails: table "a_typo" does not exist [SQLSTATE 42P01]'
    assert findings[1]["message"].endswith(": table public.c is left over")  # b was rolled back with the failed down


def test_reapply_differs_names_the_objects(server: Server, tmp_path: Path) -> None:
    # The up decides on data the down leaves behind: applied again, it makes another table.
    tree = {
        "001_seen.up.sql": "CREATE TABLE seen (n int);\nCREATE TABLE codes (code text PRIMARY KEY);\n",
        "001_seen.down.sql": "DROP TABLE codes;\nDROP TABLE seen;\n",
        "002_pick.up.sql": "DO $$ BEGIN\n  IF EXISTS (SELECT FROM seen) THEN CREATE TABLE second (); ELSE CREATE TABLE first (); END IF;\n"
                           "  INSERT INTO seen VALUES (1);\nEND $$;\n",
        "002_pick.down.sql": "DROP TABLE IF EXISTS first;\nDROP TABLE IF EXISTS second;\n",
        "003_code.up.sql": "INSERT INTO codes VALUES ('a');\n",
        "003_code.down.sql": "",
    }
    code, findings, _ = run_verify(server, write_tree(tmp_path / "migrations", tree))
    assert where(findings) == [
        ("002_pick.up.sql", 1, "reapply-differs", "error"),
        ("002_pick.up.sql", 1, "schema-model-mismatch", "note"),
        ("003_code.up.sql", 1, "reapply-differs", "error"),
        ("003_code.up.sql", 1, "schema-model-mismatch", "note"),
    ]
    assert findings[0]["message"] == (
        "the up of 002_pick applied again after its down gives a different schema: "
        "table public.first is missing; table public.second is left over"
    )
    # The model replays both branches of the DO block: it holds a table PostgreSQL never made.
    assert findings[1]["message"] == (
        "after the up of 002_pick, sqlsoul's model and PostgreSQL disagree on table public.second: "
        "the model has a table, PostgreSQL has no such table"
    )
    # Reapplied, 002 made `second` instead of `first`: the model, which keeps both, now disagrees on `first`.
    assert "disagree on table public.first: the model has a table, PostgreSQL has no such table" in findings[3]["message"]
    # The down leaves the row the up inserted: applied again, the up fails on it.
    assert findings[2]["message"] == (
        "the up of 003_code fails when applied again after its down: duplicate key value violates unique "
        'constraint "codes_pkey" [SQLSTATE 23505]; verify stopped here'
    )


def test_settings_are_given_to_the_scratch_database(server: Server, tmp_path: Path) -> None:
    tree = {
        "001_t.up.sql": "DO $$ BEGIN EXECUTE format('CREATE TABLE %I (id int)', 'tenant_' || current_setting('app.tenant')); END $$;\n",
        "001_t.down.sql": "DROP TABLE tenant_acme;\n",
    }
    folder = write_tree(tmp_path / "migrations", tree)
    code, findings, _ = run_verify(server, folder)
    assert where(findings) == [("001_t.up.sql", 1, "environment-missing", "error")]
    assert findings[0]["help"] == "Give the setting its value with --setting app.tenant=VALUE."
    assert run_verify(server, folder, "--setting", "app.tenant=acme")[:2] == (0, [])


def test_a_lone_concurrent_down_runs_outside_a_transaction(server: Server, tmp_path: Path) -> None:
    tree = {
        "001_t.up.sql": "CREATE TABLE t (id int);\n",
        "001_t.down.sql": "DROP TABLE t;\n",
        "002_i.up.sql": "CREATE INDEX CONCURRENTLY t_id_idx ON t (id);\n",
        "002_i.down.sql": "DROP INDEX CONCURRENTLY t_id_idx;\n",
    }
    assert run_verify(server, write_tree(tmp_path / "migrations", tree))[:2] == (0, [])


def test_without_createdb_one_clear_line_and_no_password(server: Server, tmp_path: Path) -> None:
    with psycopg.connect(server.conninfo, autocommit=True) as connection:
        connection.execute("DROP ROLE IF EXISTS plain_user")
        connection.execute("CREATE ROLE plain_user LOGIN PASSWORD 'sekrit-password'")
    url = server.conninfo.replace("user=postgres", "user=plain_user password=sekrit-password")
    result = CliRunner().invoke(main, ["verify", "--database-url", url, str(write_tree(tmp_path / "m", TREE))])
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "sqlsoul: error: verify creates a scratch database and the role lacks CREATEDB: "
        "ALTER ROLE ... CREATEDB, or connect as a role that has it"
    )
    assert "sekrit" not in result.output


def test_snapshot_differences_cover_the_object_kinds(server: Server) -> None:
    with psycopg.connect(server.conninfo, autocommit=True) as connection:
        connection.execute("CREATE SCHEMA snap")
        connection.execute(
            "CREATE TABLE snap.t (id int PRIMARY KEY, state text DEFAULT 'new' CHECK (state <> ''));"
            "CREATE INDEX t_state_idx ON snap.t (state);"
            "CREATE TYPE snap.mood AS ENUM ('a', 'b');"
            "CREATE VIEW snap.v AS SELECT id FROM snap.t;"
            "CREATE FUNCTION snap.f(integer) RETURNS integer LANGUAGE sql AS 'SELECT $1';"
            "CREATE SEQUENCE snap.s;"
        )
        before = {key: value for key, value in take_snapshot(connection).items() if "snap." in key}
        connection.execute(
            "ALTER TABLE snap.t ALTER COLUMN state SET DEFAULT 'old';"
            "DROP INDEX snap.t_state_idx; CREATE INDEX t_state_idx ON snap.t (lower(state));"
            "ALTER TYPE snap.mood ADD VALUE 'c';"
            "CREATE OR REPLACE VIEW snap.v AS SELECT id, state FROM snap.t;"
            "CREATE OR REPLACE FUNCTION snap.f(integer) RETURNS integer LANGUAGE sql AS 'SELECT $1 + 1';"
            "ALTER SEQUENCE snap.s INCREMENT 2;"
            "ALTER TABLE snap.t DROP CONSTRAINT t_state_check;"
        )
        after = {key: value for key, value in take_snapshot(connection).items() if "snap." in key}
        connection.execute("DROP SCHEMA snap CASCADE")
    assert [re.split(" (?:is|has) ", item)[0] for item in differences(before, after)] == [
        "column snap.t.state",
        "column snap.v.state",
        "constraint snap.t.t_state_check",
        "function snap.f(integer)",
        "index snap.t_state_idx",
        "sequence snap.s",
        "type snap.mood",
        "view snap.v",
    ]
    changes = differences(before, after)
    assert "column snap.t.state is `text default 'old'::text` instead of `text default 'new'::text`" in changes
    assert "type snap.mood is `enum ('a', 'b', 'c')` instead of `enum ('a', 'b')`" in changes
    assert "function snap.f(integer) has a different definition" in changes


def test_sigterm_stops_and_deletes_the_throwaway_server(tmp_path: Path) -> None:
    write_tree(tmp_path / "slow", {"001_slow.sql": "SELECT pg_sleep(60);\n"})
    work = tmp_path / "tmp"
    work.mkdir()
    process = subprocess.Popen(
        [sys.executable, "-m", "sqlsoul", "verify", "slow"], cwd=tmp_path, env={**os.environ, "TMPDIR": str(work)},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    # Wait until a backend runs the sleeping statement (its process title ends in "SELECT"), however
    # slowly a loaded machine starts the server: a signal during set-up would test something else.
    while not (_server_ready(work) and _running_select()) and time.monotonic() < deadline:
        time.sleep(0.05)
    data = next(work.glob("sqlsoul-verify-*/data"))
    process.send_signal(signal.SIGTERM)
    assert process.wait(30) == 128 + signal.SIGTERM
    assert list(work.iterdir()) == []
    running = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
    assert str(data) not in running


def _running_select() -> bool:
    titles = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout.splitlines()
    return any(title.startswith("postgres: ") and title.rstrip().endswith("SELECT") for title in titles)


def _server_ready(work: Path) -> bool:
    for pid_file in work.glob("sqlsoul-verify-*/data/postmaster.pid"):
        try:
            if "ready" in pid_file.read_text():
                return True
        except OSError:
            pass
    return False


DEBIAN_BIN = next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), reverse=True)), None)


@pytest.mark.skipif(DEBIAN_BIN is None, reason="no PostgreSQL installed under /usr/lib/postgresql")
def test_postgres_bin_starts_another_installation(tmp_path: Path) -> None:
    assert DEBIAN_BIN is not None
    folder = write_tree(tmp_path / "migrations", {name: TREE[name] for name in ("001_users.up.sql", "001_users.down.sql")})
    result = CliRunner().invoke(main, ["verify", "-q", "--postgres-bin", str(DEBIAN_BIN.parent), str(folder)])
    assert (result.exit_code, result.stdout) == (0, "")


def test_one_server_at_a_time(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["verify", "--database-url", "x", "--postgres-bin", "y", str(tmp_path)])
    assert result.exit_code == 2
    assert result.stderr == "sqlsoul: error: use --database-url or --postgres-bin, not both\n"


def test_a_statement_sqlsoul_cannot_parse_is_reported_not_skipped(server: Server, tmp_path: Path) -> None:
    tree = {
        "001_a.up.sql": "CREATE TABLE a (id int);\n",
        "001_a.down.sql": "DROP TABLE a;\nDROPP TABLE b;\n",
        "002_b.up.sql": "CREATE TABLE b (id int);\nCREATE TABEL c (id int);\n",
        "002_b.down.sql": "DROP TABLE b;\n",
    }
    code, findings, _ = run_verify(server, write_tree(tmp_path / "migrations", tree))
    assert where(findings) == [("001_a.down.sql", 2, "down-fails", "error"), ("002_b.up.sql", 2, "up-fails", "error")]
    assert findings[0]["message"] == (
        'the down of 001_a cannot be run statement by statement: sqlsoul cannot parse it (syntax error at or near "DROPP")'
    )
    assert findings[1]["message"].endswith("; verify stopped here")


def test_the_model_cross_check_compares_constraints_by_name_and_kind() -> None:
    from sqlsoul.model import Constraint, ConstraintKind, Table
    from sqlsoul.verify.crosscheck import CrossCheck, _compare_constraints

    table = Table("public", "orders", constraints=[
        Constraint(ConstraintKind.PRIMARY_KEY, "orders_pkey", ("id",)),
        Constraint(ConstraintKind.CHECK, "orders_total_check", ("total",)),
        Constraint(ConstraintKind.UNIQUE, "orders_code_key", ("code",)),
    ])
    real = {"orders_pkey": ConstraintKind.PRIMARY_KEY, "orders_code_key": ConstraintKind.EXCLUSION,
            "orders_customer_id_fkey": ConstraintKind.FOREIGN_KEY}
    check = CrossCheck(set(), dynamic=False)
    _compare_constraints(check, table, real)
    assert [(m.key, m.model, m.real) for m in check.mismatches] == [
        ("constraint orders_customer_id_fkey on public.orders", "no such constraint", "a foreign key constraint"),
        ("constraint orders_total_check on public.orders", "a check constraint", "no such constraint"),
        ("constraint orders_code_key on public.orders", "a unique constraint", "an exclusion constraint"),
    ]


def test_select_keeps_only_the_named_findings_and_sarif_goes_beside_the_report(server: Server, tmp_path: Path) -> None:
    sarif = tmp_path / "verify.sarif"
    code, findings, _ = run_verify(
        server, write_tree(tmp_path / "migrations", TREE), "--select", "down-does-not-restore,SS954", "--sarif-output", str(sarif)
    )
    assert code == 1
    assert where(findings) == [
        ("002_email.down.sql", 1, "down-does-not-restore", "error"),
        ("003_mood.down.sql", 1, "down-does-not-restore", "error"),
        ("004_notes.up.sql", 1, "environment-missing", "error"),
    ]
    run_ = json.loads(sarif.read_text(encoding="utf-8"))["runs"][0]
    assert [rule["id"] for rule in run_["tool"]["driver"]["rules"]] == ["SS952", "SS954"]
    assert [result["ruleId"] for result in run_["results"]] == ["SS952", "SS952", "SS954"]
    # A lint rule named here is not verify's to report.
    code, findings, _ = run_verify(server, write_tree(tmp_path / "again", TREE), "--select", "missing-foreign-key")
    assert (code, findings) == (0, [])
