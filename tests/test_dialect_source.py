"""The source layer in each dialect, as users meet it: comments and suppressions, caret widths,
what is blanked before parsing, executable comments, and passwords kept out of every output.

Columns are 1-based code points and end columns exclusive; the comments show the counts.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from pglast import parser as pg

from sqlsoul.cli import main
from sqlsoul.dialects.front import parse_foreign
from sqlsoul.findings import Span
from sqlsoul.history import InputFile, SourceCache
from sqlsoul.reporters import FORMATS
from sqlsoul.source import SourceFile

from conftest import SHARED

Found = tuple[str, int, int, int]  # (code, line, column, end column)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args: str) -> tuple[str, str]:
    """(stdout, stderr) of `sqlsoul lint` in the current folder."""
    result = CliRunner().invoke(main, ["lint", "--no-color", "--fail-on", "never", *args], prog_name="sqlsoul")
    assert result.exit_code == 0, (result.exception, result.stderr)
    return result.stdout, result.stderr


def lint(project: Path, text: str, dialect: str, select: str, name: str = "001_init.sql") -> list[Found]:
    """The findings of the selected rules on one file read in `dialect` (postgres included)."""
    (project / name).write_text(text, encoding="utf-8")
    output, _ = run("--format", "json", "--dialect", dialect, "--select", select, name)
    return [(f["code"], f["line"], f["column"], f["end_column"]) for f in json.loads(output)["findings"]]


def comment_texts(text: str, dialect: str) -> list[str]:
    return [comment.text for comment in SourceFile("case.sql", "case.sql", text, dialect).comments]


# --- comments and suppressions --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dialect", "text", "comments"),
    [
        # MySQL: `#` comments; `--` only before white space (1--1 is arithmetic); a backslash escapes
        # a quote inside a string, so the `--` after it is string content.
        ("mysql", "SELECT 'it\\'s -- not', 1--1, \"a # b\", `c -- d` # hash\n-- dash\n/* c */ SELECT 1;",
         ["# hash", "-- dash", "/* c */"]),
        ("mariadb", "SELECT 1; #hash at the end", ["#hash at the end"]),
        # SQLite: no `#` comment, no backslash escape, and [name] is a quoted name.
        ("sqlite", "SELECT 'it''s -- not', [a -- b], \"c -- d\" -- dash\n/* c */ SELECT 1;", ["-- dash", "/* c */"]),
        # PostgreSQL keeps its own scanner: with standard strings 'it\' ends at the second quote.
        ("postgres", "SELECT 'it\\'s -- a comment here';", ["-- a comment here';"]),
    ],
)
def test_comments_are_those_of_the_files_dialect(dialect: str, text: str, comments: list[str]) -> None:
    assert comment_texts(text, dialect) == comments


SUPPRESSION_RULES = "float-for-exact-value,unused-suppression,unknown-rule-in-suppression"
FLOATS = (
    "CREATE TABLE orders (\n"
    "  id bigint PRIMARY KEY,\n"
    "  price float NOT NULL {directive}\n"
    ");\n"
    "CREATE TABLE items (\n"
    "  id bigint PRIMARY KEY,\n"
    "  cost float NOT NULL\n"
    ");\n"
)


@pytest.mark.parametrize("dialect", ["mysql", "mariadb"])
@pytest.mark.parametrize("comment", ["#", "# ", "--", "/*"])
def test_any_comment_of_mysql_holds_a_directive(project: Path, dialect: str, comment: str) -> None:
    directive = f"{comment} sqlsoul: ignore[float-for-exact-value] the feed sends binary floats"
    if comment == "/*":
        directive += " */"
    text = FLOATS.format(directive=directive)
    # items.cost on line 7 (`  cost`: column 3) is still reported; orders.price is silenced.
    assert lint(project, text, dialect, SUPPRESSION_RULES) == [("SS406", 7, 3, 7)]


def test_a_hash_is_no_comment_in_sqlite(project: Path) -> None:
    text = FLOATS.format(directive="") + "# sqlsoul: ignore-file[float-for-exact-value]\n"
    found = lint(project, text, "sqlite", SUPPRESSION_RULES + ",parse-error")
    assert found == [("SS406", 3, 3, 8), ("SS406", 7, 3, 7), ("SS900", 9, 1, 2)]


def test_a_backslash_escaped_quote_makes_no_phantom_comment(project: Path) -> None:
    text = (
        "CREATE TABLE notes (\n"
        "  id bigint PRIMARY KEY,\n"
        "  body varchar(200) DEFAULT 'it\\'s -- sqlsoul: ignore[no-such-rule, float-for-exact-value]'\n"
        ");\n"
    )
    assert lint(project, text, "mysql", SUPPRESSION_RULES) == []
    # Read as PostgreSQL the same line holds a comment with an unknown rule and an unused suppression.
    assert [code for code, *_ in lint(project, text, "postgres", SUPPRESSION_RULES)] == ["SS903", "SS904"]


def test_a_directive_above_a_stored_program_in_a_delimiter_block(project: Path) -> None:
    text = (
        "DELIMITER $$\n"
        "# sqlsoul: ignore[unsupported-statement] reviewed by hand\n"
        "CREATE PROCEDURE p() BEGIN SELECT 1; END $$\n"
        "CREATE PROCEDURE q() BEGIN SELECT 2; END $$\n"
        "DELIMITER ;\n"
    )
    # The note's span is `CREATE PROCEDURE` (16 characters).
    assert lint(project, text, "mysql", "unsupported-statement,unused-suppression") == [("SS905", 4, 1, 17)]


def test_a_directive_above_or_after_a_statement_that_is_not_modelled(project: Path) -> None:
    text = (
        "-- sqlsoul: ignore[unsupported-statement] run by hand after the load\n"
        "OPTIMIZE TABLE orders;\n"
        "REPAIR TABLE orders; # sqlsoul: ignore[unsupported-statement] MyISAM only\n"
        "FLUSH TABLES;\n"
    )
    assert lint(project, text, "mysql", "unsupported-statement,unused-suppression") == [("SS905", 4, 1, 6)]


@pytest.mark.parametrize("statement", ["REPAIR TABLE orders", "CHECK TABLE orders FOR UPGRADE", "CHECKSUM TABLE orders",
                                       "RENAME USER 'a'@'%' TO 'b'@'%'"])
def test_maintenance_statements_are_notes_a_directive_can_silence(project: Path, statement: str) -> None:
    rules = "unsupported-statement,parse-error,unused-suppression"
    word = statement.split()[0]
    assert lint(project, f"{statement};\n", "mysql", rules) == [("SS905", 1, 1, 1 + len(word))]
    assert lint(project, f"# sqlsoul: ignore[unsupported-statement] maintenance\n{statement};\n", "mysql", rules) == []


def test_the_dialect_from_the_file_name_reaches_the_comments(project: Path) -> None:
    (project / "001_init.mysql.sql").write_text(FLOATS.format(directive="# sqlsoul: ignore[float-for-exact-value]"), encoding="utf-8")
    output, _ = run("--format", "json", "--select", SUPPRESSION_RULES, "001_init.mysql.sql")
    assert [(f["code"], f["line"]) for f in json.loads(output)["findings"]] == [("SS406", 7)]


# --- caret widths ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dialect", "name"),
    [("mysql", "`price`"), ("mariadb", "`price`"), ("sqlite", "[price]"), ("sqlite", '"price"'),
     ("sqlite", "`price`"), ("postgres", '"price"')],
)
def test_a_quoted_name_is_underlined_whole(project: Path, dialect: str, name: str) -> None:
    text = f"CREATE TABLE orders (id bigint PRIMARY KEY, {name} float);\n"
    # `CREATE TABLE orders (id bigint PRIMARY KEY, ` is 44 characters: the name is columns 45 to 51.
    assert lint(project, text, dialect, "float-for-exact-value") == [("SS406", 1, 45, 52)]


@pytest.mark.parametrize(
    ("dialect", "text", "end"),
    [
        ("mysql", "`a``b` x", 6),  # a doubled backquote stays inside
        ("mysql", "'it\\'s' x", 7),  # a string, with its backslash escape
        ("mysql", '"a\\"b" x', 6),
        ("mysql", "`never closed", 13),
        ("mysql", "[a] x", 1),  # no quote in MySQL
        ("sqlite", "[a b] x", 5),
        ("sqlite", "'it''s' x", 7),
        ("postgres", '"a""b" x', 6),
        ("postgres", "`a` x", 1),  # no quote in PostgreSQL
        ("mysql", "price x", 5),
    ],
)
def test_identifier_end_knows_the_dialects_quotes(dialect: str, text: str, end: int) -> None:
    assert SourceFile("case.sql", "case.sql", text, dialect).identifier_end(0) == end


# --- what is blanked before parsing ---------------------------------------------------------------

# A string that goes on over a line starting with a backslash: psql would read that line as a
# meta-command, MySQL and SQLite read it as the rest of the string.
TABLE = "CREATE TABLE t (id bigint PRIMARY KEY, p varchar(20));\n"
BACKSLASH_LINES = {
    "mysql": TABLE + "INSERT INTO t (id, p) VALUES (1, 'C:\n\\\\');\n",  # 'C:<newline>\\' is C:, newline, backslash
    "sqlite": TABLE + "INSERT INTO t (id, p) VALUES (1, 'C:\n\\');\n",
}


@pytest.mark.parametrize("dialect", ["mysql", "sqlite"])
def test_psql_meta_commands_are_blanked_in_postgres_files_only(project: Path, dialect: str) -> None:
    text = BACKSLASH_LINES[dialect]
    assert lint(project, text, dialect, "parse-error") == []
    # Read as PostgreSQL, line 3 is a meta-command: the string is never closed (line 2, column 34).
    assert lint(project, text, "postgres", "parse-error") == [("SS900", 2, 34, 35)]


@pytest.mark.parametrize("dialect", ["mysql", "sqlite"])
def test_placeholders_of_migration_tools_are_blanked_in_every_dialect(project: Path, dialect: str) -> None:
    text = "CREATE TABLE ${schema}.orders (id bigint PRIMARY KEY, price float);\n"
    # `CREATE TABLE ${schema}.orders (id bigint PRIMARY KEY, ` is 54 characters.
    assert lint(project, text, dialect, "float-for-exact-value,parse-error") == [("SS406", 1, 55, 60)]


# --- MySQL's executable comments ------------------------------------------------------------------


def test_executable_comments_are_read_as_the_sql_they_hold(project: Path) -> None:
    text = (
        "/*!40101 SET NAMES utf8 */;\n"
        "/*!50100 CREATE TABLE t (a int) */;\n"  # `/*!50100 CREATE TABLE ` is 22 characters
        "/*M!100100 CREATE TABLE u (a int) */;\n"  # MariaDB's own: a comment to MySQL
        "CREATE TABLE v (id int PRIMARY KEY, note varchar(20) DEFAULT '/*!50100 x */') /*!50100 ENGINE=InnoDB */;\n"
    )
    rules = "table-without-primary-key,parse-error,unsupported-statement"
    assert lint(project, text, "mysql", rules) == [("SS501", 2, 23, 24)]
    assert lint(project, text, "mariadb", rules) == [("SS501", 2, 23, 24), ("SS501", 3, 25, 26)]


def test_a_mysqldump_trigger_in_executable_comments_is_noted(project: Path) -> None:
    text = (
        "DELIMITER ;;\n"
        "/*!50003 CREATE*/ /*!50017 DEFINER=`root`@`localhost`*/ /*!50003 TRIGGER t_bi BEFORE INSERT ON t\n"
        "FOR EACH ROW SET NEW.a = 1 */;;\n"
        "DELIMITER ;\n"
    )
    assert [(code, line, column) for code, line, column, _ in lint(project, text, "mysql", "unsupported-statement,parse-error")] == [
        ("SS905", 2, 10)
    ]


def test_executable_comments_are_no_comments_and_strings_stay_as_written() -> None:
    source = SourceFile("case.sql", "case.sql", "SELECT '/*!1 x */' /*! + 1 */; /* plain */ # hash\n", "mysql")
    assert source.sql == b"SELECT '/*!1 x */'     + 1   ; /* plain */ # hash\n"
    assert [comment.text for comment in source.comments] == ["/* plain */", "# hash"]
    assert SourceFile("case.sql", "case.sql", "SELECT 1 /*! + 1 */;", "postgres").sql == b"SELECT 1 /*! + 1 */;"


# --- passwords --------------------------------------------------------------------------------------

# Each statement sets a password; an OPTIMIZE TABLE (a note) on the same line makes every output show
# the line. Every literal below but the account names must appear in no output.
ACCOUNTS = (
    "CREATE USER 'app'@'%' IDENTIFIED BY 'S3cret-create'; OPTIMIZE TABLE t;\n"
    "ALTER USER app@localhost IDENTIFIED BY 'S3cret-alter' REPLACE 'S3cret-current'; OPTIMIZE TABLE t;\n"
    "GRANT ALL ON *.* TO 'app'@'localhost' IDENTIFIED BY 'S3cret-grant';\n"
    "SET PASSWORD FOR 'app'@'%' = 'S3cret-set'; OPTIMIZE TABLE t;\n"
    "SET PASSWORD = PASSWORD('S3cret-function'); OPTIMIZE TABLE t;\n"
    "CREATE USER ops IDENTIFIED WITH mysql_native_password AS '*94BDCEBE19083CE2A1F959FD02F964C7AF4CFC29'; OPTIMIZE TABLE t;\n"
    "ALTER USER bob IDENTIFIED BY 'it\\'s-S3cret-escaped', carol IDENTIFIED BY \"S3cret-double\"; OPTIMIZE TABLE t;\n"
    "CREATE USER maria@test IDENTIFIED VIA ed25519 USING PASSWORD('S3cret-via'); OPTIMIZE TABLE t;\n"
)
SECRETS = ["S3cret", "94BDCEBE19083CE2A1F959FD02F964C7AF4CFC29"]


@pytest.mark.parametrize("dialect", ["mysql", "mariadb"])
@pytest.mark.parametrize("output_format", list(FORMATS))
def test_no_password_in_any_format(project: Path, dialect: str, output_format: str) -> None:
    (project / "001_accounts.sql").write_text(ACCOUNTS, encoding="utf-8")
    output = "".join(run("--format", output_format, "--dialect", dialect, "001_accounts.sql"))
    assert "OPTIMIZE" in output or "SS905" in output  # the lines were reported on
    for secret in SECRETS:
        assert secret not in output


def test_text_shows_each_account_line_masked_with_columns_kept(project: Path) -> None:
    (project / "001_accounts.sql").write_text(ACCOUNTS, encoding="utf-8")
    output, _ = run("--dialect", "mysql", "001_accounts.sql")
    shown = [line[2:] for line in output.splitlines() if line.startswith("  ") and "OPTIMIZE" in line or "GRANT ALL" in line]
    # Each line is shown for its note and for each password finding on it: masked every time.
    assert list(dict.fromkeys(shown)) == [
        "CREATE USER 'app'@'%' IDENTIFIED BY ***************; OPTIMIZE TABLE t;",
        "ALTER USER app@localhost IDENTIFIED BY ************** REPLACE ****************; OPTIMIZE TABLE t;",
        "GRANT ALL ON *.* TO 'app'@'localhost' IDENTIFIED BY **************;",
        "SET PASSWORD FOR 'app'@'%' = ************; OPTIMIZE TABLE t;",
        "SET PASSWORD = PASSWORD(*****************); OPTIMIZE TABLE t;",
        "CREATE USER ops IDENTIFIED WITH mysql_native_password AS *******************************************; OPTIMIZE TABLE t;",
        "ALTER USER bob IDENTIFIED BY **********************, carol IDENTIFIED BY ***************; OPTIMIZE TABLE t;",
        "CREATE USER maria@test IDENTIFIED VIA ed25519 USING PASSWORD(************); OPTIMIZE TABLE t;",
    ]
    # The grant itself is not modelled; the note says what of it was checked.
    assert "3:1: note SS905 unsupported-statement: GRANT is not modelled; only the passwords it sets are checked" in output


def test_password_in_migration_reports_each_mysql_password(project: Path) -> None:
    """The rule reads the role statements the front end makes as it reads PostgreSQL's."""
    found = lint(project, ACCOUNTS, "mariadb", "password-in-migration", name="001_accounts.sql")
    assert found == [
        ("SS603", 1, 37, 52),  # 'S3cret-create'
        ("SS603", 2, 40, 54), ("SS603", 2, 63, 79),  # the new password and the current one
        ("SS603", 3, 53, 67),
        ("SS603", 4, 30, 42),
        ("SS603", 5, 25, 42),  # the argument of PASSWORD(...)
        ("SS603", 6, 58, 101),
        # A literal ends where MySQL ends it: after the backslash-escaped quote, at the closing double quote.
        ("SS603", 7, 30, 52), ("SS603", 7, 74, 89),
        ("SS603", 8, 62, 74),
    ]


def _without_locations(tree: Any) -> Any:
    if isinstance(tree, dict):
        return {key: _without_locations(value) for key, value in tree.items()
                if not key.endswith("location") and not key.startswith("sqlsoul_")}
    if isinstance(tree, list):
        return [_without_locations(item) for item in tree]
    return tree


@pytest.mark.parametrize(
    ("mysql", "postgres"),
    [
        ("CREATE USER 'app'@'%' IDENTIFIED BY 'pw'", "CREATE USER app PASSWORD 'pw'"),
        ("ALTER USER app IDENTIFIED BY 'pw'", "ALTER USER app PASSWORD 'pw'"),
        ("SET PASSWORD FOR app = 'pw'", "ALTER USER app PASSWORD 'pw'"),
        ("SET PASSWORD = 'pw'", "ALTER USER CURRENT_USER PASSWORD 'pw'"),
        ("CREATE USER app", "CREATE USER app"),
    ],
)
def test_account_statements_have_libpg_querys_role_shapes(mysql: str, postgres: str) -> None:
    source = SourceFile("case.sql", "case.sql", mysql, "mysql")
    [statement] = parse_foreign(source, "mysql").statements
    [(kind, node)] = [next(iter(raw["stmt"].items())) for raw in json.loads(pg.parse_sql_json(postgres))["stmts"]]
    assert (statement.kind, _without_locations(statement.node)) == (kind, _without_locations(node))
    for option in statement.node.get("options", []):  # the literal's offset, as SS603 reads it
        assert mysql[option["DefElem"]["arg_location"]:].startswith("'pw'")


def test_the_account_host_and_each_account_of_a_statement() -> None:
    text = "CREATE USER IF NOT EXISTS 'a'@'%' IDENTIFIED BY 'x', b@192.168.0.1, c DEFAULT ROLE r1, r2;"
    parsed = parse_foreign(SourceFile("case.sql", "case.sql", text, "mysql"), "mysql")
    assert [(s.node["role"], s.node.get("sqlsoul_host"), len(s.node.get("options", []))) for s in parsed.statements] == [
        ("a", "%", 1), ("b", "192.168.0.1", 0), ("c", None, 0),
    ]
    assert parsed.failures == [] and parsed.unsupported == []


def test_a_broken_account_statement_quotes_no_token(project: Path) -> None:
    found = lint(project, "CREATE USER;\nSET PASSWORD FOR;\n", "mysql", "parse-error")
    assert found == [("SS900", 1, 8, 12), ("SS900", 2, 14, 17)]
    output, _ = run("--dialect", "mysql", "--select", "parse-error", "001_init.sql")
    assert "syntax error: an account name is missing" in output


def test_ranger_dev_user_shows_no_password_in_any_format(project: Path) -> None:
    folder = SHARED / "corpora" / "ranger-mysql"
    if not folder.is_dir():
        pytest.skip(f"{folder} is not here")
    # create_dev_user.sql: `create user 'xaadmin'@'%' identified by 'xaadmin';` and a GRANT ... IDENTIFIED BY.
    literal = re.compile(r"by\s+'?xaadmin", re.IGNORECASE)
    for output_format in FORMATS:
        output = "".join(run("--format", output_format, "--dialect", "mysql", str(folder)))
        assert "create_dev_user.sql" in output
        assert not literal.search(output), output_format


# --- the dialect is part of a file's reading --------------------------------------------------------


def test_a_file_is_read_once_and_shared_in_each_dialect_with_its_masks(tmp_path: Path) -> None:
    path = tmp_path / "2_seed.up.sql"
    path.write_text("SELECT 1; # note\n", encoding="utf-8")
    item = InputFile("2_seed.up.sql", "2_seed.up.sql", str(path))
    cache = SourceCache()
    as_postgres = cache.read(item).source
    as_mysql = cache.read(item, "mysql").source
    assert as_postgres is not None and as_mysql is not None
    assert (as_postgres.dialect, as_mysql.dialect) == ("postgres", "mysql")
    assert cache.read(item, "mysql").source is as_mysql and cache(item) is as_postgres
    assert [c.text for c in as_mysql.comments] == ["# note"] and as_postgres.comments == []
    as_mysql.redact(Span(0, 6))
    assert as_postgres.line_text(1) == "****** 1; # note"
