"""What the statements before this one in the same migration have set up.

Migration-safety rules judge a statement by its surroundings, the way PostgreSQL will run it: a
table created earlier in the same migration is new and can block no one; whether a statement runs
inside a transaction depends on how the framework sends the unit (its transaction mode) and on
BEGIN / COMMIT in the file; a `lock_timeout` set earlier bounds how long a lock waits in the queue.
The engine keeps one session per part of a unit (its up, its down) and steps it after each statement;
unit rules that need the same view step one of their own.

What PostgreSQL does that the session follows (SQL commands SET, BEGIN, COMMIT; protocol, "Multiple
Statements in a Simple Query"):
- BEGIN inside an open transaction block only warns; the next COMMIT or ROLLBACK ends the block,
  the framework's included. BEGIN inside the implicit block of a multi-statement request turns that
  block into an explicit one, without a warning.
- After a COMMIT in a multi-statement request, the statements after it form a new implicit block.
- SET lasts for the session, but a SET made in a transaction that rolls back is undone; SET LOCAL
  lasts until the transaction ends, and outside a transaction block it has no effect at all.
"""

from __future__ import annotations

import re
from dataclasses import field
from typing import Any

from sqlsoul.history import TransactionMode
from sqlsoul.parsing import Statement
from sqlsoul.records import record
from sqlsoul.source import SourceFile

BEGIN_KINDS = frozenset({"TRANS_STMT_BEGIN", "TRANS_STMT_START"})
END_KINDS = frozenset({"TRANS_STMT_COMMIT", "TRANS_STMT_ROLLBACK", "TRANS_STMT_PREPARE"})
_TIMEOUTS = ("lock_timeout", "statement_timeout")
# Other relations a statement creates (a sequence, a view): new like a new table, so locking them blocks no one.
_CREATED_RELATION = {"CreateSeqStmt": "sequence", "ViewStmt": "view"}
_UTC_ZONES = frozenset(
    {"utc", "etc/utc", "uct", "etc/uct", "gmt", "etc/gmt", "gmt0", "etc/gmt0", "universal", "etc/universal", "zulu",
     "etc/zulu", "greenwich", "etc/greenwich"}
)
_ZERO = re.compile(r"^\s*0+(\.0*)?\s*[a-z]*\s*$", re.IGNORECASE)  # '0', '0ms', '0s': no timeout
_MODE_DIRECTIVE = re.compile(r"sqlsoul:\s*assume-in-transaction\s*=\s*(true|false)\b", re.IGNORECASE)


def transaction_kind(statement: Statement) -> str | None:
    """TRANS_STMT_BEGIN, TRANS_STMT_COMMIT ... for a transaction statement, else None."""
    return statement.node.get("kind") if statement.kind == "TransactionStmt" else None


@record
class Session:
    """What a migration has done so far, as the statements after it see it."""

    mode: TransactionMode  # how the framework sends this unit
    statements: int  # how many statements this part has
    down: bool = False  # the part is the unit's down
    position: int = 0  # index in the part of the statement being checked
    request_size: int = 1  # in an autocommit unit: the statements sent in one request with it (see Unit.requests)
    explicit_transaction: bool = False  # a BEGIN in the file is open
    # The transaction the framework wraps the unit in is still open: a COMMIT or ROLLBACK in the
    # file ends it early, and what follows runs statement by statement.
    framework_transaction: bool = field(init=False)
    created: set[tuple[str | None, str]] = field(default_factory=set)  # relations created in this part, as written
    added: set[tuple[str | None, str, str]] = field(default_factory=set)  # (schema, table, column) added in this part
    time_zone_utc: bool = False  # a SET TIME ZONE earlier in this part made the session's zone UTC
    emptied: set[tuple[str | None, str]] = field(default_factory=set)  # tables truncated or DELETEd in this part
    _timeouts: dict[str, bool] = field(default_factory=dict)  # lock_timeout / statement_timeout -> set (non-zero)
    _committed: dict[str, bool] = field(default_factory=dict)  # their values at the last commit (ROLLBACK's)
    _local: dict[str, bool] = field(default_factory=dict)  # set with SET LOCAL: gone when the transaction ends

    def __post_init__(self) -> None:
        self.framework_transaction = self.mode is TransactionMode.TRANSACTION

    @classmethod
    def of_part(cls, mode: TransactionMode, part: list[tuple[int, Statement]], down: bool = False) -> Session:
        """A session for a unit rule to step through a part (UnitContext.up or .down) as the engine
        does: the statements a DO block runs count as the block."""
        return cls(mode, sum(1 for _, statement in part if statement.inside is None), down=down)

    @property
    def transaction_open(self) -> bool:
        """Whether a transaction block that BEGIN would not start is open: the framework's, or one an
        earlier BEGIN in the file opened. A BEGIN now would be ignored with a warning."""
        return self.explicit_transaction or self.framework_transaction

    @property
    def in_transaction(self) -> bool:
        """Whether the statement being checked runs inside a transaction block.

        A framework-wrapped unit does until a COMMIT in the file ends the framework's transaction; a
        file sent in one request does whenever it holds more than one statement (PostgreSQL runs such
        a request as implicit transaction blocks), and so does a block of statements an autocommit
        unit sends in one request; an explicit BEGIN opens one in any mode."""
        if self.transaction_open:
            return True
        if self.mode is TransactionMode.IMPLICIT:
            return self.statements > 1
        return self.request_size > 1

    @property
    def lock_timeout(self) -> bool:
        return self._timeout("lock_timeout")

    @property
    def statement_timeout(self) -> bool:
        return self._timeout("statement_timeout")

    def _timeout(self, name: str) -> bool:
        return self._local.get(name, self._timeouts.get(name, False))

    def is_new(self, relation: dict[str, Any]) -> bool:
        """Whether a table (a libpg_query RangeVar) was created earlier in this part: it holds no
        rows and no other session can see it yet, so nothing it does can block or break anyone.

        Names are compared as written: a table created without a schema is taken to be the one a
        schema-qualified name of the same table name means (migrations rarely create `users` and
        then touch another schema's `users`)."""
        if not self.created:
            return False  # most parts create nothing: the common answer at once
        name = relation.get("relname", "")
        schema = relation.get("schemaname")
        if schema:
            return (schema, name) in self.created or (None, name) in self.created
        return any(created == name for _, created in self.created)

    def is_empty(self, relation: dict[str, Any]) -> bool:
        """Whether a table holds no rows here: created, truncated or emptied by DELETE without WHERE
        earlier in this part and not written to since. Rewriting or scanning it costs nothing."""
        if self.is_new(relation):
            return True
        if not self.emptied:
            return False
        name, schema = relation.get("relname", ""), relation.get("schemaname")
        if schema:
            return (schema, name) in self.emptied or (None, name) in self.emptied
        return any(emptied == name for _, emptied in self.emptied)

    def is_new_column(self, relation: dict[str, Any], column: str) -> bool:
        """Whether a column was added earlier in this part, or its table created: no deployed code
        reads or writes it yet (its table may still be live: adding it did not empty the table)."""
        if self.is_new(relation):
            return True
        name, schema = relation.get("relname", ""), relation.get("schemaname")
        if schema:
            return (schema, name, column) in self.added or (None, name, column) in self.added
        return any(table == name and added == column for _, table, added in self.added)

    def step(self, statement: Statement) -> None:
        """Take in what a statement that has just run sets up for those after it."""
        node, kind = statement.node, statement.kind
        if kind == "CreateStmt":
            self._created(node.get("relation"))
        elif kind in _CREATED_RELATION and not node.get("replace"):  # OR REPLACE may keep a view in use
            self._created(node.get(_CREATED_RELATION[kind]))
        elif kind == "CreateForeignTableStmt":
            self._created((node.get("base") or {}).get("relation"))
        elif kind == "CreateTableAsStmt":
            self._created((node.get("into") or {}).get("rel"))
        elif kind == "SelectStmt" and node.get("intoClause"):
            self._created(node["intoClause"].get("rel"))
        elif kind == "RenameStmt" and node.get("renameType") == "OBJECT_TABLE" and node.get("relation"):
            if self.is_new(node["relation"]) and node.get("newname"):
                self.created.add((node["relation"].get("schemaname"), node["newname"]))
        elif kind == "RenameStmt" and node.get("renameType") == "OBJECT_COLUMN" and node.get("relation"):
            relation = node["relation"]
            if node.get("newname") and self.is_new_column(relation, node.get("subname", "")):
                self.added.add((relation.get("schemaname"), relation.get("relname", ""), node["newname"]))
        elif kind == "AlterTableStmt" and node.get("relation"):
            relation = node["relation"]
            for item in node.get("cmds") or ():
                command = item.get("AlterTableCmd") or {}
                if command.get("subtype") == "AT_AddColumn":
                    column = command["def"]["ColumnDef"].get("colname", "")
                    self.added.add((relation.get("schemaname"), relation.get("relname", ""), column))
        elif kind == "TruncateStmt":
            for item in node.get("relations") or ():
                self._emptied(item.get("RangeVar"), True)
        elif kind == "DeleteStmt" and not node.get("whereClause"):
            self._emptied(node.get("relation"), True)
        elif kind == "InsertStmt" or (kind == "CopyStmt" and node.get("is_from")):
            self._emptied(node.get("relation"), False)
        elif kind == "TransactionStmt":
            self._transaction(node)
        elif kind == "VariableSetStmt":
            self._set(node)

    def _transaction(self, node: dict[str, Any]) -> None:
        transaction = node.get("kind")
        if transaction in BEGIN_KINDS:
            self.explicit_transaction = True
        elif transaction in END_KINDS:
            if transaction == "TRANS_STMT_ROLLBACK":
                self._timeouts = dict(self._committed)
            else:
                self._committed = dict(self._timeouts)
            self._local.clear()
            if not node.get("chain"):  # COMMIT AND CHAIN starts the next transaction at once
                self.explicit_transaction = self.framework_transaction = False

    def _set(self, node: dict[str, Any]) -> None:
        action = node.get("kind")
        if action == "VAR_RESET_ALL":
            self.time_zone_utc = False
            self._timeouts.clear()
            self._local.clear()
            if not self.in_transaction:
                self._committed.clear()
            return
        name = node.get("name")
        if name == "timezone":  # timestamp <-> timestamptz needs no table rewrite in UTC (PostgreSQL 12+)
            self.time_zone_utc = action == "VAR_SET_VALUE" and _utc(node.get("args") or [])
            return
        if name not in _TIMEOUTS:
            return
        value = action == "VAR_SET_VALUE" and _non_zero(node.get("args") or [])
        if node.get("is_local"):
            if self.in_transaction:  # outside a transaction block SET LOCAL only warns
                self._local[name] = value
        else:
            self._timeouts[name] = value
            self._local.pop(name, None)  # a plain SET overrides an earlier SET LOCAL
            if not self.in_transaction:  # the SET committed on its own
                self._committed[name] = value

    def _emptied(self, relation: dict[str, Any] | None, empty: bool) -> None:
        if relation and relation.get("relname"):
            name = relation["relname"]
            if empty:
                self.emptied.add((relation.get("schemaname"), name))
            else:  # rows again; in whichever schema the name means
                self.emptied = {key for key in self.emptied if key[1] != name}

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


def _utc(args: list[dict[str, Any]]) -> bool:
    """Whether SET TIME ZONE's value names UTC (or a zone that is UTC all year) or offset zero."""
    constant = args[0].get("A_Const", {}) if args else {}
    if "ival" in constant:
        return not constant["ival"].get("ival", 0)
    return "sval" in constant and constant["sval"].get("sval", "").strip().lower() in _UTC_ZONES


def directed_mode(source: SourceFile | None) -> TransactionMode | None:
    """The mode a file sets for itself with `-- sqlsoul: assume-in-transaction=true|false`."""
    if source is None or b"sqlsoul:" not in source.data:
        return None
    for comment in source.comments:
        found = _MODE_DIRECTIVE.search(comment.text)
        if found:
            return TransactionMode.TRANSACTION if found.group(1).lower() == "true" else TransactionMode.AUTOCOMMIT
    return None
