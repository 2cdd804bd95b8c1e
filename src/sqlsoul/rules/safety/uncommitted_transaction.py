"""uncommitted-transaction: a BEGIN that nothing in the migration commits.

A unit rule: whether a COMMIT follows is only known at the end of the part. A framework that wraps
the migration in its own transaction commits whatever the file left open (a file may even end with
BEGIN on purpose, after a COMMIT that let it run something outside the framework's transaction), so
only migrations the framework sends without a transaction are judged.
"""

from __future__ import annotations

from sqlsoul.engine import UnitContext
from sqlsoul.history import TransactionMode
from sqlsoul.parsing import Statement
from sqlsoul.rules.base import Rule, builtin_meta
from sqlsoul.session import BEGIN_KINDS, END_KINDS, Session, transaction_kind


class UncommittedTransaction(Rule):
    meta = builtin_meta("SS219")
    scope = "unit"

    def check_unit(self, ctx: UnitContext) -> None:
        if ctx.mode is TransactionMode.TRANSACTION:
            return
        for part, down in ((ctx.up, False), (ctx.down, True)):
            opened = _left_open(part, Session.of_part(ctx.mode, part, down))
            if opened is not None:
                file, statement = opened
                ctx.report(
                    file,
                    statement.span,
                    "BEGIN opens a transaction that nothing in this migration commits: when the migration ends, "
                    "its statements are still uncommitted and their locks held; whatever runs next on the "
                    "connection (often the framework recording the migration) joins the transaction and commits "
                    "it by chance, or the connection closes and everything is rolled back while the migration "
                    "counts as applied",
                    "End the transaction in the file: add COMMIT; after the last statement that belongs to it.",
                    statement.index,
                )


def _left_open(part: list[tuple[int, Statement]], session: Session) -> tuple[int, Statement] | None:
    """The BEGIN whose transaction is still open at the end of the part, if any."""
    opened: tuple[int, Statement] | None = None
    for file, statement in part:
        kind = transaction_kind(statement)
        if kind in BEGIN_KINDS and not session.transaction_open:
            opened = (file, statement)
        elif kind in END_KINDS and not statement.node.get("chain"):
            opened = None
        session.step(statement)
    return opened
