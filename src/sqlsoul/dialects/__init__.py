"""The SQL dialects sqlsoul reads, and which one each file is written in.

PostgreSQL goes through pglast; the others through sqlglot (`sqlsoul.dialects.front`), which only
a run with such a file imports: this module is imported by every run and must not import sqlglot.

A file's dialect is decided in this order (see `DialectChoice`):
1. `--dialect` on the command line: every file;
2. the config's `dialect:` path globs (the mapping form), first match;
3. a dialect part in the file's own name (`x.mysql.sql`, `1_init.sqlite3.up.sql`);
4. the one engine the other file names of its history carry (a shared `2_seed.up.sql` beside
   `1_init.mysql.up.sql` is MySQL);
5. the config's `dialect:` when it is one name, else PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterable
from fnmatch import fnmatchcase

from sqlsoul.records import record

POSTGRES, MYSQL, MARIADB, SQLITE = "postgres", "mysql", "mariadb", "sqlite"
DIALECTS = (POSTGRES, MYSQL, MARIADB, SQLITE)
# How `sqlsoul rules` lists a rule's dialects in a narrow column.
SHORT_NAMES = {POSTGRES: "pg", MYSQL: "my", MARIADB: "ma", SQLITE: "lite"}
LABELS = {POSTGRES: "PostgreSQL", MYSQL: "MySQL", MARIADB: "MariaDB", SQLITE: "SQLite"}

# The server releases rules judge against unless the config says otherwise: long-term support
# series (MySQL 8.4 LTS, MariaDB 11.4 LTS). Newer LTS series exist (MySQL 9.7, MariaDB 11.8);
# `mysql_version` / `mariadb_version` name the one a project runs.
DEFAULT_MYSQL_VERSION = (8, 4, 0)
DEFAULT_MARIADB_VERSION = (11, 4, 0)

# Engines that multi-engine migration folders name in their files, as ory's popx spells them
# (`<version>_<name>.<engine>.<up|down>.sql`, with pop's aliases), each with the dialect sqlsoul
# reads it as. CockroachDB speaks PostgreSQL's SQL; its files form a history of their own.
_ENGINE_ALIASES = {
    "postgres": "postgres",
    "postgresql": "postgres",
    "pg": "postgres",
    "mysql": "mysql",
    "mariadb": "mariadb",
    "sqlite": "sqlite",
    "sqlite3": "sqlite",
    "cockroach": "cockroach",
    "cockroachdb": "cockroach",
    "crdb": "cockroach",
}
ENGINE_DIALECTS = {
    "postgres": POSTGRES,
    "mysql": MYSQL,
    "mariadb": MARIADB,
    "sqlite": SQLITE,
    "cockroach": POSTGRES,
}
# Parts of a migration file name that follow the engine: the direction and popx's autocommit flag.
_AFTER_ENGINE = ("up", "down", "autocommit")


def engine_in_name(path: str) -> str | None:
    """The engine a file's name carries as a dot-separated part before `.sql` (`schema.mysql.sql`,
    `1_init.sqlite3.up.sql`, `2_x.mysql.autocommit.down.sql`), or None."""
    parts = path.rsplit("/", 1)[-1].lower().removesuffix(".sql").split(".")
    while len(parts) > 1 and parts[-1] in _AFTER_ENGINE:
        parts.pop()
    return _ENGINE_ALIASES.get(parts[-1])


def dialect_in_name(path: str) -> str | None:
    engine = engine_in_name(path)
    return ENGINE_DIALECTS[engine] if engine else None


def history_dialect(paths: Iterable[str]) -> str | None:
    """The dialect of a history whose file names carry exactly one engine (None: none or several)."""
    engines = {engine for engine in map(engine_in_name, paths) if engine}
    return ENGINE_DIALECTS[engines.pop()] if len(engines) == 1 else None


@record(frozen=True)
class DialectChoice:
    """What decides each file's dialect (the order is the module's docstring's)."""

    forced: str | None = None  # --dialect
    paths: tuple[tuple[str, str], ...] = ()  # (root-relative glob, dialect) from the config, first match wins
    default: str = POSTGRES  # the config's `dialect: <name>`

    def of(self, root_path: str, history: str | None = None) -> str:
        """The dialect of a file (by its project-relative path) in a history of dialect `history`."""
        if self.forced:
            return self.forced
        for pattern, dialect in self.paths:
            if fnmatchcase(root_path, pattern):
                return dialect
        return dialect_in_name(root_path) or history or self.default

    def of_history(self, root_paths: list[str]) -> dict[str, str]:
        """The dialect of each file of one history (or chain of histories), by project-relative path."""
        shared = None if self.forced else history_dialect(root_paths)
        return {path: self.of(path, shared) for path in root_paths}


def parse_version(text: str) -> tuple[int, int, int]:
    """`8.0.16` -> (8, 0, 16); `10.11` -> (10, 11, 0); `8` -> (8, 0, 0). Raises ValueError."""
    parts = text.strip().split(".")
    if not 1 <= len(parts) <= 3 or not all(part.isdigit() and part.isascii() for part in parts):
        raise ValueError(f"expected a version such as \"8.0.16\" (one to three numbers separated by dots), got {text!r}")
    major, minor, patch = (*map(int, parts), 0, 0)[:3]
    return major, minor, patch


def short_list(dialects: Iterable[str]) -> str:
    """A rule's dialects as `sqlsoul rules` shows them: `all`, or `pg,my` in the order of DIALECTS."""
    named = set(dialects)
    if named >= set(DIALECTS):
        return "all"
    return ",".join(SHORT_NAMES.get(dialect, dialect) for dialect in (*DIALECTS, *sorted(named - set(DIALECTS))) if dialect in named)
