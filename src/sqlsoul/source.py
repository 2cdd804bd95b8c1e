"""A decoded source file and conversions between byte offsets, characters and line:column.

Offsets inside sqlsoul are UTF-8 byte offsets into the decoded text, because that is what
libpg_query's JSON output carries. Lines and columns are 1-based; columns count code points.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from itertools import accumulate

from pglast import parser as pg

from sqlsoul.findings import Span

# psql meta-commands (\set, \connect, \gset ...) take the rest of their line.
_META_COMMAND = re.compile(rb"^[ \t]*\\[^\n]*", re.MULTILINE)
# Template placeholders such as ${schema} or ${flyway:user}. They stand for names, so they become
# an identifier of underscores (spaces would break `${schema}.table`).
_PLACEHOLDER = re.compile(rb"\$\{[^}\n\x80-\xff]*\}")
# COPY ... FROM stdin is followed by data lines up to a line holding only \.
_COPY_FROM_STDIN = re.compile(rb"\bFROM\s+stdin\b[^;\n]*;[^\n]*\n(.*?)^\\\.[ \t]*$", re.IGNORECASE | re.MULTILINE | re.DOTALL)


def _spaces(text: bytes) -> bytes:
    # Keep newlines and byte count so every offset after the blanked text stays true.
    return re.sub(rb"[^\n]", b" ", text)


def _blank_match(match: re.Match[bytes]) -> bytes:
    return _spaces(match.group(0))


def _blank_copy_data(match: re.Match[bytes]) -> bytes:
    whole, base = match.group(0), match.start(0)
    start, end = match.start(1) - base, match.end(1) - base
    return whole[:start] + _spaces(whole[start:end]) + whole[end:]


def blank_non_sql(data: bytes) -> bytes:
    """Replace text that is not SQL with filler of the same byte length, so offsets stay true."""
    if b"\\" in data:
        data = _COPY_FROM_STDIN.sub(_blank_copy_data, data)
        data = _META_COMMAND.sub(_blank_match, data)
    if b"${" in data:
        data = _PLACEHOLDER.sub(lambda match: b"_" * len(match.group(0)), data)
    return data


@dataclass(frozen=True, slots=True)
class Comment:
    span: Span
    text: str
    line: int
    end_line: int
    own_line: bool  # nothing but whitespace precedes it on its line


@dataclass(slots=True)
class SourceFile:
    """One input: its text as decoded, its UTF-8 bytes, and the SQL-only view that is parsed."""

    display_path: str
    root_path: str
    text: str
    data: bytes = field(init=False)
    sql: bytes = field(init=False)  # data with meta-commands and placeholders blanked
    is_ascii: bool = field(init=False)
    line_starts: list[int] = field(init=False)
    _char_to_byte: list[int] | None = field(default=None, init=False)
    _comments: list[Comment] | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.data = self.text.encode("utf-8")
        self.sql = blank_non_sql(self.data)
        self.is_ascii = len(self.data) == len(self.text)
        starts = [0]
        find = self.data.find
        pos = find(b"\n")
        while pos >= 0:
            starts.append(pos + 1)
            pos = find(b"\n", pos + 1)
        self.line_starts = starts

    @property
    def sql_text(self) -> str:
        return self.sql.decode("utf-8")

    def line_of(self, offset: int) -> int:
        return bisect_right(self.line_starts, offset)

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column in code points) of a byte offset."""
        line = bisect_right(self.line_starts, offset)
        start = self.line_starts[line - 1]
        if self.is_ascii:
            return line, offset - start + 1
        return line, len(self.data[start:offset].decode("utf-8", "replace")) + 1

    def line_text(self, line: int) -> str:
        start = self.line_starts[line - 1]
        end = self.line_starts[line] - 1 if line < len(self.line_starts) else len(self.data)
        return self.data[start:end].decode("utf-8", "replace").rstrip("\r")

    def byte_offset(self, char_offset: int) -> int:
        """Byte offset of a character offset (pglast's scanner reports characters)."""
        if self.is_ascii:
            return char_offset
        if self._char_to_byte is None:
            self._char_to_byte = [0, *accumulate(len(ch.encode("utf-8")) for ch in self.text)]
        return self._char_to_byte[min(char_offset, len(self.text))]

    @property
    def comments(self) -> list[Comment]:
        """Every SQL and C-style comment, found by PostgreSQL's own scanner (never inside strings)."""
        if self._comments is None:
            self._comments = self._scan_comments()
        return self._comments

    def _scan_comments(self) -> list[Comment]:
        if b"--" not in self.sql and b"/*" not in self.sql:
            return []
        text = self.sql_text
        try:
            tokens = pg.scan(text)
        except pg.ParseError as error:
            # An unterminated quote or comment: the comments before it still count.
            tokens = pg.scan(text[: error.location]) if error.location > 0 else []
        comments = []
        for token in tokens:
            if token.name not in ("SQL_COMMENT", "C_COMMENT"):
                continue
            start, end = self.byte_offset(token.start), self.byte_offset(token.end + 1)
            line = self.line_of(start)
            prefix = self.data[self.line_starts[line - 1] : start]
            comments.append(
                Comment(
                    span=Span(start, end),
                    text=self.data[start:end].decode("utf-8", "replace"),
                    line=line,
                    end_line=self.line_of(max(start, end - 1)),
                    own_line=not prefix.strip(),
                )
            )
        return comments

    def identifier_end(self, offset: int) -> int:
        """End of the identifier (quoted or not) or keyword that starts at a byte offset."""
        data = self.sql
        if offset >= len(data):
            return offset
        if data[offset : offset + 1] == b'"':
            end = offset + 1
            while True:
                end = data.find(b'"', end)
                if end < 0:
                    return len(data)
                if data[end + 1 : end + 2] == b'"':
                    end += 2
                    continue
                return end + 1
        match = _WORD.match(data, offset)
        return match.end() if match and match.end() > offset else offset + 1


_WORD = re.compile(rb"[A-Za-z0-9_$\x80-\xff]+")
