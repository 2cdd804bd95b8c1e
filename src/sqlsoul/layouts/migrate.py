"""golang-migrate style: `<version>_<title>.up.sql` and `<version>_<title>.down.sql` side by side.

Also names with a dialect part before the direction (`1_init.postgres.up.sql`), which some
projects use to keep one folder per engine apart.

Transactions: golang-migrate does not wrap a migration in a transaction; its PostgreSQL driver
sends the whole file in one Exec, which PostgreSQL's simple query protocol runs as one implicit
transaction, unless `x-multi-statement` is on, which splits the file and runs each statement by
itself (golang-migrate, database/postgres/README.md: "x-multi-statement ... execute multiple
statements in a single migration"; FAQ: "Do migrations run in transactions? No ..."). The
`multi_statement` layout option says which.
"""

from __future__ import annotations

import re
from pathlib import Path

from sqlsoul.history import (
    DUPLICATE_VERSION,
    UNPAIRED,
    History,
    InputFile,
    LayoutOptions,
    LayoutProblem,
    Loader,
    Part,
    TransactionMode,
    Unit,
)

NAME = "migrate"
_FILE = re.compile(r"^(?P<version>\d+)_(?P<title>.*?)(?:\.(?P<dialect>[a-z0-9]+))?\.(?P<direction>up|down)\.sql$", re.IGNORECASE)


def detect(folder: Path, files: list[InputFile], names: list[str], loader: Loader) -> bool:
    return bool(names) and all("/" not in name and _FILE.match(name) for name in names)


def build(folder: Path, files: list[InputFile], names: list[str], loader: Loader, options: LayoutOptions) -> History:
    history = History(NAME)
    mode = TransactionMode.AUTOCOMMIT if options.multi_statement else TransactionMode.IMPLICIT
    # golang-migrate pairs files by version number and direction only (source/migration.go keeps a
    # map[version]map[direction]): titles may differ, and 1_x and 001_y are the same version 1.
    # A dialect part (`.postgres.up.sql`) keeps each engine's files apart.
    sides: dict[tuple[int, str], dict[str, list[tuple[int, str]]]] = {}
    for item, name in zip(files, names, strict=True):
        match = _FILE.match(name)
        assert match is not None  # detect() accepted every name
        key = (int(match["version"]), (match["dialect"] or "").lower())
        direction = sides.setdefault(key, {}).setdefault(match["direction"].lower(), [])
        direction.append((history.add_file(item), f"{match['version']}_{match['title']}"))
    for (number, _), found in sorted(sides.items()):
        ups, downs = found.get("up", []), found.get("down", [])
        twins = ups if len(ups) > 1 else downs if len(downs) > 1 else []
        listed = " and ".join(dict.fromkeys(label for _, label in twins))
        for index, _ in twins:  # on each, so that a hook given either file reports it
            history.problems.append(
                LayoutProblem(index, 0, DUPLICATE_VERSION, f"version {number} is used by {listed}; golang-migrate refuses the folder")
            )
        # One up and one down pair whatever their titles; among twins, equal titles pair. Twins still
        # run as units of their own, so that what they hold is checked.
        pairs = [(ups[0], downs[0])] if len(ups) == 1 and len(downs) == 1 else [
            (up, next((down for down in downs if down[1] == up[1]), None)) for up in ups
        ]
        paired = {down[0] for _, down in pairs if down is not None}
        for index, label in downs:
            if index not in paired and not options.partner_not_expected(history.files[index].input):
                history.problems.append(LayoutProblem(index, 0, UNPAIRED, f"down migration without an up ({label})"))
        for (up_index, label), down_entry in pairs:
            version, _, title = label.partition("_")
            if down_entry is not None:
                down: list[Part] | None = [Part(down_entry[0])]
            else:  # a missing down is irreversible-migration's finding, unless it is known and accepted
                down = None if options.partner_not_expected(history.files[up_index].input) else []
            history.units.append(Unit(version, title, [Part(up_index)], down, mode))
    return history
