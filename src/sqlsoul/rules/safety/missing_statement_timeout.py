"""missing-statement-timeout: a statement that works through a live table for as long as the table
makes it, while holding a lock that blocks its writes, with no statement_timeout set."""

from __future__ import annotations

from sqlsoul.engine import StatementContext
from sqlsoul.rules.base import builtin_meta
from sqlsoul.rules.safety.common import STRONG_LOCK_STATEMENTS, StrongLocks
from sqlsoul.rules.safety.missing_lock_timeout import MissingTimeout, blocked_label, command_label, locks_label


class MissingStatementTimeout(MissingTimeout):
    meta = builtin_meta("SS218")
    targets = STRONG_LOCK_STATEMENTS
    setting = "statement_timeout"

    def applies(self, found: StrongLocks) -> bool:
        # Quick statements are bounded by lock_timeout alone; a statement timeout would cancel a
        # CONCURRENTLY operation and leave its work half done.
        return found.work is not None and not found.concurrent

    def message(self, ctx: StatementContext, found: StrongLocks) -> str:
        return (
            f"{command_label(ctx.statement.kind, ctx.statement.node)} {found.work} while it holds "
            f"{locks_label(found.locks)}, with no statement_timeout set before it in this migration: until it "
            f"finishes, however long the table makes it, nothing that conflicts with the lock runs: "
            f"{blocked_label(found.locks)} (later statements of this migration are not reported again)"
        )

    def recipe(self, ctx: StatementContext, found: StrongLocks) -> str:
        return (
            f"Bound how long the migration may block {found.locks[0].table}: before the statement, "
            f"{self.set_statement(ctx, '1min')}, sized from a run on a copy of production data, and "
            f"RESET statement_timeout before any CONCURRENTLY statement (cancelling a concurrent index build "
            f"leaves an INVALID index behind). If no acceptable limit fits the work, use a form that does not "
            f"block: CREATE INDEX CONCURRENTLY, ADD CONSTRAINT ... NOT VALID and VALIDATE CONSTRAINT in a later "
            f"migration, a new column filled in batches instead of a rewrite."
        )
