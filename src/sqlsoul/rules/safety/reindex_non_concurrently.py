"""reindex-non-concurrently: REINDEX without CONCURRENTLY blocks writes to each table it rebuilds.

Plain REINDEX holds SHARE on the table (writes wait) and ACCESS EXCLUSIVE on the index being rebuilt
(queries that would use it wait). REINDEX CONCURRENTLY exists from PostgreSQL 12; before, the same
result comes from building a replacement index concurrently and dropping the old one. REINDEX SYSTEM
has no concurrent form (system catalogs cannot be reindexed concurrently) and is left alone.
"""

from __future__ import annotations

from sqlsoul.engine import StatementContext
from sqlsoul.rules.base import Rule, builtin_meta
from sqlsoul.rules.labels import relation_label, sql_name, table_label
from sqlsoul.rules.safety.common import (
    index_table,
    outside_transaction_note,
    reindex_is_concurrent,
    until_commit,
)

CONCURRENT_REINDEX_VERSION = 12


class ReindexNonConcurrently(Rule):
    meta = builtin_meta("SS221")
    targets = frozenset({"ReindexStmt"})

    def check_statement(self, ctx: StatementContext) -> None:
        node = ctx.statement.node
        kind = node.get("kind")
        if reindex_is_concurrent(node) or kind == "REINDEX_OBJECT_SYSTEM":
            return
        relation = node.get("relation") or {}
        if kind == "REINDEX_OBJECT_INDEX":
            table = index_table(ctx.catalog, relation.get("schemaname"), relation.get("relname", ""))
            if table is not None and ctx.session.is_empty({"relname": table.name}):
                return
            target = f"index {relation_label(relation)}"
            effect = (
                f"takes SHARE on {table_label(table) if table else 'its table'} and ACCESS EXCLUSIVE on the index, "
                f"stopping the table's writes and the queries that would use the index until the rebuild ends"
                f"{until_commit(ctx)}"
            )
            concurrent = f"REINDEX INDEX CONCURRENTLY {relation_label(relation)}"
        elif kind == "REINDEX_OBJECT_TABLE":
            if ctx.session.is_empty(relation):
                return
            target = f"every index of {relation_label(relation)}"
            effect = (
                f"takes SHARE on {relation_label(relation)}, stopping its writes until all of them are rebuilt"
                f"{until_commit(ctx)}"
            )
            concurrent = f"REINDEX TABLE CONCURRENTLY {relation_label(relation)}"
        else:
            scope = "SCHEMA" if kind == "REINDEX_OBJECT_SCHEMA" else "DATABASE"
            name = sql_name(node.get("name", "")) if node.get("name") else ""
            target = f"every index in {scope.lower()} {name}".rstrip()
            # No until_commit: REINDEX SCHEMA and DATABASE refuse to run inside a transaction block at all.
            effect = "takes SHARE on each table in turn, stopping its writes while its indexes are rebuilt"
            concurrent = f"REINDEX {scope} CONCURRENTLY {name}".rstrip()
        ctx.report(
            ctx.statement.span,
            f"rebuilds {target} without CONCURRENTLY: it {effect}",
            _help(ctx, concurrent),
        )


def _help(ctx: StatementContext, concurrent: str) -> str:
    if ctx.settings.pg_version < CONCURRENT_REINDEX_VERSION:
        return (
            f"PostgreSQL {ctx.settings.pg_version} has no REINDEX CONCURRENTLY (it comes with "
            f"{CONCURRENT_REINDEX_VERSION}). Rebuild each index by building a copy without blocking writes and "
            "swapping it in: CREATE INDEX CONCURRENTLY new_idx ON the_table (same columns and options); DROP INDEX "
            "CONCURRENTLY old_idx; ALTER INDEX new_idx RENAME TO old_idx; for the index of a primary key or unique "
            "constraint, swap the constraint in one statement instead: ALTER TABLE the_table DROP CONSTRAINT old_key, "
            "ADD CONSTRAINT old_key UNIQUE USING INDEX new_idx."
        )
    return (
        f"Rebuild without blocking writes: {concurrent}; it builds a new copy of each index beside the old one and "
        "swaps them, waiting for running queries instead of blocking new ones. If it fails, it leaves an INVALID "
        "copy (named ..._ccnew) to drop with DROP INDEX CONCURRENTLY."
        + outside_transaction_note(ctx, "REINDEX CONCURRENTLY")
    )
