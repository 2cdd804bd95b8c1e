"""dbmate: one file per migration, `<version>_<title>.sql`, cut by `-- migrate:up` / `-- migrate:down`.

What dbmate does (amacneil/dbmate, pkg/dbmate):
- The version is the file name's leading digits, as text (`migrationFileRegexp = ^(\\d+).*\\.sql$`;
  other names are skipped, but a file here that has the markers is taken as meant to run), and
  migrations run sorted by file name (db.go `FindMigrations`).
  Two files with one version share one row of schema_migrations: once one is recorded, the
  other counts as applied and never runs.
- Markers sit at a line start: `(?m)^--\\s*migrate:up(\\s*$|\\s+\\S+)` and the same for down
  (migration.go). The up block runs from its marker to the down marker, the down block from
  there to the end. Newer dbmate allows several up/down pairs in one file, each up marker
  starting a section of its own that runs on its own (`getMigrationSectionSubstrings`); each
  section is a unit here. dbmate refuses a file without a down marker (`ErrParseMissingDown`).
- Options follow the marker on its line: `-- migrate:up transaction:false` (`parseMigrationOptions`).
  With a transaction the block runs inside BEGIN ... COMMIT (`doTransaction`); without, dbmate
  sends the whole block in one `Exec` with no arguments (db.go `Migrate`), which lib/pq sends as
  one simple-protocol query (`simpleExec`): PostgreSQL runs it as one implicit transaction.

Each marker is turned into a statement end for the parser, as dbmate sends each block on its
own: a statement missing its `;` before `-- migrate:down` must not swallow the down block.
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

NAME = "dbmate"
# Go's \s is [\t\n\f\r ]; dbmate's expressions, in bytes.
_UP = re.compile(rb"^--[\t\n\f\r ]*migrate:up(?:[\t\n\f\r ]*$|[\t\n\f\r ]+[^\t\n\f\r ])", re.MULTILINE)
_DOWN = re.compile(rb"^--[\t\n\f\r ]*migrate:down(?:[\t\n\f\r ]*$|[\t\n\f\r ]+[^\t\n\f\r ])", re.MULTILINE)
_DIRECTIVE = re.compile(rb"^--[\t\n\f\r ]*migrate:(?:up|down)")
_NAME = re.compile(r"^(?P<version>\d+)[_-]?(?P<title>.*?)\.sql$", re.IGNORECASE)  # dbmate skips other names


def detect(folder: Path, files: list[InputFile], names: list[str], loader: Loader) -> bool:
    # Up to the first file without a marker.
    return bool(names) and all(
        "/" not in name and _UP.search(contents(loader, item) or b"") for item, name in zip(files, names, strict=True)
    )


def build(folder: Path, files: list[InputFile], names: list[str], loader: Loader, options: LayoutOptions) -> History:
    history = History(NAME)
    versions: dict[str, str] = {}
    for item, name in sorted(zip(files, names, strict=True), key=lambda pair: pair[1].encode("utf-8")):
        match = _NAME.match(name)
        version, title = (match["version"], match["title"]) if match else (name.removesuffix(".sql"), "")
        source = loader(item)
        data = source.data if source is not None else b""
        ups = [marker.start() for marker in _UP.finditer(data)]
        downs = [marker.start() for marker in _DOWN.finditer(data)]
        index = history.add_file(item, [marker_edit(start, _line_end(data, start)) for start in sorted(ups + downs)])
        if version in versions:
            history.problems.append(
                LayoutProblem(index, 0, DUPLICATE_VERSION,
                              f"version {version} is used twice ({versions[version]} and {name}); "
                              "dbmate records one version for both")
            )
        versions.setdefault(version, name)
        if not ups:  # dbmate refuses the file; its SQL still counts as what it would have run
            history.units.append(Unit(version, title, [Part(index)], None))
            continue
        for number, start in enumerate(ups):
            end = ups[number + 1] if number + 1 < len(ups) else None
            down_at = next((at for at in downs if at > start and (end is None or at < end)), None)
            if down_at is not None:
                down: list[Part] | None = [Part(index, down_at, end)]
            else:  # a missing down is irreversible-migration's finding, unless it is known and accepted
                down = None if options.partner_not_expected(item) else []
            settings = _options(data[start : _line_end(data, start)])
            mode = TransactionMode.IMPLICIT if settings.get(b"transaction") == b"false" else TransactionMode.TRANSACTION
            section = title if number == 0 else f"{title} (section {number + 1})"
            # The first section also holds anything before its marker, which dbmate refuses.
            up = [Part(index, start if number else 0, down_at if down_at is not None else end)]
            history.units.append(Unit(version, section, up, down, mode))
    return history


def _options(line: bytes) -> dict[bytes, bytes]:
    """`key:value` words after the marker, as dbmate's parseMigrationOptions reads them."""
    pairs = [word.split(b":") for word in _DIRECTIVE.sub(b"", line).split()]
    return {pair[0]: pair[1] for pair in pairs if len(pair) == 2}


def _line_end(data: bytes, start: int) -> int:
    end = data.find(b"\n", start)
    end = len(data) if end < 0 else end
    return end - 1 if end > start and data[end - 1 : end] == b"\r" else end
