"""adding-primary-key-on-existing-table: a primary key added to a live table builds its index, and
makes its columns NOT NULL, while the table is locked against reads and writes.

Making a column NOT NULL scans the table unless the column already is, or, from PostgreSQL 12, a
validated CHECK (column IS NOT NULL) proves it. That scan happens with USING INDEX too, so the safe
form is reported when the history shows a key column that may still hold NULLs.
"""

from __future__ import annotations

from typing import Any

from sqlsoul.engine import StatementContext
from sqlsoul.findings import Span
from sqlsoul.model import ConstraintKind
from sqlsoul.rules.base import builtin_meta
from sqlsoul.rules.labels import relation_label, sql_name
from sqlsoul.rules.safety.adding_unique_constraint_on_existing_table import AddingUniqueConstraintOnExistingTable
from sqlsoul.rules.safety.common import CHECK_SKIPS_SCAN_VERSION, not_null_recipe, until_commit


class AddingPrimaryKeyOnExistingTable(AddingUniqueConstraintOnExistingTable):
    meta = builtin_meta("SS207")
    contype = "CONSTR_PRIMARY"
    keyword = "PRIMARY KEY"
    what = "primary key"

    def default_name(self, relation: dict[str, Any], columns: tuple[str, ...]) -> str:
        return f"{relation.get('relname', '')}_pkey"

    def steps_before(
        self, ctx: StatementContext, relation: dict[str, Any], columns: tuple[str, ...]
    ) -> tuple[str, str]:
        nullable = _nullable(ctx, relation, columns)
        if not nullable:
            return "", ""
        return f"every row is scanned to make {_listed(nullable)} NOT NULL and ", _not_null_steps(ctx, relation, nullable)

    def check_using_index(
        self, ctx: StatementContext, relation: dict[str, Any], constraint: dict[str, Any]
    ) -> None:
        table = ctx.catalog.table(relation.get("schemaname"), relation.get("relname", ""))
        index = next((i for i in table.indexes if i.name == constraint["indexname"]), None) if table else None
        if index is None:
            return  # an index the history does not show: its columns are unknown
        nullable = _nullable(ctx, relation, tuple(column for column in index.columns if column))
        if not nullable:
            return
        table_name = relation_label(relation)
        ctx.report(
            Span(ctx.statement.offset(constraint.get("location")), ctx.statement.span.end),
            f"adds primary key using index {sql_name(constraint['indexname'])} on {table_name} while "
            f"{_listed(nullable)} may hold NULLs: it takes ACCESS EXCLUSIVE on {table_name}, stopping every read and "
            f"write of it while every row is scanned to make them NOT NULL{until_commit(ctx)}",
            _not_null_steps(ctx, relation, nullable) + "Then add the primary key USING INDEX as written.",
        )


def _nullable(ctx: StatementContext, relation: dict[str, Any], columns: tuple[str, ...]) -> list[str]:
    """Key columns the history shows as nullable and that no validated CHECK proves non-null (from 12)."""
    table = ctx.catalog.table(relation.get("schemaname"), relation.get("relname", ""))
    if table is None:
        return []
    proven: set[str | None] = set()
    if ctx.settings.pg_version >= CHECK_SKIPS_SCAN_VERSION:
        proven = {c.not_null_of for c in table.constraints if c.kind is ConstraintKind.CHECK and c.validated}
    return [
        name for name in columns
        if name in table.columns and not table.columns[name].not_null and name not in proven
    ]


def _listed(columns: list[str]) -> str:
    return ", ".join(map(sql_name, columns))


def _not_null_steps(ctx: StatementContext, relation: dict[str, Any], nullable: list[str]) -> str:
    """Making the key columns NOT NULL first, each without a scan under ACCESS EXCLUSIVE."""
    steps = " ".join(not_null_recipe(relation, column, ctx.settings.pg_version) for column in nullable)
    return f"First make {_listed(nullable)} NOT NULL without the long lock. {steps} "
