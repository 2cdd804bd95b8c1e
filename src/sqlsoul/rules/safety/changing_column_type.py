"""changing-column-type: ALTER COLUMN ... TYPE rewrites the table and rebuilds its indexes under an
ACCESS EXCLUSIVE lock, unless the old values are valid as they are in the new type."""

from __future__ import annotations

from typing import Any

from sqlsoul.engine import StatementContext
from sqlsoul.model import TypeRef
from sqlsoul.replay import names, type_ref
from sqlsoul.rules.base import Rule, builtin_meta
from sqlsoul.rules.labels import relation_label, sql_name, type_label
from sqlsoul.rules.safety.common import (
    alter_commands,
    live_altered_table,
    location_span,
    relation_column_label,
    rewrite_free,
    until_commit,
)

_TIMESTAMPS = frozenset({"timestamp", "timestamptz"})
TIMESTAMP_UTC_VERSION = 12  # PostgreSQL 12: timestamp <-> timestamptz without a rewrite when TimeZone is UTC


class ChangingColumnType(Rule):
    meta = builtin_meta("SS211")
    targets = frozenset({"AlterTableStmt"})
    subcommands = frozenset({"AT_AlterColumnType"})

    def check_statement(self, ctx: StatementContext) -> None:
        relation = live_altered_table(ctx, with_rows=True)
        if relation is None:
            return
        table = ctx.catalog.table(relation.get("schemaname"), relation.get("relname", ""))
        for command in alter_commands(ctx.statement.node):
            name = command.get("name")
            column_def = (command.get("def") or {}).get("ColumnDef") or {}
            if command.get("subtype") != "AT_AlterColumnType" or not name or not column_def.get("typeName"):
                continue
            new = type_ref(column_def["typeName"])
            column = table.columns.get(name) if table is not None else None
            old = column.type if column is not None else None
            keeps_values = _keeps_values(column_def.get("raw_default"), name, new)
            in_place = old is not None and (rewrite_free(old, new, ctx.catalog) or _utc_timestamps(ctx, old, new))
            if in_place and keeps_values:
                continue
            label = relation_column_label(relation, name)
            if old is None:
                change = f"changes the type of {label} to {type_label(new)}"
                note = ("; the history does not show its current type, so this may also be one of the few changes "
                        "PostgreSQL makes in place (a longer varchar, numeric precision, varchar to text)")
            else:
                change = f"changes {label} from {type_label(old)} to {type_label(new)}"
                note = ""
                if not keeps_values:
                    note = "; the USING expression computes a new value for every row"
                elif {old.name, new.name} == _TIMESTAMPS and not old.is_array and not new.is_array:
                    note = _timestamps_note(ctx.settings.pg_version)
            if ctx.session.is_new_column(relation, name):
                note += f"; the column was added earlier in this migration: declare it as {type_label(new)} there"
            ctx.report(
                location_span(ctx, column_def.get("location"), len(sql_name(name))),
                f"{change}: PostgreSQL rewrites all of {relation_label(relation)} and rebuilds its indexes under an "
                f"ACCESS EXCLUSIVE lock{until_commit(ctx)}, so every read and write of the table waits until it is "
                f"done{note}",
                _recipe(relation_label(relation), name, type_label(new)),
            )


def _utc_timestamps(ctx: StatementContext, old: TypeRef, new: TypeRef) -> bool:
    """timestamp <-> timestamptz in a session whose time zone the migration set to UTC: from PostgreSQL 12
    the stored values are the same there, and the change needs no rewrite."""
    return (
        ctx.session.time_zone_utc and ctx.settings.pg_version >= TIMESTAMP_UTC_VERSION
        and {old.name, new.name} == _TIMESTAMPS and not old.is_array and not new.is_array
    )


def _timestamps_note(pg_version: int) -> str:
    if pg_version < TIMESTAMP_UTC_VERSION:
        return f"; PostgreSQL {TIMESTAMP_UTC_VERSION} and later skip this rewrite when the session's time zone is UTC"
    return ("; PostgreSQL skips this rewrite only when the session's time zone is UTC: if the stored times are UTC, "
            "put SET TIME ZONE 'UTC' before it in the same migration")


def _keeps_values(using: dict[str, Any] | None, column: str, new: TypeRef) -> bool:
    """Whether a USING clause (if any) only reads the column, perhaps cast to the new type: anything
    else computes new values, which takes a rewrite whatever the types."""
    expression = using
    while expression and "TypeCast" in expression:
        cast = expression["TypeCast"]
        if type_ref(cast["typeName"]) != new:
            return False
        expression = cast.get("arg")
    if expression is None:
        return True
    fields = names(expression.get("ColumnRef", {}).get("fields"))
    return bool(fields) and fields[-1] == column


def _recipe(table: str, column_name: str, new_type: str) -> str:
    column, new_column = sql_name(column_name), sql_name(f"{column_name}_new")
    return (
        f"Change the type in steps that never hold the lock for long: ALTER TABLE {table} ADD COLUMN {new_column} "
        f"{new_type}; keep it in step for new writes with a trigger (or have the application write both); fill "
        f"existing rows in batches in separate transactions (UPDATE {table} SET {new_column} = {column} WHERE id "
        f"BETWEEN ... AND ...); deploy code that reads and writes {new_column}; then, in a later migration, ALTER "
        f"TABLE {table} DROP COLUMN {column}. Some changes need no rewrite at all and are better written that way: "
        "a longer varchar(n), varchar to text, a numeric with more precision and the same scale; a length limit "
        "can be a CHECK (char_length(...) <= n) NOT VALID constraint validated in a later migration."
    )
