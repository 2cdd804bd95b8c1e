"""What differs per engine in the advice rules give: the safe way MySQL, MariaDB and SQLite make a change.

PostgreSQL's recipes live in the rules that give them; the wording every rule needs for the other
engines lives here, so that one rule's help and another's agree.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlsoul.dialects import MARIADB, MYSQL, POSTGRES
from sqlsoul.model import Origin, Table
from sqlsoul.rules.labels import sql_name, table_label
from sqlsoul.source import SourceFile

MYSQL_FAMILY = frozenset({MYSQL, MARIADB})

# ALTER TABLE forms that change a column's type or add a checked key make MySQL copy the table
# (ALGORITHM=COPY): writes wait for the whole copy.
MYSQL_TABLE_COPY = (
    "MySQL copies the table for this change and blocks writes until the copy is done: on a large table run it "
    "with an online schema change tool (gh-ost, pt-online-schema-change) or in a maintenance window"
)

# MODIFY and CHANGE replace the whole column definition.
MYSQL_MODIFY_NOTE = "MODIFY replaces the whole column definition: repeat its DEFAULT and COMMENT, or they are dropped."


def is_mysql(dialect: str) -> bool:
    return dialect in MYSQL_FAMILY


def engine_family(dialect: str) -> str:
    """postgres, mysql (MariaDB too) or sqlite: the engines whose advice differs."""
    return MYSQL if is_mysql(dialect) else dialect


def dialect_at(sources: Sequence[SourceFile | None], origin: Origin) -> str:
    """The dialect of the file an object was introduced in."""
    source = sources[origin.file]
    return source.dialect if source is not None else POSTGRES


def sqlite_rebuild(label: str, name: str, change: str, where: str = "in a new migration") -> str:
    """SQLite's way to make a change its ALTER TABLE cannot (lang_altertable.html, "other kinds of
    table schema changes"): a new table, a copy of the rows, the old one dropped, the new one renamed.
    `label` is the table as SQL writes it, `name` its bare name."""
    new = sql_name(f"new_{name}")
    return (
        f"SQLite's ALTER TABLE cannot {change}: rebuild {label} {where}. Run PRAGMA foreign_keys = OFF "
        f"first (inside a transaction it does nothing), then in one transaction: CREATE TABLE {new} (... the new "
        f"definition ...); INSERT INTO {new} (...) SELECT ... FROM {label}; DROP TABLE {label}; ALTER TABLE {new} "
        f"RENAME TO {label}; re-create its indexes, triggers and views; PRAGMA foreign_key_check; COMMIT; and "
        "PRAGMA foreign_keys = ON again."
    )


def sqlite_table_rebuild(table: Table, change: str) -> str:
    return sqlite_rebuild(table_label(table), table.name, change)
