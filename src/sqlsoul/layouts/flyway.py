"""Flyway: versioned `V<version>__<description>.sql`, undo `U<version>__<description>.sql` and
repeatable `R__<description>.sql` scripts in one folder.

Naming and order (Flyway documentation, "Migrations": the file name is prefix, version, the `__`
separator, description and suffix; "Dots or underscores separate as many parts as you like"; the
version must be unique; "Repeatable migrations are always applied last, after all pending
versioned migrations have been executed ... in the order of their description"). Versions compare
as Flyway's `MigrationVersion` does (flyway-core, api/MigrationVersion.java): `_` reads as `.`,
each part is a number, missing parts count as zero, so V2.1 < V10, V1_1 is V1.1 and V1.0 is V1 -
the same version twice, which Flyway refuses. An undo script `U<version>` is the down of the
versioned migration with the same version (Flyway Teams).

Callback scripts that Flyway runs around commands (`beforeMigrate.sql`, `afterEachMigrate__x.sql`
...; documentation, "Callbacks") may sit in the same folder: they are read and parsed but belong to
no migration.

Transactions: Flyway runs each migration in a transaction, except a script holding a statement
PostgreSQL refuses inside one, which it runs statement by statement outside any transaction
(flyway-database-postgresql, PostgreSQLParser.detectCanExecuteInTransaction:
`(CREATE|DROP) (DATABASE|TABLESPACE|SUBSCRIPTION)`, `ALTER SYSTEM`,
`(CREATE|DROP) [UNIQUE] INDEX CONCURRENTLY`, `REINDEX [VERBOSE] (SCHEMA|DATABASE|SYSTEM)`, `VACUUM`,
`DISCARD ALL`, and `ALTER TYPE ... ADD VALUE` on servers before PostgreSQL 12 - sqlsoul assumes a
current server, so that one stays transactional; core/internal/sqlscript/ParserSqlScript.java:
`executeInTransaction()` is false as soon as one such statement is found). A script mixing both kinds
is refused unless `mixed` is set. The script configuration file `<script>.sql.conf` may set
`executeInTransaction=false` (or `true`), which overrides the detection (documentation, "Script
Configuration"). The documentation and flyway-core's `SqlScriptMetadata` read script settings from
that `.conf` file only; no `-- flyway:executeInTransaction=false` comment form is documented, so such
a comment is not honoured (the statements decide, as they do for Flyway).
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
from sqlsoul.source import scan

NAME = "flyway"

# Flyway's defaults: prefixes V, U, R; separator `__`; suffix `.sql`. The version is what lies
# between the prefix and the first `__`.
_VERSIONED = re.compile(r"^(?P<prefix>[VU])(?P<version>\d+(?:[._]\d+)*)__(?P<title>.*)\.(?i:sql)$")
_REPEATABLE = re.compile(r"^R__(?P<title>.*)\.(?i:sql)$")
# Callback scripts are named after their event: beforeMigrate, afterEachMigrateError, ... with an
# optional `__<description>`.
_CALLBACK = re.compile(r"^(?:before|after)[A-Z][A-Za-z]*(?:__.*)?\.(?i:sql)$")


def _basename(name: str) -> str:
    return name.rsplit("/", 1)[-1]


def _matches(name: str) -> bool:
    base = _basename(name)
    return any(pattern.match(base) for pattern in (_VERSIONED, _REPEATABLE, _CALLBACK))


def detect(folder: Path, files: list[InputFile], names: list[str], loader: Loader) -> bool:
    return (
        bool(names)
        and all(_matches(name) for name in names)
        and any(base.startswith("V") and _VERSIONED.match(base) for base in map(_basename, names))
    )


def version_key(version: str) -> tuple[int, ...]:
    """Flyway's version order and equality: `_` is `.`, numeric parts, trailing zeros dropped."""
    parts = [int(part) for part in version.replace("_", ".").split(".")]
    while len(parts) > 1 and parts[-1] == 0:
        parts.pop()
    return tuple(parts)


def build(folder: Path, files: list[InputFile], names: list[str], loader: Loader, options: LayoutOptions) -> History:
    history = History(NAME)
    versioned: list[tuple[tuple[int, ...], str, str, int]] = []  # (key, version, title, file)
    undo: dict[tuple[int, ...], list[tuple[str, str, int]]] = {}
    repeatable: list[tuple[str, str, int]] = []  # (description as Flyway orders it, title, file)
    for item, name in zip(files, names, strict=True):
        base = _basename(name)
        versioned_match = _VERSIONED.match(base)
        repeatable_match = _REPEATABLE.match(base)
        if versioned_match:
            index = history.add_file(item)
            version = versioned_match["version"].replace("_", ".")
            entry = (version, versioned_match["title"], index)
            if versioned_match["prefix"] == "V":
                versioned.append((version_key(version), *entry))
            else:
                undo.setdefault(version_key(version), []).append(entry)
        elif repeatable_match:
            title = repeatable_match["title"]
            repeatable.append((title.replace("_", " "), title, history.add_file(item)))
        else:  # a callback script: parsed, part of no migration
            history.add_file(item, replayed=False)

    has_undo = bool(undo)
    seen: dict[tuple[int, ...], str] = {}
    # Equal versions (V1.1 and V1_1): the first by name runs, the other is reported.
    versioned.sort(key=lambda entry: (entry[0], _basename(names[entry[3]])))
    for key, version, title, index in versioned:
        if key in seen:
            history.problems.append(
                LayoutProblem(index, 0, DUPLICATE_VERSION,
                              f"version {version} is used twice ({seen[key]} and {_basename(names[index])}); "
                              "Flyway refuses to migrate")
            )
        seen.setdefault(key, _basename(names[index]))
        undos = undo.get(key, [])
        item = history.files[index].input
        if undos:
            down: list[Part] | None = [Part(undos[0][2])]
        elif (has_undo or options.require_down) and not options.partner_not_expected(item):
            down = []  # the folder uses undo scripts, this migration has none: irreversible
        else:
            down = None
        history.units.append(
            Unit(version, title, [Part(index)], down, _transaction(item, loader), label=f"V{version}__{title}")
        )

    for key, entries in undo.items():
        for position, (version, _title, index) in enumerate(entries):
            if position:
                history.problems.append(
                    LayoutProblem(index, 0, DUPLICATE_VERSION,
                                  f"undo version {version} is used twice ({_basename(names[entries[0][2]])} and "
                                  f"{_basename(names[index])}); Flyway refuses to migrate")
                )
            elif key not in seen and not options.partner_not_expected(history.files[index].input):
                history.problems.append(
                    LayoutProblem(index, 0, UNPAIRED, f"undo migration without its versioned migration (V{version}__*.sql)")
                )

    repeatable.sort(key=lambda entry: (entry[0], entry[2]))
    described: dict[str, str] = {}
    for description, title, index in repeatable:
        if description in described:
            history.problems.append(
                LayoutProblem(index, 0, DUPLICATE_VERSION,
                              f"repeatable migration description {description!r} is used twice "
                              f"({described[description]} and {_basename(names[index])}); Flyway refuses to migrate")
            )
        described.setdefault(description, _basename(names[index]))
        item = history.files[index].input
        history.units.append(
            Unit(f"R__{title}", title, [Part(index)], None, _transaction(item, loader), repeatable=True, label=f"R__{title}")
        )
    return history


# --- transactions ---------------------------------------------------------------------------

# A cheap look for the words those statements need before scanning the script.
_WORDS = re.compile(rb"concurrently|database|tablespace|subscription|system|reindex|vacuum|discard", re.IGNORECASE)


def _transaction(item: InputFile, loader: Loader) -> TransactionMode:
    configured = _script_config(item).get("executeInTransaction")
    if configured is not None:
        return TransactionMode.TRANSACTION if configured.lower() == "true" else TransactionMode.AUTOCOMMIT
    source = loader(item)
    if source is not None and _WORDS.search(source.sql) and _has_non_transactional(source.sql_text):
        return TransactionMode.AUTOCOMMIT
    return TransactionMode.TRANSACTION


def _script_config(item: InputFile) -> dict[str, str]:
    """The `<script>.sql.conf` script configuration beside a migration (Java properties: key=value)."""
    if item.path is None:
        return {}
    try:
        with open(item.path + ".conf", encoding="utf-8", errors="replace") as file:
            text = file.read()
    except OSError:
        return {}
    settings = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line[0] in "#!":
            continue
        setting = _SETTING.match(line)
        if setting:
            settings[setting["key"]] = setting["value"].strip()
    return settings


_SETTING = re.compile(r"(?P<key>[^=:\s]+)\s*[=:]\s*(?P<value>.*)")


def _token(name: str) -> str:
    return name[:-2] if name.endswith("_P") else name


def _has_non_transactional(text: str) -> bool:
    """Whether a statement of the script is one Flyway runs outside a transaction (see above)."""
    words: list[str] = []
    for token in [*scan(text).tokens, None]:
        if token is not None and token.name in ("SQL_COMMENT", "C_COMMENT"):
            continue
        if token is None or token.name == "ASCII_59":
            if _non_transactional(words):
                return True
            words = []
            continue
        if len(words) < 4:
            words.append(_token(token.name))
    return False


def _non_transactional(words: list[str]) -> bool:
    first, rest = (words[0], words[1:]) if words else ("", [])
    if first in ("CREATE", "DROP"):
        if rest[:1] and rest[0] in ("DATABASE", "TABLESPACE", "SUBSCRIPTION"):
            return True
        if rest[:1] == ["UNIQUE"]:
            rest = rest[1:]
        return rest[:2] == ["INDEX", "CONCURRENTLY"]
    if first == "ALTER":
        return rest[:1] == ["SYSTEM"]
    if first == "REINDEX":
        if rest[:1] == ["VERBOSE"]:
            rest = rest[1:]
        return bool(rest[:1]) and rest[0] in ("SCHEMA", "DATABASE", "SYSTEM")
    if first == "VACUUM":
        return True
    return first == "DISCARD" and rest[:1] == ["ALL"]
