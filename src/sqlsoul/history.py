"""Migration histories: the units of a migration folder, in the order they run, and how each runs.

A layout (one module per framework under `sqlsoul.layouts`) turns the files of one folder into
units: a unit is one migration (an up and, where the framework has them, its down), one goose or
dbmate section pair, or one Liquibase changeset. A part of a unit is a byte range of a file, so
frameworks that keep up and down in one file (goose, dbmate, Liquibase) cut it into sections
before pglast sees the text; the edits they need (a section marker that must end the statement
before it, a rollback kept in a comment) replace bytes with bytes of the same length, so every
offset, line and column stays true.
"""

from __future__ import annotations

import codecs
import os
from collections.abc import Callable
from dataclasses import field, replace
from enum import Enum
from fnmatch import fnmatchcase
from pathlib import Path

from sqlsoul.dialects import POSTGRES
from sqlsoul.records import record
from sqlsoul.source import SourceFile


@record(frozen=True)
class InputFile:
    """A file to lint, named as the user gave it and relative to the project root."""

    display_path: str  # as the user gave it
    root_path: str  # relative to the project root, forward slashes
    path: str | None  # on disk; None for standard input
    data: bytes | None = None  # already read (standard input)


class TransactionMode(str, Enum):
    TRANSACTION = "transaction"  # wrapped in BEGIN ... COMMIT by the framework
    IMPLICIT = "implicit"  # the whole file in one request: PostgreSQL runs it as one implicit transaction
    AUTOCOMMIT = "autocommit"  # statement by statement, each committed on its own


@record(frozen=True)
class Part:
    """The statements of one file that start in [start, end) (bytes of the file's text)."""

    file: int  # index into History.files
    start: int = 0
    end: int | None = None  # None: to the end of the file

    def holds(self, offset: int) -> bool:
        return self.start <= offset and (self.end is None or offset < self.end)


@record
class Unit:
    """One migration: the parts of files its up and its down run, and how the framework sends them."""

    version: str  # what orders and names the unit (a timestamp, V2.1, a sqitch change ...)
    title: str
    up: list[Part]
    down: list[Part] | None  # None: this layout keeps no down for the unit; []: the down is missing
    transaction: TransactionMode = TransactionMode.TRANSACTION
    repeatable: bool = False  # Flyway R__ scripts: rerun whenever they change, after the versioned ones
    label: str = ""  # how messages name the unit, as its framework would (default: version_title)
    # In an autocommit unit, stretches of text the framework sends as one request (goose's
    # StatementBegin ... StatementEnd): PostgreSQL runs the statements of each as one implicit transaction.
    requests: list[Part] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.label or f"{self.version}_{self.title}"

    @property
    def files(self) -> set[int]:
        return {part.file for part in (*self.up, *(self.down or ()))}


@record
class MigrationFile:
    """A file of a history, with the same-length edits its layout makes before parsing."""

    input: InputFile
    edits: list[tuple[int, bytes]] = field(default_factory=list)  # same-length rewrites of the SQL text
    replayed: bool = True  # False for files that are checked but do not change the schema (sqitch verify)


@record(frozen=True)
class LayoutProblem:
    """Something wrong with the history itself (a duplicate version, a down without its up)."""

    file: int
    offset: int
    rule: str  # rule name
    message: str


@record
class History:
    """The files of one migration folder and the units its layout found in them, in run order."""

    layout: str
    files: list[MigrationFile] = field(default_factory=list)
    units: list[Unit] = field(default_factory=list)
    problems: list[LayoutProblem] = field(default_factory=list)

    def add_file(self, item: InputFile, edits: list[tuple[int, bytes]] | None = None, replayed: bool = True) -> int:
        self.files.append(MigrationFile(item, edits or [], replayed))
        return len(self.files) - 1


Loader = Callable[[InputFile], SourceFile | None]  # a file's text (None: unreadable), read once per run


def contents(loader: Loader, item: InputFile) -> bytes | None:
    """A file's UTF-8 bytes as the engine will see them (BOM dropped); None when unreadable."""
    source = loader(item)
    return source.data if source is not None else None


def decode(data: bytes) -> tuple[str, int | None]:
    """Text of a file, and the byte offset of its first invalid UTF-8 sequence if any."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as error:
        return data.decode("utf-8", "replace"), error.start


@record(frozen=True)
class ReadFile:
    """A file as read: its source, or why it could not be read."""

    source: SourceFile | None  # None: the file could not be read
    error: str | None = None  # why not
    invalid_at: int | None = None  # byte offset of the first invalid UTF-8 sequence


class SourceCache:
    """Each input read and decoded once per run, whether a layout or the engine asks first.

    Layouts look at files before their dialect is known and get them as PostgreSQL; the engine
    asks for each file in its dialect. Another dialect's reading is made from the text already
    decoded (a file shared by the histories of two engines is read in both)."""

    def __init__(self) -> None:
        self._read: dict[InputFile, ReadFile] = {}  # as first read
        self._dialects: dict[tuple[InputFile, str], ReadFile] = {}  # in other dialects

    def read(self, item: InputFile, dialect: str = POSTGRES) -> ReadFile:
        found = self._read.get(item)
        if found is None:
            found = self._read[item] = _read(item, dialect)
        if found.source is None or found.source.dialect == dialect:
            return found
        other = self._dialects.get((item, dialect))
        if other is None:
            other = self._dialects[item, dialect] = replace(found, source=found.source.as_dialect(dialect))
        return other

    def __call__(self, item: InputFile) -> SourceFile | None:
        return self.read(item).source


def _read(item: InputFile, dialect: str) -> ReadFile:
    data = item.data
    if data is None:
        assert item.path is not None
        try:
            data = _file_bytes(item.path)
        except OSError as error:
            return ReadFile(None, error.strerror or type(error).__name__)
    text, invalid_at = decode(data)
    return ReadFile(SourceFile(item.display_path, item.root_path, text, dialect), invalid_at=invalid_at)


def _file_bytes(path: str) -> bytes:
    # Plain descriptor reads: a buffered file object per file costs more than reading it.
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        chunks = []
        while chunk := os.read(descriptor, 1 << 20):
            chunks.append(chunk)
    finally:
        os.close(descriptor)
    return b"".join(chunks)


@record
class Chain:
    """What one lint of one history covers: folders replayed in order into one schema model."""

    histories: list[History]
    base: list[InputFile] = field(default_factory=list)  # a schema dump replayed first, never reported
    named: set[str] | None = None  # root paths of the files to report (None: every file)
    lint_from: str | None = None  # units before this version feed the model but are not reported
    sources: SourceCache = field(default_factory=SourceCache)  # shared with the layouts that built it

    @classmethod
    def plain(cls, files: list[InputFile]) -> Chain:
        """Files replayed one after the other, each a unit of its own: the plain layout."""
        from sqlsoul.layouts import plain  # the layouts build on this module

        chain = cls([])
        names = [item.root_path for item in files]
        chain.histories.append(plain.build(Path("."), files, names, chain.sources, LayoutOptions()))
        return chain


DUPLICATE_VERSION = "duplicate-migration-version"
UNPAIRED = "unpaired-migration"


@record(frozen=True)
class LayoutOptions:
    """Settings that change how layouts read a folder (config keys of the same names)."""

    assume_in_transaction: bool = False  # plain folders: does the runner wrap each file?
    ignore_unpaired: tuple[str, ...] = ()  # root-relative globs of files whose missing partner is known
    multi_statement: bool = False  # golang-migrate's x-multi-statement: each statement on its own
    require_down: bool = False  # Flyway: expect an undo (U) script even when the folder has none

    def partner_not_expected(self, item: InputFile) -> bool:
        """Whether a file's missing up or down is known and accepted (its partner is Go code, say)."""
        return any(fnmatchcase(item.root_path, pattern) for pattern in self.ignore_unpaired)


def marker_edit(start: int, end: int) -> tuple[int, bytes]:
    """An edit that turns a marker comment into a statement end: `;` then spaces, same length."""
    return (start, b";" + b" " * (end - start - 1))


def reveal_edit(start: int, prefix_length: int) -> tuple[int, bytes]:
    """An edit that blanks a comment prefix (`--rollback `) so the SQL after it is parsed."""
    return (start, b" " * prefix_length)


@record(frozen=True)
class HistorySettings:
    """How folders become histories (the `history`, `base_schema`, `lint_from` and layout keys)."""

    chained: tuple[str, ...] = ()  # root-relative folders replayed as one history, in this order
    base_schema: str | None = None  # root-relative schema dump replayed before every history
    lint_from: str | None = None
    layouts: tuple[tuple[str, str], ...] = ()  # (root-relative folder glob, layout name), first match wins
    options: LayoutOptions = field(default_factory=LayoutOptions)
