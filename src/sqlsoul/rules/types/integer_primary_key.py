from __future__ import annotations

from collections import defaultdict
from typing import NamedTuple

from sqlsoul.engine import HistoryContext
from sqlsoul.model import Catalog, Column, ConstraintKind, QualifiedName, Table, TypeRef
from sqlsoul.rules.base import Rule, builtin_meta
from sqlsoul.rules.design.common import primary_key
from sqlsoul.rules.dialect.recipes import MYSQL_MODIFY_NOTE, MYSQL_TABLE_COPY, dialect_at, is_mysql
from sqlsoul.rules.labels import column_label, qualified_label, sql_name, table_label
from sqlsoul.rules.types.common import TypedColumn, columns_of_type, type_behind_domain

# Bytes of each integer type (MySQL's tinyint and mediumint too); serials are integers with a sequence of the same width.
_INTEGER_BYTES = {
    "tinyint": 1,
    **dict.fromkeys(("int2", "smallserial", "serial2"), 2),
    "mediumint": 3,
    **dict.fromkeys(("int4", "serial", "serial4"), 4),
    **dict.fromkeys(("int8", "bigserial", "serial8"), 8),
}
_TYPE_OF_WIDTH = {1: "tinyint", 2: "smallint", 3: "mediumint", 4: "integer", 8: "bigint"}
_NARROW_TYPES = frozenset(name for name, width in _INTEGER_BYTES.items() if width < 8)
_SERIALS = frozenset({"serial", "serial4", "smallserial", "serial2"})
_NAMED_REFERENCES = 5  # more than this and the message counts the rest

Reference = tuple[Table, Column]  # a column of a foreign key


class Capacity(NamedTuple):
    """What values an integer column can hold."""

    width: int  # bytes
    unsigned: bool

    @property
    def largest(self) -> int:
        return 2 ** (8 * self.width - (0 if self.unsigned else 1)) - 1

    @property
    def type_text(self) -> str:
        return _TYPE_OF_WIDTH[self.width] + (" unsigned" if self.unsigned else "")


class IntegerPrimaryKey(Rule):
    meta = builtin_meta("SS401")
    scope = "history"

    def check_history(self, ctx: HistoryContext) -> None:
        catalog = ctx.catalog
        references = _references(catalog)
        narrow_keys: set[tuple[QualifiedName, str]] = set()
        for key in columns_of_type(catalog, _NARROW_TYPES):
            table, column = key.table, key.column
            if primary_key(table) != (column.name,) or not column.has_default:
                continue  # values the application assigns (a version number, a code) do not run out by growth
            if table.constraints_on(column.name, ConstraintKind.FOREIGN_KEY):
                continue  # a key that is itself a reference is judged with the key it references
            narrow_keys.add((table.qualified, column.name))
            narrow = [ref for ref in references.get((table.qualified, column.name), ()) if _width(catalog, ref[1]) != 8]
            self._report_key(ctx, key, narrow)
        # A key already widened to bigint still overflows through the references left behind.
        for (target, target_column), referencing in references.items():
            if (target, target_column) in narrow_keys:
                continue
            key_table = catalog.tables.get(target)
            key_column = key_table.columns.get(target_column) if key_table else None
            key_capacity = _capacity(catalog, key_column) if key_column else None
            if key_table is None or key_column is None or key_capacity is None:
                continue
            for table, column in referencing:
                capacity = _capacity(catalog, column)
                if capacity is not None and capacity.largest < key_capacity.largest and column.origin is not None:
                    self._report_reference(ctx, table, column, capacity, (key_table, key_column), key_capacity)

    def _report_key(self, ctx: HistoryContext, key: TypedColumn, references: list[Reference]) -> None:
        capacity = Capacity(_INTEGER_BYTES[key.stored.name], key.stored.unsigned)
        message = (
            f"{key.label}, the primary key, is {key.type_text} and numbered by the database: it stops at "
            f"{capacity.largest:,}, and once the numbers are used up every insert into {table_label(key.table)} fails"
        )
        if references:
            labels = [column_label(table, column.name) for table, column in references]
            shown = ", ".join(labels[:_NAMED_REFERENCES])
            if len(labels) > _NAMED_REFERENCES:
                shown += f" and {len(labels) - _NAMED_REFERENCES} more"
            message += f"; {shown} {'holds' if len(labels) == 1 else 'hold'} its values and must widen with it"
        if is_mysql(dialect_at(ctx.sources, key.column.origin)):  # type: ignore[arg-type]
            help_text = _mysql_widening(key, references)
        else:
            help_text = _postgres_widening(key, references)
        ctx.report(key.column.origin, message, help_text)  # type: ignore[arg-type]

    def _report_reference(
        self, ctx: HistoryContext, table: Table, column: Column, capacity: Capacity, key: Reference, key_capacity: Capacity
    ) -> None:
        label, name = table_label(table), sql_name(column.name)
        if is_mysql(dialect_at(ctx.sources, column.origin)):  # type: ignore[arg-type]
            help_text = (
                f"Give the reference the key's type in a new migration: {_mysql_modify(table, column, key[1].type)}; "
                "drop its foreign key first and add it back after (MySQL requires a foreign key's columns to have "
                f"the size and sign of the key's). {MYSQL_MODIFY_NOTE} {MYSQL_TABLE_COPY}."
            )
        else:
            help_text = (
                f"Give the reference the key's type in a new migration: ALTER TABLE {label} ALTER COLUMN {name} TYPE "
                f"{key_capacity.type_text} (this rewrites the table under an ACCESS EXCLUSIVE lock: on a large table "
                "add a new column, fill it in batches and swap it in)."
            )
        ctx.report(
            column.origin,  # type: ignore[arg-type]
            f"{column_label(table, column.name)} is {capacity.type_text} but references "
            f"{column_label(key[0], key[1].name)} ({key_capacity.type_text}): once keys pass {capacity.largest:,}, "
            "rows that point at the newer ones cannot be stored",
            help_text,
        )


def _postgres_widening(key: TypedColumn, references: list[Reference]) -> str:
    table, name = table_label(key.table), sql_name(key.column.name)
    steps = [f"ALTER TABLE {table} ALTER COLUMN {name} TYPE bigint"]
    if key.domain is None and key.stored.name in _SERIALS:
        sequence = qualified_label((key.table.schema, f"{key.table.name}_{key.column.name}_seq"))
        steps.append(f"ALTER SEQUENCE {sequence} AS bigint (a serial's sequence has the column's type)")
    steps += [
        f"ALTER TABLE {table_label(t)} ALTER COLUMN {sql_name(c.name)} TYPE bigint" for t, c in references[:_NAMED_REFERENCES]
    ]
    if len(references) > _NAMED_REFERENCES:
        steps.append(f"the same for the other {len(references) - _NAMED_REFERENCES} referencing columns")
    return (
        "Make keys of tables that grow bigint (bigint GENERATED ALWAYS AS IDENTITY) from the start. On a table "
        "that holds data, changing the type rewrites the table and its indexes under an ACCESS EXCLUSIVE lock, "
        "so on a large table add a bigint column, fill it in batches and swap it in; on a small one, in a new "
        f"migration: {'; '.join(steps)}."
    )


def _mysql_widening(key: TypedColumn, references: list[Reference]) -> str:
    wide = TypeRef("int8", unsigned=key.stored.unsigned)
    steps = [_mysql_modify(key.table, key.column, wide)]
    steps += [_mysql_modify(t, c, wide) for t, c in references[:_NAMED_REFERENCES]]
    if len(references) > _NAMED_REFERENCES:
        steps.append(f"the same for the other {len(references) - _NAMED_REFERENCES} referencing columns")
    together = (
        " together with the columns that reference it, their foreign keys dropped first and added back after "
        "(MySQL requires a foreign key's columns to have the size and sign of the key's)"
        if references else ""
    )
    return (
        f"Make keys of tables that grow {_mysql_type(wide)} AUTO_INCREMENT from the start. In a new migration, widen "
        f"the key{together}: {'; '.join(steps)}. {MYSQL_MODIFY_NOTE} {MYSQL_TABLE_COPY}."
    )


def _mysql_type(type_ref: TypeRef | None) -> str:
    width = _INTEGER_BYTES.get(type_ref.name) if type_ref is not None else None
    name = {1: "TINYINT", 2: "SMALLINT", 3: "MEDIUMINT", 4: "INT", 8: "BIGINT"}.get(width or 0, "BIGINT")
    return name + (" UNSIGNED" if type_ref is not None and type_ref.unsigned else "")


def _mysql_modify(table: Table, column: Column, type_ref: TypeRef | None) -> str:
    """MODIFY repeats the whole definition: what it leaves out (NOT NULL, AUTO_INCREMENT) is dropped."""
    definition = _mysql_type(type_ref) + (" NOT NULL" if column.not_null else "")
    if column.has_default and primary_key(table) == (column.name,):
        definition += " AUTO_INCREMENT"
    return f"ALTER TABLE {table_label(table)} MODIFY {sql_name(column.name)} {definition}"


def _capacity(catalog: Catalog, column: Column) -> Capacity | None:
    """Bytes and sign of the column's integer type (through domains); None for other types."""
    width = _width(catalog, column)
    return Capacity(width, bool(column.type and column.type.unsigned)) if width is not None else None


def _width(catalog: Catalog, column: Column) -> int | None:
    """Bytes of the column's integer type (through domains); None for other types."""
    declared = column.type
    if declared is None or declared.is_array:
        return None
    if declared.schema is None and declared.name in _INTEGER_BYTES:
        return _INTEGER_BYTES[declared.name]
    stored = type_behind_domain(catalog, declared) if catalog.domains else None
    return _INTEGER_BYTES.get(stored.name) if stored is not None and not stored.is_array else None


def _references(catalog: Catalog) -> dict[tuple[QualifiedName, str], list[Reference]]:
    """For each referenced (table, column), the foreign-key columns that point at it (each once)."""
    found: dict[tuple[QualifiedName, str], dict[tuple[QualifiedName, str], Reference]] = defaultdict(dict)
    for table in catalog.tables.values():
        if table.partition_of is not None:
            continue  # a partition's foreign keys are its parent's
        for constraint in table.constraints:
            if constraint.kind is not ConstraintKind.FOREIGN_KEY or constraint.references is None:
                continue
            target = catalog.tables.get(constraint.references)
            referenced = constraint.referenced_columns or (primary_key(target) if target else ())
            for name, referenced_name in zip(constraint.columns, referenced):
                column = table.columns.get(name)
                if column is not None:
                    found[(constraint.references, referenced_name)][(table.qualified, name)] = (table, column)
    return {key: list(columns.values()) for key, columns in found.items()}
