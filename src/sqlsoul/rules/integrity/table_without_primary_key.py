"""table-without-primary-key: a table whose rows nothing identifies."""

from __future__ import annotations

from sqlsoul.dialects import SQLITE
from sqlsoul.engine import HistoryContext
from sqlsoul.model import ConstraintKind, Table
from sqlsoul.rules.base import Rule, builtin_meta
from sqlsoul.rules.dialect.recipes import MYSQL_TABLE_COPY, dialect_at, engine_family, is_mysql, sqlite_table_rebuild
from sqlsoul.rules.integrity.common import judged_tables
from sqlsoul.rules.labels import sql_name, table_label


class TableWithoutPrimaryKey(Rule):
    meta = builtin_meta("SS501")
    scope = "history"

    def check_history(self, ctx: HistoryContext) -> None:
        catalog = ctx.catalog
        for table in judged_tables(catalog):
            if table.partition_of is not None or _has_primary_key(table):
                continue  # a partition is keyed by its parent's primary key
            if any(_has_primary_key(partition) for partition in catalog.partitions(table)):
                continue
            key = _unique_not_null_key(table)
            if key is not None and self.options["accept_unique_not_null"]:
                continue
            dialect = dialect_at(ctx.sources, table.origin)  # type: ignore[arg-type]
            if key is not None:
                message = (f"table {table_label(table)} has no primary key, only the unique key ({_columns(key)}): "
                           f"{_WHY_KEYED[engine_family(dialect)]}")
            else:
                message = f"table {table_label(table)} has no primary key: {_WHY[engine_family(dialect)]}"
            ctx.report(table.origin, message, _help(dialect, table, key))  # type: ignore[arg-type]


# What goes wrong without a primary key, on each engine.
_WHY = {
    "postgres": "nothing stops duplicate rows, a single row cannot be updated or deleted reliably, and logical "
                "replication fails on its UPDATEs and DELETEs",
    "mysql": "nothing stops duplicate rows, a single row cannot be updated or deleted reliably, InnoDB clusters it "
             "by a hidden row id no query can use, with row-based replication every UPDATE or DELETE of it makes "
             "replicas scan the table, and Group Replication refuses its writes",
    "sqlite": "nothing stops duplicate rows, and the rowid that tells rows apart is not stable (VACUUM may renumber "
              "it) unless an INTEGER PRIMARY KEY names it",
}
_WHY_KEYED = {
    "postgres": "logical replication cannot replicate its UPDATEs and DELETEs until REPLICA IDENTITY is set by "
                "hand, and ORMs and tools that look for a primary key cannot address its rows",
    "mysql": "ORMs and tools that look for a primary key (online schema change tools among them) cannot address "
             "its rows",
    "sqlite": "ORMs and tools that look for a primary key cannot address its rows, and the rowid is not stable "
              "(VACUUM may renumber it)",
}


def _columns(key: tuple[str, ...]) -> str:
    return ", ".join(sql_name(column) for column in key)


def _help(dialect: str, table: Table, key: tuple[str, ...] | None) -> str:
    """How to give the table a key, on its engine: the unique key promoted, or a surrogate key."""
    label, pkey = table_label(table), sql_name(f"{table.name}_pkey")
    columns = _columns(key) if key is not None else "..."
    if dialect == SQLITE:
        return sqlite_table_rebuild(table, "add a primary key") + (
            f" The new definition declares PRIMARY KEY ({columns})" if key is not None
            else " The new definition declares the columns that identify a row as PRIMARY KEY, or an id INTEGER "
                 "PRIMARY KEY (an alias of the rowid, which then stays stable)"
        ) + "."
    if is_mysql(dialect):
        if key is not None:
            return (f"Promote the key in a new migration: ALTER TABLE {label} ADD PRIMARY KEY ({columns}); "
                    f"(then drop the old unique key: the primary key does its work). {MYSQL_TABLE_COPY}.")
        return (
            f"Add a key in a new migration. If some columns identify a row: ALTER TABLE {label} ADD PRIMARY KEY (...); "
            f"otherwise a surrogate key: ALTER TABLE {label} ADD COLUMN id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT "
            f"PRIMARY KEY FIRST; {MYSQL_TABLE_COPY}."
        )
    if key is not None:
        return (
            f"Promote the key in a new migration: CREATE UNIQUE INDEX CONCURRENTLY {pkey} ON {label} "
            f"({columns}); then ALTER TABLE {label} ADD CONSTRAINT {pkey} PRIMARY KEY USING INDEX {pkey}; "
            "(then drop the old unique constraint or index: the primary key does its work)."
        )
    return (
        f"Add a key in a new migration. If some columns identify a row: CREATE UNIQUE INDEX CONCURRENTLY "
        f"{pkey} ON {label} (...); ALTER TABLE {label} ADD CONSTRAINT {pkey} PRIMARY KEY USING INDEX "
        f"{pkey}; (columns not yet NOT NULL are made so, which scans the table). Otherwise add a surrogate "
        f"key: ALTER TABLE {label} ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY; (this "
        "rewrites the table under an exclusive lock: plan it for a large table)."
    )


def _has_primary_key(table: Table) -> bool:
    return any(constraint.kind is ConstraintKind.PRIMARY_KEY for constraint in table.constraints)


def _unique_not_null_key(table: Table) -> tuple[str, ...] | None:
    """Columns of a UNIQUE constraint or full unique index whose columns are all NOT NULL (a key in all but name)."""
    candidates = [c.columns for c in table.constraints if c.kind is ConstraintKind.UNIQUE]
    candidates += [index.columns for index in table.indexes if index.unique and not index.partial]
    for columns in candidates:
        if columns and all(c is not None and c in table.columns and table.columns[c].not_null for c in columns):
            return columns  # type: ignore[return-value]
    return None
