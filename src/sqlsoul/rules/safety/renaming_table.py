"""renaming-table: a live table renamed in one step breaks every client that still uses the old name."""

from __future__ import annotations

from sqlsoul.engine import StatementContext
from sqlsoul.rules.base import Rule, builtin_meta
from sqlsoul.rules.labels import relation_label, sql_name
from sqlsoul.rules.safety.common import is_live


class RenamingTable(Rule):
    meta = builtin_meta("SS213")
    targets = frozenset({"RenameStmt"})

    def check_statement(self, ctx: StatementContext) -> None:
        node = ctx.statement.node
        if node.get("renameType") != "OBJECT_TABLE" or not is_live(ctx, node.get("relation")):
            return
        old, new = relation_label(node["relation"]), sql_name(node.get("newname", ""))
        ctx.report(
            ctx.statement.span,
            f"renames table {old} to {new}: every query that still says {old} fails from the moment this runs",
            f"Rename in steps the running code survives: rename the table and, in the same migration, create a "
            f"view under the old name (CREATE VIEW {old} AS SELECT * FROM {new}; a simple view accepts writes "
            f"too); deploy code that uses {new}; drop the view in a later migration.",
        )
