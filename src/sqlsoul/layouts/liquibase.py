"""Liquibase formatted SQL: files that start with `--liquibase formatted sql`, cut into changesets
by `--changeset author:id [attributes]` lines; each changeset is a unit.

The syntax is Liquibase's own line-by-line parser (liquibase-standard,
parser/AbstractFormattedChangeLogParser.java; documentation "Example Changelogs: SQL Format"):

- a file is formatted SQL when its first non-blank line matches `--\\s*liquibase\\s*formatted.*`;
  any other `.sql` file that a root changelog includes (`includeAll`) runs as one raw changeset,
  id `raw`, author `includeAll`, in a transaction (parser/core/sql/SqlChangeLogParser.java), even if
  it holds `--changeset` lines;
- `--changeset author:id` (the author up to the first `:`, either part may be `"quoted"`) starts a
  changeset that runs to the next one; lines before the first changeset are not run;
- inside a changeset `--comment: ...`, `--validCheckSum ...`, `--preconditions ...` and
  `--precondition-<type> ...` are metadata and stay comments; `--rollback <sql>` lines and
  `/* liquibase rollback` ... `*/` blocks hold the rollback; every other line is the changeset's SQL;
- a rollback that reads `not required...` or `empty...` is an empty rollback (EmptyChange); one that
  names `changesetId:` / `changesetAuthor:` [`changesetPath:`] rolls back with that changeset's changes;
- `--ignoreLines:start` ... `--ignoreLines:end` and `--ignoreLines:<n>` hide lines from Liquibase;
- attributes: `runInTransaction:false` runs the changeset outside a transaction, statement by
  statement (default true: one transaction per changeset); `dbms:` restricts the database types
  (a changeset not meant for PostgreSQL is skipped); `ignore:true` skips it; `endDelimiter:` replaces
  `;`, and statements are also split at `GO` lines ("splitStatements ... split statements on ;'s and
  GO's").

The files of a folder run in `includeAll` order, the plain string order of their paths
(changelog/DatabaseChangeLog.java, `getStandardChangeLogComparator`).

Downs: the rollback SQL is the unit's down; it is parsed in place: the `--rollback ` prefix and the
block's opener and `*/` are blanked with same-length edits. A changeset without any rollback has a
missing down ([]): Liquibase "does not support an automatic rollback for formatted SQL changesets"
(documentation, "Liquibase Auto Rollback"). `--rollback not required` / `--rollback empty` says the
changeset needs no rollback: the unit keeps no down (None), so it is not reported as irreversible -
an empty down ([Part] without statements) would instead claim that rolling back restores the schema.

Statement ends: Liquibase splits each changeset's SQL on its own, so the last statement before a
`--changeset` or a rollback line often has no `;`. The marker lines are turned into a `;` and spaces
(`marker_edit`), as is the `--rollback ` prefix of the first line of a rollback run; a rollback run
followed by more changeset SQL gets a `;` in place of its line end when its SQL does not end with one.
"""

from __future__ import annotations

import re
from dataclasses import field
from pathlib import Path

from sqlsoul.history import (
    DUPLICATE_VERSION,
    History,
    InputFile,
    LayoutOptions,
    LayoutProblem,
    Loader,
    Part,
    TransactionMode,
    Unit,
    contents,
    marker_edit,
    reveal_edit,
)
from sqlsoul.records import record

NAME = "liquibase"

# Liquibase's patterns (Java `matches()`: the whole line); `\s` is ASCII whitespace in both.
_HEADER = re.compile(rb"\s*--\s*liquibase\s*formatted.*", re.IGNORECASE)
_CHANGESET = re.compile(rb'\s*--\s*changeset\s+("[^"]+"|[^:]+):\s*("[^"]+"|\S+).*', re.IGNORECASE)
_CHANGESET_LIKE = re.compile(rb"\s*--\s*changeset\b", re.IGNORECASE)
_COMMENT = re.compile(rb"--\s*comment:? (.*)", re.IGNORECASE)
_VALID_CHECK_SUM = re.compile(rb"--\s*validCheckSum:? (.*)", re.IGNORECASE)
_ROLLBACK = re.compile(rb"\s*--\s*rollback (.*)", re.IGNORECASE)
_ROLLBACK_START = re.compile(rb"\s*/\*\s*liquibase\s*rollback\s*", re.IGNORECASE)
_ROLLBACK_END = re.compile(rb".*\*/\s*", re.DOTALL)
_PRECONDITIONS = re.compile(rb"\s*--\s*preconditions(.*)", re.IGNORECASE)
_PRECONDITION = re.compile(rb"\s*--\s*precondition-([a-zA-Z0-9-]+)(?: .*)?", re.IGNORECASE)
_IGNORE_LINES = re.compile(rb"--\s*ignoreLines:(\w+)", re.IGNORECASE)
_RUN_IN_TRANSACTION = re.compile(rb".*runInTransaction:(\w+).*", re.IGNORECASE)
_SPLIT_STATEMENTS = re.compile(rb".*splitStatements:(\w+).*", re.IGNORECASE)
_END_DELIMITER = re.compile(rb".*\bendDelimiter:(\S*).*", re.IGNORECASE)
_DBMS = re.compile(rb".*dbms:([^,][\w!,]+).*", re.IGNORECASE)
_IGNORE = re.compile(rb".*ignore:(\w*).*", re.IGNORECASE)
_ROLLBACK_REFERENCE_ID = re.compile(r".*changeSetId:(\S+).*", re.IGNORECASE)
_ROLLBACK_REFERENCE_AUTHOR = re.compile(r".*changesetAuthor:(\S+).*", re.IGNORECASE)
_ROLLBACK_REFERENCE_PATH = re.compile(r".*changesetPath:(\S+).*", re.IGNORECASE)
_GO = re.compile(rb"\s*go\s*", re.IGNORECASE)


@record
class _Line:
    start: int  # byte offset of the line
    end: int  # byte offset of its end, before "\r\n" or "\n"
    text: bytes  # without the line end


@record
class _Rollback:
    block: bool  # a `/* liquibase rollback */` block, else a run of `--rollback` lines
    start: int  # byte offset of its first line
    end: int  # byte offset just after its last line
    sql: list[str] = field(default_factory=list)  # its lines as Liquibase reads them
    edits: list[tuple[int, bytes]] = field(default_factory=list)  # what reveals it as SQL
    last: _Line | None = None  # its last `--rollback` line


@record
class _Changeset:
    author: str
    id: str
    marker: _Line
    end: int = 0  # byte offset where the next changeset (or the end of the file) starts
    rollbacks: list[_Rollback] = field(default_factory=list)
    sql_lines: list[_Line] = field(default_factory=list)  # the lines of its SQL

    @property
    def attributes(self) -> bytes:
        return self.marker.text


def _lines(data: bytes) -> list[_Line]:
    lines = []
    start = 0
    while True:
        newline = data.find(b"\n", start)
        stop = len(data) if newline < 0 else newline
        end = stop - 1 if stop > start and data[stop - 1 : stop] == b"\r" else stop
        lines.append(_Line(start, end, data[start:end]))
        if newline < 0:
            return lines
        start = newline + 1


def is_formatted(data: bytes) -> bool:
    """Liquibase's test: the first non-blank line reads `--liquibase formatted ...`."""
    for line in _lines(data.removeprefix(b"\xef\xbb\xbf")):
        if line.text.strip():
            return bool(_HEADER.fullmatch(line.text))
    return False


def detect(folder: Path, files: list[InputFile], names: list[str], loader: Loader) -> bool:
    # Every file is formatted SQL, or at least holds a `--changeset` line (its header forgotten:
    # Liquibase then runs it as one raw changeset); one formatted file is needed.
    formatted = False
    for item in files:
        data = contents(loader, item)
        if data is None:
            return False
        if is_formatted(data):
            formatted = True
        elif not any(_CHANGESET_LIKE.match(line.text) for line in _lines(data)):
            return False
    return formatted


def build(folder: Path, files: list[InputFile], names: list[str], loader: Loader, options: LayoutOptions) -> History:
    history = History(NAME)
    for position in sorted(range(len(names)), key=lambda position: names[position]):  # includeAll order
        item, name = files[position], names[position]
        source = loader(item)
        if source is not None and is_formatted(source.data):
            _build_formatted(history, item, name, source.data, options)
        else:  # a raw SQL changelog: one changeset, the whole file, in a transaction
            index = history.add_file(item)
            down = None if options.partner_not_expected(item) else []
            history.units.append(
                Unit("includeAll:raw", name, [Part(index)], down, TransactionMode.TRANSACTION, label=f"raw changeset {name}")
            )
    return history


def _build_formatted(history: History, item: InputFile, name: str, data: bytes, options: LayoutOptions) -> None:
    lines = _lines(data)
    edits: list[tuple[int, bytes]] = []
    changesets = _read(lines, edits)
    if changesets:
        changesets[-1].end = len(data)
    index = history.add_file(item)
    seen: dict[tuple[str, str], int] = {}
    units: list[tuple[_Changeset, Unit]] = []
    for changeset in changesets:
        key = (changeset.author, changeset.id)
        number = data.count(b"\n", 0, changeset.marker.start) + 1
        if key in seen:
            history.problems.append(
                LayoutProblem(index, changeset.marker.start, DUPLICATE_VERSION,
                              f"changeset {changeset.author}:{changeset.id} is used twice in {name} "
                              f"(lines {seen[key]} and {number}); Liquibase refuses to update")
            )
        seen.setdefault(key, number)
        if not _runs_on_postgresql(changeset.attributes) or _flag(_IGNORE, changeset.attributes, False):
            # Liquibase skips this changeset on PostgreSQL: its SQL is not parsed either.
            edits.extend(_blank(line) for line in changeset.sql_lines)
            continue
        edits.extend(_statement_ends(changeset))
        down = _down(changeset, item, options, edits)
        mode = TransactionMode.TRANSACTION if _flag(_RUN_IN_TRANSACTION, changeset.attributes, True) else TransactionMode.AUTOCOMMIT
        unit = Unit(
            f"{changeset.author}:{changeset.id}", name, _up(index, changeset, data),
            None if down is None else [Part(index, start, end) for start, end in down], mode,
            label=f"changeset {changeset.author}:{changeset.id} ({name})",
        )
        units.append((changeset, unit))
    # A rollback that names another changeset of the file rolls back with that changeset's SQL.
    by_key = {(changeset.author, changeset.id): unit for changeset, unit in units}
    for changeset, unit in units:
        reference = _reference(changeset)
        if reference is not None:
            target = by_key.get(reference)
            unit.down = list(target.up) if target is not None else None
    history.files[index].edits = edits
    history.units.extend(unit for _, unit in units)


def _read(lines: list[_Line], edits: list[tuple[int, bytes]]) -> list[_Changeset]:
    """The changesets of a formatted file, line by line as Liquibase reads them."""
    changesets: list[_Changeset] = []
    current: _Changeset | None = None
    at = 0
    while at < len(lines):
        line = lines[at]
        at += 1
        ignore = _IGNORE_LINES.fullmatch(line.text)
        if ignore:  # lines Liquibase never reads: blanked so that they are not parsed either
            hidden: list[_Line] = []
            if ignore[1].lower() == b"start":
                while at < len(lines):
                    end = _IGNORE_LINES.fullmatch(lines[at].text)
                    if end and end[1].lower() == b"end":
                        break
                    hidden.append(lines[at])
                    at += 1
                at += 1
            elif ignore[1].isdigit():
                hidden = lines[at : at + int(ignore[1])]
                at += int(ignore[1])
            edits.extend(_blank(hidden_line) for hidden_line in hidden)
            continue
        marker = _CHANGESET.fullmatch(line.text)
        if marker:
            if current is not None:
                current.end = line.start
            current = _Changeset(_unquote(marker[1]), _unquote(marker[2]), line)
            changesets.append(current)
            edits.append(marker_edit(line.start, line.end))
            continue
        if current is None:
            continue  # before the first changeset: not run
        if _COMMENT.fullmatch(line.text) or _VALID_CHECK_SUM.fullmatch(line.text):
            continue
        rollback = _ROLLBACK.fullmatch(line.text)
        if rollback:
            _add_rollback_line(current, line, rollback.start(1))
            continue
        if _ROLLBACK_START.fullmatch(line.text):
            closing = next((later for later in range(at, len(lines)) if _ROLLBACK_END.fullmatch(lines[later].text)), None)
            if closing is not None:
                current.rollbacks.append(_rollback_block(line, lines[at:closing], lines[closing]))
                at = closing + 1
                continue
        if _PRECONDITIONS.fullmatch(line.text) or _PRECONDITION.fullmatch(line.text):
            continue
        current.sql_lines.append(line)
    return changesets


def _add_rollback_line(changeset: _Changeset, line: _Line, sql_at: int) -> None:
    """Add a `--rollback` line: to the run before it if only blank lines lie between."""
    last = changeset.rollbacks[-1] if changeset.rollbacks else None
    sql_between = any(sql.text.strip() and sql.start >= last.end for sql in changeset.sql_lines) if last else True
    if last is None or last.block or sql_between:
        # A new run: its prefix becomes `;` and spaces, ending any statement before it.
        last = _Rollback(False, line.start, line.end + 1)
        last.edits.append(marker_edit(line.start, line.start + sql_at))
        changeset.rollbacks.append(last)
    else:
        last.edits.append(reveal_edit(line.start, sql_at))
    last.end = line.end + 1
    last.last = line
    last.sql.append(line.text[sql_at:].decode("utf-8", "replace"))


def _rollback_block(opener: _Line, inner: list[_Line], closer: _Line) -> _Rollback:
    """A `/* liquibase rollback` ... `*/` block: the opener becomes `;` and spaces, the `*/` a `; `."""
    close_at = closer.text.rindex(b"*/")
    block = _Rollback(True, opener.start, closer.end + 1)
    block.sql = [line.text.decode("utf-8", "replace") for line in inner]
    block.sql.append(closer.text[:close_at].decode("utf-8", "replace"))
    block.edits = [marker_edit(opener.start, opener.end), (closer.start + close_at, b"; ")]
    return block


def _rollback_text(changeset: _Changeset) -> str:
    return "\n".join(line for rollback in changeset.rollbacks for line in rollback.sql).strip()


def _reference(changeset: _Changeset) -> tuple[str, str] | None:
    """(author, id) of the changeset a `--rollback changesetId:... changesetAuthor:...` names."""
    text = _rollback_text(changeset).replace("\n", "")
    if "changesetid" not in text.lower():
        return None
    author, id_ = _ROLLBACK_REFERENCE_AUTHOR.match(text), _ROLLBACK_REFERENCE_ID.match(text)
    path = _ROLLBACK_REFERENCE_PATH.match(text)
    if author is None or id_ is None or path is not None:
        return ("", "")  # another file's changeset, or an incomplete reference: not resolved here
    return (author[1], id_[1])


def _down(changeset: _Changeset, item: InputFile, options: LayoutOptions,
          edits: list[tuple[int, bytes]]) -> list[tuple[int, int]] | None:
    """The byte ranges of the changeset's rollback SQL (revealed by `edits`), or None when it has none
    to check: `not required` / `empty`, or a reference to another changeset (resolved later)."""
    text = _rollback_text(changeset)
    if not text:
        return None if options.partner_not_expected(item) else []
    lowered = text.lower()
    if re.fullmatch(r"not required.*", lowered) or re.fullmatch(r"empty.*", lowered) or "changesetid" in lowered:
        return None
    ranges = []
    for rollback in changeset.rollbacks:
        edits.extend(rollback.edits)
        ranges.append((rollback.start, rollback.end))
        last = rollback.last
        if not rollback.block and last is not None and _sql_follows(changeset, rollback.end):
            # Liquibase reads the rollback apart from the SQL around it; when more SQL follows, the
            # rollback's last statement needs an end of its own: its line end becomes `;`.
            sql = rollback.sql[-1].rstrip()
            if sql and not sql.endswith(";") and "--" not in sql and "/*" not in sql and last.end < changeset.end:
                edits.append((last.end, b";"))
    return ranges


def _sql_follows(changeset: _Changeset, offset: int) -> bool:
    return any(line.start >= offset and line.text.strip() for line in changeset.sql_lines)


def _up(index: int, changeset: _Changeset, data: bytes) -> list[Part]:
    """The changeset's range without its rollbacks (and without gaps that hold only blanks)."""
    ranges, start = [], changeset.marker.start
    for rollback in changeset.rollbacks:
        ranges.append((start, rollback.start))
        start = max(start, rollback.end)
    ranges.append((start, changeset.end))
    return [Part(index, start, end) for start, end in ranges if data[start:end].strip()]


def _statement_ends(changeset: _Changeset) -> list[tuple[int, bytes]]:
    """`endDelimiter` lines, and `GO` lines while statements are split, end statements like `;`."""
    delimiter = _END_DELIMITER.fullmatch(changeset.attributes)
    split = _flag(_SPLIT_STATEMENTS, changeset.attributes, True)
    ends = []
    for line in changeset.sql_lines:
        text = line.text.strip()
        if (delimiter and delimiter[1] not in (b"", b";") and text == delimiter[1]) or (split and _GO.fullmatch(text)):
            ends.append(marker_edit(line.start, line.end))
    return ends


def _runs_on_postgresql(attributes: bytes) -> bool:
    """Liquibase's `dbms:` filter (DatabaseList.definitionMatches) for PostgreSQL."""
    dbms = _DBMS.fullmatch(attributes)
    if dbms is None:
        return True
    names = [name.strip().lower() for name in dbms[1].decode("ascii", "replace").split(",") if name.strip()]
    if "none" in names or "!postgresql" in names:
        return False
    if "all" in names or "postgresql" in names:
        return True
    return bool(names) and all(name.startswith("!") for name in names)


def _flag(pattern: re.Pattern[bytes], attributes: bytes, default: bool) -> bool:
    """A boolean attribute as Java's Boolean.parseBoolean reads it: only `true` is true."""
    found = pattern.fullmatch(attributes)
    return default if found is None else found[1].lower() == b"true"


def _unquote(value: bytes) -> str:
    text = value.decode("utf-8", "replace")
    return text[1:-1] if len(text) >= 2 and text[0] == text[-1] == '"' else text


def _blank(line: _Line) -> tuple[int, bytes]:
    return (line.start, b" " * (line.end - line.start))
