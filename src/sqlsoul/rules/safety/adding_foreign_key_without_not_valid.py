"""adding-foreign-key-without-not-valid: a foreign key added to a live table checks every row
while writes to both tables wait.

ADD COLUMN ... REFERENCES is judged the way PostgreSQL runs it: a new column without a default is
all NULL, so PostgreSQL skips the check (parse_utilcmd.c, transformAlterTableStmt) unless the same
statement also adds a column with a default or a FOREIGN KEY constraint, which turns the check back
on for every foreign key of the statement.
"""

from __future__ import annotations

from typing import Any

from sqlsoul.engine import StatementContext
from sqlsoul.findings import Span
from sqlsoul.replay import names
from sqlsoul.rules.base import Rule, builtin_meta
from sqlsoul.rules.labels import relation_label, sql_name, table_label
from sqlsoul.rules.safety.common import (
    added_constraints,
    alter_commands,
    known_partitions,
    live_altered_table,
    until_commit,
)

NOT_VALID_PARTITIONED_VERSION = 18  # before 18 a partitioned table refuses NOT VALID foreign keys
_ACTIONS = {"r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}  # "a", NO ACTION, is the default


class AddingForeignKeyWithoutNotValid(Rule):
    meta = builtin_meta("SS204")
    targets = frozenset({"AlterTableStmt"})
    subcommands = frozenset({"AT_AddConstraint", "AT_AddColumn"})

    def check_statement(self, ctx: StatementContext) -> None:
        relation = live_altered_table(ctx, with_rows=True)
        if relation is None:
            return
        node = ctx.statement.node
        commands = alter_commands(node)
        column_keys_checked = any(_turns_column_checks_on(command) for command in commands)
        only_foreign_keys = all(_adds_foreign_key(command) for command in commands)
        for constraint, column in added_constraints(node, "CONSTR_FOREIGN"):
            if constraint.get("skip_validation") or (column is not None and not column_keys_checked):
                continue
            self._report(ctx, relation, constraint, column, only_foreign_keys)

    def _report(
        self,
        ctx: StatementContext,
        relation: dict[str, Any],
        constraint: dict[str, Any],
        column: dict[str, Any] | None,
        only_foreign_keys: bool,
    ) -> None:
        table, referenced = relation_label(relation), relation_label(constraint.get("pktable") or {})
        columns = (column["colname"],) if column is not None else names(constraint.get("fk_attrs"))
        name = constraint.get("conname") or f"{relation.get('relname', '')}_{'_'.join(columns)}_fkey"
        # The statement's lock on the table is the strongest any of its commands needs: a foreign key
        # alone takes SHARE ROW EXCLUSIVE; adding a column (or most else) takes ACCESS EXCLUSIVE.
        other = referenced != table
        if only_foreign_keys:
            lock = f"SHARE ROW EXCLUSIVE on {table}" + (f" and {referenced}" if other else "")
            stopped = "their writes" if other else "its writes"
        else:
            lock = f"ACCESS EXCLUSIVE on {table}" + (f" and SHARE ROW EXCLUSIVE on {referenced}" if other else "")
            stopped = f"every read and write of {table}" + (f" and the writes to {referenced}" if other else "")
        if column is None:
            subject = f"adds foreign key {sql_name(name)} on {table} referencing {referenced} without NOT VALID"
        elif _has_default(column):
            subject = f"adds column {table}.{sql_name(column['colname'])} with a default and a foreign key to {referenced}"
        else:
            subject = (
                f"adds column {table}.{sql_name(column['colname'])} with a foreign key to {referenced} in a statement "
                "that also adds a default or a FOREIGN KEY constraint, which makes PostgreSQL check the new column's "
                "key too"
            )
        message = f"{subject}: it takes {lock}, stopping {stopped} while every row of {table} is checked"
        ctx.report(
            Span(ctx.statement.offset(constraint.get("location")), ctx.statement.span.end),
            message + until_commit(ctx),
            _help(ctx, relation, constraint, columns, name, column),
        )


def _adds_foreign_key(command: dict[str, Any]) -> bool:
    constraint = (command.get("def") or {}).get("Constraint") or {}
    return command.get("subtype") == "AT_AddConstraint" and constraint.get("contype") == "CONSTR_FOREIGN"


def _turns_column_checks_on(command: dict[str, Any]) -> bool:
    """Whether a command makes PostgreSQL check the foreign keys of the columns the statement adds:
    a FOREIGN KEY constraint, or a new column with a default (or a generated value) to check."""
    if _adds_foreign_key(command):
        return True
    column = (command.get("def") or {}).get("ColumnDef")
    return command.get("subtype") == "AT_AddColumn" and column is not None and _has_default(column)


def _has_default(column: dict[str, Any]) -> bool:
    return any(
        item.get("Constraint", {}).get("contype") in ("CONSTR_DEFAULT", "CONSTR_GENERATED")
        for item in column.get("constraints") or ()
    )


def _help(
    ctx: StatementContext,
    relation: dict[str, Any],
    constraint: dict[str, Any],
    columns: tuple[str, ...],
    name: str,
    column: dict[str, Any] | None,
) -> str:
    table = relation_label(relation)
    key = _foreign_key_clause(constraint, columns)
    later = (
        "NOT VALID checks only rows written from now on and takes its locks for a moment; VALIDATE CONSTRAINT "
        "checks the old rows under SHARE UPDATE EXCLUSIVE, which lets reads and writes go on."
    )
    first = "Add the column without REFERENCES first, then the key. " if column is not None else ""
    partitions = known_partitions(ctx, relation)
    if partitions and ctx.settings.pg_version < NOT_VALID_PARTITIONED_VERSION:
        partition = table_label(partitions[0])
        partition_key = sql_name(f"{partitions[0].name}_{'_'.join(columns)}_fkey")
        others = ", ".join(table_label(other) for other in partitions[1:])
        return (
            f"{first}PostgreSQL {ctx.settings.pg_version} refuses NOT VALID foreign keys on a partitioned table "
            f"(allowed from {NOT_VALID_PARTITIONED_VERSION}), so add and validate the key partition by partition: "
            f"ALTER TABLE {partition} ADD CONSTRAINT {partition_key} {key} NOT VALID; then, in a later migration, "
            f"ALTER TABLE {partition} VALIDATE CONSTRAINT {partition_key};"
            + (f" the same for {others};" if others else "")
            + f" last, add the key to {table}: it takes over the partitions' validated keys instead of checking "
            f"their rows again. {later}"
        )
    return (
        f"{first}Add the key as NOT VALID, then validate it in a later migration: ALTER TABLE {table} ADD CONSTRAINT "
        f"{sql_name(name)} {key} NOT VALID; then ALTER TABLE {table} VALIDATE CONSTRAINT {sql_name(name)}; {later}"
    )


def _foreign_key_clause(constraint: dict[str, Any], columns: tuple[str, ...]) -> str:
    referencing = ", ".join(map(sql_name, columns))
    clause = f"FOREIGN KEY ({referencing}) REFERENCES {relation_label(constraint.get('pktable') or {})}"
    referenced = names(constraint.get("pk_attrs"))
    if referenced:
        clause += f" ({', '.join(map(sql_name, referenced))})"
    if constraint.get("fk_matchtype") == "f":
        clause += " MATCH FULL"
    for key, event in (("fk_upd_action", "UPDATE"), ("fk_del_action", "DELETE")):
        action = _ACTIONS.get(constraint.get(key, "a"))
        if action:
            clause += f" ON {event} {action}"
    return clause
