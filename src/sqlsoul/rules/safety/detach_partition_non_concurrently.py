"""detach-partition-non-concurrently: DETACH PARTITION takes ACCESS EXCLUSIVE on the partitioned table.

From PostgreSQL 14, DETACH PARTITION ... CONCURRENTLY takes only SHARE UPDATE EXCLUSIVE and waits for
running queries instead of blocking new ones. Before 14 there is no other way to detach, so nothing
is reported there.
"""

from __future__ import annotations

from sqlsoul.engine import StatementContext
from sqlsoul.rules.base import Rule, builtin_meta
from sqlsoul.rules.labels import relation_label
from sqlsoul.rules.safety.common import alter_commands, live_altered_table, outside_transaction_note, until_commit

CONCURRENT_DETACH_VERSION = 14


class DetachPartitionNonConcurrently(Rule):
    meta = builtin_meta("SS222")
    targets = frozenset({"AlterTableStmt"})
    subcommands = frozenset({"AT_DetachPartition"})

    def check_statement(self, ctx: StatementContext) -> None:
        if ctx.settings.pg_version < CONCURRENT_DETACH_VERSION:
            return
        relation = live_altered_table(ctx)
        if relation is None:
            return
        for command in alter_commands(ctx.statement.node):
            partition_command = (command.get("def") or {}).get("PartitionCmd") or {}
            if command.get("subtype") != "AT_DetachPartition" or partition_command.get("concurrent"):
                continue
            parent, partition = relation_label(relation), relation_label(partition_command.get("name") or {})
            ctx.report(
                ctx.statement.span,
                f"detaches partition {partition} from {parent} without CONCURRENTLY: it takes ACCESS EXCLUSIVE on "
                f"{parent} and {partition}, making every new query on them, reads included, wait while it waits for "
                f"the running ones{until_commit(ctx)}",
                f"Detach it concurrently: ALTER TABLE {parent} DETACH PARTITION {partition} CONCURRENTLY; it takes "
                f"SHARE UPDATE EXCLUSIVE on {parent} and {partition}, so reads and writes go on while it waits for "
                "running queries. It is refused when the table has a DEFAULT partition, and if it is interrupted "
                f"it is finished with ALTER TABLE {parent} DETACH PARTITION {partition} FINALIZE."
                + outside_transaction_note(ctx, "DETACH PARTITION ... CONCURRENTLY"),
            )
