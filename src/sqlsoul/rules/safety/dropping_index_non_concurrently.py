"""dropping-index-non-concurrently: DROP INDEX takes ACCESS EXCLUSIVE on the index's table.

The lock is on the table, so it matters whose table it is, not whose index: an index on a table
created earlier in the same migration is dropped without harm; an index the migration created
earlier on a live table still takes the table's strongest lock. An index the history does not show
is taken to be on a live table, as unknown tables are.
"""

from __future__ import annotations

from sqlsoul.engine import StatementContext
from sqlsoul.model import Table
from sqlsoul.replay import names
from sqlsoul.rules.base import Rule, builtin_meta
from sqlsoul.rules.labels import sql_name, table_label
from sqlsoul.rules.safety.common import index_table, outside_transaction_note, until_commit


class DroppingIndexNonConcurrently(Rule):
    meta = builtin_meta("SS209")
    targets = frozenset({"DropStmt"})

    def check_statement(self, ctx: StatementContext) -> None:
        node = ctx.statement.node
        if node.get("removeType") != "OBJECT_INDEX" or node.get("concurrent"):
            return
        dropped: list[tuple[str, Table | None]] = []
        for item in node.get("objects") or ():
            parts = names(item["List"]["items"]) if "List" in item else ()
            if not parts:
                continue
            schema, name = (parts[-2] if len(parts) > 1 else None), parts[-1]
            table = index_table(ctx.catalog, schema, name)
            if table is None and node.get("missing_ok") and ctx.catalog.tables:
                # IF EXISTS on an index a known history never made (or already dropped with its
                # constraint): nothing to drop, no lock taken.
                continue
            if table is None or not ctx.session.is_new({"relname": table.name}):
                dropped.append((".".join(map(sql_name, parts)), table))
        if not dropped:
            return
        partitioned = [table for _, table in dropped if table is not None and ctx.catalog.partitions(table)]
        if partitioned:
            self._report_partitioned(ctx, dropped, partitioned)
            return
        indexes = ", ".join(index for index, _ in dropped)
        known = " and ".join(dict.fromkeys(table_label(table) for _, table in dropped if table is not None))
        if all(table is not None for _, table in dropped):
            where = known
        elif known:
            where = f"{known} and the tables of the other indexes"
        else:
            where = "its table" if len(dropped) == 1 else "their tables"
        statements = " ".join(
            f"DROP INDEX CONCURRENTLY{' IF EXISTS' if node.get('missing_ok') else ''} {index};" for index, _ in dropped
        )
        ctx.report(
            ctx.statement.span,
            f"drops index{'es' if len(dropped) > 1 else ''} {indexes} without CONCURRENTLY: it takes ACCESS EXCLUSIVE "
            f"on {where}, making every new query there, reads included, wait while it waits for the running "
            f"ones{until_commit(ctx)}",
            f"Drop {'each index in a statement of its own' if len(dropped) > 1 else 'it'} with CONCURRENTLY, which "
            f"waits for running queries without blocking new ones: {statements}"
            + outside_transaction_note(ctx, "DROP INDEX CONCURRENTLY"),
        )

    def _report_partitioned(
        self, ctx: StatementContext, dropped: list[tuple[str, Table | None]], partitioned: list[Table]
    ) -> None:
        tables = " and ".join(dict.fromkeys(table_label(table) for table in partitioned))
        ctx.report(
            ctx.statement.span,
            f"drops index{'es' if len(dropped) > 1 else ''} {', '.join(index for index, _ in dropped)} without "
            f"CONCURRENTLY: it takes ACCESS EXCLUSIVE on "
            f"partitioned {tables} and its partitions, making every new query there, reads included, wait while it "
            f"waits for the running ones{until_commit(ctx)}",
            "An index of a partitioned table cannot be dropped CONCURRENTLY, so keep the wait short instead: run the "
            "drop in a migration of its own after SET lock_timeout = '2s' (or less), so that it gives up rather than "
            "hold every query behind it when a long one is running, and retry until it goes through.",
        )
