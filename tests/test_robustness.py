"""sqlsoul never crashes and never loses a statement, on real corpora and on random or broken SQL."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pglast import parser as pg

from sqlsoul.engine import Linter, LintSettings
from sqlsoul.history import InputFile, decode
from sqlsoul.parsing import parse
from sqlsoul.registry import Registry, load_registry
from sqlsoul.source import SourceFile, scan

from conftest import REPO, SHARED

CORPORA = SHARED / "corpora"
CORPUS_NAMES = [
    "lemmy",
    "concourse",
    "marquez",
    "supabase-postgres",
    "hatchet",
    "pagila",
    "ranger-mysql",  # MySQL: unsupported, must still finish cleanly
    "zotero-sqlite",  # SQLite: unsupported, must still finish cleanly
    "nz-buildings",
    "pay-ledger",
]
REGISTRY: Registry = load_registry(plugins=False)


# --- (a) real corpora through the command line --------------------------------------------------


@pytest.mark.parametrize("name", CORPUS_NAMES)
def test_linting_a_real_corpus_finishes_cleanly(name: str, tmp_path: Path) -> None:
    folder = CORPORA / name
    if not folder.is_dir():
        pytest.skip(f"corpus {name} is not available at {folder}")
    command = [sys.executable, "-m", "sqlsoul", "lint", "--no-plugins", "--no-color", "--format", "json", str(folder)]
    run = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=120, env=_environment())
    assert run.returncode in (0, 1), run.stderr
    assert "Traceback" not in run.stderr and "internal error" not in run.stderr, run.stderr
    report = json.loads(run.stdout)
    assert report["summary"]["files"] > 0 and report["summary"]["statements"] > 0
    for finding in report["findings"]:
        # Every finding points inside its file, at a position that exists.
        path = Path(finding["path"])
        assert folder in path.parents, finding
        lines = path.read_bytes().decode("utf-8-sig", "replace").split("\n")
        assert 1 <= finding["line"] <= len(lines), finding
        assert 1 <= finding["column"] <= len(lines[finding["line"] - 1]) + 1, finding
        assert (finding["end_line"], finding["end_column"]) > (finding["line"], finding["column"]), finding


def _environment() -> dict[str, str]:
    environment = dict(os.environ)
    environment["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO / "src"), environment.get("PYTHONPATH")]))
    environment["NO_COLOR"] = "1"
    return environment


# --- the coverage invariant ---------------------------------------------------------------------------


def check_nothing_is_lost(text: str) -> None:
    """Check that every piece of `text` is parsed or reported, and that the engine agrees.

    The invariant is stated on the blanked text (`SourceFile.sql_text`: meta-commands, COPY data and
    placeholders blanked, NUL turned into a space), in character offsets, with PostgreSQL's tokens.
    `pglast.parser.scan` stops at the first lexical error, so tokens come from `sqlsoul.source.scan`,
    which goes on behind a bad token (`123abc`); step 0 checks that it agrees with pglast's scanner up
    to that first error. None of this depends on how parsing.py splits the file.

    0. With no lexical error, the tokens are pglast's. Otherwise the first error has pglast's message
       (and position, when pglast gives one) and the tokens before it are pglast's tokens of that prefix
       (of the prefix before the literal that holds it, for a bad escape inside a literal).
    1. Statement spans are in order, do not overlap, start at a non-comment token and end inside or at
       the end of a token (no leading comment, no trailing whitespace). Parse errors sit on a token or
       a lexical error and never inside a statement; every lexical error is a parse error.
    2. Cut the token stream at every `;` token into pieces (a piece runs from the character after a
       semicolon up to and including the next semicolon; the last piece runs to the end of the text).
       After an unterminated quote, dollar quote or comment there are no tokens, so the piece holding
       it runs to the end of the text and holds its parse error.
    3. A non-comment token is covered when it lies inside a statement span. Every piece that holds an
       uncovered non-comment token must either hold a parse error, or be part of a statement that
       holds semicolons of its own (a BEGIN ATOMIC body, a rule's action list) and is reported further
       on: the text from the first piece of its run of uncovered, unreported pieces up to its end fails
       with "at end of input" (the parser wants more), and the next piece is uncovered too, so the run
       ends in a piece with a parse error. A piece that parses by itself and does not continue an
       unfinished statement can therefore never be left out silently: no statement vanishes.
    4. When libpg_query parses the whole text at once, there is no parse error and the statements are
       exactly its statements. (A NUL character is read as a space and reported at its place.)
    5. The engine lints the text without raising, counts the same statements, and reports a
       parse-error finding at the line:column of each parse failure.
    """
    data = text.encode("utf-8")
    text = decode(data)[0]  # as the engine reads it: a leading BOM dropped
    source = SourceFile("fuzz.sql", "fuzz.sql", text)
    parsed = parse(source)
    sql = source.sql_text
    char_at = _byte_to_char(source.sql)
    spans = [(char_at[s.span.start], char_at[s.span.end]) for s in parsed.statements]
    errors = [char_at[f.span.start] for f in parsed.failures]

    scanned = scan(sql)
    tokens = scanned.tokens
    lexical = [error.position for error in scanned.errors]

    # 0. agreement with pglast's scanner
    try:
        assert tokens == pg.scan(sql) and lexical == [], text
    except pg.ParseError as error:
        first = scanned.errors[0]
        assert first.message == str(error.args[0]) and error.args[1] in (None, first.position), (error.args, text)
        try:
            before = pg.scan(sql[: first.position])
        except pg.ParseError as inner:  # the error is inside a literal: compare up to the literal
            before = pg.scan(sql[: inner.args[1]])
        assert [t for t in tokens if t.start < first.position] == before, text
    real_tokens = [t for t in tokens if t.name not in ("SQL_COMMENT", "C_COMMENT")]

    # 1. spans and error positions
    assert spans == sorted(spans)
    for (start, end), (next_start, _) in zip(spans, spans[1:]):
        assert end <= next_start, (spans, text)
    for start, end in spans:
        assert start < end and start in {t.start for t in real_tokens}, (start, end, text)
        assert any(t.start < end <= t.end + 1 for t in tokens) and sql[end - 1] not in " \t\n\r\f\v", (start, end, text)
    nul = source.data.find(b"\x00")
    for position in errors:
        if nul >= 0 and position == char_at[nul]:
            continue  # the NUL finding is about the file; the NUL itself is read as a space
        # At a token, or inside one (a bad escape in U&'...' is reported where the escape is).
        assert position in lexical or any(t.start <= position <= t.end for t in tokens), (position, text)
        assert not any(start <= position < end for start, end in spans), (position, spans, text)
    assert set(lexical) <= set(errors), (lexical, errors, text)
    if nul >= 0:
        assert char_at[nul] in errors

    # 2. pieces
    pieces: list[tuple[int, int, list]] = []  # (first char, last char inclusive, non-comment tokens)
    low, members = 0, []
    for token in tokens:
        if token.name == "ASCII_59":
            pieces.append((low, token.start, members))
            low, members = token.end + 1, []
        elif token.name not in ("SQL_COMMENT", "C_COMMENT"):
            members.append(token)
    pieces.append((low, len(sql), members))
    pieces = [piece for piece in pieces if piece[2]]  # `;;` is an empty statement, not a piece

    # 3. coverage
    def covered(token) -> bool:
        return any(start <= token.start < end for start, end in spans)

    uncovered = [any(not covered(t) for t in members) for _, _, members in pieces]
    statement_errors = [position for position in errors if nul < 0 or position != char_at[nul]]
    reported = [any(low <= position <= high for position in statement_errors) for low, high, _ in pieces]
    chain_start = None  # first piece of the current run of uncovered pieces without an error
    for number, (low, high, members) in enumerate(pieces):
        if not uncovered[number] or reported[number]:
            chain_start = None
            continue
        if chain_start is None:
            chain_start = min(t.start for t in members)
        so_far = sql[chain_start:high]
        try:
            pg.parse_sql_json(so_far)
        except pg.ParseError as error:
            cut_short = error.args[1] is None and "end of input" in str(error.args[0])
        else:
            cut_short = False
        assert cut_short and number + 1 < len(pieces) and uncovered[number + 1], (
            f"{sql[low:high]!r} was neither parsed nor reported",
            text,
        )

    # 4. the fast path
    try:
        whole = json.loads(pg.parse_sql_json(sql))
    except pg.ParseError:
        pass
    else:
        assert errors == ([char_at[nul]] if nul >= 0 else []), text
        assert len(spans) == len(whole.get("stmts", ())), text

    # 5. the engine
    settings_ = LintSettings(enabled=set(REGISTRY.rules))
    result = Linter(REGISTRY, settings_).lint([[InputFile("fuzz.sql", "fuzz.sql", None, data)]])
    assert result.statements == len(parsed.statements)
    positions = [(f.line, f.column) for f in result.findings if f.rule == "parse-error"]
    assert positions == sorted(source.position(f.span.start) for f in parsed.failures)


def _byte_to_char(data: bytes) -> dict[int, int]:
    mapping: dict[int, int] = {}
    text = data.decode("utf-8")
    offset = 0
    for char, ch in enumerate(text):
        mapping[offset] = char
        offset += len(ch.encode("utf-8"))
    mapping[offset] = len(text)
    return mapping


# --- (b) random and mutated SQL ---------------------------------------------------------------

SEEDS = [
    "CREATE TABLE customers (id bigint PRIMARY KEY, email text NOT NULL UNIQUE);\n"
    "CREATE TABLE orders (\n    id bigint PRIMARY KEY,\n    customer_id bigint REFERENCES customers (id),\n"
    "    status varchar(20) NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'paid'))\n);\n",
    "ALTER TABLE orders ADD COLUMN note text DEFAULT 'café ☕';\nCREATE INDEX CONCURRENTLY orders_note_idx ON orders (note);\n"
    "COMMENT ON COLUMN orders.note IS '注文のメモ';\n",
    "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  NEW.updated_at := now();\n"
    "  RETURN NEW;\nEND;\n$$;\nCREATE TRIGGER t BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION touch();\n",
    "CREATE FUNCTION one() RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n  SELECT 1;\n  SELECT 2;\nEND;\nSELECT one();\n",
    "-- +goose Up\n-- +goose StatementBegin\nCREATE TYPE mood AS ENUM ('sad', 'ok');\n-- +goose StatementEnd\n"
    "/* block\n comment */ ALTER TYPE mood ADD VALUE 'happy' BEFORE 'ok';\n",
    "\\set ON_ERROR_STOP on\nCREATE SCHEMA IF NOT EXISTS ${schema};\nCREATE TABLE ${schema}.t (\"é\" int, \"a;b\" text);\n"
    "SELECT count(*) AS n FROM ${schema}.t \\gset\nSELECT :n;\n",
    "COPY t (a, b) FROM stdin;\n1\tx;y\n2\t'z\n\\.\nSELECT E'\\'quoted\\'', U&'\\0041', B'101', X'ff';\r\n",
    "CREATE RULE r AS ON INSERT TO a DO ALSO (INSERT INTO b VALUES (1); INSERT INTO c VALUES (2));\n"
    "CREATE TABLE p (id int) PARTITION BY RANGE (id);\nCREATE TABLE p1 PARTITION OF p FOR VALUES FROM (1) TO (10);\n",
    "DO $body$ BEGIN RAISE NOTICE 'x;y'; END $body$;\nSET search_path TO app, public;\nDROP TABLE IF EXISTS x CASCADE;\n",
    "CREATE TABLE `mysql` (id INT AUTO_INCREMENT PRIMARY KEY) ENGINE=InnoDB;\nINSERT INTO t VALUES (1), (2);\n",
]
PIECES = [
    "'", '"', "$$", "$a$", ";", ";;", "--", "/*", "*/", "\n", "\r", "\r\n", "(", ")", " ", "é", "😀", "中文",
    "\\set x 1\n", "\\connect db\n", "${v}", " \\gset\n", "\\.\n", "E'\\'", "selec", "SELECT 1", "BEGIN ATOMIC",
    "END", "CREATE TABLE t (a int)", "123abc", "0x", "::", ",", "\x00", "\ufeff", "U&'", "-- sqlsoul: ignore[SS101]\n",
    "FROM stdin;\n", "E'\\0'", "E'\\u'", "U&\"", "$1", ":x", "BEGIN ATOMIC SELECT 1; END", "\\copy t from stdin\n",
]


@st.composite
def mutated_sql(draw) -> str:
    text = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(0, 6))):
        operation = draw(st.sampled_from(["delete", "insert", "duplicate"]))
        at = draw(st.integers(0, len(text)))
        if operation == "delete":
            text = text[:at] + text[draw(st.integers(at, min(len(text), at + 12))) :]
        elif operation == "insert":
            piece = draw(st.sampled_from(PIECES) | st.text(max_size=3))
            text = text[:at] + piece + text[at:]
        else:
            end = draw(st.integers(at, min(len(text), at + 40)))
            text = text[:end] + text[at:end] + text[end:]
    return text


random_sql = st.lists(st.sampled_from(PIECES) | st.text(max_size=4), max_size=30).map("".join)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_sql())
def test_mutated_sql_never_crashes_or_loses_a_statement(text: str) -> None:
    check_nothing_is_lost(text)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_sql)
def test_random_sql_never_crashes_or_loses_a_statement(text: str) -> None:
    check_nothing_is_lost(text)


@pytest.mark.parametrize("seed", SEEDS, ids=range(len(SEEDS)))
def test_the_seeds_themselves(seed: str) -> None:
    check_nothing_is_lost(seed)


# --- one bad statement does not disturb the others ------------------------------------------------

GOOD = [
    "SELECT 1",
    "SELECT 'é; 😀' AS \"中;文\"",
    "CREATE TABLE t (id bigint PRIMARY KEY, note text DEFAULT ';')",
    "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1; SELECT 2 $$",
    "CREATE FUNCTION g() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END",
    "CREATE RULE r AS ON INSERT TO a DO ALSO (INSERT INTO b VALUES (1); INSERT INTO c VALUES (2))",
    "ALTER TABLE t ADD COLUMN c int /* ; */ NOT NULL",
    "SELECT E'\\'; x'",
]
BAD = [
    "selec 1",
    "SELECT 1 2",
    "CREATE TABEL t (a int)",
    "SELECT (1",
    "SELECT 1)",
    "ALTER TABLE t ADD COLUM x int",
    "SELECT 'é' 😀 'ü'",
    "INSERT INTO t VALEUS (1)",
]
SEPARATORS = [";\n", "; ", ";\r\n", ";\n-- comment; with a semicolon\n", ";\n/* c */ ", ";\n\n"]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.booleans(), st.integers(0, 7), st.sampled_from(SEPARATORS)), min_size=1, max_size=8)
)
def test_bad_statements_leave_the_good_ones_exactly_where_they_are(plan) -> None:
    """Good statements keep their exact spans whatever bad ones sit between them; each bad one is reported."""
    text, good, bad = "", [], []
    for is_good, pick, separator in plan:
        item = GOOD[pick] if is_good else BAD[pick]
        (good if is_good else bad).append((len(text), len(text) + len(item)))
        text += item + separator
    source = SourceFile("case.sql", "case.sql", text)
    parsed = parse(source)
    char_at = _byte_to_char(source.sql)
    assert [(char_at[s.span.start], char_at[s.span.end]) for s in parsed.statements] == good, text
    errors = [char_at[f.span.start] for f in parsed.failures]
    assert len(errors) == len(bad), text
    assert all(start <= error < end for error, (start, end) in zip(errors, bad)), (errors, bad, text)
