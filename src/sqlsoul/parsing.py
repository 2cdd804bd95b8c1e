"""PostgreSQL front end: turn a source file into statements with exact spans, losing nothing.

The fast path hands the whole file to libpg_query once and reads its JSON tree. Only when that
fails does the file go statement by statement, and then every non-comment token must land in a
statement that parsed or in a parse error. pglast's scanner split is not used for that, because it
silently drops what it cannot split: the file is cut at every semicolon token instead, and a piece
that ends too early (a semicolon inside BEGIN ATOMIC ... END or a rule's action list) is joined
with the pieces after it.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import field
from typing import Any

from sqlsoul.libpg import parser as pg

try:  # decodes libpg_query's JSON in about half the time of the standard library
    from orjson import loads as json_loads
except ImportError:  # no orjson on this interpreter (it is a dependency on CPython only)
    import json

    def json_loads(data: str | bytes | memoryview) -> Any:
        return json.loads(bytes(data) if isinstance(data, memoryview) else data)

from sqlsoul.findings import Span
from sqlsoul.records import record
from sqlsoul.source import SourceFile, scan

_COMMENT_TOKENS = frozenset({"SQL_COMMENT", "C_COMMENT"})
_SEMICOLON = "ASCII_59"
_WHITESPACE = b" \t\r\n\f\v"
# Where a statement of a body comes from (see sqlsoul.plpgsql): a DO block runs with the migration,
# a function's body only when the function is called.
# The statements of a MySQL procedure that the file CALLs run with the migration too, as INSIDE_DO.
INSIDE_DO = "do"
INSIDE_FUNCTION = "function"


@record
class Statement:
    """One statement of a file: its span, kind and libpg_query tree."""

    index: int  # in the file; a statement of a body has the index of the DO or CREATE FUNCTION it is in
    span: Span
    kind: str  # libpg_query node type, e.g. "CreateStmt"
    node: dict[str, Any]  # the node's body as libpg_query's JSON; dropped once the file is done
    base: int  # byte offset of the text libpg_query saw: node locations are relative to it
    inside: str | None = None  # INSIDE_DO or INSIDE_FUNCTION for a statement of a body
    # Locations (relative to base) of the quotes a '...' body literal writes twice in the file: each
    # one before a location moves it a byte further.
    doubled_quotes: tuple[int, ...] = ()

    def offset(self, location: int | None) -> int:
        """Byte offset in the file of a node location, falling back to the statement start."""
        if location is None or location < 0:
            return self.span.start
        if self.doubled_quotes:
            return self.base + location + bisect_left(self.doubled_quotes, location)
        return self.base + location


@record(frozen=True)
class ParseFailure:
    """A stretch of a file that did not parse, and the parser's message."""

    span: Span
    message: str


@record
class ParsedFile:
    """A file's statements and the stretches that did not parse."""

    source: SourceFile
    statements: list[Statement] = field(default_factory=list)
    failures: list[ParseFailure] = field(default_factory=list)
    # Valid statements of another dialect that its front end does not model (reported as notes).
    unsupported: list[ParseFailure] = field(default_factory=list)
    # MySQL: the statements each CALL runs (by the CALL's index), read from the body of the procedure
    # the file created before it; they carry the CALL's index and are not among `statements`.
    called: dict[int, list[Statement]] = field(default_factory=dict)


def _error_index_or_none(error: pg.ParseError) -> int | None:
    """The 0-based character index of a parse error, None when libpg_query gives none (end of input)."""
    return error.args[1] if len(error.args) > 1 and isinstance(error.args[1], int) else None


def _error_index(error: pg.ParseError) -> int:
    index = _error_index_or_none(error)
    return 0 if index is None else index


def parse(source: SourceFile, tree_json: bytes | memoryview | None = None) -> ParsedFile:
    """The file's statements; `tree_json` is libpg_query's tree of the whole file when it is
    already known (see sqlsoul.parse_ahead)."""
    parsed = ParsedFile(source)
    text = source.sql_text
    try:
        _add_statements(parsed, tree_json if tree_json is not None else pg.parse_sql_json(text), base=0, base_end=len(source.sql))
    except pg.ParseError:
        parsed.statements.clear()
        _parse_piecewise(parsed, text)
    nul = source.data.find(b"\x00")
    if nul >= 0:
        parsed.failures.append(ParseFailure(Span(nul, nul + 1), "NUL character (U+0000) in the file; is it UTF-16?"))
        parsed.failures.sort(key=lambda failure: failure.span.start)
    for index, statement in enumerate(parsed.statements):
        statement.index = index
    return parsed


def _add_statements(parsed: ParsedFile, tree_json: str | bytes | memoryview, base: int, base_end: int) -> None:
    """Append the statements of one libpg_query JSON tree whose input began at byte `base`."""
    data = parsed.source.sql
    for raw in json_loads(tree_json).get("stmts", ()):
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
    scanned = scan(text)
    # A bad token is reported where it is; an unterminated quote, dollar quote or comment hides the
    # rest of the file, so the statement it sits in is part of that error, those before it still count.
    for error in scanned.errors:
        start = source.byte_offset(error.position)
        parsed.failures.append(ParseFailure(Span(start, start + 1), error.message))
    tokens, limit = scanned.tokens, scanned.end
    if scanned.end < len(text):
        semicolons = [token.end + 1 for token in tokens if token.name == _SEMICOLON]
        limit = semicolons[-1] if semicolons else 0
        tokens = [token for token in tokens if token.start < limit]
    pieces, reported = _pieces(tokens, limit, [error.position for error in scanned.errors])
    at = 0
    while at < len(pieces):
        if at in reported:  # the scanner's error already speaks for this piece
            at += 1
            continue
        at = _parse_pieces(parsed, text, pieces, at, reported)
    parsed.statements.sort(key=lambda statement: statement.span.start)
    parsed.failures.sort(key=lambda failure: failure.span.start)


def _pieces(tokens: list[Any], limit: int, errors: list[int]) -> tuple[list[tuple[int, int]], set[int]]:
    """Character ranges between semicolons, from the first non-comment token up to the semicolon,
    and which of them hold one of the scanner's errors.

    pglast's scanner split is not used: it drops pieces without a keyword (`selec 2`) and stops
    splitting for good after an unbalanced parenthesis. Cutting at every semicolon loses nothing;
    statements that hold semicolons (BEGIN ATOMIC bodies, CREATE RULE action lists) are put back
    together by `_parse_pieces`.
    """
    pieces: list[tuple[int, int]] = []
    reported: set[int] = set()
    after_semicolon, start = 0, -1
    for token in [*tokens, None]:
        if token is not None and token.name != _SEMICOLON:
            if start < 0 and token.name not in _COMMENT_TOKENS:
                start = token.start
            continue
        stop = token.start if token is not None else limit
        if start >= 0:
            pieces.append((start, stop))
            if any(after_semicolon <= error <= stop for error in errors):
                reported.add(len(pieces) - 1)
        if token is not None:
            after_semicolon, start = token.end + 1, -1
    return pieces, reported


def _at_end_of_input(error: pg.ParseError) -> bool:
    return _error_index_or_none(error) is None and "end of input" in str(error.args[0])


_MAX_JOINED_PIECES = 200  # statements with semicolons inside (BEGIN ATOMIC ... END) are rarely longer


def _parse_pieces(parsed: ParsedFile, text: str, pieces: list[tuple[int, int]], at: int, reported: set[int]) -> int:
    """Parse the piece at `at` (joined with the next ones if it ends too early); return the next piece."""
    source = parsed.source
    start, stop = pieces[at]
    try:
        tree_json = pg.parse_sql_json(text[start:stop])
    except pg.ParseError as error:
        if _at_end_of_input(error):
            # Maybe a semicolon inside the statement cut it short: try it with the pieces after it.
            for last in range(at + 1, min(len(pieces), at + _MAX_JOINED_PIECES)):
                if last in reported:
                    break
                stop_joined = pieces[last][1]
                try:
                    tree_json = pg.parse_sql_json(text[start:stop_joined])
                except pg.ParseError as joined_error:
                    if _at_end_of_input(joined_error):
                        continue
                    index = _error_index_or_none(joined_error)
                    if index is not None and start + index >= pieces[last][0]:
                        # The parser took the semicolons before this piece as part of the statement,
                        # so the statement really goes on; the error is in this piece.
                        _add_failure(parsed, start + index, joined_error)
                        return last + 1
                    break
                base, base_end = source.byte_offset(start), source.byte_offset(stop_joined)
                _add_statements(parsed, tree_json, base=base, base_end=base_end)
                return last + 1
        # At end of input: at the piece's first token. Elsewhere: where the parser stopped.
        _add_failure(parsed, start + min(_error_index(error), stop - start), error)
        return at + 1
    _add_statements(parsed, tree_json, base=source.byte_offset(start), base_end=source.byte_offset(stop))
    return at + 1


def _add_failure(parsed: ParsedFile, position: int, error: pg.ParseError) -> None:
    offset = parsed.source.byte_offset(position)
    parsed.failures.append(ParseFailure(Span(offset, parsed.source.identifier_end(offset)), str(error.args[0])))
