"""concurrent-index-in-transaction: a CONCURRENTLY statement inside a transaction block fails.

CREATE INDEX, DROP INDEX and REINDEX ... CONCURRENTLY and DETACH PARTITION ... CONCURRENTLY commit
several transactions of their own, so PostgreSQL refuses them inside a transaction block. Whether
the statement is in one is the session's call: the framework wraps the migration, or sends a file of
several statements in one request (an implicit transaction), or the file says BEGIN.
"""

from __future__ import annotations

from typing import Any

from sqlsoul.engine import StatementContext
from sqlsoul.history import TransactionMode
from sqlsoul.rules.base import Rule, builtin_meta
from sqlsoul.rules.safety.common import alter_commands, is_live, outside_transaction, reindex_is_concurrent


class ConcurrentIndexInTransaction(Rule):
    meta = builtin_meta("SS210")
    targets = frozenset({"IndexStmt", "DropStmt", "ReindexStmt", "AlterTableStmt"})

    def check_statement(self, ctx: StatementContext) -> None:
        if not ctx.session.in_transaction:
            return
        command = _concurrent_command(ctx.statement.kind, ctx.statement.node)
        if command is None:
            return
        session = ctx.session
        if session.explicit_transaction:
            reason = "it follows a BEGIN"
        elif session.mode is TransactionMode.TRANSACTION:
            reason = "the migration runs in a transaction"
        else:
            reason = (
                f"the migration's {session.statements} statements go to the server in one request, which PostgreSQL "
                "runs as one transaction"
            )
        new_table = ctx.statement.kind == "IndexStmt" and not is_live(ctx, ctx.statement.node.get("relation"))
        ctx.report(
            ctx.statement.span,
            f"{command} cannot run inside a transaction block, and here it is in one ({reason}): PostgreSQL refuses "
            "it and the migration fails",
            outside_transaction(ctx)
            + (
                " Or, since the table is created in this same migration and nobody else can use it yet, leave out "
                "CONCURRENTLY."
                if new_table
                else ""
            ),
        )


def _concurrent_command(kind: str, node: dict[str, Any]) -> str | None:
    """How PostgreSQL names the statement in its error, when it is a CONCURRENTLY one."""
    if kind == "IndexStmt":
        return "CREATE INDEX CONCURRENTLY" if node.get("concurrent") else None
    if kind == "DropStmt":
        concurrent = node.get("concurrent") and node.get("removeType") == "OBJECT_INDEX"
        return "DROP INDEX CONCURRENTLY" if concurrent else None
    if kind == "ReindexStmt":
        return "REINDEX CONCURRENTLY" if reindex_is_concurrent(node) else None
    detach = any(
        command.get("subtype") == "AT_DetachPartition"
        and ((command.get("def") or {}).get("PartitionCmd") or {}).get("concurrent")
        for command in alter_commands(node)
    )
    return "ALTER TABLE ... DETACH PARTITION ... CONCURRENTLY" if detach else None
