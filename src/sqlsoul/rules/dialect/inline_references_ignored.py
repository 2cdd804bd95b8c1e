"""inline-references-ignored: REFERENCES in a column's own definition, which MySQL before 9.0 parses and ignores."""

from __future__ import annotations

from sqlsoul.dialects import LABELS
from sqlsoul.engine import StatementContext
from sqlsoul.replay import INLINE_REFERENCES_FROM, inline_references_ignored, names
from sqlsoul.rules.base import Rule, builtin_meta
from sqlsoul.rules.dialect.common import declared_constraints, keyword_span, server_label
from sqlsoul.rules.labels import relation_label, sql_name


class InlineReferencesIgnored(Rule):
    meta = builtin_meta("SS702")
    targets = frozenset({"CreateStmt", "AlterTableStmt"})
    subcommands = frozenset({"AT_AddColumn", "AT_AlterColumnType"})

    def check_statement(self, ctx: StatementContext) -> None:
        dialect = ctx.source.dialect
        if not inline_references_ignored(dialect, ctx.settings):
            return
        first = ".".join(map(str, INLINE_REFERENCES_FROM[dialect]))
        for declared in declared_constraints(ctx.statement.kind, ctx.statement.node):
            constraint = declared.constraint
            if constraint.get("contype") != "CONSTR_FOREIGN" or not constraint.get("sqlsoul_inline") or not declared.column:
                continue
            target = relation_label(constraint.get("pktable") or {})
            referenced = ", ".join(sql_name(column) for column in names(constraint.get("pk_attrs")))
            reference = f"{target} ({referenced})" if referenced else target
            table = relation_label(declared.relation)
            column = sql_name(declared.column)
            name = sql_name(f"{declared.relation.get('relname', '')}_{declared.column}_fk")
            add = f"ALTER TABLE {table} ADD CONSTRAINT {name} FOREIGN KEY ({column}) REFERENCES {reference}"
            if ctx.statement.kind == "CreateStmt":
                form = (
                    f"a table element of the CREATE TABLE: CONSTRAINT {name} FOREIGN KEY ({column}) REFERENCES "
                    f"{reference}. If this migration has already run somewhere, leave it and add the key in a new "
                    f"migration: {add}; (the server checks every existing row, copying the table while it does)"
                )
            else:
                form = f"a clause of its own: {add}"
            ctx.report(
                keyword_span(ctx, constraint.get("location")),
                f"{declared.label} REFERENCES {target} in its own definition, which {server_label(ctx)} parses and "
                f"ignores: no foreign key is created, so {column} can point at rows that do not exist "
                f"({LABELS[dialect]} creates it from {first})",
                f"Declare the foreign key as {form}. That form creates it on every {LABELS[dialect]} release.",
            )
