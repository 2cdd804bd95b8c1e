"""Dialects as users meet them: --dialect, the config's `dialect:`, file names, what runs where, SS905."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from sqlsoul.config import Config, ConfigError, lint_settings, load_config
from sqlsoul.dialects import MARIADB, MYSQL, POSTGRES, SQLITE, DialectChoice, dialect_in_name, parse_version
from sqlsoul.discovery import discover
from sqlsoul.engine import Linter
from sqlsoul.registry import Registry

from conftest import SHARED, findings, one_error_line, run, write

CORPORA = SHARED / "corpora"
# `OPTIMIZE TABLE t` is MySQL: PostgreSQL's parser stops at its first word (SS900), the MySQL front
# end knows it as a statement it does not model (SS905). Which of the two a file gets shows how it was read.
OPTIMIZE_SQL = "CREATE TABLE t (id bigint PRIMARY KEY);\nOPTIMIZE TABLE t;\n"
# An ALTER TABLE of an existing table in a migration without lock_timeout: SS217 missing-lock-timeout
# is a PostgreSQL lock rule, reported at the ALTER on line 1, column 1 of the up of version 2.
ALTER_SQL = "ALTER TABLE accounts ADD COLUMN nickname varchar(40);\n"
CREATE_SQL = "CREATE TABLE accounts (id bigint PRIMARY KEY, email varchar(200) NOT NULL);\n"



@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def dialects_read(project: Path, registry: Registry, config: str, forced: str | None = None) -> dict[str, str]:
    """How the engine read each file of the project under a config: root path -> dialect."""
    settings = lint_settings(load_config(write(project / ".sqlsoul.yaml", config), registry), set(), dialect=forced)
    result = Linter(registry, settings).lint(discover(["."], project, []))
    return {source.root_path: source.dialect for source in result.sources.values()}


# --- which dialect a file is in -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "dialect"),
    [
        ("db/1_init.mysql.up.sql", MYSQL),
        ("db/1_init.sqlite3.up.sql", SQLITE),
        ("db/1_init.sqlite.down.sql", SQLITE),
        ("schema.mariadb.sql", MARIADB),
        ("schema.postgresql.sql", POSTGRES),
        ("schema.pg.sql", POSTGRES),
        ("2_x.mysql.autocommit.up.sql", MYSQL),  # ory popx's autocommit flag comes after the engine
        ("1_init.cockroach.up.sql", POSTGRES),  # CockroachDB speaks PostgreSQL's SQL
        ("V1__init.sql", None),
        ("1_init.up.sql", None),
        ("up.sql", None),
        ("mysql_users.sql", None),  # a word in the name is not a dialect part
        ("notes.oracle.sql", None),
    ],
)
def test_dialect_part_of_a_file_name(name: str, dialect: str | None) -> None:
    assert dialect_in_name(name) == dialect


def test_resolution_order_cli_then_config_glob_then_file_name_then_history_then_config_default() -> None:
    choice = DialectChoice(forced=None, paths=(("legacy/*", POSTGRES), ("lite/*", SQLITE)), default=MARIADB)
    assert choice.of("legacy/1_init.mysql.up.sql") == POSTGRES  # a glob beats the name
    assert choice.of("lite/schema.sql") == SQLITE
    assert choice.of("db/1_init.mysql.up.sql", history=SQLITE) == MYSQL  # the name beats the history
    assert choice.of("db/2_seed.up.sql", history=SQLITE) == SQLITE  # the history beats the default
    assert choice.of("db/2_seed.up.sql") == MARIADB
    assert DialectChoice().of("db/2_seed.up.sql") == POSTGRES
    forced = DialectChoice(forced=MYSQL, paths=(("legacy/*", POSTGRES),), default=SQLITE)
    assert forced.of_history(["legacy/1.sqlite3.up.sql", "db/x.sql"]) == {"legacy/1.sqlite3.up.sql": MYSQL, "db/x.sql": MYSQL}


def test_a_shared_file_takes_the_one_engine_its_history_names() -> None:
    paths = ["db/1_init.mysql.up.sql", "db/1_init.mysql.down.sql", "db/2_seed.up.sql"]
    assert DialectChoice().of_history(paths) == dict.fromkeys(paths, MYSQL)
    # Two engines named: the shared file cannot tell (discovery splits such folders per engine).
    assert DialectChoice().of_history(["1_a.mysql.up.sql", "1_a.sqlite3.up.sql", "2_b.up.sql"])["2_b.up.sql"] == POSTGRES


def test_the_engine_reads_each_file_in_its_dialect(project: Path, registry: Registry) -> None:
    write(project / "pg/001_init.sql", "SELECT 1;\n")
    write(project / "legacy/001_init.mysql.sql", "SELECT 1;\n")
    write(project / "lite/schema.sql", "SELECT 1;\n")
    write(project / "named/schema.sqlite3.sql", "SELECT 1;\n")
    write(project / "app/1_init.mariadb.up.sql", "SELECT 1;\n")
    write(project / "app/2_seed.up.sql", "SELECT 1;\n")
    config = 'dialect:\n  "legacy/*": postgres\n  "lite/*": sqlite\n'
    assert dialects_read(project, registry, config) == {
        "pg/001_init.sql": POSTGRES,
        "legacy/001_init.mysql.sql": POSTGRES,  # the config's glob beats the name
        "lite/schema.sql": SQLITE,
        "named/schema.sqlite3.sql": SQLITE,
        "app/1_init.mariadb.up.sql": MARIADB,
        "app/2_seed.up.sql": MARIADB,  # named by its history
    }
    # One name for the whole project: files whose names say otherwise keep their own.
    assert dialects_read(project, registry, "dialect: mysql\n")["pg/001_init.sql"] == MYSQL
    assert dialects_read(project, registry, "dialect: mysql\n")["named/schema.sqlite3.sql"] == SQLITE
    # --dialect beats everything.
    assert set(dialects_read(project, registry, config, forced=SQLITE).values()) == {SQLITE}


def test_dialect_on_the_command_line_changes_how_a_file_is_read(project: Path) -> None:
    write(project / "001_optimize.sql", OPTIMIZE_SQL)
    as_postgres = run("lint", "--format", "json", "001_optimize.sql")
    assert findings(as_postgres) == [("001_optimize.sql", "SS900", 2, 1)]
    assert as_postgres.exit_code == 1
    as_mysql = run("lint", "--format", "json", "--dialect", "mysql", "001_optimize.sql")
    assert findings(as_mysql) == [("001_optimize.sql", "SS905", 2, 1)]
    assert as_mysql.exit_code == 0  # a note does not fail the run


def test_stdin_takes_the_dialect_of_its_file_name(project: Path) -> None:
    result = run("lint", "--format", "json", "--stdin-filename", "optimize.mysql.sql", "-", input=OPTIMIZE_SQL)
    assert findings(result) == [("optimize.mysql.sql", "SS905", 2, 1)]


def test_unknown_dialect_on_the_command_line_is_one_line_and_exit_2(project: Path) -> None:
    write(project / "x.sql", "SELECT 1;\n")
    message = one_error_line(run("lint", "--dialect", "oracle", "x.sql"))
    assert message.startswith("Invalid value for '--dialect': 'oracle' is not one of 'postgres', 'mysql', 'mariadb', 'sqlite'")


# --- config -------------------------------------------------------------------------------------


def config_error(tmp_path: Path, name: str, text: str, registry: Registry) -> str:
    path = write(tmp_path / name, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path, registry)
    message = str(caught.value)
    assert message.startswith(f"{path}:") and "\n" not in message
    return message.removeprefix(f"{path}:")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("fail_on: error\ndialect: oracle\n", "2: dialect: expected one of postgres, mysql, mariadb, sqlite, got 'oracle'"),
        (
            'dialect:\n  "db/mysql/*": mysql\n  "db/ora/*": oracle\n',
            "3: dialect.db/ora/*: expected one of postgres, mysql, mariadb, sqlite, got 'oracle'",
        ),
        ("dialect: [mysql]\n", "1: dialect: expected one of postgres, mysql, mariadb, sqlite, got ['mysql']"),
        (
            "mariadb_version: 10.10\n",
            '1: mariadb_version: write the version in quotes, e.g. "10.11": unquoted it reads as the number 10.1',
        ),
        (
            'mysql_version: "8.0.x"\n',
            "1: mysql_version: expected a version such as \"8.0.16\" (one to three numbers separated by dots), got '8.0.x'",
        ),
        ("mysql_version: true\n", '1: mysql_version: expected a version such as "8.0.16", got True'),
    ],
)
def test_yaml_dialect_mistakes_name_the_line_and_the_key(tmp_path: Path, registry: Registry, text: str, expected: str) -> None:
    assert config_error(tmp_path, ".sqlsoul.yaml", text, registry) == expected


def test_pyproject_dialect_mistake_names_the_line_and_the_key(tmp_path: Path, registry: Registry) -> None:
    text = '[tool.sqlsoul]\nfail_on = "error"\n\n[tool.sqlsoul.dialect]\n"db/*" = "mysql"\n"lite/*" = "sqlite4"\n'
    assert config_error(tmp_path, "pyproject.toml", text, registry) == (
        "6: dialect.lite/*: expected one of postgres, mysql, mariadb, sqlite, got 'sqlite4'"
    )


def test_config_sets_dialects_and_server_versions(tmp_path: Path, registry: Registry) -> None:
    text = 'dialect:\n  "db/mysql/**": mysql\n  "db/lite/*": sqlite\nmysql_version: "8.0.16"\nmariadb_version: "10.11"\n'
    config = load_config(write(tmp_path / ".sqlsoul.yaml", text), registry)
    settings = lint_settings(config, set())
    assert settings.dialects == DialectChoice(None, (("db/mysql/**", MYSQL), ("db/lite/*", SQLITE)), POSTGRES)
    assert (settings.mysql_version, settings.mariadb_version) == ((8, 0, 16), (10, 11, 0))
    assert lint_settings(Config(), set(), dialect=SQLITE).dialects.forced == SQLITE
    defaults = lint_settings(Config(), set())
    assert (defaults.mysql_version, defaults.mariadb_version) == ((8, 4, 0), (11, 4, 0))
    assert parse_version("9") == (9, 0, 0)


def test_a_config_error_stops_the_run_with_exit_2(project: Path) -> None:
    write(project / ".sqlsoul.yaml", "dialect: mssql\n")
    write(project / "x.sql", "SELECT 1;\n")
    assert one_error_line(run("lint", "x.sql")) == (
        f"{project / '.sqlsoul.yaml'}:1: dialect: expected one of postgres, mysql, mariadb, sqlite, got 'mssql'"
    )


# --- what runs on which dialect -----------------------------------------------------------------


def test_rules_lists_each_rules_dialects(registry: Registry) -> None:
    result = run("rules")
    assert result.exit_code == 0
    header, *rows = result.stdout.splitlines()
    assert header.split() == ["CODE", "NAME", "CATEGORY", "SEVERITY", "DEFAULT", "DIALECTS", "SUMMARY"]
    cells = {row.split()[0]: re.split(r"\s{2,}", row, maxsplit=6) for row in rows}
    assert cells["SS900"][:6] == ["SS900", "parse-error", "meta", "error", "on", "all"]
    assert cells["SS905"][:6] == ["SS905", "unsupported-statement", "meta", "note", "on", "all"]
    assert cells["SS217"][5] == "pg"  # a PostgreSQL lock rule
    assert len(rows) == len(registry.rules)


def test_explain_names_the_dialects() -> None:
    result = run("explain", "unsupported-statement")
    assert "Dialects: PostgreSQL, MySQL, MariaDB, SQLite" in result.stdout.splitlines()[2]
    assert "Dialects: PostgreSQL\n" in run("explain", "SS217").stdout


def test_postgres_lock_rule_does_not_fire_on_a_mysql_migration(project: Path) -> None:
    for engine in ("postgres", "mysql"):
        write(project / f"{engine}/1_accounts.up.sql", CREATE_SQL)
        write(project / f"{engine}/1_accounts.down.sql", "DROP TABLE accounts;\n")
        write(project / f"{engine}/2_nickname.up.sql", ALTER_SQL)
        write(project / f"{engine}/2_nickname.down.sql", "ALTER TABLE accounts DROP COLUMN nickname;\n")
    write(project / ".sqlsoul.yaml", 'dialect:\n  "mysql/*": mysql\n')
    result = run("lint", "--format", "json", "--select", "SS217", ".")
    assert findings(result) == [
        ("postgres/1_accounts.down.sql", "SS217", 1, 1),
        ("postgres/2_nickname.down.sql", "SS217", 1, 1),
        ("postgres/2_nickname.up.sql", "SS217", 1, 1),
    ]


def test_unsupported_statement_is_a_note_at_the_statement_start(project: Path) -> None:
    sql = "-- audit\nCREATE TABLE t (id bigint PRIMARY KEY);\n\n  OPTIMIZE TABLE t;\nLOCK TABLES t WRITE;\nGRANT SELECT ON shop.* TO 'reporting'@'%';\n"
    write(project / "db/schema.mysql.sql", sql)
    result = run("lint", "--format", "json", "db")
    # LOCK TABLES is modelled (a lock, as on PostgreSQL); OPTIMIZE and GRANT are not.
    assert [finding for finding in findings(result) if finding[1] == "SS905"] == [
        ("db/schema.mysql.sql", "SS905", 4, 3),
        ("db/schema.mysql.sql", "SS905", 6, 1),
    ]
    (first, *_) = [f for f in json.loads(result.stdout)["findings"] if f["code"] == "SS905"]
    assert first["severity"] == "note" and first["rule"] == "unsupported-statement"


def test_multi_engine_folder_is_one_history_per_engine(project: Path) -> None:
    """ory-style folder: each engine's up creates the table, a shared file alters it. Replayed as one
    history, the MySQL up would meet the PostgreSQL table; split, each engine's history is clean
    and the shared file's findings are shown once."""
    for engine in ("postgres", "mysql"):
        write(project / f"db/20200101000000_accounts.{engine}.up.sql", CREATE_SQL)
        write(project / f"db/20200101000000_accounts.{engine}.down.sql", "DROP TABLE accounts;\n")
    write(project / "db/20200102000000_nickname.up.sql", ALTER_SQL)
    write(project / "db/20200102000000_nickname.down.sql", "ALTER TABLE accounts DROP COLUMN nickname;\n")
    result = run("lint", "--format", "json", "--select", "SS301,SS217,SS404,SS900", "db")
    assert findings(result) == [
        ("db/20200101000000_accounts.postgres.down.sql", "SS217", 1, 1),
        ("db/20200101000000_accounts.postgres.up.sql", "SS404", 1, 47),  # varchar(200): a PostgreSQL type rule
        ("db/20200102000000_nickname.down.sql", "SS217", 1, 1),
        ("db/20200102000000_nickname.up.sql", "SS217", 1, 1),
        ("db/20200102000000_nickname.up.sql", "SS404", 1, 33),
    ]


def test_verify_refuses_other_dialects_before_starting_a_server(project: Path) -> None:
    write(project / "db/1_init.mysql.up.sql", CREATE_SQL)
    write(project / "db/1_init.mysql.down.sql", "DROP TABLE accounts;\n")
    assert one_error_line(run("verify", "--dialect", "sqlite", "db")) == (
        "verify runs migrations on PostgreSQL only, not sqlite; use 'sqlsoul lint --dialect sqlite'"
    )
    assert one_error_line(run("verify", "db")) == (
        "verify runs migrations on PostgreSQL only: db/1_init.mysql.down.sql is MySQL; "
        "check it with 'sqlsoul lint' (or give --dialect postgres)"
    )


# --- start-up -----------------------------------------------------------------------------------

PROBE = """
import json, sys
from sqlsoul.cli import main
try:
    main(json.loads(sys.argv[1]))
except SystemExit:
    pass
print("SQLGLOT" if any(name == "sqlglot" or name.startswith("sqlglot.") for name in sys.modules) else "NO SQLGLOT", file=sys.stderr)
"""


def _imports_sqlglot(project: Path, *args: str) -> bool:
    done = subprocess.run([sys.executable, "-c", PROBE, json.dumps(list(args))], cwd=project, capture_output=True, text=True, timeout=60)
    last = done.stderr.splitlines()[-1]
    assert last in ("SQLGLOT", "NO SQLGLOT"), done.stderr
    return last == "SQLGLOT"


def test_sqlglot_is_imported_only_for_a_file_of_another_dialect(project: Path) -> None:
    write(project / "pg/001_init.sql", CREATE_SQL)
    write(project / "my/001_init.mysql.sql", CREATE_SQL)
    assert not _imports_sqlglot(project, "lint", "pg")
    assert not _imports_sqlglot(project, "rules")
    assert _imports_sqlglot(project, "lint", "my")


# --- real corpora -------------------------------------------------------------------------------


@pytest.mark.parametrize(("corpus", "dialect"), [("ranger-mysql", "mysql"), ("zotero-sqlite", "sqlite")])
def test_real_corpora_lint_without_a_traceback(corpus: str, dialect: str) -> None:
    folder = CORPORA / corpus
    if not folder.is_dir():
        pytest.skip(f"{folder} is not here")
    result = run("lint", "--format", "json", "--dialect", dialect, "--fail-on", "never", str(folder))
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["findings"], "a real schema has something to say"
