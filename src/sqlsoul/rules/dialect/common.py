"""Helpers the dialect rules share: the constraints a CREATE or ALTER TABLE declares, where they are."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlsoul.dialects import LABELS
from sqlsoul.engine import StatementContext
from sqlsoul.findings import Span
from sqlsoul.records import record
from sqlsoul.replay import target_version
from sqlsoul.rules.labels import relation_label, sql_name

Node = dict[str, Any]
_DECLARING_COMMANDS = frozenset({"AT_AddColumn", "AT_AlterColumnType", "AT_AddConstraint"})  # MODIFY is AT_AlterColumnType


@record(frozen=True)
class Declared:
    """A constraint as a statement declares it: on a column (in its definition) or on the table."""

    relation: Node  # the table, as the statement names it (a RangeVar)
    column: str | None  # the column whose definition holds it; None for a table constraint
    constraint: Node  # the Constraint body

    @property
    def label(self) -> str:
        """The column or table it is declared on, as users write it."""
        table = relation_label(self.relation)
        return f"{table}.{sql_name(self.column)}" if self.column else table


def declared_constraints(kind: str, node: Node) -> Iterator[Declared]:
    """Every constraint a CREATE TABLE or ALTER TABLE (ADD COLUMN, MODIFY, CHANGE, ADD CONSTRAINT) declares."""
    relation = node.get("relation") or {}
    if kind == "CreateStmt":
        elements = node.get("tableElts") or ()
    elif kind == "AlterTableStmt":
        elements = [
            command.get("def") or {}
            for item in node.get("cmds") or ()
            if (command := item.get("AlterTableCmd", {})).get("subtype") in _DECLARING_COMMANDS
        ]
    else:
        return
    for element in elements:
        if "ColumnDef" in element:
            definition = element["ColumnDef"]
            for item in definition.get("constraints") or ():
                if "Constraint" in item:
                    yield Declared(relation, definition.get("colname"), item["Constraint"])
        elif "Constraint" in element:
            yield Declared(relation, None, element["Constraint"])


def keyword_span(ctx: StatementContext, location: int | None) -> Span:
    """The word at a node location (the statement's start when there is none)."""
    start = ctx.statement.offset(location)
    return Span(start, ctx.source.identifier_end(start))


def server_label(ctx: StatementContext) -> str:
    """The target server as messages name it: "MySQL 8.0.15"."""
    dialect = ctx.source.dialect
    version = target_version(dialect, ctx.settings)
    written = ".".join(map(str, version)) if version else ""
    return f"{LABELS[dialect]} {written}".strip()
