"""dropping-not-null: a live column that has always been NOT NULL starts accepting NULLs."""

from __future__ import annotations

from sqlsoul.engine import StatementContext
from sqlsoul.rules.base import Rule, builtin_meta
from sqlsoul.rules.labels import relation_label, sql_name
from sqlsoul.rules.safety.common import alter_commands, live_altered_table, relation_column_label


class DroppingNotNull(Rule):
    meta = builtin_meta("SS215")
    targets = frozenset({"AlterTableStmt"})
    subcommands = frozenset({"AT_DropNotNull"})

    def check_statement(self, ctx: StatementContext) -> None:
        if ctx.session.down:
            return  # a down restores what the code it goes back to was written for
        relation = live_altered_table(ctx)
        if relation is None:
            return
        table = ctx.catalog.table(relation.get("schemaname"), relation.get("relname", ""))
        for command in alter_commands(ctx.statement.node):
            name = command.get("name")
            if command.get("subtype") != "AT_DropNotNull" or not name:
                continue
            column = table.columns.get(name) if table is not None else None
            if column is not None and not column.not_null:
                continue  # already nullable: nothing changes
            if ctx.session.is_new_column(relation, name):
                continue  # added earlier in this migration: no code reads it yet
            label = relation_column_label(relation, name)
            ctx.report(
                ctx.statement.span,
                f"drops NOT NULL from {label}: from now on it may hold NULL, and code written for a column that "
                "never did (a non-optional field in a model, arithmetic, = comparisons, a NOT IN on it) gets "
                "errors or wrong results when the first NULL arrives",
                f"Deploy readers that handle NULL in {sql_name(name)} before writers start storing it: drop NOT NULL "
                f"in a migration that ships with or after that code. If the column is on its way out, stop reading "
                f"it first and then drop it (ALTER TABLE {relation_label(relation)} DROP COLUMN {sql_name(name)}) "
                "rather than leaving it nullable.",
            )
