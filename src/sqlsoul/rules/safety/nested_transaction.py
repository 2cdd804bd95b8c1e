"""nested-transaction: BEGIN while a transaction is already open. PostgreSQL only warns and ignores
it, and the COMMIT written to pair with it ends the outer transaction early."""

from __future__ import annotations

from sqlsoul.engine import StatementContext
from sqlsoul.rules.base import Rule, builtin_meta
from sqlsoul.session import BEGIN_KINDS, transaction_kind

_TURN_OFF = (
    "goose: -- +goose NO TRANSACTION; dbmate: -- migrate:up transaction:false; diesel: run_in_transaction = false "
    "in metadata.toml; Flyway: executeInTransaction=false in the script's .conf; Liquibase: runInTransaction:false"
)


class NestedTransaction(Rule):
    meta = builtin_meta("SS220")
    targets = frozenset({"TransactionStmt"})

    def check_statement(self, ctx: StatementContext) -> None:
        session = ctx.session
        if transaction_kind(ctx.statement) not in BEGIN_KINDS or not session.transaction_open:
            return
        if session.explicit_transaction:
            ctx.report(
                ctx.statement.span,
                "BEGIN while the transaction an earlier BEGIN opened is still open: PostgreSQL warns and ignores "
                "it, so the first COMMIT ends the outer transaction and the statements after it, up to the "
                "second COMMIT, run outside any transaction",
                "Remove this BEGIN, or end the first transaction (COMMIT;) before it.",
            )
            return
        ctx.report(
            ctx.statement.span,
            "BEGIN inside the transaction the framework runs this migration in: PostgreSQL warns and ignores it, "
            "and the COMMIT written to pair with it commits the framework's transaction instead, so the "
            "statements after that COMMIT, and the framework's record of the migration, run outside any "
            "transaction: a failure there leaves the migration half applied",
            "Remove BEGIN and COMMIT from the file: the framework already runs the migration in one transaction. "
            "If the file must manage its own transactions (to run CREATE INDEX CONCURRENTLY, say), turn the "
            f"framework's transaction off for this migration instead ({_TURN_OFF}).",
        )
