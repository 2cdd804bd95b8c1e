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


def detect(folder: Path, names: list[str], loader: Loader) -> bool:
    return bool(names) and all("/" not in name and _FILE.match(name) for name in names)


def build(folder: Path, files: list[InputFile], names: list[str], loader: Loader, options: LayoutOptions) -> History:
    history = History(NAME)
    mode = TransactionMode.AUTOCOMMIT if options.multi_statement else TransactionMode.IMPLICIT
    pairs: dict[tuple[str, str], dict[str, int]] = {}
    for item, name in zip(files, names, strict=True):
        match = _FILE.match(name)
        assert match is not None  # detect() accepted every name
        key = (match["version"], f"{match['title']}{'.' + match['dialect'] if match['dialect'] else ''}")
        pairs.setdefault(key, {})[match["direction"].lower()] = history.add_file(item)
    versions: dict[int, tuple[str, str]] = {}
    for (version, title), sides in sorted(pairs.items(), key=lambda pair: (int(pair[0][0]), pair[0][1])):
        first = sides.get("up", sides.get("down", 0))
        if int(version) in versions and versions[int(version)][1] != title:
            history.problems.append(
                LayoutProblem(first, 0, DUPLICATE_VERSION,
                              f"version {version} is used twice ({versions[int(version)][1]} and {title}); "
                              "the framework will refuse one of them")
            )
        versions.setdefault(int(version), (version, title))
        if "up" not in sides:
            if not options.partner_not_expected(history.files[sides["down"]].input):
                history.problems.append(
                    LayoutProblem(sides["down"], 0, UNPAIRED, f"down migration without an up ({version}_{title}.up.sql)")
                )
            continue
        down_index = sides.get("down")
        if down_index is not None:
            down: list[Part] | None = [Part(down_index)]
        else:  # a missing down is irreversible-migration's finding, unless it is known and accepted
            down = None if options.partner_not_expected(history.files[sides["up"]].input) else []
        history.units.append(Unit(version, title, [Part(sides["up"])], down, mode))
    return history
