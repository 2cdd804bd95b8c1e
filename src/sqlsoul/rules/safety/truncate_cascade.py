"""truncate-cascade: TRUNCATE ... CASCADE also empties every table that references the truncated ones."""

from __future__ import annotations

from sqlsoul.engine import StatementContext
from sqlsoul.model import Catalog, ConstraintKind, QualifiedName, Table
from sqlsoul.rules.base import Rule, builtin_meta
from sqlsoul.rules.labels import qualified_label, relation_label
from sqlsoul.rules.safety.common import created_in_migration, until_commit


class TruncateCascade(Rule):
    meta = builtin_meta("SS216")
    targets = frozenset({"TruncateStmt"})

    def check_statement(self, ctx: StatementContext) -> None:
        node = ctx.statement.node
        if node.get("behavior") != "DROP_CASCADE":
            return
        relations = [item["RangeVar"] for item in node.get("relations") or () if "RangeVar" in item]
        named = [ctx.catalog.table(relation.get("schemaname"), relation.get("relname", "")) for relation in relations]
        if any(table is None for table in named):
            # A table the history does not know: what references it is unknown too, so anything may be emptied.
            emptied: list[Table] = []
        else:
            emptied = _referencing_closure(ctx.catalog, [table for table in named if table is not None])
            if not emptied:
                return  # nothing references these tables: CASCADE empties nothing beyond them
            if all(created_in_migration(ctx, table) for table in emptied):
                return  # the cascade reaches only tables created in this migration: no one else's rows are lost
        truncated = ", ".join(relation_label(relation) for relation in relations)
        if emptied:
            labels = ", ".join(qualified_label(table.qualified) for table in emptied)
            verb = "references" if len(emptied) == 1 else "reference"
            reach = f"also empties {labels}, which {verb} {truncated} through foreign keys (directly or in a chain)"
            explicit = f"TRUNCATE {truncated}, {labels};"
        else:
            reach = (
                f"also empties every table that references {truncated} through a foreign key, however indirectly; "
                f"the history does not show which"
            )
            explicit = f"TRUNCATE {truncated}, <each referencing table you mean to empty>;"
        ctx.report(
            ctx.statement.span,
            f"TRUNCATE {truncated} CASCADE {reach}: all their rows are gone, and TRUNCATE takes an ACCESS "
            f"EXCLUSIVE lock (no reads or writes) on each of them{until_commit(ctx)}",
            f"Name every table you mean to empty and drop CASCADE ({explicit}): without CASCADE "
            f"PostgreSQL refuses when a table outside the list still references one in it, instead of emptying "
            f"that table too. To remove only some rows, DELETE them (in batches on large tables).",
        )


def _referencing_closure(catalog: Catalog, truncated: list[Table]) -> list[Table]:
    """Tables TRUNCATE CASCADE would empty besides `truncated`: those with a foreign key to any table
    it empties, repeatedly. One pass over the catalog builds who references whom; TRUNCATE ... CASCADE
    is rare enough that this costs nothing in a whole run."""
    referencing: dict[QualifiedName, list[Table]] = {}
    for table in catalog.tables.values():
        for constraint in table.constraints:
            if constraint.kind is ConstraintKind.FOREIGN_KEY and constraint.references is not None:
                referencing.setdefault(constraint.references, []).append(table)
    seen = {table.qualified for table in truncated}
    pending = [table.qualified for table in truncated]
    emptied: list[Table] = []
    while pending:
        for table in referencing.get(pending.pop(), ()):
            if table.qualified not in seen:
                seen.add(table.qualified)
                emptied.append(table)
                pending.append(table.qualified)
    return emptied
