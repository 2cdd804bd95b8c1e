"""missing-lock-timeout: a strong lock on a live table requested with no lock_timeout set, so that
while the statement waits for its lock every later query on the table queues behind it."""

from __future__ import annotations

from typing import Any, ClassVar

from sqlsoul.engine import StatementContext
from sqlsoul.rules.base import Rule, builtin_meta
from sqlsoul.rules.safety.common import STRONG_LOCK_STATEMENTS, StrongLocks, TableLock, strong_locks
from sqlsoul.session import Session

_DROPPED = {"OBJECT_TABLE": "TABLE", "OBJECT_INDEX": "INDEX", "OBJECT_TRIGGER": "TRIGGER", "OBJECT_POLICY": "POLICY",
            "OBJECT_RULE": "RULE", "OBJECT_MATVIEW": "MATERIALIZED VIEW", "OBJECT_FOREIGN_TABLE": "FOREIGN TABLE"}
_ALTERED = {"OBJECT_MATVIEW": "ALTER MATERIALIZED VIEW", "OBJECT_FOREIGN_TABLE": "ALTER FOREIGN TABLE"}
_RENAMED = {"OBJECT_TRIGGER": "ALTER TRIGGER", "OBJECT_POLICY": "ALTER POLICY", "OBJECT_RULE": "ALTER RULE", **_ALTERED}
_COMMANDS = {
    "TruncateStmt": "TRUNCATE",
    "CreateTrigStmt": "CREATE TRIGGER", "IndexStmt": "CREATE INDEX", "VacuumStmt": "VACUUM FULL",
    "ClusterStmt": "CLUSTER", "ReindexStmt": "REINDEX", "RefreshMatViewStmt": "REFRESH MATERIALIZED VIEW",
    "LockStmt": "LOCK TABLE", "CreateStmt": "CREATE TABLE", "CreatePolicyStmt": "CREATE POLICY",
    "AlterPolicyStmt": "ALTER POLICY", "RuleStmt": "CREATE RULE",
}


def command_label(kind: str, node: dict[str, Any]) -> str:
    """The statement as its first keywords name it (ALTER TABLE, CREATE INDEX, DROP TRIGGER ...)."""
    if kind == "AlterTableStmt":
        return _ALTERED.get(node.get("objtype", ""), "ALTER TABLE")
    if kind == "DropStmt":
        return "DROP " + _DROPPED.get(node.get("removeType", ""), "")
    if kind == "RenameStmt":
        renamed = node.get("renameType", "")
        altered = _RENAMED.get(renamed) or _ALTERED.get(node.get("relationType", ""), "ALTER TABLE")
        return f"{altered} ... RENAME"
    if kind == "AlterObjectSchemaStmt":
        return _ALTERED.get(node.get("objectType", ""), "ALTER TABLE") + " ... SET SCHEMA"
    return _COMMANDS.get(kind, "the statement")


def locks_label(locks: list[TableLock]) -> str:
    """'an ACCESS EXCLUSIVE lock on users and a SHARE ROW EXCLUSIVE lock on orders'."""
    return " and ".join(f"{'an' if lock.mode[0] in 'AE' else 'a'} {lock.mode} lock on {lock.table}" for lock in locks)


def blocked_label(locks: list[TableLock]) -> str:
    return "; ".join(lock.blocked for lock in locks)


class MissingTimeout(Rule):
    """A strong lock taken on a live table before the part sets a timeout that would bound it.

    Reported once per part, at the first such statement: one SET at the top covers them all."""

    setting: ClassVar[str]  # the timeout the rule asks for

    def __init__(self, options: dict[str, Any] | None = None) -> None:
        super().__init__(options)
        # The part already reported. Held, not compared by id(): a later part's session cannot
        # reuse the address of one still referenced here.
        self._reported: Session | None = None

    def check_statement(self, ctx: StatementContext) -> None:
        session = ctx.session
        if session is self._reported or getattr(session, self.setting):
            return
        found = strong_locks(ctx)
        if found is None or not self.applies(found):
            return
        self._reported = session
        ctx.report(ctx.statement.span, self.message(ctx, found), self.recipe(ctx, found))

    def applies(self, found: StrongLocks) -> bool:
        return True

    def message(self, ctx: StatementContext, found: StrongLocks) -> str:  # pragma: no cover - overridden
        raise NotImplementedError

    def recipe(self, ctx: StatementContext, found: StrongLocks) -> str:  # pragma: no cover - overridden
        raise NotImplementedError

    def set_statement(self, ctx: StatementContext, value: str) -> str:
        """The SET that fits how the statement runs: SET LOCAL ends with the migration's
        transaction, and outside a transaction block it would do nothing."""
        if ctx.session.in_transaction:
            return f"SET LOCAL {self.setting} = '{value}'; (LOCAL: it ends with the migration's transaction)"
        return (
            f"SET {self.setting} = '{value}'; (not SET LOCAL: this statement runs outside a transaction block, "
            f"where SET LOCAL does nothing)"
        )


class MissingLockTimeout(MissingTimeout):
    meta = builtin_meta("SS217")
    targets = STRONG_LOCK_STATEMENTS
    setting = "lock_timeout"

    def message(self, ctx: StatementContext, found: StrongLocks) -> str:
        tables = " and ".join(lock.table for lock in found.locks)
        return (
            f"{command_label(ctx.statement.kind, ctx.statement.node)} takes {locks_label(found.locks)} with no "
            f"lock_timeout set before it in this migration: while a running transaction uses {tables}, it waits "
            f"for the lock, and for as long as it waits everything that conflicts with the lock queues behind it: "
            f"{blocked_label(found.locks)} (later statements of this migration are not reported again)"
        )

    def recipe(self, ctx: StatementContext, found: StrongLocks) -> str:
        return (
            f"Make the migration give up its place in the lock queue instead of blocking: start it with "
            f"{self.set_statement(ctx, '5s')}. When the timeout fires, the statement fails and releases the "
            f"queue; run the migration again later, or retry it a few times, until no long transaction holds "
            f"{found.locks[0].table}."
        )
