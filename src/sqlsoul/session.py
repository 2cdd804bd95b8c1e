"""What the statements before this one in the same migration have set up.

Migration-safety rules judge a statement by its surroundings, the way PostgreSQL will run it: a
table created earlier in the same migration is new and can block no one; whether a statement runs
inside a transaction depends on how the framework sends the unit (its transaction mode) and on
BEGIN / COMMIT in the file; a `lock_timeout` set earlier bounds how long a lock waits in the queue.
The engine keeps one session per part of a unit (its up, its down) and steps it after each statement.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sqlsoul.history import TransactionMode
from sqlsoul.parsing import Statement
from sqlsoul.source import SourceFile

_BEGIN = frozenset({"TRANS_STMT_BEGIN", "TRANS_STMT_START"})
_END = frozenset({"TRANS_STMT_COMMIT", "TRANS_STMT_ROLLBACK", "TRANS_STMT_PREPARE"})
_TIMEOUTS = ("lock_timeout", "statement_timeout")
_ZERO = re.compile(r"^\s*0+(\.0*)?\s*[a-z]*\s*$", re.IGNORECASE)  # '0', '0ms', '0s': no timeout
_MODE_DIRECTIVE = re.compile(r"sqlsoul:\s*assume-in-transaction\s*=\s*(true|false)\b", re.IGNORECASE)


@dataclass(slots=True)
class Session:
    mode: TransactionMode  # how the framework sends this unit
    statements: int  # how many statements this part has
    down: bool = False  # the part is the unit's down
    position: int = 0  # index in the part of the statement being checked
    explicit_transaction: bool = False  # a BEGIN in the file is open
    timeouts: dict[str, bool] = field(default_factory=dict)  # lock_timeout / statement_timeout -> set (non-zero)
    local_timeouts: set[str] = field(default_factory=set)  # set with SET LOCAL: gone when the transaction ends
    created: set[tuple[str | None, str]] = field(default_factory=set)  # tables created in this part, as written

    @property
    def in_transaction(self) -> bool:
        """Whether the statement being checked runs inside a transaction block.

        A framework-wrapped unit always does; a file sent in one request does whenever it holds more
        than one statement (PostgreSQL runs such a request as one implicit transaction block); an
        explicit BEGIN opens one in any mode."""
        if self.explicit_transaction or self.mode is TransactionMode.TRANSACTION:
            return True
        return self.mode is TransactionMode.IMPLICIT and self.statements > 1

    @property
    def lock_timeout(self) -> bool:
        return self.timeouts.get("lock_timeout", False)

    @property
    def statement_timeout(self) -> bool:
        return self.timeouts.get("statement_timeout", False)

    def is_new(self, relation: dict[str, Any]) -> bool:
        """Whether a table (a libpg_query RangeVar) was created earlier in this part: it holds no
        rows and no other session can see it yet, so nothing it does can block or break anyone."""
        name = relation.get("relname", "")
        if relation.get("schemaname"):
            return (relation["schemaname"], name) in self.created
        return any(created == name for _, created in self.created)

    def step(self, statement: Statement) -> None:
        """Take in what a statement that has just run sets up for those after it."""
        node, kind = statement.node, statement.kind
        if kind == "CreateStmt":
            self._created(node.get("relation"))
        elif kind == "CreateTableAsStmt":
            self._created((node.get("into") or {}).get("rel"))
        elif kind == "SelectStmt" and node.get("intoClause"):
            self._created(node["intoClause"].get("rel"))
        elif kind == "RenameStmt" and node.get("renameType") == "OBJECT_TABLE" and node.get("relation"):
            if self.is_new(node["relation"]) and node.get("newname"):
                self.created.add((node["relation"].get("schemaname"), node["newname"]))
        elif kind == "TransactionStmt":
            transaction = node.get("kind")
            if transaction in _BEGIN:
                self.explicit_transaction = True
            elif transaction in _END:
                self.explicit_transaction = False
                for name in self.local_timeouts:
                    self.timeouts[name] = False
                self.local_timeouts.clear()
        elif kind == "VariableSetStmt" and node.get("name") in _TIMEOUTS:
            name = node["name"]
            self.timeouts[name] = node.get("kind") == "VAR_SET_VALUE" and _non_zero(node.get("args") or [])
            if node.get("is_local"):
                self.local_timeouts.add(name)

    def _created(self, relation: dict[str, Any] | None) -> None:
        if relation and relation.get("relname"):
            self.created.add((relation.get("schemaname"), relation["relname"]))


def _non_zero(args: list[dict[str, Any]]) -> bool:
    constant = args[0].get("A_Const", {}) if args else {}
    if "ival" in constant:
        return bool(constant["ival"].get("ival", 0))
    if "fval" in constant:
        return float(constant["fval"].get("fval", "0")) != 0
    if "sval" in constant:
        return not _ZERO.match(constant["sval"].get("sval", "0"))
    return bool(args)  # an expression we do not evaluate: assume it sets a timeout


def directed_mode(source: SourceFile | None) -> TransactionMode | None:
    """The mode a file sets for itself with `-- sqlsoul: assume-in-transaction=true|false`."""
    if source is None or b"sqlsoul:" not in source.data:
        return None
    for comment in source.comments:
        found = _MODE_DIRECTIVE.search(comment.text)
        if found:
            return TransactionMode.TRANSACTION if found.group(1).lower() == "true" else TransactionMode.AUTOCOMMIT
    return None
