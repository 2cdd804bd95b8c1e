"""Cut a MySQL, MariaDB or SQLite file into statements with exact spans, losing nothing.

sqlglot's own split (its parser cuts at every semicolon token) cannot be used: the MySQL client's
`DELIMITER` lines are not SQL and change what ends a statement, and a SQLite trigger's body holds
semicolons. This module knows only where statements begin and end; it does not import sqlglot.

Positions are character indexes into the text given (the caller maps them to bytes). A statement
runs from its first token (comments before it are skipped) to the last character before its
terminator that is not blank, so a comment just before the semicolon belongs to the statement, as
it does on the PostgreSQL side.

The splitter also records the file's comments (`Split.comments`): the places where it skips one
are exactly where the server would, so `SourceFile.comments` of these dialects (suppression
directives) comes from here and agrees with how the statements were cut.
"""

from __future__ import annotations

import re
from dataclasses import field
from functools import lru_cache

from sqlsoul.dialects import MARIADB, MYSQL, SQLITE
from sqlsoul.records import record

_MYSQL_FAMILY = frozenset({MYSQL, MARIADB})

# Comments: MySQL needs blank space after `--` (`1--1` is one minus minus one) and also takes `#`.
_MYSQL_COMMENT = r"--(?=\s|\Z)[^\n]*|\#[^\n]*|/\*(?s:.*?)\*/"
_SQLITE_COMMENT = r"--[^\n]*|/\*(?s:.*?)\*/"
# Quoted text. MySQL reads backslash escapes in both quote kinds (its default SQL mode); SQLite
# knows only doubled quotes, and takes "..." and [...] as identifiers. Possessive loops: a long
# string never backtracks.
_MYSQL_QUOTED = r"'(?:[^'\\]|\\(?s:.)|'')*+'|\"(?:[^\"\\]|\\(?s:.)|\"\")*+\"|`(?:[^`]|``)*+`"
_SQLITE_QUOTED = r"'(?:[^']|'')*+'|\"(?:[^\"]|\"\")*+\"|`(?:[^`]|``)*+`|\[[^\]]*+\]"
# What opens a quote or comment that the patterns above could not close.
_MYSQL_OPENERS = r"/\*|['\"`]"
_SQLITE_OPENERS = r"/\*|['\"`\[]"
_UNTERMINATED = {
    "/*": "unterminated /* comment",
    "'": "unterminated quoted string",
    '"': "unterminated quoted string",  # MySQL; in SQLite a quoted identifier, see below
    "`": "unterminated quoted identifier",
    "[": "unterminated quoted identifier",
}
# The MySQL client's command that sets the statement terminator: the first word of a line, taking
# the whole line. Inside a statement, only where such a line starts is looked for.
_DELIMITER_COMMAND = re.compile(r"delimiter[ \t]+(\S+)[^\n]*", re.IGNORECASE)
_DELIMITER_LINE = r"(?im:^[ \t]*(?P<delimiter>(?=delimiter[ \t]+\S)))"
# SQLite trigger bodies: BEGIN opens the body, CASE ... END pairs may sit inside it, and the END
# that closes the body is the one followed by the terminator.
_SQLITE_TRIGGER = re.compile(r"create\s+(?:temp\s+|temporary\s+)?trigger\b", re.IGNORECASE)
_BODY_WORDS = r"(?i:\b(?P<word>begin|case|end)\b)"


@record(frozen=True)
class Piece:
    """One statement: character range from its first token to its last non-blank character."""

    start: int
    end: int


@record(frozen=True)
class SplitError:
    position: int  # character index of the quote or comment that is never closed
    message: str


@record
class Split:
    pieces: list[Piece] = field(default_factory=list)
    errors: list[SplitError] = field(default_factory=list)
    comments: list[Piece] = field(default_factory=list)  # every comment, between and inside statements


def split_statements(text: str, dialect: str) -> Split:
    """The statements of `text` in `dialect` ("mysql", "mariadb" or "sqlite")."""
    return _Splitter(text, dialect).run()


@lru_cache(maxsize=4)
def quoted_bytes(dialect: str) -> re.Pattern[bytes]:
    """A quoted string or identifier of `dialect` as it starts at a position of UTF-8 text."""
    return re.compile((_MYSQL_QUOTED if dialect in _MYSQL_FAMILY else _SQLITE_QUOTED).encode())


# MySQL's executable comment `/*!50100 PARTITION BY ... */` holds SQL that the server runs when it is
# at least the release the optional number names (5 digits, 6 in newer releases); MariaDB runs
# those too, and its own `/*M!100100 ... */`, which MySQL ignores.
_EXECUTABLE_OPENER = {
    MYSQL: re.compile(rb"/\*!(?:\d{5,6})?"),
    MARIADB: re.compile(rb"/\*M?!(?:\d{5,6})?"),
}


def unwrap_executable_comments(data: bytes, dialect: str) -> bytes:
    """`data` (UTF-8) with the markers of its executable comments blanked, so that what they hold is
    read as the SQL the server runs: mysqldump writes its session settings, table partitioning and
    triggers in them. The release number is not compared with the target server's: sqlsoul reads
    what a current server runs. Byte offsets stay true; strings and other comments are left alone."""
    opener = _EXECUTABLE_OPENER.get(dialect)
    if opener is None or b"/*" not in data:
        return data
    pieces: list[bytes] = []
    position = 0
    for match in _comments_and_strings().finditer(data):
        if match.lastgroup == "open":  # an unterminated quote or comment: the rest of the file is in it
            break
        head = opener.match(data, match.start()) if match.lastgroup == "comment" else None
        if head is not None:
            closer = match.end() - 2
            pieces += [data[position : match.start()], b" " * (head.end() - match.start()), data[head.end() : closer], b"  "]
            position = match.end()
    return b"".join(pieces) + data[position:] if pieces else data


@lru_cache(maxsize=1)
def _comments_and_strings() -> re.Pattern[bytes]:
    """MySQL's comments and quoted text in UTF-8, and the opener of one that is never closed."""
    return re.compile(f"(?P<comment>{_MYSQL_COMMENT})|{_MYSQL_QUOTED}|(?P<open>{_MYSQL_OPENERS})".encode())


@lru_cache(maxsize=32)
def _patterns(dialect: str, delimiter: str, trigger: bool) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(what may precede a statement's first token, the next thing that matters inside one)."""
    mysql = dialect in _MYSQL_FAMILY
    comment = _MYSQL_COMMENT if mysql else _SQLITE_COMMENT
    alternatives = [
        f"(?P<end>{re.escape(delimiter)})",
        f"(?P<comment>{comment})",
        f"(?P<quoted>{_MYSQL_QUOTED if mysql else _SQLITE_QUOTED})",
        f"(?P<open>{_MYSQL_OPENERS if mysql else _SQLITE_OPENERS})",
    ]
    if mysql:
        alternatives.append(_DELIMITER_LINE)
    if trigger:
        alternatives.append(_BODY_WORDS)
    blank = re.compile(rf"(?:\s+|{comment})*")
    return blank, re.compile("|".join(alternatives))


@lru_cache(maxsize=4)
def _comment(dialect: str) -> re.Pattern[str]:
    return re.compile(_MYSQL_COMMENT if dialect in _MYSQL_FAMILY else _SQLITE_COMMENT)


class _Splitter:
    def __init__(self, text: str, dialect: str) -> None:
        self.text = text
        self.dialect = dialect
        self.mysql = dialect in _MYSQL_FAMILY
        self.delimiter = ";"
        self.found = Split()

    def run(self) -> Split:
        text, position = self.text, 0
        while True:
            blank, _ = _patterns(self.dialect, self.delimiter, False)
            skipped = blank.match(text, position).end()
            # What was skipped is white space and comments only: the comments in it, left to right.
            self.found.comments.extend(
                Piece(comment.start(), comment.end()) for comment in _comment(self.dialect).finditer(text, position, skipped)
            )
            position = skipped
            if position >= len(text):
                return self.found
            if text.startswith(self.delimiter, position):  # an empty statement
                position += len(self.delimiter)
                continue
            position = self._statement(position)
            if position < 0:  # an unterminated quote or comment swallowed the rest of the file
                return self.found

    def _statement(self, start: int) -> int:
        """Read the statement that starts at `start`; return where the next one may start (-1: none)."""
        text = self.text
        if self.mysql and self._at_line_start(start):
            command = _DELIMITER_COMMAND.match(text, start)
            if command is not None:  # a client command, not a statement: it only sets the terminator
                self.delimiter = command.group(1)
                return command.end()
        trigger = self.dialect == SQLITE and _SQLITE_TRIGGER.match(text, start) is not None
        _, inside = _patterns(self.dialect, self.delimiter, trigger)
        in_body, case_depth, body_closed = False, 0, False
        position = start
        while True:
            match = inside.search(text, position)
            if match is None:
                self._add(start, len(text))
                return len(text)
            kind = match.lastgroup
            if kind == "end":
                if not in_body or body_closed:
                    self._add(start, match.start())
                    return match.end()
            elif kind == "open":
                opener = match.group()
                message = _UNTERMINATED[opener]
                if opener == '"' and not self.mysql:
                    message = "unterminated quoted identifier"
                self.found.errors.append(SplitError(match.start(), message))
                return -1
            elif kind == "comment":
                self.found.comments.append(Piece(match.start(), match.end()))
            elif kind == "delimiter":
                # A client command ends the statement before it (the client sends what it has).
                self._add(start, match.start())
                return match.start("delimiter")
            elif kind == "word":
                word = match.group().lower()
                if word == "begin" and not in_body:
                    in_body = True
                elif word == "case":
                    case_depth += 1
                elif word == "end" and case_depth:
                    case_depth -= 1
                elif word == "end" and in_body:
                    body_closed = True
            position = match.end()

    def _at_line_start(self, position: int) -> bool:
        line_start = self.text.rfind("\n", 0, position) + 1
        return not self.text[line_start:position].strip(" \t")

    def _add(self, start: int, stop: int) -> None:
        end = len(self.text[start:stop].rstrip())
        if end:
            self.found.pieces.append(Piece(start, start + end))
