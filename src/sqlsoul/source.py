"""A decoded source file and conversions between byte offsets, characters and line:column.

Offsets inside sqlsoul are UTF-8 byte offsets into the decoded text, because that is what
libpg_query's JSON output carries. Lines and columns are 1-based; columns count code points.

A file is read in one dialect, fixed when it is built: what is blanked before parsing (psql's
meta-commands exist only in PostgreSQL files), where its comments are (MySQL's `#`, its backslash
escapes in strings) and how a quoted name ends (`"x"`, `` `x` ``, `[x]`) depend on it. The
MySQL and SQLite answers come from the front end's splitter (sqlsoul.dialects.split), imported
only for such a file.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import field
from itertools import accumulate
from typing import Any

from sqlsoul.libpg import parser as pg

from sqlsoul.dialects import MARIADB, MYSQL, POSTGRES, SQLITE
from sqlsoul.findings import Span
from sqlsoul.records import record

# psql meta-commands (\set, \connect, \gset ...) take the rest of their line.
_META_COMMAND = re.compile(rb"^[ \t]*\\[^\n]*", re.MULTILINE)
# Meta-commands that send the query buffer end the statement before them, like a semicolon; they
# often follow the query on its line (`SELECT count(*) AS n FROM t \gset`).
_SENDING_META = re.compile(rb"(?:^|(?<=[ \t]))\\(?:g|gx|gset|gexec|gdesc|crosstabview|watch)(?![A-Za-z])[^\n]*", re.MULTILINE)
# Template placeholders such as ${schema} or ${flyway:user}. They stand for names, so they become
# an identifier of underscores (spaces would break `${schema}.table`).
_PLACEHOLDER = re.compile(rb"\$\{[^}\n]*\}")
# COPY ... FROM stdin (and psql's \copy, without the semicolon) is followed by data lines up to a
# line holding only \.
_COPY_FROM_STDIN = re.compile(
    rb"\bFROM\s+stdin\b[^;\n]*(?:;[^\n]*)?\n(.*?)^\\\.[ \t\r]*$", re.IGNORECASE | re.MULTILINE | re.DOTALL
)


def _spaces(text: bytes) -> bytes:
    # Keep newlines and byte count so every offset after the blanked text stays true.
    return re.sub(rb"[^\n]", b" ", text)


def _blank_match(match: re.Match[bytes]) -> bytes:
    return _spaces(match.group(0))


def _end_statement(match: re.Match[bytes]) -> bytes:
    return b";" + _spaces(match.group(0)[1:])


def _blank_copy_data(match: re.Match[bytes]) -> bytes:
    whole, base = match.group(0), match.start(0)
    start, end = match.start(1) - base, match.end(1) - base
    return whole[:start] + _spaces(whole[start:end]) + whole[end:]


def blank_non_sql(data: bytes, dialect: str = POSTGRES) -> bytes:
    """Replace text that is not SQL with filler of the same byte length, so byte offsets stay true.

    psql's meta-commands and the COPY data it sends are blanked in PostgreSQL files only: in MySQL
    a backslash starts an escape inside a string, and the MySQL client's own DELIMITER lines are
    left to the splitter. In MySQL and MariaDB files the markers of executable comments
    (`/*!40101 SET NAMES utf8 */`) are blanked instead: the server runs what they hold. Template
    placeholders (`${schema}`) belong to the migration tool, which fills them in whatever the
    database, so they are blanked in every dialect.

    The filler is ASCII, so a blanked multi-byte character turns into several characters: map
    the parser's character offsets through the blanked text (`SourceFile.byte_offset`), never
    through the original.
    """
    if dialect == POSTGRES and b"\\" in data:
        data = _COPY_FROM_STDIN.sub(_blank_copy_data, data)
        data = _SENDING_META.sub(_end_statement, data)
        data = _META_COMMAND.sub(_blank_match, data)
    elif dialect in _HASH_COMMENTS and b"!" in data:
        from sqlsoul.dialects.split import unwrap_executable_comments  # only a file of another dialect needs it

        data = unwrap_executable_comments(data, dialect)
    if b"${" in data:
        data = _PLACEHOLDER.sub(lambda match: b"_" * len(match.group(0)), data)
    return data


@record(frozen=True)
class ScanError:
    """A lexical error the scanner reported, at a character index."""

    position: int  # character index into the scanned text
    message: str


@record(frozen=True)
class Scan:
    """The tokens PostgreSQL's scanner read from a text, with the errors it went on after."""

    tokens: list[Any]  # pglast Tokens (character offsets, inclusive end), bad tokens left out
    errors: list[ScanError]
    end: int  # where the tokens stop: the text's length, or the start of an unterminated literal


def scan(text: str) -> Scan:
    """PostgreSQL's scanner over `text`, going on after a bad token where it can.

    pglast's `scan` raises for the whole text on the first lexical error. After an unterminated
    quote, dollar quote or comment nothing more can be read: the rest of the text is inside it.
    After a bad token (`123abc`, `""`, `0x`) scanning goes on behind it. A few errors carry no
    position at all (an E'\\0' or E'\\xff' escape that makes invalid UTF-8): they are found by
    scanning ever longer prefixes until the bad literal is complete; the prefix without its closing
    quote then fails as "unterminated" at the literal's start.
    """
    tokens: list[Any] = []
    errors: list[ScanError] = []
    offset = 0
    while True:
        rest = text[offset:]
        try:
            found = pg.scan(rest)
        except pg.ParseError as error:
            message, position = str(error.args[0]), _error_position(error)
        else:
            tokens.extend(_shifted(found, offset))
            return Scan(tokens, errors, len(text))
        if position is None:
            position, literal_end = _locate_positionless_error(rest, message)
            bad_end = literal_end - position
        else:
            bad_end = None
        token_start = position
        try:
            before = pg.scan(rest[:position]) if position > 0 else []
        except pg.ParseError as inner:
            # The error is inside a literal (a bad escape in U&'...' or E'...'): the literal starts
            # where the text up to the error is unterminated.
            token_start = min(_error_position(inner) or 0, position)
            try:
                before = pg.scan(rest[:token_start]) if token_start > 0 else []
            except pg.ParseError:
                before = []
        tokens.extend(_shifted(before, offset))
        errors.append(ScanError(offset + position, message))
        if message.startswith("unterminated"):
            return Scan(tokens, errors, offset + position)
        if bad_end is None:
            bad_end = _bad_token_end(rest[token_start:], message)
        else:
            bad_end -= token_start - position
        if bad_end is None:
            return Scan(tokens, errors, offset + token_start)
        offset += token_start + bad_end


def _shifted(tokens: Any, offset: int) -> list[Any]:
    if not offset:
        return list(tokens)
    return [token._replace(start=token.start + offset, end=token.end + offset) for token in tokens]


def _error_position(error: pg.ParseError) -> int | None:
    return error.args[1] if len(error.args) > 1 and isinstance(error.args[1], int) else None


def _fails_with(text: str, message: str) -> bool:
    try:
        pg.scan(text)
    except pg.ParseError as error:
        return str(error.args[0]) == message
    return False


def _bad_token_end(text: str, message: str) -> int | None:
    """Length of the bad token at the start of `text`: the shortest prefix that fails the same way."""
    high = 1
    while not _fails_with(text[:high], message):
        if high >= len(text):
            return None
        high = min(high * 2, len(text))
    low = high // 2 + 1 if high > 1 else 1
    while low < high:
        middle = (low + high) // 2
        if _fails_with(text[:middle], message):
            high = middle
        else:
            low = middle + 1
    return high


def _locate_positionless_error(text: str, message: str) -> tuple[int, int]:
    """(start, end) of the literal behind an error without a position."""
    end = _bad_token_end(text, message) or len(text)
    try:
        pg.scan(text[: end - 1])
    except pg.ParseError as error:
        start = _error_position(error)
        if start is not None:
            return start, end
    return max(end - 1, 0), end


@record(frozen=True)
class Comment:
    """A comment in a file: its span, text and lines."""

    span: Span
    text: str
    line: int
    end_line: int
    own_line: bool  # nothing but whitespace precedes it on its line


@record
class SourceFile:
    """One input: its text as decoded, its UTF-8 bytes, and the SQL-only view that is parsed."""

    display_path: str
    root_path: str
    text: str
    # Fixed when the file is built (the engine asks SourceCache for a file in its dialect, see
    # sqlsoul.dialects.DialectChoice): the SQL view and the comments depend on it.
    dialect: str = POSTGRES
    data: bytes = field(init=False)
    sql: bytes = field(init=False)  # data with meta-commands and placeholders blanked
    sql_text: str = field(init=False)  # what pglast sees; its character offsets index this text
    is_ascii: bool = field(init=False)
    _line_starts: list[int] | None = field(default=None, init=False)
    _char_to_byte: list[int] | None = field(default=None, init=False)
    _comments: list[Comment] | None = field(default=None, init=False)
    _redacted: list[Span] = field(default_factory=list, init=False)  # secrets that no output may show

    def __post_init__(self) -> None:
        self.data = self.text.encode("utf-8")
        self.sql = blank_non_sql(self.data, self.dialect)
        if b"\x00" in self.sql:
            # libpg_query reads C strings: a NUL would silently end the file there. PostgreSQL refuses
            # NUL anyway; parsing reports it (see parsing.parse) and the rest is still parsed.
            self.sql = self.sql.replace(b"\x00", b" ")
        self.sql_text = self.sql.decode("utf-8")
        self.is_ascii = len(self.data) == len(self.text)

    @property
    def line_starts(self) -> list[int]:
        """Byte offset of each line's start; built on first use (most files need no position)."""
        if self._line_starts is None:
            # Each line starts one byte after the end of the one before (the last sum is past the end).
            self._line_starts = [0, *accumulate(len(line) + 1 for line in self.data.split(b"\n"))][:-1]
        return self._line_starts

    def line_of(self, offset: int) -> int:
        return bisect_right(self.line_starts, offset)

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column in code points) of a byte offset."""
        line = bisect_right(self.line_starts, offset)
        start = self.line_starts[line - 1]
        if self.is_ascii:
            return line, offset - start + 1
        return line, len(self.data[start:offset].decode("utf-8", "replace")) + 1

    def as_dialect(self, dialect: str) -> SourceFile:
        """The same file read in another dialect (a file that histories of several engines share).
        The secrets masked in one reading are masked in every other: they share the list."""
        other = SourceFile(self.display_path, self.root_path, self.text, dialect)
        other._redacted = self._redacted
        return other

    def comments_on(self, line: int) -> list[Comment]:
        """The comments that touch a line. A line without a comment marker touches none, which
        spares scanning the whole file for the usual question about one line."""
        start = self.line_starts[line - 1]
        end = self.line_starts[line] if line < len(self.line_starts) else len(self.sql)
        text = self.data[start:end]
        if not _opens_comment(text, self.dialect) and b"*/" not in text:
            return []
        return [comment for comment in self.comments if comment.line <= line <= comment.end_line]

    def line_text(self, line: int) -> str:
        """A line as reporters show it (and SARIF fingerprints hash it): redacted text masked."""
        start = self.line_starts[line - 1]
        end = self.line_starts[line] - 1 if line < len(self.line_starts) else len(self.data)
        if not self._redacted:
            return self.data[start:end].decode("utf-8", "replace").rstrip("\r")
        pieces: list[str] = []
        position = start
        for span in self._redacted:
            hidden_start, hidden_end = max(span.start, position), min(span.end, end)
            if hidden_start >= hidden_end:
                continue
            pieces.append(self.data[position:hidden_start].decode("utf-8", "replace"))
            # One mask character per character keeps every column of the line where it was.
            hidden = self.data[hidden_start:hidden_end].decode("utf-8", "replace")
            pieces.append("".join("\r" if char == "\r" else "*" for char in hidden))
            position = hidden_end
        pieces.append(self.data[position:end].decode("utf-8", "replace"))
        return "".join(pieces).rstrip("\r")

    def redact(self, span: Span) -> None:
        """Mask the text in `span` (a secret) wherever the file is shown; what is parsed stays as it is."""
        self._redacted.append(span)
        self._redacted.sort(key=lambda hidden: hidden.start)

    def rewrite(self, edits: list[tuple[int, bytes]]) -> None:
        """Apply same-length edits to the SQL view (section markers of migration frameworks)."""
        if not edits:
            return
        sql = bytearray(self.sql)
        for offset, replacement in edits:
            sql[offset : offset + len(replacement)] = replacement
        self.sql = bytes(sql)
        self.sql_text = self.sql.decode("utf-8")
        self._char_to_byte = None
        self._comments = None

    def byte_offset(self, char_offset: int) -> int:
        """Byte offset of a character offset into `sql_text` (pglast's scanner reports characters).

        Characters of the blanked text, not of the original: blanking a meta-command or COPY data
        that holds `é` turns one character into two spaces.
        """
        text = self.sql_text
        if len(text) == len(self.sql):
            return char_offset
        if self._char_to_byte is None:
            self._char_to_byte = [0, *accumulate(len(ch.encode("utf-8")) for ch in text)]
        return self._char_to_byte[min(char_offset, len(text))]

    @property
    def comments(self) -> list[Comment]:
        """Every comment of the file, never one inside a string: PostgreSQL's own scanner finds them in
        a PostgreSQL file, the front end's splitter in a MySQL or SQLite file (`#` comments, `--`
        only before white space, backslash escapes in MySQL strings)."""
        if self._comments is None:
            self._comments = [self._comment(start, end) for start, end in self._comment_spans()]
        return self._comments

    def _comment_spans(self) -> list[tuple[int, int]]:
        """(start, end) byte offsets of the comments, in file order."""
        if not _opens_comment(self.sql, self.dialect):
            return []
        if self.dialect != POSTGRES:
            from sqlsoul.dialects.split import split_statements  # only a file of another dialect needs it

            found = split_statements(self.sql_text, self.dialect).comments
            return [(self.byte_offset(piece.start), self.byte_offset(piece.end)) for piece in found]
        return [
            (self.byte_offset(token.start), self.byte_offset(token.end + 1))
            for token in scan(self.sql_text).tokens  # after a lexical error, the comments before it still count
            if token.name in ("SQL_COMMENT", "C_COMMENT")
        ]

    def _comment(self, start: int, end: int) -> Comment:
        line = self.line_of(start)
        prefix = self.data[self.line_starts[line - 1] : start]
        return Comment(
            span=Span(start, end),
            text=self.data[start:end].decode("utf-8", "replace"),
            line=line,
            end_line=self.line_of(max(start, end - 1)),
            own_line=not prefix.strip(),
        )

    def identifier_end(self, offset: int) -> int:
        """End of the identifier (quoted as the file's dialect quotes names, or not) or keyword that
        starts at a byte offset. In MySQL and SQLite a quoted string ends where its quote closes too."""
        data = self.sql
        if offset >= len(data):
            return offset
        quotes = _QUOTES.get(self.dialect)
        if quotes is not None and data[offset : offset + 1] in quotes:
            from sqlsoul.dialects.split import quoted_bytes  # only a file of another dialect needs it

            quoted = quoted_bytes(self.dialect).match(data, offset)
            return quoted.end() if quoted else len(data)  # unterminated: the name runs to the end
        match = _NAME.match(data, offset)
        return match.end() if match else offset + 1


# A name as PostgreSQL writes it: quoted ("" inside; unterminated, it runs to the end), or a word.
_NAME = re.compile(rb'"(?:[^"]|"")*"?|[A-Za-z0-9_$\x80-\xff]+')
_HASH_COMMENTS = frozenset({MYSQL, MARIADB})  # `#` starts a comment there
# The quotes of strings and names in MySQL and SQLite (PostgreSQL's "name" is read below, as ever).
_MYSQL_QUOTES = frozenset({b"`", b'"', b"'"})
_QUOTES = {MYSQL: _MYSQL_QUOTES, MARIADB: _MYSQL_QUOTES, SQLITE: _MYSQL_QUOTES | {b"["}}


def _opens_comment(text: bytes, dialect: str) -> bool:
    """Whether `text` holds something that starts a comment in `dialect` (a cheap first look)."""
    return b"--" in text or b"/*" in text or (dialect in _HASH_COMMENTS and b"#" in text)
