"""sqlite-foreign-keys-off: a SQLite history declares foreign keys and never turns their enforcement on."""

from __future__ import annotations

from sqlsoul.dialects import SQLITE
from sqlsoul.engine import HistoryContext
from sqlsoul.model import Constraint, ConstraintKind, Table
from sqlsoul.rules.base import Rule, builtin_meta
from sqlsoul.rules.dialect.recipes import dialect_at
from sqlsoul.rules.labels import qualified_label, sql_name, table_label


class SqliteForeignKeysOff(Rule):
    meta = builtin_meta("SS703")
    scope = "history"

    def check_history(self, ctx: HistoryContext) -> None:
        if "foreign_keys" in ctx.catalog.pragmas:
            return  # the history sets it itself: its authors know enforcement is a per-connection choice
        keys = [
            (table, constraint)
            for table in ctx.catalog.tables.values()
            for constraint in table.constraints
            if constraint.kind is ConstraintKind.FOREIGN_KEY and constraint.origin is not None
            and dialect_at(ctx.sources, constraint.origin) == SQLITE
        ]
        if not keys:
            return
        # Once per history, at the first foreign key it declares: the setting is the application's, not a table's.
        table, first = min(keys, key=lambda key: _position(key[1]))
        others = len(keys) - 1
        ctx.report(
            first.origin,  # type: ignore[arg-type]
            f"{_label(table, first)} is not enforced unless the connection runs PRAGMA foreign_keys = ON, and "
            f"nothing in this history does{f' (nor for its {others} other foreign keys)' if others else ''}: SQLite "
            "leaves enforcement off by default, so rows can point at nothing and ON DELETE actions never run",
            "Turn enforcement on in the application, on every connection it opens: PRAGMA foreign_keys = ON; right "
            "after opening (outside any transaction: inside one the PRAGMA does nothing), or build SQLite with "
            "SQLITE_DEFAULT_FOREIGN_KEYS=1. A migration cannot do it for the application: the setting lasts only "
            "for the connection that ran it. Before turning it on, list the rows that already break a key with "
            "PRAGMA foreign_key_check. If the application already does all this, turn the rule off for the project.",
        )


def _position(constraint: Constraint) -> tuple[int, int, int]:
    origin = constraint.origin
    assert origin is not None
    return origin.file, origin.statement, origin.span.start


def _label(table: Table, constraint: Constraint) -> str:
    columns = ", ".join(sql_name(column) for column in constraint.columns)
    target = qualified_label(constraint.references) if constraint.references else "another table"
    return f"the foreign key {table_label(table)} ({columns}) -> {target}"
