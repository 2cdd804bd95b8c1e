"""The PostgreSQL front end: no statement vanishes, and every position is an exact line:column.

Columns are 1-based code points; end columns are exclusive. Every expected position below was
counted by hand; the comments show the count.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sqlsoul.discovery import discover
from sqlsoul.engine import InputFile, Linter, LintResult, LintSettings
from sqlsoul.parsing import parse
from sqlsoul.registry import Registry
from sqlsoul.source import SourceFile, blank_non_sql

Position = tuple[int, int, int, int]  # line, column, end line, end column


def lint(registry: Registry, text: str | bytes, enabled: set[str] | None = None) -> LintResult:
    data = text if isinstance(text, bytes) else text.encode("utf-8")
    settings = LintSettings(enabled=registry.select(None, []) if enabled is None else enabled)
    return Linter(registry, settings).lint([[InputFile("case.sql", "case.sql", None, data)]])


def found(result: LintResult, rule: str) -> list[Position]:
    return [(f.line, f.column, f.end_line, f.end_column) for f in result.findings if f.rule == rule]


def statements(text: str) -> list[tuple[str, tuple[int, int], tuple[int, int], str]]:
    """(kind, start line:column, end line:column exclusive, original text) of each parsed statement."""
    source = SourceFile("case.sql", "case.sql", text)
    parsed = parse(source)
    return [
        (
            statement.kind,
            source.position(statement.span.start),
            source.position(statement.span.end),
            source.data[statement.span.start : statement.span.end].decode("utf-8"),
        )
        for statement in parsed.statements
    ]


def failures(text: str) -> list[tuple[tuple[int, int], str]]:
    source = SourceFile("case.sql", "case.sql", text)
    return [(source.position(failure.span.start), failure.message) for failure in parse(source).failures]


# --- no statement vanishes ------------------------------------------------------------------------


def test_a_misspelled_statement_between_good_ones_is_reported_and_the_others_are_linted(registry) -> None:
    result = lint(registry, "select 1; selec 2; select 3;")
    # "select 1; " is 10 characters, so `selec` starts at column 11 and ends before column 16.
    assert found(result, "parse-error") == [(1, 11, 1, 16)]
    assert result.statements == 2
    assert statements("select 1; selec 2; select 3;") == [
        ("SelectStmt", (1, 1), (1, 9), "select 1"),
        ("SelectStmt", (1, 20), (1, 28), "select 3"),  # "select 1; selec 2; " is 19 characters
    ]


def test_every_bad_statement_gets_its_own_error(registry) -> None:
    text = "selec 1;\nCREATE TABLE t (id int);\nalter tabel t add b int;\nSELECT 2;\n"
    result = lint(registry, text)
    assert found(result, "parse-error") == [(1, 1, 1, 6), (3, 7, 3, 12)]  # `tabel` after "alter "
    assert result.statements == 2


def test_a_syntax_error_at_the_end_of_the_input_points_at_its_statement(registry) -> None:
    result = lint(registry, "select 1;\nselect (\n")
    assert found(result, "parse-error") == [(2, 1, 2, 7)]
    assert result.statements == 1


def test_an_unbalanced_parenthesis_does_not_swallow_the_statements_after_it(registry) -> None:
    # pglast's scanner split stops splitting for good after an unclosed parenthesis.
    result = lint(registry, "select (1;\nselect 2;\nselect 3;\n")
    # The statement ends before its parenthesis closes: "at end of input", reported at its start.
    assert found(result, "parse-error") == [(1, 1, 1, 7)]
    assert result.statements == 2


def test_a_stray_closing_parenthesis_does_not_swallow_the_statements_after_it(registry) -> None:
    result = lint(registry, "select 1);\nselect 2;\nselect 3;\n")
    assert found(result, "parse-error") == [(1, 9, 1, 10)]
    assert result.statements == 2


def test_unterminated_quote_is_reported_at_its_start_and_earlier_statements_are_linted(registry) -> None:
    text = "CREATE TABLE t (id bigint PRIMARY KEY);\nINSERT INTO t VALUES ('oops);\nSELECT 1;\n"
    result = lint(registry, text)
    assert found(result, "parse-error") == [(2, 23, 2, 24)]  # "INSERT INTO t VALUES (" is 22 characters
    assert result.statements == 1


def test_unterminated_dollar_quote_is_reported_at_its_start(registry) -> None:
    text = "SELECT 1;\nCREATE FUNCTION f() RETURNS int AS $$ SELECT 1;\nSELECT 2;\n"
    result = lint(registry, text)
    assert found(result, "parse-error") == [(2, 36, 2, 37)]  # "CREATE FUNCTION f() RETURNS int AS " is 35
    assert result.statements == 1


def test_unterminated_comment_is_reported_at_its_start(registry) -> None:
    result = lint(registry, "SELECT 1;\nSELECT 2; /* never closed\nSELECT 3;\n")
    assert found(result, "parse-error") == [(2, 11, 2, 12)]
    assert result.statements == 2


def test_unterminated_quote_after_non_ascii_text_on_its_line(registry) -> None:
    # "SELECT '中文', " is 13 code points (S E L E C T space ' 中 文 ' , space), the quote is the 14th.
    result = lint(registry, "SELECT 'é😀';\nSELECT '中文', 'oops;\n")
    assert found(result, "parse-error") == [(2, 14, 2, 15)]
    assert result.statements == 1


def test_linting_goes_on_after_a_bad_token(registry) -> None:
    # PostgreSQL's scanner gives up on the whole input at `123abc` (trailing junk); sqlsoul reports
    # it where it is and scans on behind it.
    result = lint(registry, "select 1; select 123abc; select 3;\nselect \"\" from t; select 0x; select 6;")
    # Line 2: `""` at column 8; 'select "" from t; select ' is 25 characters, so `0x` is at column 26.
    assert found(result, "parse-error") == [(1, 18, 1, 19), (2, 8, 2, 9), (2, 26, 2, 27)]
    assert result.statements == 3


def test_an_escape_that_makes_invalid_utf8_is_reported_at_its_literal(registry) -> None:
    # libpg_query gives no position for this error; it is found by scanning prefixes.
    result = lint(registry, "select 1;\nselect 'é', E'\\0';\nselect 3;\n")
    assert found(result, "parse-error") == [(2, 13, 2, 14)]  # "select 'é', " is 12 characters
    assert result.statements == 2


def test_a_nul_character_is_reported_and_does_not_end_the_file(registry) -> None:
    # libpg_query reads a C string: a NUL used to end the file there, silently dropping the rest.
    result = lint(registry, "select 1;\x00 selec 2; select 3;")
    assert found(result, "parse-error") == [(1, 10, 1, 11), (1, 12, 1, 17)]
    assert result.statements == 2


def test_begin_atomic_bodies_survive_the_statement_by_statement_fallback(registry) -> None:
    # The bad statement forces the fallback path; the function's body holds semicolons but is
    # one statement, not three, and is not a parse error.
    text = (
        "CREATE FUNCTION f() RETURNS int LANGUAGE sql\n"
        "BEGIN ATOMIC\n"
        "  SELECT 1;\n"
        "  SELECT 2;\n"
        "END;\n"
        "selec 3;\n"
        "SELECT 4;\n"
    )
    assert failures(text) == [((6, 1), 'syntax error at or near "selec"')]
    assert [(kind, start, end) for kind, start, end, _ in statements(text)] == [
        ("CreateFunctionStmt", (1, 1), (5, 4)),
        ("SelectStmt", (7, 1), (7, 9)),
    ]


def test_an_error_inside_a_begin_atomic_body_is_reported_where_it_is(registry) -> None:
    text = "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELEC 2; END;\nSELECT 4;\n"
    result = lint(registry, text)
    # "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; " is 68 characters.
    assert found(result, "parse-error") == [(1, 69, 1, 74)]


def test_rule_action_lists_survive_the_fallback(registry) -> None:
    text = "CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO a VALUES (1); INSERT INTO b VALUES (2));\nselec;\n"
    assert failures(text) == [((2, 1), 'syntax error at or near "selec"')]
    assert [kind for kind, *_ in statements(text)] == ["RuleStmt"]


# --- statement spans --------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["", "\nselec 3;\n"], ids=["whole-file-parse", "statement-by-statement"])
def test_statement_locations_skip_leading_comments(suffix: str) -> None:
    # Regression for pglast 8 (PostgreSQL 18), whose stmt_location skips the comment before a statement
    # (pglast 7 pointed just after the previous semicolon). The é before it checks the byte/char mapping.
    found_statements = statements("select 'é';\n\n-- c\nselect 2;" + suffix)
    assert found_statements[:2] == [
        ("SelectStmt", (1, 1), (1, 11), "select 'é'"),
        ("SelectStmt", (4, 1), (4, 9), "select 2"),
    ]


def test_a_span_runs_from_the_first_token_to_before_the_semicolon() -> None:
    text = "  /* lead */ CREATE TABLE t (\n    id int /* inner */\n) -- trailing\n;\nSELECT 1"
    assert statements(text) == [
        ("CreateStmt", (1, 14), (3, 14), "CREATE TABLE t (\n    id int /* inner */\n) -- trailing"),
        ("SelectStmt", (5, 1), (5, 9), "SELECT 1"),
    ]


# --- text that is not SQL is blanked, offsets stay true ----------------------------------------


def test_psql_meta_commands_and_placeholders_are_blanked_in_place(registry) -> None:
    text = "\\set ON_ERROR_STOP on\nCREATE TABLE ${schema}.t (id bigint PRIMARY KEY);\n\\connect other\nSELECT 1;\nselec 2;\n"
    source = SourceFile("case.sql", "case.sql", text)
    assert source.sql_text == (
        "                     \nCREATE TABLE _________.t (id bigint PRIMARY KEY);\n              \nSELECT 1;\nselec 2;\n"
    )
    assert len(source.sql) == len(source.data)
    result = lint(registry, text)
    assert found(result, "parse-error") == [(5, 1, 5, 6)]
    assert result.statements == 2
    assert statements(text)[0][1:3] == ((2, 1), (2, 49))  # the statement is 48 characters long


def test_a_placeholder_before_an_error_keeps_its_column(registry) -> None:
    # "CREATE TABLE ${schema}.t (id int); " is 35 characters.
    result = lint(registry, "CREATE TABLE ${schema}.t (id int); selec 1;")
    assert found(result, "parse-error") == [(1, 36, 1, 41)]
    assert result.statements == 1


def test_a_non_ascii_placeholder_is_blanked_too(registry) -> None:
    result = lint(registry, "CREATE TABLE ${schéma}.t (id int);\nCREATE TABLE ${sché}.u (id int); selec 1;")
    assert found(result, "parse-error") == [(2, 34, 2, 39)]  # "CREATE TABLE ${sché}.u (id int); " is 33
    assert result.statements == 2


@pytest.mark.parametrize(
    ("text", "error_line"),
    [
        ("SELECT count(*) AS n FROM pg_class \\gset\nSELECT 2;\nselec 3;\n", 3),
        ("SELECT count(*) AS n FROM pg_class\n\\gset\nSELECT 2;\nselec 3;\n", 4),
        ("SELECT 'é' AS n \\gset p_\nSELECT 2;\nselec 3;\n", 3),
    ],
    ids=["same-line", "own-line", "after-non-ascii"],
)
def test_gset_ends_the_query_it_follows(registry, text: str, error_line: int) -> None:
    # \gset sends the query buffer like a semicolon, so the next statement is a statement of its own.
    result = lint(registry, text)
    assert found(result, "parse-error") == [(error_line, 1, error_line, 6)]
    assert result.statements == 2


def test_gset_becomes_a_semicolon_of_the_same_length() -> None:
    assert blank_non_sql(b"SELECT 1 AS n \\gset\nSELECT 2;") == b"SELECT 1 AS n ;    \nSELECT 2;"


def test_offsets_after_blanked_non_ascii_text_stay_exact(registry) -> None:
    # Blanking "café 😀" turns 6 characters into 10 spaces; positions after it must not drift.
    result = lint(registry, "\\echo café 😀\nSELECT 1;\nselec 2;\n")
    assert found(result, "parse-error") == [(3, 1, 3, 6)]
    assert result.statements == 1


@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_copy_from_stdin_data_is_blanked_up_to_the_end_marker(registry, newline: str) -> None:
    text = newline.join(["COPY t (a, b) FROM stdin;", "1\té;x", "2\t'oops", "\\.", "selec 1;", ""])
    result = lint(registry, text)
    assert found(result, "parse-error") == [(5, 1, 5, 6)]
    assert result.statements == 1
    assert statements(text)[0][:3] == ("CopyStmt", (1, 1), (1, 25))


def test_psql_copy_from_stdin_data_is_blanked(registry) -> None:
    result = lint(registry, "\\copy t from stdin\n1\té\n\\.\nselec 2;\n")
    assert found(result, "parse-error") == [(4, 1, 4, 6)]
    assert result.statements == 0


def test_sqlsoul_comment_text_inside_strings_is_not_a_comment() -> None:
    source = SourceFile("case.sql", "case.sql", "SELECT '-- not a comment', $$ /* nor this */ $$; -- this one\n")
    assert [(comment.text, comment.line) for comment in source.comments] == [("-- this one", 1)]


def test_comments_before_an_unterminated_quote_are_still_found() -> None:
    # Regression: reading the scanner's error position used an attribute ParseError does not have.
    source = SourceFile("case.sql", "case.sql", "-- first\nSELECT 1; /* second */\nSELECT 'oops\n-- hidden in the string\n")
    assert [(comment.text, comment.line, comment.own_line) for comment in source.comments] == [
        ("-- first", 1, True),
        ("/* second */", 2, False),
    ]


# --- exact positions with non-ASCII text, CRLF and a BOM ---------------------------------------


MISSING_FK = "CREATE TABLE customers (id bigint PRIMARY KEY);\nCREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint);\n"


@pytest.mark.parametrize(
    ("data", "position"),
    [
        # "CREATE TABLE orders (id bigint PRIMARY KEY, " is 44 characters; customer_id is 11 long.
        (MISSING_FK.encode(), (2, 45, 2, 56)),
        (MISSING_FK.replace("\n", "\r\n").encode(), (2, 45, 2, 56)),
        (b"\xef\xbb\xbf" + MISSING_FK.encode(), (2, 45, 2, 56)),
        (b"\xef\xbb\xbf" + MISSING_FK.replace("\n", "\r\n").encode(), (2, 45, 2, 56)),
        # "CREATE TABLE " 13 + '"commandes_é😀中"' 15 + " (" 2 + "id bigint PRIMARY KEY, " 23 = 53.
        (MISSING_FK.replace("orders", '"commandes_é😀中"').encode(), (2, 54, 2, 65)),
    ],
    ids=["lf", "crlf", "bom", "bom-crlf", "non-ascii-before-it"],
)
def test_finding_positions_are_code_points(registry, data: bytes, position: Position) -> None:
    assert found(lint(registry, data), "missing-foreign-key") == [position]


def test_positions_in_the_fallback_path_with_non_ascii_text_elsewhere(registry) -> None:
    text = (
        "CREATE TABLE customers (id bigint PRIMARY KEY, nom text DEFAULT 'café 😀');\n"
        "selec 1;\n"
        "CREATE TABLE orders (note text DEFAULT '中文', customer_id bigint);\n"
    )
    result = lint(registry, text)
    assert found(result, "parse-error") == [(2, 1, 2, 6)]
    # "CREATE TABLE orders (note text DEFAULT '中文', " is 45 characters.
    assert found(result, "missing-foreign-key") == [(3, 46, 3, 57)]
    assert result.statements == 2


def test_positions_in_the_fallback_path_with_crlf_and_a_bom(registry) -> None:
    text = "CREATE TABLE customers (id bigint PRIMARY KEY);\r\nselec 1;\r\nCREATE TABLE orders (é text, customer_id bigint);\r\n"
    result = lint(registry, b"\xef\xbb\xbf" + text.encode())
    assert found(result, "parse-error") == [(2, 1, 2, 6)]
    assert found(result, "missing-foreign-key") == [(3, 30, 3, 41)]  # "CREATE TABLE orders (é text, " is 29
    assert result.statements == 2


def test_invalid_utf8_is_reported_at_the_first_bad_byte(registry) -> None:
    # "SELECT 1; -- caf" is 16 characters; the latin-1 é is the 17th.
    result = lint(registry, b"SELECT 1; -- caf\xe9\nSELECT 2; -- \xff\n")
    assert found(result, "invalid-encoding") == [(1, 17, 1, 18)]
    assert result.statements == 2


def test_invalid_utf8_after_valid_multibyte_text_on_its_line(registry) -> None:
    # "SELECT 'é'; -- " is 15 code points (é is 2 bytes); later positions are still exact.
    result = lint(registry, b"SELECT '\xc3\xa9'; -- \xff\nselec 2;\n")
    assert found(result, "invalid-encoding") == [(1, 16, 1, 17)]
    assert found(result, "parse-error") == [(2, 1, 2, 6)]
    assert result.statements == 1


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_an_unreadable_file_is_reported_and_the_run_goes_on(registry, tmp_path: Path) -> None:
    (tmp_path / "001_create.sql").write_text(MISSING_FK, encoding="utf-8")
    (tmp_path / "002_missing.sql").symlink_to(tmp_path / "nowhere.sql")
    (tmp_path / "003_more.sql").write_text("SELECT 1;\n", encoding="utf-8")
    settings = LintSettings(enabled=registry.select(None, []))
    result = Linter(registry, settings).lint(discover([str(tmp_path)], tmp_path, []))
    assert [(f.root_path, f.rule, f.line, f.column) for f in result.findings] == [
        ("001_create.sql", "missing-foreign-key", 2, 45),
        ("002_missing.sql", "unreadable-file", 1, 1),
    ]
    assert result.files == 3
    assert result.statements == 3
