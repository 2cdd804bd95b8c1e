"""check-ignored: a CHECK constraint that the target MySQL or MariaDB parses and throws away."""

from __future__ import annotations

from sqlsoul.dialects import LABELS
from sqlsoul.engine import StatementContext
from sqlsoul.replay import CHECKS_ENFORCED_FROM, checks_ignored
from sqlsoul.rules.base import Rule, builtin_meta
from sqlsoul.rules.dialect.common import declared_constraints, keyword_span, server_label


class CheckIgnored(Rule):
    meta = builtin_meta("SS701")
    targets = frozenset({"CreateStmt", "AlterTableStmt"})
    subcommands = frozenset({"AT_AddColumn", "AT_AlterColumnType", "AT_AddConstraint"})

    def check_statement(self, ctx: StatementContext) -> None:
        dialect = ctx.source.dialect
        if not checks_ignored(dialect, ctx.settings):
            return
        first = ".".join(map(str, CHECKS_ENFORCED_FROM[dialect]))
        for declared in declared_constraints(ctx.statement.kind, ctx.statement.node):
            if declared.constraint.get("contype") != "CONSTR_CHECK":
                continue
            ctx.report(
                keyword_span(ctx, declared.constraint.get("location")),
                f"the CHECK on {declared.label} is parsed and ignored by {server_label(ctx)}: it is not stored and "
                f"nothing stops rows that break it ({LABELS[dialect]} enforces CHECK constraints from {first})",
                f"Enforce the rule another way until every server runs {LABELS[dialect]} {first} or later: BEFORE "
                "INSERT and BEFORE UPDATE triggers that SIGNAL SQLSTATE '45000' when a row breaks it. After the "
                "upgrade, add the CHECK again in a new migration (ALTER TABLE ... ADD CONSTRAINT ... CHECK (...)): "
                "the ignored one was never stored. If every server already runs a newer release, say so in the "
                f"config ({'mysql_version' if dialect == 'mysql' else 'mariadb_version'}: \"{first}\" or later).",
            )
