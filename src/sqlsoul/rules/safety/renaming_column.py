"""renaming-column: a column of a live table or view renamed in one step breaks every client that
still uses the old name."""

from __future__ import annotations

from sqlsoul.engine import StatementContext
from sqlsoul.rules.base import Rule, builtin_meta
from sqlsoul.rules.labels import relation_label, sql_name, type_label
from sqlsoul.rules.safety.common import relation_column_label

_RELATION_KINDS = {
    "OBJECT_TABLE": "table",
    "OBJECT_VIEW": "view",
    "OBJECT_MATVIEW": "materialized view",
    "OBJECT_FOREIGN_TABLE": "foreign table",
}


class RenamingColumn(Rule):
    meta = builtin_meta("SS212")
    targets = frozenset({"RenameStmt"})

    def check_statement(self, ctx: StatementContext) -> None:
        node = ctx.statement.node
        relation, old, new = node.get("relation"), node.get("subname"), node.get("newname")
        if node.get("renameType") != "OBJECT_COLUMN" or not old or not new or relation is None:
            return
        if ctx.session.is_new_column(relation, old):
            return  # added earlier in this migration: no deployed code uses its name yet
        kind = _RELATION_KINDS.get(node.get("relationType", ""), "table")
        table = ctx.catalog.table(relation.get("schemaname"), relation.get("relname", ""))
        column = table.columns.get(old) if table is not None else None
        type_text = type_label(column.type) if column is not None and column.type is not None else "<type>"
        ctx.report(
            ctx.statement.span,
            f"renames column {relation_column_label(relation, old)} to {sql_name(new)}: every query, insert and "
            f"ORM mapping that still says {sql_name(old)} fails from the moment this commits, including those of "
            "the code still running while the new code deploys",
            _recipe(kind, relation_label(relation), sql_name(old), sql_name(new), type_text),
        )


def _recipe(kind: str, table: str, old: str, new: str, type_text: str) -> str:
    if kind != "table":
        return (
            f"Keep both names for a release: recreate the {kind} with the column under both names "
            f"(SELECT ..., {old}, {old} AS {new} ...), deploy code that reads {new}, then drop {old} from the {kind} "
            "in a later migration."
        )
    return (
        f"Rename in steps the running code survives: ALTER TABLE {table} ADD COLUMN {new} {type_text}; copy new "
        f"writes across with a trigger (or have the application write both), fill existing rows in batches (UPDATE "
        f"{table} SET {new} = {old} WHERE id BETWEEN ... AND ...), deploy code that reads and writes {new}, then "
        f"drop {old} in a later migration."
    )
