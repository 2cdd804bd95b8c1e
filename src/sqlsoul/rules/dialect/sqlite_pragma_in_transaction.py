"""sqlite-pragma-in-transaction: PRAGMA foreign_keys inside a transaction, where SQLite ignores it."""

from __future__ import annotations

from sqlsoul.engine import StatementContext
from sqlsoul.findings import Span
from sqlsoul.rules.base import Rule, builtin_meta


class SqlitePragmaInTransaction(Rule):
    meta = builtin_meta("SS706")
    targets = frozenset({"Pragma"})

    def check_statement(self, ctx: StatementContext) -> None:
        node, session = ctx.statement.node, ctx.session
        if node.get("name") != "foreign_keys" or node.get("value") is None or not session.transaction_open:
            return
        where = "an explicit BEGIN" if session.explicit_transaction else "the transaction the framework runs the migration in"
        ctx.report(
            Span(ctx.statement.span.start, ctx.statement.span.end),
            f"PRAGMA foreign_keys = {node['value']} runs inside {where}, where SQLite ignores it: foreign key "
            "enforcement stays as the connection had it (during a table rebuild with enforcement on, DROP TABLE "
            "deletes the rows first and ON DELETE CASCADE empties the tables that reference it)",
            "Set it outside the transaction: PRAGMA foreign_keys = OFF; before BEGIN, and PRAGMA foreign_keys = ON; "
            "after COMMIT. If the framework wraps every migration in a transaction, run this one without it the way "
            "the framework allows (goose: -- +goose NO TRANSACTION; dbmate: -- migrate:up transaction:false).",
        )
