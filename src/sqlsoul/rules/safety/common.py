"""Helpers the migration-safety rules share."""

from __future__ import annotations

from typing import Any

from sqlsoul.engine import StatementContext
from sqlsoul.findings import Span


def alter_commands(node: dict[str, Any]) -> list[dict[str, Any]]:
    """The AlterTableCmd bodies of an ALTER TABLE statement, in order."""
    return [item["AlterTableCmd"] for item in node.get("cmds") or () if "AlterTableCmd" in item]


def is_live(ctx: StatementContext, relation: dict[str, Any] | None) -> bool:
    """Whether a statement acts on a table other sessions use: one this migration did not create.

    A table the history does not know counts as live (the history may be partial)."""
    return relation is not None and not ctx.session.is_new(relation)


def location_span(ctx: StatementContext, location: int | None, length: int = 1) -> Span:
    """A span at a libpg_query location in the statement (its start when there is none)."""
    start = ctx.statement.offset(location)
    return Span(start, start + length)
