"""adding-unique-constraint-on-existing-table: a UNIQUE constraint added to a live table builds its
index while the table is locked against reads and writes.

The safe path builds the index first (CREATE UNIQUE INDEX CONCURRENTLY) and then makes it the
constraint (ADD CONSTRAINT ... USING INDEX), which changes only the catalog. The primary key rule
(adding-primary-key-on-existing-table) is this rule with PRIMARY KEY and the NOT NULL its columns need.
"""

from __future__ import annotations

from typing import Any

from sqlsoul.engine import StatementContext
from sqlsoul.findings import Span
from sqlsoul.model import Table
from sqlsoul.replay import names
from sqlsoul.rules.base import Rule, builtin_meta
from sqlsoul.rules.labels import qualified_label, relation_label, sql_name, table_label
from sqlsoul.rules.safety.common import (
    added_constraints,
    alter_commands,
    known_partitions,
    live_altered_table,
    outside_transaction_note,
    until_commit,
)


class AddingUniqueConstraintOnExistingTable(Rule):
    meta = builtin_meta("SS206")
    targets = frozenset({"AlterTableStmt"})
    subcommands = frozenset({"AT_AddConstraint", "AT_AddColumn"})
    contype = "CONSTR_UNIQUE"
    keyword = "UNIQUE"
    what = "unique constraint"

    def check_statement(self, ctx: StatementContext) -> None:
        relation = live_altered_table(ctx, with_rows=True)
        if relation is None:
            return
        partitions: list[Table] | None = None  # looked up for the first constraint only
        added = {
            command["def"]["ColumnDef"].get("colname")
            for command in alter_commands(ctx.statement.node)
            if command.get("subtype") == "AT_AddColumn" and "ColumnDef" in (command.get("def") or {})
        }
        for constraint, column in added_constraints(ctx.statement.node, self.contype):
            if partitions is None:
                partitions = known_partitions(ctx, relation)
            if partitions and not relation.get("inh"):
                continue  # ALTER TABLE ONLY on a partitioned table: the parent's index alone, nothing built
            if constraint.get("indexname"):
                self.check_using_index(ctx, relation, constraint)
                continue
            columns = (column["colname"],) if column is not None else names(constraint.get("keys"))
            name = constraint.get("conname") or self.default_name(relation, columns)
            table = relation_label(relation)
            if column is not None:
                subject = f"adds column {table}.{sql_name(column['colname'])} with a {self.what}"
            else:
                subject = f"adds {self.what} {sql_name(name)} on {table} ({', '.join(map(sql_name, columns))})"
            built = f"an index is built on each of its {len(partitions)} partitions" if partitions else (
                "its index is built"
            )
            scan, not_null_steps = self.steps_before(ctx, relation, columns) if column is None else ("", "")
            ctx.report(
                Span(ctx.statement.offset(constraint.get("location")), ctx.statement.span.end),
                f"{subject}: it takes ACCESS EXCLUSIVE on {table}, stopping every read and write of it while "
                f"{scan}{built}{until_commit(ctx)}",
                _add_columns_first(column, [key for key in columns if key in added])
                + not_null_steps
                + self._recipe(ctx, relation, constraint, columns, name, partitions),
            )

    def default_name(self, relation: dict[str, Any], columns: tuple[str, ...]) -> str:
        return "_".join((relation.get("relname", ""), *columns, "key"))

    def steps_before(
        self, ctx: StatementContext, relation: dict[str, Any], columns: tuple[str, ...]
    ) -> tuple[str, str]:
        """What else the constraint makes PostgreSQL do first, as the start of a clause ("every row is
        scanned ... and "), and the steps of the help that avoid it."""
        return "", ""

    def check_using_index(
        self, ctx: StatementContext, relation: dict[str, Any], constraint: dict[str, Any]
    ) -> None:
        """ADD CONSTRAINT ... USING INDEX: the safe form; only a catalog change for UNIQUE."""

    def _recipe(
        self,
        ctx: StatementContext,
        relation: dict[str, Any],
        constraint: dict[str, Any],
        columns: tuple[str, ...],
        name: str,
        partitions: list[Table],
    ) -> str:
        """Build the index without blocking writes, then make it the constraint."""
        table = relation_label(relation)
        key = f"({', '.join(map(sql_name, columns))})"
        included = names(constraint.get("including"))
        index_tail = key + (f" INCLUDE ({', '.join(map(sql_name, included))})" if included else "")
        if constraint.get("nulls_not_distinct"):
            index_tail += " NULLS NOT DISTINCT"
        in_transaction = outside_transaction_note(ctx, "CREATE INDEX CONCURRENTLY")
        if not partitions:
            # Constraints the statement drops are dropped in the same ALTER TABLE as before; the index
            # is built under the constraint's name unless the old one of that name still holds it.
            drops = [
                command["name"] for command in alter_commands(ctx.statement.node)
                if command.get("subtype") == "AT_DropConstraint" and command.get("name")
            ]
            index = sql_name(f"{name}_new" if name in drops else name)
            dropping = "".join(f"DROP CONSTRAINT {sql_name(dropped)}, " for dropped in drops)
            return (
                f"Build the index without blocking writes, then make it the constraint, which only changes "
                f"the catalog: CREATE UNIQUE INDEX CONCURRENTLY {index} ON {table} {index_tail}; ALTER TABLE "
                f"{table} {dropping}ADD CONSTRAINT {sql_name(name)} {self.keyword} USING INDEX {index};"
                + in_transaction
            )
        schema = relation.get("schemaname")
        parent_index = qualified_label((schema, name)) if schema else sql_name(name)
        first = partitions[0]
        partition_name = self.default_name({"relname": first.name}, columns)
        partition_index = sql_name(partition_name)
        others = ", ".join(table_label(other) for other in partitions[1:])
        return (
            f"A partitioned table can be neither indexed CONCURRENTLY nor given a constraint USING INDEX: add the "
            f"constraint to {table} alone, which builds nothing (ALTER TABLE ONLY {table} ADD CONSTRAINT "
            f"{sql_name(name)} {self.keyword} {key};), then give each partition the index, built concurrently, as "
            f"its own constraint and attach it: CREATE UNIQUE INDEX CONCURRENTLY {partition_index} ON "
            f"{table_label(first)} {index_tail}; ALTER TABLE {table_label(first)} ADD CONSTRAINT {partition_index} "
            f"{self.keyword} USING INDEX {partition_index}; ALTER INDEX {parent_index} ATTACH PARTITION "
            f"{qualified_label((first.schema, partition_name))};"
            + (f" The same for {others}." if others else "")
            + " The parent's constraint is complete once every partition's index is attached."
            + in_transaction
        )


def _add_columns_first(column: dict[str, Any] | None, new_columns: list[str]) -> str:
    """The first step when the key is on columns the same statement adds."""
    if column is not None:
        return "Add the column without the constraint first. "
    if new_columns:
        return f"Add {', '.join(map(sql_name, new_columns))} first, in a statement of its own. "
    return ""
