"""table-without-primary-key: a table whose rows nothing identifies."""

from __future__ import annotations

from sqlsoul.engine import HistoryContext
from sqlsoul.model import ConstraintKind, Table
from sqlsoul.rules.base import Rule, builtin_meta
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
            label = table_label(table)
            pkey = sql_name(f"{table.name}_pkey")
            if key is not None:
                columns = ", ".join(sql_name(column) for column in key)
                ctx.report(
                    table.origin,  # type: ignore[arg-type]
                    f"table {label} has no primary key, only the unique key ({columns}): logical replication "
                    "cannot replicate its UPDATEs and DELETEs until REPLICA IDENTITY is set by hand, and ORMs "
                    "and tools that look for a primary key cannot address its rows",
                    f"Promote the key in a new migration: CREATE UNIQUE INDEX CONCURRENTLY {pkey} ON {label} "
                    f"({columns}); then ALTER TABLE {label} ADD CONSTRAINT {pkey} PRIMARY KEY USING INDEX {pkey}; "
                    "(then drop the old unique constraint or index: the primary key does its work).",
                )
                continue
            ctx.report(
                table.origin,  # type: ignore[arg-type]
                f"table {label} has no primary key: nothing stops duplicate rows, a single row cannot be updated "
                "or deleted reliably, and logical replication fails on its UPDATEs and DELETEs",
                f"Add a key in a new migration. If some columns identify a row: CREATE UNIQUE INDEX CONCURRENTLY "
                f"{pkey} ON {label} (...); ALTER TABLE {label} ADD CONSTRAINT {pkey} PRIMARY KEY USING INDEX "
                f"{pkey}; (columns not yet NOT NULL are made so, which scans the table). Otherwise add a surrogate "
                f"key: ALTER TABLE {label} ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY; (this "
                "rewrites the table under an exclusive lock: plan it for a large table).",
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
