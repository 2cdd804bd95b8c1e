"""sqitch: the order comes from `sqitch.plan`; each change has `deploy/`, `revert/` and `verify/` scripts.

The plan (sqitch, App::Sqitch::Plan and its release notes): blank lines and `#` comments are
skipped; `%name=value` lines are pragmas; `@tag ...` lines tag the change before them; every other
line is a change, `[+|-]name [dependencies] timestamp planner <email> # note`. Change names may hold
`/` (`schema/functions/x` lives in `deploy/schema/functions/x.sql`) but never blanks, `:`, `@`, `#`
(sqitchchanges, "Change Names").

Reworks (sqitch-rework; App::Sqitch::Plan::Change `path_segments` and `rework_tags`): a change
name may appear again after a tag; `sqitch rework` copies the scripts of the earlier instance to
`<name>@<tag>.sql`. The latest instance uses `<name>.sql`; an earlier one uses `<name>@<tag>.sql`
for the first tag between it and its next reworking whose deploy script exists ("looks for a deploy
script using the name of any tag between the reworked instances of a change and selects the first
one it finds that exists", App-Sqitch 0.951 changes), else the first such tag's name.

Each plan entry is one unit: up = its deploy script, down = its revert script (missing: []).
Verify scripts are parsed and checked for parse errors but neither replayed nor part of a unit.
Scripts under deploy/, revert/ or verify/ that no plan entry uses are reported (sqitch never runs
them); other `.sql` files of the project folder are parsed but belong to no unit.

Transactions: sqitch does not wrap a script in a transaction; the PostgreSQL engine runs each
script with `psql --file` and `ON_ERROR_STOP=1`, without `--single-transaction`
(App::Sqitch::Engine::pg, `run_file` and `_client_opts`), so psql sends statement after statement in
autocommit mode. Scripts are expected to carry their own `BEGIN; ... COMMIT;` (sqitchtutorial);
those statements are in the script and are seen as such, so the unit's mode is AUTOCOMMIT: the
framework adds no transaction of its own.
"""

from __future__ import annotations

import re
from dataclasses import field
from pathlib import Path

from sqlsoul.history import (
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
from sqlsoul.records import record

NAME = "sqitch"
PLAN = "sqitch.plan"
_DIRECTORIES = ("deploy", "revert", "verify")
# [+|-]name, then the rest of the line (dependencies, timestamp, planner, note).
_CHANGE = re.compile(r"^\s*(?:[+-]\s*)?(?P<name>[^\s:@#\\]+)(?P<rest>.*)$")
_TAG = re.compile(r"^\s*@(?P<name>[^\s:@#\\/]+)")


@record
class _Entry:
    name: str
    note: str
    tags_after: list[str] = field(default_factory=list)  # the tag lines right after it, before the next change


def detect(folder: Path, files: list[InputFile], names: list[str], loader: Loader) -> bool:
    return (folder / PLAN).is_file()


def read_plan(text: str) -> list[_Entry]:
    """The plan's changes in order, each with the tags that follow it up to the next change."""
    entries: list[_Entry] = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith(("#", "%")):
            continue
        tag = _TAG.match(stripped)
        if tag:
            if entries:
                entries[-1].tags_after.append(tag["name"])
            continue
        change = _CHANGE.match(stripped)
        if change:
            note = change["rest"].split("#", 1)[1].strip() if "#" in change["rest"] else ""
            entries.append(_Entry(change["name"], note))
    return entries


def build(folder: Path, files: list[InputFile], names: list[str], loader: Loader, options: LayoutOptions) -> History:
    history = History(NAME)
    by_name = dict(zip(names, files, strict=True))
    try:
        entries = read_plan((folder / PLAN).read_text(encoding="utf-8", errors="replace"))
    except OSError:
        entries = []
    indexes: dict[str, int] = {}

    def add(name: str, replayed: bool = True) -> int | None:
        if name not in by_name:
            return None
        if name not in indexes:
            indexes[name] = history.add_file(by_name[name], replayed=replayed)
        return indexes[name]

    for position, entry in enumerate(entries):
        tag = _rework_tag(entry, entries[position + 1 :], by_name)
        version = f"{entry.name}@{tag}" if tag else entry.name  # sqitch's name for an earlier instance
        script = f"{version}.sql"
        deploy = add(f"deploy/{script}")
        revert = add(f"revert/{script}")
        add(f"verify/{script}", replayed=False)
        if deploy is None:
            if revert is not None and not options.partner_not_expected(history.files[revert].input):
                history.problems.append(
                    LayoutProblem(revert, 0, UNPAIRED, f"revert script of {version} without its deploy script (deploy/{script})")
                )
            continue
        if revert is not None:
            down: list[Part] | None = [Part(revert)]
        else:  # a missing revert is irreversible-migration's finding, unless known and accepted
            down = None if options.partner_not_expected(history.files[deploy].input) else []
        history.units.append(
            Unit(version, entry.note or entry.name, [Part(deploy)], down, TransactionMode.AUTOCOMMIT, label=f"change {version}")
        )

    for name, item in by_name.items():
        if name in indexes:
            continue
        directory = name.split("/", 1)[0]
        index = history.add_file(item, replayed=False)
        if directory in _DIRECTORIES and not options.partner_not_expected(item):
            history.problems.append(
                LayoutProblem(index, 0, UNPAIRED, f"{directory} script not in {PLAN}; sqitch never runs it")
            )
    return history


def _rework_tag(entry: _Entry, later: list[_Entry], by_name: dict[str, InputFile]) -> str | None:
    """The tag in the script name of a reworked change's earlier instance (`<name>@<tag>.sql`);
    None for a change's latest instance, which uses `<name>.sql`."""
    if not any(other.name == entry.name for other in later):
        return None
    # Tags between this instance and its next reworking: its own, then those of the changes after it.
    tags = list(entry.tags_after)
    for other in later:
        if other.name == entry.name:
            break
        tags.extend(other.tags_after)
    if not tags:  # sqitch refuses a rework without a tag in between; keep the plain name
        return None
    return next((tag for tag in tags if f"deploy/{entry.name}@{tag}.sql" in by_name), tags[0])
