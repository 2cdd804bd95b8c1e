"""redundant-index: an index another index of the same table already does the work of."""

from __future__ import annotations

from sqlsoul.engine import HistoryContext
from sqlsoul.model import ConstraintKind
from sqlsoul.rules.base import Rule, builtin_meta
from sqlsoul.rules.dialect.recipes import dialect_at, engine_family
from sqlsoul.rules.integrity.common import TableIndex, judged_tables, table_indexes
from sqlsoul.rules.labels import table_label


# What can name an index besides the schema, on each engine.
_NAMED_BY = {
    "postgres": "REPLICA IDENTITY USING INDEX, CLUSTER ON",
    "mysql": "index hints in queries: USE INDEX, FORCE INDEX, IGNORE INDEX",
    "sqlite": "INDEXED BY in queries",
}


class RedundantIndex(Rule):
    meta = builtin_meta("SS503")
    scope = "history"

    def check_history(self, ctx: HistoryContext) -> None:
        for table in judged_tables(ctx.catalog):
            indexes = list(table_indexes(table))
            if len(indexes) < 2:
                continue
            for index in indexes:
                if index.origin is None or None in index.columns:
                    continue  # an expression cannot be compared: the same text may not be the same expression
                cover = next((other for other in indexes if other is not index and _covers(other, index)), None)
                if cover is not None:
                    self._report(ctx, index, cover)

    def _report(self, ctx: HistoryContext, index: TableIndex, cover: TableIndex) -> None:
        label = table_label(index.table)
        same = len(cover.columns) == len(index.columns)
        relation = "duplicates" if same else "is a leading part of"
        dialect = dialect_at(ctx.sources, index.origin)  # type: ignore[arg-type]
        ctx.report(
            index.origin,  # type: ignore[arg-type]
            f"{index.label} on {label} {index.columns_label} {relation} {cover.label} {cover.columns_label}, "
            "which answers every lookup this one can: the extra index only adds work to every INSERT and "
            "UPDATE of the table and takes disk and memory",
            f"Drop it in a new migration: {index.drop_statement(dialect)} First check that nothing names it "
            f"({_NAMED_BY[engine_family(dialect)]}, or for a unique index a foreign key that references {label} "
            "through it).",
        )


def _covers(other: TableIndex, index: TableIndex) -> bool:
    """Whether `other` makes `index` unnecessary. Of two that can stand in for each other, one is kept:
    the primary key, else the one introduced first."""
    if not _can_replace(other, index):
        return False
    return not _can_replace(index, other) or _keep_order(index) > _keep_order(other)


def _can_replace(other: TableIndex, index: TableIndex) -> bool:
    """Same method and predicate; `index`'s columns (with their opclass, collation and order) lead `other`'s;
    `other` carries `index`'s INCLUDE columns; and `other` enforces whatever `index` enforces."""
    width = len(index.columns)
    if other.method != index.method or other.partial != index.partial or other.predicate != index.predicate:
        return False
    if index.partial and index.predicate is None:
        return False  # predicates the model could not read cannot be compared
    if other.columns[:width] != index.columns or any(other.options(i) != index.options(i) for i in range(width)):
        return False
    if len(other.columns) > width and index.method != "btree":
        return False  # only a btree serves lookups on its leading columns as well as a narrower index does
    if not set(index.include) <= {*other.columns, *other.include}:
        return False
    # A unique or exclusion index enforces a rule that only a unique index on the same columns also enforces.
    return not index.enforces or (index.unique and other.unique and len(other.columns) == width)


def _keep_order(index: TableIndex) -> tuple[bool, int, int, int]:
    """Sorts the index to keep first: a primary key, then by where it was introduced."""
    origin = index.origin
    is_primary_key = index.constraint is not None and index.constraint.kind is ConstraintKind.PRIMARY_KEY
    return (not is_primary_key, *((origin.file, origin.statement, origin.span.start) if origin else (-1, -1, -1)))
