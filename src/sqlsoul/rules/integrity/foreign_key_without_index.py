"""foreign-key-without-index: a foreign key no index can check, so every parent delete scans the child."""

from __future__ import annotations

from sqlsoul.dialects import SQLITE
from sqlsoul.engine import HistoryContext
from sqlsoul.model import Catalog, Constraint, ConstraintKind, Table, not_null_condition
from sqlsoul.rules.base import Rule, builtin_meta
from sqlsoul.rules.dialect.recipes import dialect_at
from sqlsoul.rules.integrity.common import TableIndex, ancestors, judged_tables, table_indexes
from sqlsoul.rules.labels import qualified_label, sql_name, table_label


class ForeignKeyWithoutIndex(Rule):
    meta = builtin_meta("SS502")
    scope = "history"

    def check_history(self, ctx: HistoryContext) -> None:
        catalog = ctx.catalog
        for table in judged_tables(catalog):
            for constraint in table.constraints:
                if constraint.kind is not ConstraintKind.FOREIGN_KEY or not constraint.columns or constraint.origin is None:
                    continue
                if _is_indexed(catalog, table, constraint.columns):
                    continue
                self._report(ctx, table, constraint)

    def _report(self, ctx: HistoryContext, table: Table, constraint: Constraint) -> None:
        label = table_label(table)
        columns = ", ".join(sql_name(column) for column in constraint.columns)
        parent = qualified_label(constraint.references) if constraint.references else "the referenced table"
        index = sql_name(f"{table.name}_{'_'.join(constraint.columns)}_idx"[:63])
        # SQLite has no CONCURRENTLY, and looks for referencing rows only on connections that enforce foreign keys.
        sqlite = dialect_at(ctx.sources, constraint.origin) == SQLITE  # type: ignore[arg-type]
        if sqlite:
            how = f"CREATE INDEX {index} ON {label} ({columns});"
        elif ctx.catalog.partitions(table):
            how = (
                f"CREATE INDEX CONCURRENTLY does not work on a partitioned table: CREATE INDEX {index} ON ONLY "
                f"{label} ({columns}); then on each partition CREATE INDEX CONCURRENTLY ... ({columns}); and "
                f"ALTER INDEX {index} ATTACH PARTITION ... for each."
            )
        else:
            how = f"CREATE INDEX CONCURRENTLY {index} ON {label} ({columns}); (outside a transaction block)."
        ctx.report(
            constraint.origin,  # type: ignore[arg-type]
            f"foreign key {label} ({columns}) references {parent} but no index on {label} starts with "
            f"({columns}): every DELETE on {parent}, and every UPDATE of its key, scans all of {label} to find "
            "referencing rows, and ON DELETE CASCADE deletes the same slow way"
            + (" (while foreign keys are enforced)" if sqlite else ""),
            f"Index the referencing columns in a new migration: {how}",
        )


def _is_indexed(catalog: Catalog, table: Table, columns: tuple[str, ...]) -> bool:
    """Whether an index of the table, of a partitioned table above it, or of every partition below it can
    find the rows that reference one parent row."""
    wanted = set(columns)
    if any(_serves(index, wanted) for owner in (table, *ancestors(catalog, table)) for index in table_indexes(owner)):
        return True
    partitions = catalog.partitions(table)
    return bool(partitions) and all(_is_indexed(catalog, partition, columns) for partition in partitions)


def _serves(index: TableIndex, wanted: set[str]) -> bool:
    """The lookup is `col1 = $1 AND col2 = $2 ...`: an index whose leading columns are exactly those columns,
    in any order, answers it. A partial index does when its predicate only asks for some of them to be
    non-null, which equality implies. BRIN only narrows a scan; hash indexes have a single column."""
    if index.method == "brin" or (index.method == "hash" and len(wanted) > 1):
        return False
    if index.partial:
        allowed = {not_null_condition(column) for column in wanted}
        if index.predicate is None or not index.predicate <= allowed:
            return False
    return set(index.columns[: len(wanted)]) == wanted
