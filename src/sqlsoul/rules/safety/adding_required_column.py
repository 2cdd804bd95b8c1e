"""adding-required-column: a NOT NULL column without a default cannot be added to a table that has rows."""

from __future__ import annotations

from typing import Any

from sqlsoul.engine import StatementContext
from sqlsoul.replay import is_null, type_ref
from sqlsoul.rules.base import Rule, builtin_meta
from sqlsoul.rules.labels import relation_label, sql_name, type_label
from sqlsoul.rules.safety.common import (
    FAST_DEFAULT_VERSION,
    added_columns,
    column_constraints,
    is_serial,
    live_altered_table,
    location_span,
    not_null_recipe,
    relation_column_label,
)

# Column constraints that fill the column themselves, for existing rows too.
_SELF_FILLING = ("CONSTR_IDENTITY", "CONSTR_GENERATED")
# Column constraints that make it NOT NULL.
_REQUIRING = ("CONSTR_NOTNULL", "CONSTR_PRIMARY")


class AddingRequiredColumn(Rule):
    meta = builtin_meta("SS202")
    targets = frozenset({"AlterTableStmt"})
    subcommands = frozenset({"AT_AddColumn"})

    def check_statement(self, ctx: StatementContext) -> None:
        relation = live_altered_table(ctx, with_rows=True)
        if relation is None:
            return
        for column_def in added_columns(ctx, relation):
            name = column_def.get("colname", "")
            constraints = column_constraints(column_def)
            required = any(kind in constraints for kind in _REQUIRING)
            if not required or any(kind in constraints for kind in _SELF_FILLING):
                continue
            default = constraints.get("CONSTR_DEFAULT")
            if (default is not None and not is_null(default.get("raw_expr"))) or is_serial(column_def):
                continue  # filled by its default (serial brings DEFAULT nextval(...))
            type_text = type_label(type_ref(column_def["typeName"])) if column_def.get("typeName") else "<type>"
            ctx.report(
                location_span(ctx, column_def.get("location"), len(sql_name(name))),
                f"adds NOT NULL column {relation_column_label(relation, name)} without a default: existing rows "
                f"would hold NULL in it, so the ALTER fails (column contains null values) as soon as "
                f"{relation_label(relation)} has a row, and the whole migration stops there",
                _recipe(relation, name, type_text, ctx.settings.pg_version),
            )


def _recipe(relation: dict[str, Any], column_name: str, type_text: str, pg_version: int) -> str:
    table, column = relation_label(relation), sql_name(column_name)
    nullable_first = (
        f"add it nullable (ALTER TABLE {table} ADD COLUMN {column} {type_text};), fill existing rows in batches, "
        f"then make it NOT NULL without a long lock: {not_null_recipe(relation, column_name, pg_version)}"
    )
    if pg_version < FAST_DEFAULT_VERSION:
        return (
            f"Before PostgreSQL {FAST_DEFAULT_VERSION} a default is written into every row (a rewrite), so "
            f"{nullable_first}"
        )
    return (
        "Give it a default that existing rows take, which is instant for a constant from PostgreSQL "
        f"{FAST_DEFAULT_VERSION}: ALTER TABLE {table} ADD COLUMN {column} {type_text} NOT NULL DEFAULT <value>; "
        f"or, when no default fits, {nullable_first}"
    )
