from __future__ import annotations

from collections import defaultdict

from sqlsoul.engine import HistoryContext
from sqlsoul.model import Catalog, Column, ConstraintKind, QualifiedName, Table
from sqlsoul.rules.base import Rule, builtin_meta
from sqlsoul.rules.design.common import primary_key
from sqlsoul.rules.labels import column_label, qualified_label, sql_name, table_label
from sqlsoul.rules.types.common import TypedColumn, columns_of_type, type_behind_domain

# Bytes of each integer type; serials are integers with a sequence of the same width.
_INTEGER_BYTES = {
    **dict.fromkeys(("int2", "smallserial", "serial2"), 2),
    **dict.fromkeys(("int4", "serial", "serial4"), 4),
    **dict.fromkeys(("int8", "bigserial", "serial8"), 8),
}
_LARGEST = {2: "32,767", 4: "2,147,483,647"}
_TYPE_OF_WIDTH = {2: "smallint", 4: "integer", 8: "bigint"}
_NARROW_TYPES = frozenset(name for name, width in _INTEGER_BYTES.items() if width < 8)
_SERIALS = frozenset({"serial", "serial4", "smallserial", "serial2"})
_NAMED_REFERENCES = 5  # more than this and the message counts the rest

Reference = tuple[Table, Column]  # a column of a foreign key


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
            key_width = _width(catalog, key_column) if key_column else None
            if key_table is None or key_column is None or key_width is None:
                continue
            key_column_label = column_label(key_table, key_column.name)
            for table, column in referencing:
                width = _width(catalog, column)
                if width is not None and width < key_width and column.origin is not None:
                    self._report_reference(ctx, table, column, width, key_column_label, key_width)

    def _report_key(self, ctx: HistoryContext, key: TypedColumn, references: list[Reference]) -> None:
        width = _INTEGER_BYTES[key.stored.name]
        message = (
            f"{key.label}, the primary key, is {key.type_text} and numbered by the database: it stops at "
            f"{_LARGEST[width]}, and once the numbers are used up every insert into {table_label(key.table)} fails"
        )
        if references:
            labels = [column_label(table, column.name) for table, column in references]
            shown = ", ".join(labels[:_NAMED_REFERENCES])
            if len(labels) > _NAMED_REFERENCES:
                shown += f" and {len(labels) - _NAMED_REFERENCES} more"
            message += f"; {shown} {'holds' if len(labels) == 1 else 'hold'} its values and must widen with it"
        table, name = table_label(key.table), sql_name(key.column.name)
        steps = [f"ALTER TABLE {table} ALTER COLUMN {name} TYPE bigint"]
        if key.domain is None and key.stored.name in _SERIALS:
            sequence = qualified_label((key.table.schema, f"{key.table.name}_{key.column.name}_seq"))
            steps.append(f"ALTER SEQUENCE {sequence} AS bigint (a serial's sequence has the column's type)")
        steps += [
            f"ALTER TABLE {table_label(t)} ALTER COLUMN {sql_name(c.name)} TYPE bigint"
            for t, c in references[:_NAMED_REFERENCES]
        ]
        if len(references) > _NAMED_REFERENCES:
            steps.append(f"the same for the other {len(references) - _NAMED_REFERENCES} referencing columns")
        ctx.report(
            key.column.origin,  # type: ignore[arg-type]
            message,
            "Make keys of tables that grow bigint (bigint GENERATED ALWAYS AS IDENTITY) from the start. On a table "
            "that holds data, changing the type rewrites the table and its indexes under an ACCESS EXCLUSIVE lock, "
            "so on a large table add a bigint column, fill it in batches and swap it in; on a small one, in a new "
            f"migration: {'; '.join(steps)}.",
        )

    def _report_reference(
        self, ctx: HistoryContext, table: Table, column: Column, width: int, key_label: str, key_width: int
    ) -> None:
        ctx.report(
            column.origin,  # type: ignore[arg-type]
            f"{column_label(table, column.name)} is {_TYPE_OF_WIDTH[width]} but references {key_label} "
            f"({_TYPE_OF_WIDTH[key_width]}): once keys pass {_LARGEST[width]}, rows that point at the newer ones "
            "cannot be stored",
            f"Give the reference the key's type in a new migration: ALTER TABLE {table_label(table)} ALTER COLUMN "
            f"{sql_name(column.name)} TYPE {_TYPE_OF_WIDTH[key_width]} (this rewrites the table under an ACCESS "
            "EXCLUSIVE lock: on a large table add a new column, fill it in batches and swap it in).",
        )


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
