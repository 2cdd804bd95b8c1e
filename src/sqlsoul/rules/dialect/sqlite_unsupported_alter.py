"""sqlite-unsupported-alter: an ALTER TABLE that SQLite rejects, or that only a table rebuild can do.

SQLite's ALTER TABLE renames a table, renames, adds and drops a column (lang_altertable.html), one
change per statement; 3.53.0 added CHECK and NOT NULL constraints (ADD CONSTRAINT ... CHECK, DROP
CONSTRAINT, ALTER COLUMN ... SET / DROP NOT NULL). ADD COLUMN cannot add a PRIMARY KEY or UNIQUE
column, a NOT NULL column without a non-NULL default, or a default that is not a constant; DROP COLUMN
(3.35.0) fails for a column a key, an index, a foreign key or another column's CHECK uses; RENAME
COLUMN needs 3.25.0.
"""

from __future__ import annotations

from typing import Any

from sqlsoul.dialects import parse_version
from sqlsoul.engine import StatementContext
from sqlsoul.findings import Span
from sqlsoul.model import ConstraintKind, Table
from sqlsoul.replay import constant_text, is_null
from sqlsoul.rules.base import Rule, builtin_meta
from sqlsoul.rules.dialect.recipes import sqlite_rebuild
from sqlsoul.rules.labels import relation_label, sql_name

Node = dict[str, Any]

CONSTRAINTS_ALTERABLE_FROM = (3, 53, 0)  # ADD CONSTRAINT ... CHECK, DROP CONSTRAINT, SET / DROP NOT NULL
DROP_COLUMN_FROM = (3, 35, 0)
RENAME_COLUMN_FROM = (3, 25, 0)
_ADDED_KINDS = {
    "CONSTR_PRIMARY": "a PRIMARY KEY",
    "CONSTR_UNIQUE": "a UNIQUE constraint",
    "CONSTR_FOREIGN": "a FOREIGN KEY",
    "CONSTR_EXCLUSION": "an EXCLUDE constraint",
    "CONSTR_CHECK": "a CHECK constraint",
}

Problem = tuple[str, str]  # (what the statement does that SQLite rejects, how to do it instead)


class SqliteUnsupportedAlter(Rule):
    meta = builtin_meta("SS704")
    targets = frozenset({"AlterTableStmt", "RenameStmt"})

    def __init__(self, options: dict[str, Any] | None = None) -> None:
        super().__init__(options)
        try:
            self.version = parse_version(str(self.options["sqlite_version"]))
        except ValueError as error:
            raise ValueError(f"rule {self.meta.name}, option sqlite_version: {error}") from None

    def check_statement(self, ctx: StatementContext) -> None:
        node = ctx.statement.node
        relation = node.get("relation") or {}
        label = relation_label(relation)
        if ctx.statement.kind == "RenameStmt":
            if node.get("renameType") == "OBJECT_COLUMN" and self.version < RENAME_COLUMN_FROM:
                self._report(ctx, None, "renames a column, which SQLite accepts from 3.25.0",
                             sqlite_rebuild(label, relation.get("relname", ""), "rename a column before 3.25.0"))
            return
        commands = [item["AlterTableCmd"] for item in node.get("cmds") or () if "AlterTableCmd" in item]
        if len(commands) > 1:
            self._report(
                ctx, None, f"makes {len(commands)} changes in one statement, and SQLite's ALTER TABLE makes one",
                "Write each change as its own ALTER TABLE statement.",
            )
            return
        table = ctx.catalog.table(relation.get("schemaname"), relation.get("relname", ""))
        for command in commands:
            problem = self._problem(command, table, label, relation.get("relname", ""))
            if problem is not None:
                # An added column is reported at its name; other changes at the statement (commands have no location).
                added = command.get("subtype") == "AT_AddColumn"
                location = (command.get("def") or {}).get("ColumnDef", {}).get("location") if added else None
                self._report(ctx, location, *problem)

    def _report(self, ctx: StatementContext, location: int | None, what: str, help_text: str) -> None:
        start = ctx.statement.offset(location)
        ctx.report(
            Span(start, ctx.source.identifier_end(start)),
            f"SQLite rejects this ALTER TABLE of {relation_label(ctx.statement.node.get('relation') or {})}: it {what}",
            help_text,
        )

    def _problem(self, command: Node, table: Table | None, label: str, name: str) -> Problem | None:
        subtype, column = command.get("subtype"), command.get("name") or ""
        definition = command.get("def") or {}
        constraints_alterable = self.version >= CONSTRAINTS_ALTERABLE_FROM
        if subtype == "AT_AddColumn" and "ColumnDef" in definition:
            return _added_column(definition["ColumnDef"], label, name)
        if subtype == "AT_DropColumn":
            return self._dropped_column(column, table, label, name)
        if subtype == "AT_AddConstraint":
            contype = definition.get("Constraint", {}).get("contype", "")
            if contype == "CONSTR_CHECK" and constraints_alterable:
                return None
            what = _ADDED_KINDS.get(contype, "a constraint")
            since = " (a CHECK only from SQLite 3.53.0)" if contype == "CONSTR_CHECK" else ""
            return f"adds {what} to an existing table{since}", sqlite_rebuild(label, name, f"add {what} to a table")
        if subtype == "AT_DropConstraint":
            kind = next((c.kind for c in table.constraints if c.name == column), None) if table else None
            if constraints_alterable and kind in (ConstraintKind.CHECK, None):
                return None  # 3.53.0 drops CHECK and NOT NULL constraints (not modelled as constraints)
            since = "" if constraints_alterable else " (CHECK and NOT NULL constraints only from SQLite 3.53.0)"
            return (f"drops constraint {sql_name(column)}{since}",
                    sqlite_rebuild(label, name, "drop a constraint" + ("" if constraints_alterable else " before 3.53.0")))
        if subtype in ("AT_SetNotNull", "AT_DropNotNull") and not constraints_alterable:
            verb = "sets" if subtype == "AT_SetNotNull" else "drops"
            return (f"{verb} NOT NULL on column {sql_name(column)}, which SQLite accepts from 3.53.0",
                    sqlite_rebuild(label, name, "change NOT NULL before 3.53.0"))
        if subtype == "AT_AlterColumnType":
            return f"changes the type of column {sql_name(column)}", sqlite_rebuild(label, name, "change a column's type")
        if subtype == "AT_ColumnDefault":
            verb = "sets" if definition else "drops"
            return (f"{verb} the default of column {sql_name(column)}",
                    sqlite_rebuild(label, name, "change a column's default"))
        return None

    def _dropped_column(self, column: str, table: Table | None, label: str, name: str) -> Problem | None:
        if self.version < DROP_COLUMN_FROM:
            return ("drops a column, which SQLite accepts from 3.35.0",
                    sqlite_rebuild(label, name, "drop a column before 3.35.0"))
        if table is None or column not in table.columns:
            return None
        users = _users(table, column)
        if not users:
            return None
        listed = ", ".join(users)
        return (
            f"drops column {sql_name(column)}, which {listed} {'uses' if len(users) == 1 else 'use'}: DROP COLUMN "
            "fails for a column any key, index, foreign key or other column's CHECK needs",
            "Drop an index that uses it first (DROP INDEX ...). For a key or a constraint: "
            + sqlite_rebuild(label, name, "drop a column that a key or constraint uses"),
        )


def _added_column(definition: Node, label: str, name: str) -> Problem | None:
    """Why SQLite refuses ADD COLUMN with this definition, if it does."""
    name_written = definition.get("colname", "")
    column = sql_name(name_written)
    constraints = [item["Constraint"] for item in definition.get("constraints") or () if "Constraint" in item]
    kinds = {constraint.get("contype") for constraint in constraints}
    default = next((c.get("raw_expr") for c in constraints if c.get("contype") == "CONSTR_DEFAULT"), None)
    has_value = default is not None and not is_null(default)
    if "CONSTR_PRIMARY" in kinds:
        return (f"adds column {column} as a PRIMARY KEY",
                sqlite_rebuild(label, name, "add a PRIMARY KEY column"))
    if "CONSTR_UNIQUE" in kinds:
        return (
            f"adds column {column} with a UNIQUE constraint",
            f"Add the column without UNIQUE, then CREATE UNIQUE INDEX {sql_name(f'{name}_{name_written}_key')} "
            f"ON {label} ({column}); it enforces the same rule.",
        )
    if default is not None and not _is_constant(default):
        return (
            f"adds column {column} with a default that is not a constant (CURRENT_TIMESTAMP, CURRENT_DATE, "
            "CURRENT_TIME or an expression)",
            f"Add it with a constant default or none, then fill the rows it already has: UPDATE {label} SET {column} "
            "= ...; (new rows then need the value from the application or a trigger), or rebuild the table: "
            + sqlite_rebuild(label, name, "add a column with such a default"),
        )
    if "CONSTR_NOTNULL" in kinds and not has_value:
        return (
            f"adds NOT NULL column {column} without a non-NULL default, which the rows it already has would break",
            f"Give it a constant default (ALTER TABLE {label} ADD COLUMN {column} ... NOT NULL DEFAULT ...), or add "
            "it nullable, fill it, and make it NOT NULL by rebuilding the table.",
        )
    if "CONSTR_FOREIGN" in kinds and has_value:
        return (
            f"adds column {column} with REFERENCES and a non-NULL default, which SQLite refuses while foreign keys "
            "are enforced",
            f"Add it with DEFAULT NULL and fill it with UPDATE {label} SET {column} = ...; or rebuild the table.",
        )
    return None


def _is_constant(expression: Node) -> bool:
    """A literal, NULL or a signed number: what SQLite accepts as ADD COLUMN's default."""
    if constant_text(expression) is not None or is_null(expression):
        return True
    operation = expression.get("A_Expr", {})
    operator = [item.get("String", {}).get("sval") for item in operation.get("name") or ()]
    return operator in (["-"], ["+"]) and "lexpr" not in operation and constant_text(operation.get("rexpr")) is not None


def _users(table: Table, column: str) -> list[str]:
    """What keeps SQLite from dropping a column: keys, indexes, foreign keys, other columns' CHECKs."""
    found = []
    for constraint in table.constraints:
        if column not in constraint.columns:
            continue
        if constraint.kind is ConstraintKind.CHECK and constraint.columns == (column,):
            continue  # a CHECK on the column alone goes with it
        kind = constraint.kind.value
        found.append(f"{kind} constraint {sql_name(constraint.name)}" if constraint.name else f"its {kind} constraint")
    for index in table.indexes:
        if column in index.columns or column in index.read or column in index.include:
            found.append(f"index {sql_name(index.name or '')}")
    return found
