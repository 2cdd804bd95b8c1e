"""goose: one file per migration, `<version>_<title>.sql`, cut by `-- +goose Up` / `-- +goose Down`.

What goose does (pressly/goose):
- The version is the integer before the first underscore of the file name (`NumericComponent`);
  migrations run in version order and a version used twice is an error ("duplicate migration
  version").
- Annotations are comment lines without leading whitespace, case-insensitive: `-- +goose Up`
  (required), `Down` (optional: "may be omitted entirely if there are no down migrations"),
  `StatementBegin`, `StatementEnd`, `NO TRANSACTION`, `ENVSUB ON|OFF`
  (documentation/annotations; internal/sqlparser/parser.go `extractAnnotation`: remove every
  `--` and the first `+goose`, trim, compare case-insensitively).
- Outside StatementBegin/End a statement ends at a line whose last word ends with `;`; between
  them everything up to StatementEnd is one statement, `;` or not (parser.go stores the buffer
  on StatementEnd). So the StatementEnd line is made a statement end here, and so are the Up and
  Down lines: goose never lets a statement run on from one section into the other.
- `NO TRANSACTION` anywhere in the file turns the transaction off for both directions
  (parser.go sets `useTx = false` on any line; the `goose create` template says "Both Up and
  Down migrations within this file will be run without a transaction"). Then each statement is
  sent with its own `ExecContext` (migration_sql.go `runSQLMigration`): each commits on its own.
  With a transaction, all of them run inside one BEGIN ... COMMIT. A StatementBegin/End block is
  one statement to goose, so one `ExecContext`: PostgreSQL runs what it holds as one implicit
  transaction.
"""

from __future__ import annotations

import re
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
)

NAME = "goose"
_ANNOTATION = re.compile(rb"^--[^\n]*\+goose[^\n]*", re.MULTILINE)  # candidate lines; see _annotation
_KNOWN = frozenset({"up", "down", "statementbegin", "statementend", "no transaction", "envsub on", "envsub off"})
_CUTS = frozenset({"up", "down", "statementend"})  # annotations that end the statement before them
_NAME = re.compile(r"^(?P<version>\d+)_(?P<title>.*?)\.sql$", re.IGNORECASE)


def detect(folder: Path, files: list[InputFile], names: list[str], loader: Loader) -> bool:
    # Up to the first file without an Up annotation.
    return bool(names) and all(
        "/" not in name and _has_up(contents(loader, item) or b"") for item, name in zip(files, names, strict=True)
    )


def build(folder: Path, files: list[InputFile], names: list[str], loader: Loader, options: LayoutOptions) -> History:
    history = History(NAME)
    versions: dict[int | None, str] = {}
    for item, name in sorted(zip(files, names, strict=True), key=lambda pair: _order(pair[1])):
        match = _NAME.match(name)
        version, title = (match["version"], match["title"]) if match else (name.removesuffix(".sql"), "")
        source = loader(item)
        annotations = _annotations(source.data) if source is not None else []
        index = history.add_file(item, [marker_edit(start, end) for kind, start, end in annotations if kind in _CUTS])
        number = int(version) if match else None  # goose compares versions as numbers: 001 is 1
        if number in versions:
            history.problems.append(
                LayoutProblem(index, 0, DUPLICATE_VERSION,
                              f"version {number} is used twice ({versions[number]} and {name}); goose refuses to run")
            )
        elif number is not None:
            versions[number] = name
        up_at = next((start for kind, start, _ in annotations if kind == "up"), None)
        no_transaction = any(kind == "no transaction" for kind, _, _ in annotations)
        mode = TransactionMode.AUTOCOMMIT if no_transaction else TransactionMode.TRANSACTION
        if up_at is None:  # goose refuses the file; its SQL still counts as what it would have run
            history.units.append(Unit(version, title, [Part(index)], None, mode))
            continue
        down_at = next((start for kind, start, _ in annotations if kind == "down" and start > up_at), None)
        if down_at is not None:
            down: list[Part] | None = [Part(index, down_at)]
        else:  # a missing down is irreversible-migration's finding, unless it is known and accepted
            down = None if options.partner_not_expected(item) else []
        # The up also holds anything before its annotation, which goose refuses.
        unit = Unit(version, title, [Part(index, 0, down_at)], down, mode)
        if no_transaction:
            unit.requests = _blocks(index, annotations)
        history.units.append(unit)
    return history


def _blocks(index: int, annotations: list[tuple[str, int, int]]) -> list[Part]:
    """The StatementBegin ... StatementEnd blocks of a file, each sent to the server in one request."""
    blocks, begun = [], None
    for kind, start, end in annotations:
        if kind == "statementbegin":
            begun = start
        elif kind == "statementend" and begun is not None:
            blocks.append(Part(index, begun, end))
            begun = None
    return blocks


def _order(name: str) -> tuple[int, int, str]:
    match = _NAME.match(name)
    return (0, int(match["version"]), name) if match else (1, 0, name)


def _annotation(line: bytes) -> str | None:
    """The annotation a comment line holds, as goose's extractAnnotation reads it (None: not one)."""
    command = line.decode("utf-8", "replace").replace("--", "").replace("+goose", "", 1).strip().lower()
    return command if command in _KNOWN else None


def _annotations(data: bytes) -> list[tuple[str, int, int]]:
    """(annotation, start, end) of each annotation line; the end leaves out a carriage return."""
    found = []
    for match in _ANNOTATION.finditer(data):
        kind = _annotation(match.group())
        if kind is not None:
            end = match.end() - 1 if match.group().endswith(b"\r") else match.end()
            found.append((kind, match.start(), end))
    return found


def _has_up(data: bytes) -> bool:
    return any(_annotation(match.group()) == "up" for match in _ANNOTATION.finditer(data))
