"""adding-constraint-without-not-valid: a CHECK constraint added to a live table checks every row
while the table is locked against reads and writes.

A CHECK declared on a column that ADD COLUMN adds is checked too (PostgreSQL validates the CHECK
constraints of ALTER TABLE, new column or not) and cannot be written NOT VALID there, so the fix
splits it from the column.
"""

from __future__ import annotations

import re

from sqlsoul.engine import StatementContext
from sqlsoul.findings import Span
from sqlsoul.replay import column_refs
from sqlsoul.rules.base import Rule, builtin_meta
from sqlsoul.rules.labels import relation_label, sql_name
from sqlsoul.rules.safety.common import added_constraints, live_altered_table, until_commit

_EXPRESSION_MARKS = re.compile(rb"[()'\"]")  # what the scan for the end of a CHECK expression looks at


class AddingConstraintWithoutNotValid(Rule):
    meta = builtin_meta("SS205")
    targets = frozenset({"AlterTableStmt"})
    subcommands = frozenset({"AT_AddConstraint", "AT_AddColumn"})

    def check_statement(self, ctx: StatementContext) -> None:
        relation = live_altered_table(ctx, with_rows=True)
        if relation is None:
            return
        table = relation_label(relation)
        for constraint, column in added_constraints(ctx.statement.node, "CONSTR_CHECK"):
            if constraint.get("skip_validation"):  # NOT VALID, or NOT ENFORCED (PostgreSQL 18)
                continue
            read = tuple(dict.fromkeys(column_refs(constraint.get("raw_expr"))))
            # PostgreSQL's name for it: table_column_check when it reads one column, else table_check.
            name = constraint.get("conname") or "_".join((relation.get("relname", ""), *read[: len(read) == 1], "check"))
            expression = _expression(ctx, constraint.get("location"))
            subject = (
                f"adds column {table}.{sql_name(column['colname'])} with a CHECK constraint"
                if column is not None
                else f"adds CHECK constraint {sql_name(name)} on {table} without NOT VALID"
            )
            steps = (
                "Add the column without the CHECK first (a column constraint cannot be NOT VALID), then add"
                if column is not None
                else "Add"
            )
            ctx.report(
                Span(ctx.statement.offset(constraint.get("location")), ctx.statement.span.end),
                f"{subject}: it takes ACCESS EXCLUSIVE on {table}, stopping every read and write of it while every "
                f"row is checked{until_commit(ctx)}",
                f"{steps} the constraint as NOT VALID, which checks only rows written from now on, and "
                f"validate it in a later migration under SHARE UPDATE EXCLUSIVE, which lets reads and writes go on: "
                f"ALTER TABLE {table} ADD CONSTRAINT {sql_name(name)} CHECK ({expression}) NOT VALID; then ALTER "
                f"TABLE {table} VALIDATE CONSTRAINT {sql_name(name)};",
            )


def _expression(ctx: StatementContext, location: int | None) -> str:
    """The CHECK's expression as written: the text inside the parentheses after CHECK."""
    text = ctx.source.data[ctx.statement.offset(location) : ctx.statement.span.end]
    start, depth, quote = text.find(b"("), 0, b""
    for mark in _EXPRESSION_MARKS.finditer(text, max(start, 0)):
        found = mark.group()
        if quote:
            quote = b"" if found == quote else quote
        elif found in (b"'", b'"'):
            quote = found
        else:
            depth += 1 if found == b"(" else -1
            if depth == 0:
                return " ".join(text[start + 1 : mark.start()].decode("utf-8", "replace").split())
    return "..."
