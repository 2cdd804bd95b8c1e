"""diesel: one folder per migration, `<version>_<title>/up.sql` and `down.sql` (+ `metadata.toml`).

What diesel does (diesel-rs/diesel, diesel_migrations):
- The version is the folder name up to the first underscore, dashes removed
  (migrations_internals `version_from_string`: `path.split('_').next().map(|s| s.replace('-', ""))`),
  and pending migrations run sorted by that version as text (`MigrationVersion` derives `Ord` on
  its string; migration_harness.rs `pending_migrations` sorts by `version()`). Two folders with one
  version collapse into one entry of a map keyed by version, so one of them never runs.
- A folder without up.sql makes the whole migration folder invalid
  (`FileBasedMigrations::from_path`: `UnknownMigrationFormat`); a folder without down.sql is
  accepted and cannot be reverted (`revert` fails with `NoMigrationRevertFile`).
- Each migration runs in a transaction unless its metadata.toml turns `run_in_transaction` off
  (migration_harness.rs `run_migration`: `if migration.metadata().run_in_transaction()`). The key
  is declared `#[serde(default)] run_in_transaction: bool`, so a metadata.toml that parses but
  does not set it means false; a missing or unparsable file means the default, true
  (`TomlMetadata::read_from_file(...).unwrap_or_default()`). Outside a transaction the file goes
  to the server in one `batch_execute`, which is `PQexec` on PostgreSQL (pg/connection/raw.rs):
  one simple-protocol request, which PostgreSQL runs as one implicit transaction.
"""

from __future__ import annotations

import os
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

NAME = "diesel"
_FILE = re.compile(r"^(?P<folder>[^/]+)/(?P<side>up|down)\.sql$", re.IGNORECASE)


def detect(folder: Path, files: list[InputFile], names: list[str], loader: Loader) -> bool:
    matches = [_FILE.match(name) for name in names]
    return bool(names) and all(matches) and any(match["side"].lower() == "up" for match in matches if match)


def build(folder: Path, files: list[InputFile], names: list[str], loader: Loader, options: LayoutOptions) -> History:
    history = History(NAME)
    migrations: dict[str, dict[str, int]] = {}
    for item, name in zip(files, names, strict=True):
        match = _FILE.match(name)
        assert match is not None  # detect() accepted every name
        migrations.setdefault(match["folder"], {})[match["side"].lower()] = history.add_file(item)
    runs: dict[str, str] = {}  # diesel's version -> the folder that holds it
    for name, sides in sorted(migrations.items(), key=lambda pair: (_diesel_version(pair[0]), pair[0])):
        version, _, title = name.partition("_")
        if "up" not in sides:
            if not options.partner_not_expected(history.files[sides["down"]].input):
                history.problems.append(
                    LayoutProblem(sides["down"], 0, UNPAIRED,
                                  f"down.sql without an up.sql in {name}/; diesel refuses a migration folder without up.sql")
                )
            continue
        key = _diesel_version(name)
        if key in runs:
            history.problems.append(
                LayoutProblem(sides["up"], 0, DUPLICATE_VERSION,
                              f"version {version} is used twice ({runs[key]} and {name}); diesel runs only one of them")
            )
        runs.setdefault(key, name)
        if "down" in sides:
            down: list[Part] | None = [Part(sides["down"])]
        else:  # a missing down is irreversible-migration's finding, unless it is known and accepted
            down = None if options.partner_not_expected(history.files[sides["up"]].input) else []
        wrapped = _runs_in_transaction(os.path.join(folder, name, "metadata.toml"))
        mode = TransactionMode.TRANSACTION if wrapped else TransactionMode.IMPLICIT
        history.units.append(Unit(version, title, [Part(sides["up"])], down, mode))
    return history


def _diesel_version(folder_name: str) -> str:
    return folder_name.split("_", 1)[0].replace("-", "")


def _runs_in_transaction(metadata: str) -> bool:
    # Most folders have no metadata.toml: a stat says so in a third of the time a failed open takes.
    if not os.path.isfile(metadata):
        return True  # no metadata.toml: diesel's default
    try:
        text = Path(metadata).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return True  # unreadable: diesel's default too
    import tomllib  # only for the few migrations that have a metadata.toml

    try:
        value = tomllib.loads(text).get("run_in_transaction", False)
    except tomllib.TOMLDecodeError:
        return True  # diesel falls back to its default when the file does not parse
    return value if isinstance(value, bool) else True  # a value of another type fails to parse too
