"""Statements inside DO blocks and function bodies, with their real place in the file.

A DO block runs while the migration runs: the static SQL of its body is part of the migration. A
function's body runs only when the function is called, later and maybe never, yet it is schema the
team wrote and reviews. Both are string literals to the SQL parser; here they are read as PL/pgSQL
(or, for LANGUAGE sql functions, as SQL) and each statement becomes a `Statement` whose node
locations map to the file, so a finding points at the line and column inside the body.

libpg_query's PL/pgSQL parser gives each statement's text (`PLpgSQL_expr.query`) and its line in the
body, not its offset, so the text is looked for in the body from that line on, after the statement
before it. PL/pgSQL changes a statement's text in two ways the search allows for: an INTO clause is
overwritten with blanks of the same length (or cut off at the end), and `PERFORM x` becomes
`SELECT x`. What is not in the text can't be known: `EXECUTE` of a string built at run time is
skipped. A body that does not parse yields nothing: PostgreSQL itself checks a body only when the
function first runs (or with check_function_bodies), so it is no error of the migration.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable
from typing import Any

from sqlsoul.findings import Span
from sqlsoul.libpg import parser as pg
from sqlsoul.parsing import INSIDE_DO, INSIDE_FUNCTION, Statement, json_loads
from sqlsoul.source import SourceFile

# PL/pgSQL statements that run SQL written in the body, and the key of that SQL (a PLpgSQL_expr).
# A nested DO is a PLpgSQL_stmt_call too. EXECUTE and FOR ... IN EXECUTE build their SQL at run time.
_STATIC_SQL = {
    "PLpgSQL_stmt_execsql": "sqlstmt",
    "PLpgSQL_stmt_perform": "expr",
    "PLpgSQL_stmt_call": "expr",
    "PLpgSQL_stmt_fors": "query",
    "PLpgSQL_stmt_return_query": "query",
    "PLpgSQL_stmt_open": "query",
}
_PERFORM = "PLpgSQL_stmt_perform"
# Fields of PL/pgSQL nodes that hold statements, or nodes that do (blocks, branches, loops, handlers).
_NESTED = frozenset(
    {"action", "body", "then_body", "elsif_list", "else_body", "stmts", "case_when_list", "else_stmts", "exceptions",
     "exc_list"}
)
_DOLLAR_QUOTE = re.compile(rb"\$(?:[A-Za-z_\x80-\xff][A-Za-z0-9_\x80-\xff]*)?\$")
_FIRST_WORD = re.compile(r"\s*([A-Za-z]+|\()")
_BLANKS = re.compile(rb"( +)")
_WHITESPACE = b" \t\r\n\f\v"
_WORD_BYTES = 64  # enough of a statement to read its first word

# Statement rules of these categories judge function bodies too: a design or a security mistake is
# one wherever it is written. Lock, transaction and migration rules judge what runs during the
# migration, which a body does not.
FUNCTION_BODY_CATEGORIES = frozenset({"design", "security"})

# The words a statement of a kind can start with, by the first word of the kind's libpg_query name;
# kinds missing here could start with anything (no shortcut for them).
_LEADING_WORDS = {
    "Create": ("create",),
    "Define": ("create",),
    "Composite": ("create",),
    "Index": ("create",),
    "View": ("create",),
    "Rule": ("create",),
    "Alter": ("alter",),
    "Rename": ("alter",),
    "Drop": ("drop",),
    "Grant": ("grant", "revoke"),
    "Comment": ("comment",),
    "Sec": ("security",),
    "Truncate": ("truncate",),
    "Insert": ("insert", "with"),
    "Update": ("update", "with"),
    "Delete": ("delete", "with"),
    "Merge": ("merge", "with"),
    "Select": ("select", "with", "values", "table", "("),
    "Variable": ("set", "reset"),
    "Copy": ("copy",),
    "Reindex": ("reindex",),
    "Vacuum": ("vacuum", "analyze"),
    "Cluster": ("cluster",),
    "Lock": ("lock",),
    "Call": ("call",),
    "Do": ("do",),
}
_KIND_FIRST_WORD = re.compile(r"[A-Z][a-z]*")


def leading_words(kinds: Iterable[str]) -> frozenset[str] | None:
    """The words statements of these kinds can start with (lower case), None when one kind could start
    with any word. A body that holds none of them needs no parsing."""
    words: set[str] = set()
    for kind in kinds:
        first = _KIND_FIRST_WORD.match(kind)
        known = _LEADING_WORDS.get(first.group(0)) if first else None
        if known is None:
            return None
        words.update(known)
    return frozenset(words)


def do_statements(statement: Statement, source: SourceFile) -> list[Statement]:
    """The static SQL statements a DO block runs, in order; those of a DO block among them follow it."""
    return _expand(statement, source, INSIDE_DO, None)


def function_statements(statement: Statement, source: SourceFile, words: frozenset[str] | None) -> list[Statement]:
    """The static SQL statements of a CREATE FUNCTION / PROCEDURE body (plpgsql, or sql as a string).

    Only statements that start with one of `words` are read (None: all of them), so that a body
    holding nothing the asking rules look at costs a substring search.
    """
    return _expand(statement, source, INSIDE_FUNCTION, words)


def _expand(statement: Statement, source: SourceFile, inside: str, words: frozenset[str] | None) -> list[Statement]:
    found: list[Statement] = []
    for inner in _body_statements(statement, source, inside, words):
        found.append(inner)
        if inner.kind == "DoStmt":
            found.extend(_expand(inner, source, inside, words))
    return found


def _body_statements(
    statement: Statement, source: SourceFile, inside: str, words: frozenset[str] | None
) -> list[Statement]:
    """The statements of a DO or CREATE FUNCTION's body; [] for any other statement."""
    literal = _literal(statement)
    if literal is None:
        return []
    language, text, location = literal
    if language not in ("plpgsql", "sql") or (words is not None and not _holds_word(text, words)):
        return []
    placed = _placed(source, statement.offset(location), text)
    if placed is None:
        return []
    body = _Body(statement, source, inside, words, text, *placed)
    return body.plpgsql() if language == "plpgsql" else body.sql()


class _Body:
    """A body literal: its text as the parser read it, and where that text is in the file."""

    __slots__ = ("outer", "source", "inside", "words", "text", "data", "start", "quotes")

    def __init__(
        self, outer: Statement, source: SourceFile, inside: str, words: frozenset[str] | None, text: str, start: int,
        quotes: list[int],
    ) -> None:
        self.outer = outer
        self.source = source
        self.inside = inside
        self.words = words
        self.text = text
        self.data = text.encode("utf-8")
        self.start = start  # file offset of the body's first byte
        self.quotes = quotes  # body offsets of the quotes the file writes twice (a '...' literal)

    def file_offset(self, offset: int) -> int:
        return self.start + offset + (bisect_left(self.quotes, offset) if self.quotes else 0)

    def statement(self, kind: str, node: dict[str, Any], text_at: int, begin: int, end: int) -> Statement:
        """A statement of the body whose tree libpg_query built from the text starting at `text_at`."""
        doubled = tuple(quote - text_at for quote in self.quotes if text_at <= quote < end)
        return Statement(
            self.outer.index,  # a finding inside counts as the outer statement's: its suppressions cover it
            Span(self.file_offset(begin), self.file_offset(end)),
            kind,
            node,
            self.file_offset(text_at),
            inside=self.inside,
            doubled_quotes=doubled,
        )

    def wanted(self, first_word: str) -> bool:
        return self.words is None or first_word in self.words

    def sql(self) -> list[Statement]:
        """A LANGUAGE sql body: plain SQL statements."""
        try:
            tree = json_loads(pg.parse_sql_json(self.text))
        except pg.ParseError:
            return []
        found = []
        data = self.data
        for raw in tree.get("stmts", ()):
            start = raw.get("stmt_location", 0)
            length = raw.get("stmt_len", 0)
            end = start + length if length else len(data)
            while start < end and data[start] in _WHITESPACE:
                start += 1
            while end > start and data[end - 1] in _WHITESPACE:
                end -= 1
            if self.wanted(_first_word(data[start : start + _WORD_BYTES].decode("utf-8", "replace"))):
                ((kind, node),) = raw["stmt"].items()
                found.append(self.statement(kind, node, 0, start, end))
        return found

    def plpgsql(self) -> list[Statement]:
        """A LANGUAGE plpgsql body (or a DO block's): the static SQL of its statements."""
        outer = self.outer
        # The statement as written, so the function's arguments, result and trigger variables are
        # declared: PL/pgSQL rejects an assignment to a variable it does not know (NEW.x := ...).
        written = self.source.sql[outer.span.start : outer.span.end].decode("utf-8", "replace")
        try:
            functions = json_loads(pg.parse_plpgsql_json(written))
        except pg.ParseError:
            return []
        pieces: list[tuple[str, int, bool]] = []
        _static_sql(functions, pieces)
        line_starts = [0, *(match.end() for match in re.finditer(rb"\n", self.data))]
        found: list[Statement] = []
        searched_to = 0
        for query, line, perform in pieces:
            if not self.wanted("select" if perform else _first_word(query)):
                continue
            line_start = line_starts[line - 1] if 0 < line <= len(line_starts) else 0
            located = _locate(self.data, query.encode("utf-8"), max(searched_to, line_start), perform)
            if located is None:
                continue
            begin, text_at, end = located
            searched_to = end
            try:
                tree = json_loads(pg.parse_sql_json(query))
            except pg.ParseError:
                continue
            for raw in tree.get("stmts", ())[:1]:  # PL/pgSQL ends a statement at its semicolon
                ((kind, node),) = raw["stmt"].items()
                found.append(self.statement(kind, node, text_at, begin, end))
        return found


def _literal(statement: Statement) -> tuple[str, str, int] | None:
    """(language, body, location of the body literal) of a DO or CREATE FUNCTION with a string body."""
    node = statement.node
    if statement.kind == "DoStmt":
        options, language = node.get("args"), "plpgsql"
    elif statement.kind == "CreateFunctionStmt":
        options, language = node.get("options"), ""
    else:
        return None
    body: str | None = None
    location = -1
    for item in options or ():
        option = item.get("DefElem") or {}
        name, argument = option.get("defname"), option.get("arg") or {}
        if name == "language":
            language = argument.get("String", {}).get("sval", "").lower()
        elif name == "as":
            parts = argument.get("List", {}).get("items") if "List" in argument else [argument]
            if len(parts or ()) == 1:  # two parts: a C function's object file and symbol
                body = parts[0].get("String", {}).get("sval")
            location = option.get("arg_location", -1)
    if body is None or location < 0:
        return None
    return language, body, location


def _placed(source: SourceFile, at: int, text: str) -> tuple[int, list[int]] | None:
    """(file offset of the body's first byte, body offsets of its quotes) for a literal starting at
    `at`; None when the file does not hold the body as a plain dollar or quote literal there (E'...'
    escapes, literals continued on the next line)."""
    data = source.sql
    body = text.encode("utf-8")
    quote = _DOLLAR_QUOTE.match(data, at)
    if quote is not None:
        start = quote.end()
        return (start, []) if data[start : start + len(body)] == body else None
    if data[at : at + 1] == b"'":
        start = at + 1
        if data[start : start + len(body) + body.count(b"'")] != body.replace(b"'", b"''"):
            return None
        return start, [match.start() for match in re.finditer(rb"'", body)]
    return None


def _holds_word(text: str, words: frozenset[str]) -> bool:
    """Whether one of the words is in the text as a word of its own (`create`, not `created_at`).
    Substring searches: a case-blind regular expression over every body costs ten times more."""
    lowered = text.lower()
    for word in words:
        at = lowered.find(word)
        while at >= 0:
            end = at + len(word)
            if not (at and _is_word_char(lowered[at - 1])) and not (end < len(lowered) and _is_word_char(lowered[end])):
                return True
            at = lowered.find(word, end)
    return False


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char in "_$"


def _first_word(text: str) -> str:
    first = _FIRST_WORD.match(text)
    return first.group(1).lower() if first else ""


def _static_sql(nodes: Any, found: list[tuple[str, int, bool]]) -> None:
    """Collect (text, body line, is PERFORM) of every static SQL statement, in the order written: a
    statement's own SQL before the statements nested in it (a FOR loop's query before its body)."""
    for node in nodes if isinstance(nodes, list) else (nodes,):
        for kind, fields in node.items():  # one item: {"PLpgSQL_stmt_...": fields}
            sql_key = _STATIC_SQL.get(kind)
            if sql_key is not None:
                query = (fields.get(sql_key) or {}).get("PLpgSQL_expr", {}).get("query")
                if query:
                    found.append((query, fields.get("lineno", 0), kind == _PERFORM))
            for key, value in fields.items():
                if key in _NESTED:
                    _static_sql(value, found)


def _locate(body: bytes, query: bytes, start: int, perform: bool) -> tuple[int, int, int] | None:
    """(statement start, where the text libpg_query parses starts, statement end) in the body.

    PL/pgSQL reads `PERFORM x` as ` SELECT x` (the same length; the JSON leaves out the blank), and
    an INTO clause is overwritten with as many blanks as it had bytes.
    """
    if perform:
        rest = query[len(b"SELECT") :]
        at = body.find(rest, start + len(b"perform"))
        while at >= 0:
            if body[at - len(b"perform") : at].lower() == b"perform":
                return at - len(b"perform"), at - len(b"SELECT"), at + len(rest)
            at = body.find(rest, at + 1)
        return None
    at = body.find(query, start)
    if at < 0:
        # Blanks in the text may stand for anything but the end of the statement (an INTO clause).
        pattern = b"".join(
            b"[^;]{%d}" % len(part) if part.startswith(b" ") else re.escape(part)
            for part in _BLANKS.split(query)
            if part
        )
        match = re.compile(pattern).search(body, start)
        if match is None:
            return None
        at = match.start()
    return at, at, at + len(query)
