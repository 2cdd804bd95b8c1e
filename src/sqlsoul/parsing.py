"""PostgreSQL front end: turn a source file into statements with exact spans, losing nothing.

The fast path hands the whole file to libpg_query once and reads its JSON tree. Only when that
fails does the file go statement by statement, and then every non-comment token must land in a
statement that parsed or in a parse error: pglast's scanner split silently drops what it cannot
split, so its output is checked for coverage rather than trusted.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Any

from pglast import parser as pg

from sqlsoul.findings import Span
from sqlsoul.source import SourceFile

_COMMENT_TOKENS = frozenset({"SQL_COMMENT", "C_COMMENT"})
_SEMICOLON = "ASCII_59"
_WHITESPACE = b" \t\r\n\f\v"


@dataclass(slots=True)
class Statement:
    index: int
    span: Span
    kind: str  # libpg_query node type, e.g. "CreateStmt"
    node: dict[str, Any]  # the node's body as libpg_query's JSON; dropped once the file is done
    base: int  # byte offset of the text libpg_query saw: node locations are relative to it

    def offset(self, location: int | None) -> int:
        """Byte offset in the file of a node location, falling back to the statement start."""
        return self.base + location if location is not None and location >= 0 else self.span.start


@dataclass(frozen=True, slots=True)
class ParseFailure:
    span: Span
    message: str


@dataclass(slots=True)
class ParsedFile:
    source: SourceFile
    statements: list[Statement] = field(default_factory=list)
    failures: list[ParseFailure] = field(default_factory=list)


def _error_index(error: pg.ParseError) -> int:
    return error.args[1] if len(error.args) > 1 and isinstance(error.args[1], int) else 0


def parse(source: SourceFile) -> ParsedFile:
    parsed = ParsedFile(source)
    text = source.sql_text
    try:
        _add_statements(parsed, pg.parse_sql_json(text), base=0, base_end=len(source.sql))
    except pg.ParseError:
        parsed.statements.clear()
        _parse_piecewise(parsed, text)
    for index, statement in enumerate(parsed.statements):
        statement.index = index
    return parsed


def _add_statements(parsed: ParsedFile, tree_json: str, base: int, base_end: int) -> None:
    """Append the statements of one libpg_query JSON tree whose input began at byte `base`."""
    data = parsed.source.sql
    for raw in json.loads(tree_json).get("stmts", ()):
        # libpg_query omits zero-valued keys; a zero length means "to the end of the input".
        start = base + raw.get("stmt_location", 0)
        length = raw.get("stmt_len", 0)
        end = start + length if length else base_end
        while end > start and data[end - 1] in _WHITESPACE:
            end -= 1
        ((kind, node),) = raw["stmt"].items()
        parsed.statements.append(Statement(0, Span(start, end), kind, node, base))


def _parse_piecewise(parsed: ParsedFile, text: str) -> None:
    source = parsed.source
    limit = len(text)
    try:
        tokens = pg.scan(text)
    except pg.ParseError as error:
        # An unterminated quote, dollar quote or comment hides the rest of the file; the
        # statement it sits in is part of that error, the statements before it still count.
        position = _error_index(error)
        start = source.byte_offset(position)
        parsed.failures.append(ParseFailure(Span(start, start + 1), str(error.args[0])))
        tokens = pg.scan(text[:position]) if position else []
        semicolons = [token.end + 1 for token in tokens if token.name == _SEMICOLON]
        limit = semicolons[-1] if semicolons else 0
        tokens = [token for token in tokens if token.start < limit]
    slices = pg.split(text[:limit], with_parser=False, only_slices=True) if limit else ()
    for piece in slices:
        _parse_piece(parsed, text, piece.start, piece.stop)
    for start, stop in _uncovered_runs(tokens, slices):
        _parse_piece(parsed, text, start, stop)
    parsed.statements.sort(key=lambda statement: statement.span.start)
    parsed.failures.sort(key=lambda failure: failure.span.start)


def _parse_piece(parsed: ParsedFile, text: str, start: int, stop: int) -> None:
    source = parsed.source
    base = source.byte_offset(start)
    try:
        tree_json = pg.parse_sql_json(text[start:stop])
    except pg.ParseError as error:
        offset = source.byte_offset(start + min(_error_index(error), stop - start))
        parsed.failures.append(ParseFailure(Span(offset, source.identifier_end(offset)), str(error.args[0])))
        return
    _add_statements(parsed, tree_json, base=base, base_end=source.byte_offset(stop))


def _uncovered_runs(tokens: list[Any], slices: tuple[slice, ...]) -> list[tuple[int, int]]:
    """Character ranges of statements the scanner split left out, cut at semicolons."""
    starts = [piece.start for piece in slices]
    runs: list[tuple[int, int]] = []
    run_start = run_end = -1
    for token in tokens:
        if token.name in _COMMENT_TOKENS:
            continue
        at = bisect_right(starts, token.start) - 1
        covered = at >= 0 and token.start < slices[at].stop
        if covered or token.name == _SEMICOLON:
            if run_start >= 0:
                runs.append((run_start, run_end))
                run_start = -1
            continue
        if run_start < 0:
            run_start = token.start
        run_end = token.end + 1
    if run_start >= 0:
        runs.append((run_start, run_end))
    return runs
