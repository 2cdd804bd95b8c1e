"""setting-not-null-on-existing-column: SET NOT NULL scans the whole table under an ACCESS EXCLUSIVE lock,
unless (from PostgreSQL 12) a validated CHECK (column IS NOT NULL) already proves it."""

from __future__ import annotations

from sqlsoul.engine import StatementContext
from sqlsoul.model import Constraint, ConstraintKind, Table
from sqlsoul.rules.base import Rule, builtin_meta
from sqlsoul.rules.labels import relation_label, sql_name
from sqlsoul.rules.safety.common import (
    CHECK_SKIPS_SCAN_VERSION,
    FAST_DEFAULT_VERSION,
    alter_commands,
    live_altered_table,
    not_null_recipe,
    relation_column_label,
    until_commit,
)


class SettingNotNullOnExistingColumn(Rule):
    meta = builtin_meta("SS203")
    targets = frozenset({"AlterTableStmt"})
    subcommands = frozenset({"AT_SetNotNull"})

    def check_statement(self, ctx: StatementContext) -> None:
        relation = live_altered_table(ctx, with_rows=True)
        if relation is None:
            return
        table = ctx.catalog.table(relation.get("schemaname"), relation.get("relname", ""))
        pg_version = ctx.settings.pg_version
        for command in alter_commands(ctx.statement.node):
            name = command.get("name")
            if command.get("subtype") != "AT_SetNotNull" or not name:
                continue
            column = table.columns.get(name) if table is not None else None
            if column is not None and column.not_null:
                continue  # already NOT NULL: PostgreSQL has nothing to check
            checks = _not_null_checks(table, name)
            proven = any(check.validated for check in checks)
            if proven and pg_version >= CHECK_SKIPS_SCAN_VERSION:
                continue
            if proven:
                why = (f"; PostgreSQL {pg_version} does not use the validated CHECK ({sql_name(name)} IS NOT NULL) "
                       f"to skip the scan (that came in {CHECK_SKIPS_SCAN_VERSION})")
            elif checks:
                why = (f"; the CHECK ({sql_name(name)} IS NOT NULL) on it is NOT VALID, so it cannot spare the scan "
                       "until VALIDATE CONSTRAINT has run")
            elif pg_version >= FAST_DEFAULT_VERSION and ctx.session.is_new_column(relation, name):
                why = ("; the column was added earlier in this migration: added as NOT NULL with a constant DEFAULT "
                       "instead, it needs no scan")
            else:
                why = ""
            ctx.report(
                ctx.statement.span,
                f"sets {relation_column_label(relation, name)} NOT NULL: PostgreSQL reads every row of "
                f"{relation_label(relation)} to check for NULLs while it holds an ACCESS EXCLUSIVE "
                f"lock{until_commit(ctx)}, so every read and write of the table waits for the scan{why}",
                not_null_recipe(relation, name, pg_version),
            )


def _not_null_checks(table: Table | None, column: str) -> list[Constraint]:
    """The CHECK (column IS NOT NULL) constraints of a table for a column, validated or not."""
    if table is None:
        return []
    return [c for c in table.constraints if c.kind is ConstraintKind.CHECK and c.not_null_of == column]
