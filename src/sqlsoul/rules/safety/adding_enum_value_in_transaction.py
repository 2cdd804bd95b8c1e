"""adding-enum-value-in-transaction: ALTER TYPE ... ADD VALUE inside a transaction block.

Before PostgreSQL 12 the statement fails there, unless the type was created in the same
transaction. From 12 on it runs, but the new value cannot be used until the transaction commits
("unsafe use of new value"); from 17 on that holds only for types older than the transaction.

A unit rule, because the problem shows at a later statement: it follows each transaction of a
part and reports the first use of an added label in the transaction that added it. A use is a
string constant equal to the label: a plain text column given the same word would be reported too,
which is rare and cheap to suppress.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlsoul.engine import UnitContext
from sqlsoul.findings import Span
from sqlsoul.model import Catalog, TypeRef
from sqlsoul.parsing import Statement
from sqlsoul.records import record
from sqlsoul.replay import names
from sqlsoul.rules.base import Rule, builtin_meta
from sqlsoul.rules.labels import sql_name
from sqlsoul.session import END_KINDS, Session, transaction_kind

IN_TRANSACTION_VERSION = 12  # ADD VALUE may run in a transaction block from PostgreSQL 12
NEW_TYPE_VALUES_VERSION = 17  # from 17, values added to a type created in the same transaction are usable at once


@record(frozen=True)
class _Added:
    """An enum value added in the migration, and where."""

    type_label: str
    line: int  # of the ALTER TYPE


class AddingEnumValueInTransaction(Rule):
    meta = builtin_meta("SS226")
    scope = "unit"

    def check_unit(self, ctx: UnitContext) -> None:
        for part, down, catalog in ((ctx.up, False, ctx.before), (ctx.down, True, ctx.after_up)):
            if any(statement.kind == "AlterEnumStmt" for _, statement in part):
                _PartCheck(ctx, catalog).run(part, Session.of_part(ctx.mode, part, down))


class _PartCheck:
    def __init__(self, ctx: UnitContext, catalog: Catalog) -> None:
        self.ctx = ctx
        self.catalog = catalog  # the schema before the part: which labels exist already
        self.version = ctx.settings.pg_version
        self.added: dict[str, _Added] = {}  # labels added in the open transaction, not usable until it commits
        self.new_types: set[str] = set()  # enum types created in the open transaction (last name part)
        self.in_part: set[tuple[str, str]] = set()  # (type, label) added earlier in the part

    def run(self, part: list[tuple[int, Statement]], session: Session) -> None:
        for file, statement in part:
            in_block = session.in_transaction
            if statement.kind == "AlterEnumStmt":
                self.alter_enum(file, statement, in_block)
            elif self.added:
                self.check_uses(file, statement)
            if statement.kind == "CreateEnumStmt" and in_block:
                self.new_types.add(names(statement.node.get("typeName"))[-1])
            session.step(statement)
            if not in_block or transaction_kind(statement) in END_KINDS:  # committed: every value is usable
                self.added.clear()
                self.new_types.clear()

    def alter_enum(self, file: int, statement: Statement, in_block: bool) -> None:
        node = statement.node
        label = node.get("newVal")
        if not label or node.get("oldVal"):  # RENAME VALUE changes no OID: usable at once
            return
        parts = names(node.get("typeName"))
        key = (parts[-1], label)
        known = self.catalog.enum(TypeRef(parts[-1], parts[-2] if len(parts) > 1 else None)) or ()
        exists = label in known or key in self.in_part
        self.in_part.add(key)
        if not in_block or (node.get("skipIfNewValExists") and exists):
            return
        type_label = ".".join(sql_name(part) for part in parts)
        new_type = parts[-1] in self.new_types
        if self.version < IN_TRANSACTION_VERSION:
            if not new_type:
                self.ctx.report(
                    file,
                    statement.span,
                    f"ALTER TYPE {type_label} ADD VALUE runs inside a transaction block, where PostgreSQL "
                    f"{self.version} rejects it (\"ALTER TYPE ... ADD cannot run inside a transaction block\"): "
                    f"the migration fails here",
                    _OWN_MIGRATION.format(type=type_label, label=label) + " " + _BEFORE_12,
                    statement.index,
                )
        elif not (new_type and self.version >= NEW_TYPE_VALUES_VERSION):
            line = self.ctx.sources[file].position(statement.span.start)[0]  # type: ignore[union-attr]
            self.added[label] = _Added(type_label, line)

    def check_uses(self, file: int, statement: Statement) -> None:
        for constant in _string_constants(statement.node):
            added = self.added.get(constant["sval"]["sval"])
            if added is None:
                continue
            label = constant["sval"]["sval"]
            start = statement.offset(constant.get("location"))
            self.ctx.report(
                file,
                Span(start, start + len(label) + 2),
                f"uses '{label}', the value ALTER TYPE {added.type_label} ADD VALUE added at line {added.line} "
                f"in the same transaction: PostgreSQL rejects it (\"unsafe use of new value\") until that "
                f"transaction commits, so the migration fails here",
                _OWN_MIGRATION.format(type=added.type_label, label=label),
                statement.index,
            )
            return  # one finding per statement


def _string_constants(node: Any) -> Iterator[dict[str, Any]]:
    """Every string constant (A_Const with sval) in a statement's tree."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            constant = item.get("A_Const")
            if isinstance(constant, dict) and "sval" in constant:
                yield constant
            stack.extend(value for value in item.values() if isinstance(value, (dict, list)))
        elif isinstance(item, list):
            stack.extend(item)


_OWN_MIGRATION = (
    "Commit the new value before anything uses it: put ALTER TYPE {type} ADD VALUE '{label}' in a migration of "
    "its own that runs before the one using '{label}' (or, where the file controls its transactions, COMMIT; "
    "right after it)."
)
_BEFORE_12 = (
    "Before PostgreSQL 12 that migration must also run outside a transaction block: goose -- +goose NO "
    "TRANSACTION, dbmate transaction:false, a single-statement file for golang-migrate."
)
