"""Helpers the integrity rules share: a table's indexes, whether made by CREATE INDEX or by a constraint."""

from __future__ import annotations

from collections.abc import Iterator

from sqlsoul.dialects import SQLITE
from sqlsoul.model import Catalog, Constraint, ConstraintKind, Origin, Table
from sqlsoul.records import record
from sqlsoul.rules.dialect.recipes import is_mysql, sqlite_table_rebuild
from sqlsoul.rules.labels import qualified_label, sql_name

# PRIMARY KEY and UNIQUE are enforced by a btree index with default opclasses; EXCLUDE by an index whose
# method the model does not keep (gist mostly): None matches no CREATE INDEX method.
_CONSTRAINT_INDEXES = {ConstraintKind.PRIMARY_KEY: "btree", ConstraintKind.UNIQUE: "btree", ConstraintKind.EXCLUSION: None}
_CONSTRAINT_LABELS = {
    ConstraintKind.PRIMARY_KEY: "primary key",
    ConstraintKind.UNIQUE: "unique constraint",
    ConstraintKind.EXCLUSION: "exclusion constraint",
}


@record(frozen=True)
class TableIndex:
    """An index of a table as the integrity rules compare them."""

    table: Table
    name: str | None
    columns: tuple[str | None, ...]  # None stands for an expression
    column_options: tuple[str, ...]  # per column, "" for the defaults
    include: tuple[str, ...]
    method: str | None
    unique: bool
    enforces: bool  # a unique or exclusion index: dropping it changes what the table accepts
    partial: bool
    predicate: frozenset[str] | None  # a partial index's conditions; None if not partial or not known
    origin: Origin | None
    constraint: Constraint | None  # the constraint the index belongs to, if any

    @property
    def label(self) -> str:
        """How messages name it: index x, unique index x, primary key x, unique constraint x."""
        if self.constraint is not None:
            kind = _CONSTRAINT_LABELS[self.constraint.kind]
        else:
            kind = "unique index" if self.unique else "index"
        return f"{kind} {sql_name(self.name)}" if self.name else kind

    @property
    def columns_label(self) -> str:
        """The key columns as written, with any opclass, collation or sort order: (a, b DESC)."""
        keys = (
            " ".join(filter(None, (sql_name(column) if column else "<expression>", self.options(position))))
            for position, column in enumerate(self.columns)
        )
        return "(" + ", ".join(keys) + ")"

    def options(self, position: int) -> str:
        return self.column_options[position] if position < len(self.column_options) else ""

    def drop_statement(self, dialect: str) -> str:
        """The SQL that removes it without blocking writes for long, on the table's engine."""
        table, name = qualified_label(self.table.qualified), sql_name(self.name or "...")
        is_primary_key = self.constraint is not None and self.constraint.kind is ConstraintKind.PRIMARY_KEY
        if is_mysql(dialect):  # MySQL drops an index in place, without blocking writes
            return f"ALTER TABLE {table} DROP PRIMARY KEY;" if is_primary_key else f"ALTER TABLE {table} DROP INDEX {name};"
        if dialect == SQLITE:
            if self.constraint is not None:
                return sqlite_table_rebuild(self.table, f"drop a {self.constraint.kind.value} constraint")
            return f"DROP INDEX {qualified_label((self.table.schema, self.name or '...'))};"
        if self.constraint is None:
            return f"DROP INDEX CONCURRENTLY {qualified_label((self.table.schema, self.name or '...'))};"
        return f"ALTER TABLE {table} DROP CONSTRAINT {name};"


def table_indexes(table: Table) -> Iterator[TableIndex]:
    """The table's indexes: CREATE INDEX ones and those behind PRIMARY KEY, UNIQUE and EXCLUDE constraints."""
    for constraint in table.constraints:
        if constraint.kind in _CONSTRAINT_INDEXES and constraint.columns:
            unique = constraint.kind is not ConstraintKind.EXCLUSION
            yield TableIndex(
                table=table, name=constraint.name, columns=constraint.columns, column_options=(), include=(),
                method=_CONSTRAINT_INDEXES[constraint.kind], unique=unique, enforces=True, partial=False,
                predicate=None, origin=constraint.origin, constraint=constraint,
            )
    for index in table.indexes:
        yield TableIndex(
            table=table, name=index.name, columns=index.columns, column_options=index.column_options,
            include=index.include, method=index.method, unique=index.unique, enforces=index.unique,
            partial=index.partial, predicate=index.predicate if index.partial else None, origin=index.origin,
            constraint=None,
        )


def judged_tables(catalog: Catalog) -> Iterator[Table]:
    """Tables the integrity rules judge: made by a linted statement and not temporary."""
    for table in catalog.tables.values():
        if table.origin is not None and not table.temporary:
            yield table


def ancestors(catalog: Catalog, table: Table) -> Iterator[Table]:
    """The partitioned tables a partition belongs to, nearest first: their indexes cover it too."""
    seen = {table.qualified}
    while table.partition_of is not None and table.partition_of not in seen:
        parent = catalog.tables.get(table.partition_of)
        if parent is None:
            return
        seen.add(parent.qualified)
        yield parent
        table = parent
