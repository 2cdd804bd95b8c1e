from __future__ import annotations

from sqlsoul.engine import HistoryContext
from sqlsoul.model import Column, ConstraintKind, Table, TypeRef
from sqlsoul.naming import words
from sqlsoul.rules.base import Rule, builtin_meta
from sqlsoul.dialects import SQLITE
from sqlsoul.rules.design.common import SAFE_CONSTRAINT_STEPS, find_table, has_constraint, judged_columns, matches_any, primary_key
from sqlsoul.rules.dialect.recipes import MYSQL_TABLE_COPY, dialect_at, is_mysql, sqlite_table_rebuild
from sqlsoul.rules.labels import column_label, sql_name, table_label

def _type_family(type_ref: TypeRef | None) -> str | None:
    if type_ref is None or type_ref.is_array:
        return None if type_ref is None else "array"
    if type_ref.is_integer:
        return "integer"
    if type_ref.is_text:
        return "text"
    return type_ref.name


class MissingForeignKey(Rule):
    meta = builtin_meta("SS101")
    scope = "history"

    def check_history(self, ctx: HistoryContext) -> None:
        tables = ctx.catalog.tables_by_name()
        for table, column in judged_columns(ctx.catalog):
            if matches_any(column.name, self.options["ignore_columns"]):
                continue
            target = self._referenced_table(tables, table, column)
            if target is None or has_constraint(ctx.catalog, table, column.name, ConstraintKind.FOREIGN_KEY):
                continue
            key = primary_key(target)
            key_column = key[0] if len(key) == 1 else ("id" if "id" in target.columns else None)
            key_type = target.columns[key_column].type if key_column in target.columns else None
            families = {_type_family(column.type), _type_family(key_type)} - {None}
            if len(families) > 1:
                continue  # e.g. a text id from another system next to an integer key: not this table's row
            reference = f"{table_label(target)} ({sql_name(key_column)})" if key_column else table_label(target)
            ctx.report(
                column.origin,  # type: ignore[arg-type]
                f"{column_label(table, column.name)} refers to {table_label(target)} by name but has no foreign key, "
                "so rows can point at nothing",
                _help(dialect_at(ctx.sources, column.origin), table, column.name, reference),  # type: ignore[arg-type]
            )

    def _referenced_table(self, tables: dict[str, list[Table]], table: Table, column: Column) -> Table | None:
        parts = words(column.name)
        if len(parts) < 2 or parts[-1] != "id":
            return None
        entity_words = parts[:-1]
        if primary_key(table) == (column.name,):
            return None  # the table's own key
        if entity_words == ["parent"]:
            return table  # a tree: parent_id points into its own table
        # Longest name first: business_unit_id means business_units before units.
        for start in range(len(entity_words)):
            target = find_table(tables, "_".join(entity_words[start:]), table)
            if target is not None:
                return None if target is table else target
        return None


def _help(dialect: str, table: Table, column: str, reference: str) -> str:
    """How to add the foreign key to a table that may hold rows, on the table's engine."""
    label, name = table_label(table), sql_name(f"{table.name}_{column}_fkey")
    add = f"ALTER TABLE {label} ADD CONSTRAINT {name} FOREIGN KEY ({sql_name(column)}) REFERENCES {reference}"
    if is_mysql(dialect):
        return (
            f"In a new migration: {add}; (find the rows that point at nothing first: the server checks every row, "
            f"and indexes {sql_name(column)} itself when no index starts with it). {MYSQL_TABLE_COPY}."
        )
    if dialect == SQLITE:
        return sqlite_table_rebuild(table, "add a foreign key") + (
            f" The new definition declares FOREIGN KEY ({sql_name(column)}) REFERENCES {reference}; SQLite enforces "
            "it only on connections that run PRAGMA foreign_keys = ON."
        )
    return (
        f"{SAFE_CONSTRAINT_STEPS} For example: {add} NOT VALID; later ALTER TABLE {label} VALIDATE CONSTRAINT {name}; "
        f"and index {sql_name(column)} with CREATE INDEX CONCURRENTLY if no index starts with it."
    )
