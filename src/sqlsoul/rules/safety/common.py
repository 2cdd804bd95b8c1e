"""Helpers the migration-safety rules share."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from sqlsoul.engine import StatementContext
from sqlsoul.findings import Span
from sqlsoul.history import TransactionMode
from sqlsoul.model import Catalog, ConstraintKind, QualifiedName, Table, TypeRef
from sqlsoul.records import record
from sqlsoul.replay import SERIAL_STORAGE, names, type_ref
from sqlsoul.rules.labels import relation_label, sql_name


def alter_commands(node: dict[str, Any]) -> list[dict[str, Any]]:
    """The AlterTableCmd bodies of an ALTER TABLE statement, in order."""
    return [item["AlterTableCmd"] for item in node.get("cmds") or () if "AlterTableCmd" in item]


def is_live(ctx: StatementContext, relation: dict[str, Any] | None) -> bool:
    """Whether a statement acts on a table other sessions use: one this migration did not create.

    A table the history does not know counts as live (the history may be partial)."""
    return relation is not None and not ctx.session.is_new(relation)


def location_span(ctx: StatementContext, location: int | None, length: int = 1) -> Span:
    """A span at a libpg_query location in the statement (its start when there is none)."""
    start = ctx.statement.offset(location)
    return Span(start, start + length)


def live_altered_table(ctx: StatementContext, with_rows: bool = False) -> dict[str, Any] | None:
    """The table (a RangeVar) an ALTER TABLE statement changes, when other sessions use it.

    None for a table created earlier in this migration and for ALTER of other relation kinds
    (views, indexes, sequences, foreign tables: no rows of their own to rewrite or scan); with
    `with_rows`, also None for a table this migration emptied (TRUNCATE, DELETE without WHERE)
    and has not written to since, for rules about rewriting, scanning or filling its rows."""
    node = ctx.statement.node
    if node.get("objtype", "OBJECT_TABLE") != "OBJECT_TABLE":
        return None
    relation = node.get("relation")
    if not is_live(ctx, relation) or (with_rows and ctx.session.is_empty(relation)):
        return None
    return relation


def column_constraints(column_def: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """A ColumnDef's constraints by kind (CONSTR_DEFAULT, CONSTR_NOTNULL, CONSTR_IDENTITY ...)."""
    found: dict[str, dict[str, Any]] = {}
    for item in column_def.get("constraints") or ():
        constraint = item.get("Constraint")
        if constraint is not None:
            found.setdefault(constraint.get("contype", ""), constraint)
    return found


def relation_column_label(relation: dict[str, Any], column: str) -> str:
    """A column as users write it, qualified by its table as the statement names it."""
    return f"{relation_label(relation)}.{sql_name(column)}"


def until_commit(ctx: StatementContext) -> str:
    """Words to add to a lock's description when the migration's transaction keeps holding it
    after the statement, through the statements that follow it."""
    session = ctx.session
    if session.in_transaction and session.position < session.statements - 1:
        return ", and keeps it until the migration's transaction commits"
    return ""


def added_columns(ctx: StatementContext, relation: dict[str, Any]) -> list[dict[str, Any]]:
    """The ColumnDefs an ALTER TABLE adds to a table, without ADD COLUMN IF NOT EXISTS of a column
    the history shows is there already (PostgreSQL skips those)."""
    table = ctx.catalog.table(relation.get("schemaname"), relation.get("relname", ""))
    found = []
    for command in alter_commands(ctx.statement.node):
        if command.get("subtype") != "AT_AddColumn":
            continue
        column_def = command["def"]["ColumnDef"]
        if not (command.get("missing_ok") and table is not None and column_def.get("colname") in table.columns):
            found.append(column_def)
    return found


def is_serial(column_def: dict[str, Any]) -> bool:
    """Whether a column is declared serial, bigserial or smallserial: NOT NULL DEFAULT nextval(its sequence)."""
    parts = names((column_def.get("typeName") or {}).get("names"))
    return len(parts) == 1 and parts[0] in SERIAL_TYPES  # never schema-qualified: not a type of pg_catalog


# Types that stand for an integer column NOT NULL DEFAULT nextval(its own sequence).
SERIAL_TYPES = frozenset({"serial", "serial4", "bigserial", "serial8", "smallserial", "serial2"})
FAST_DEFAULT_VERSION = 11  # from PostgreSQL 11 a non-volatile default is stored once, not written into every row
CHECK_SKIPS_SCAN_VERSION = 12  # from PostgreSQL 12 a valid CHECK (col IS NOT NULL) spares SET NOT NULL its scan
NOT_NULL_NOT_VALID_VERSION = 18  # from PostgreSQL 18: ADD CONSTRAINT name NOT NULL col NOT VALID, then VALIDATE


def not_null_recipe(relation: dict[str, Any], column_name: str, pg_version: int) -> str:
    """How to make a column of a live table NOT NULL without scanning it under an ACCESS EXCLUSIVE lock."""
    table, column = relation_label(relation), sql_name(column_name)
    check = sql_name(f"{relation.get('relname', '')}_{column_name}_not_null")
    add_check = f"ALTER TABLE {table} ADD CONSTRAINT {check} CHECK ({column} IS NOT NULL) NOT VALID; (instant)"
    validate = (f"in a later migration ALTER TABLE {table} VALIDATE CONSTRAINT {check}; (scans while reads and "
                "writes go on)")
    if pg_version < CHECK_SKIPS_SCAN_VERSION:
        return (
            f"Before PostgreSQL {CHECK_SKIPS_SCAN_VERSION} SET NOT NULL always scans, so let a CHECK carry the rule "
            f"instead: {add_check}, then {validate}. Or set NOT NULL while the table is small or quiet, with a "
            "lock_timeout."
        )
    steps = (
        f"{add_check}, then {validate}, then ALTER TABLE {table} ALTER COLUMN {column} SET NOT NULL; (no scan: the "
        f"valid CHECK proves it) and ALTER TABLE {table} DROP CONSTRAINT {check};"
    )
    if pg_version >= NOT_NULL_NOT_VALID_VERSION:
        return (
            f"On PostgreSQL {NOT_NULL_NOT_VALID_VERSION} add the NOT NULL constraint unvalidated: ALTER TABLE {table} "
            f"ADD CONSTRAINT {check} NOT NULL {column} NOT VALID; (instant), then {validate}, which leaves the column "
            f"NOT NULL. With a CHECK instead: {steps}"
        )
    return f"Prove the column before setting it: {steps}"


# --- constraints and indexes ----------------------------------------------------------------


def added_constraints(
    node: dict[str, Any], contype: str
) -> Iterator[tuple[dict[str, Any], dict[str, Any] | None]]:
    """The constraints of one kind (CONSTR_FOREIGN, CONSTR_CHECK ...) an ALTER TABLE adds, each with
    the ColumnDef it is declared on (ADD COLUMN ... REFERENCES), or None (ADD CONSTRAINT)."""
    for command in alter_commands(node):
        definition = command.get("def") or {}
        subtype = command.get("subtype")
        if subtype == "AT_AddConstraint":
            constraint = definition.get("Constraint")
            if constraint is not None and constraint.get("contype") == contype:
                yield constraint, None
        elif subtype == "AT_AddColumn":
            column = definition.get("ColumnDef") or {}
            for item in column.get("constraints") or ():
                constraint = item.get("Constraint")
                if constraint is not None and constraint.get("contype") == contype:
                    yield constraint, column


def known_partitions(ctx: StatementContext, relation: dict[str, Any]) -> list[Table]:
    """The partitions the history gave the table a RangeVar names: none for a plain or unknown table."""
    table = ctx.catalog.table(relation.get("schemaname"), relation.get("relname", ""))
    return ctx.catalog.partitions(table) if table is not None else []


def index_table(catalog: Catalog, schema: str | None, name: str) -> Table | None:
    """The table that owns an index, found by the index's name (an index lives in its table's schema).

    Only indexes of their own: those behind a constraint are dropped with the constraint. Runs only for
    the statements that name an index (DROP INDEX, REINDEX INDEX), as replaying them does."""
    schemas = (schema,) if schema else (*catalog.search_path, "public")
    for table in catalog.tables.values():
        if table.schema in schemas:
            for index in table.indexes:  # loops, not any(): a generator per table costs more than the scan
                if index.name == name:
                    return table
    return None


_DBMATE_MARKER = re.compile(rb"^--\s*migrate:(?:up|down)\b", re.MULTILINE)
_LIQUIBASE_MARKER = re.compile(rb"^\s*--\s*liquibase\s+formatted", re.IGNORECASE)
_FLYWAY_SCRIPT = re.compile(r"(?:^|/)(?:[VU]\d[^/]*|R)__[^/]*\.sql$", re.IGNORECASE)
_ONE_REQUEST = (
    "sends the file in one request, which PostgreSQL runs as one transaction when it holds more than one statement"
)


def outside_transaction(ctx: StatementContext) -> str:
    """How to make the statement run outside a transaction block, in the terms of the framework its
    file belongs to (told by the file's markers and name: statement rules do not see the layout)."""
    session = ctx.session
    if session.explicit_transaction:
        return "Move it out of the BEGIN ... COMMIT block around it: a statement of its own, after the COMMIT."
    advice = _framework_advice(ctx.source.data, ctx.source.root_path)
    if advice is not None:
        return advice
    if session.mode is TransactionMode.IMPLICIT:
        return (
            "Give it a file of its own: a file sent in one request runs as one transaction when it holds more "
            "than one statement."
        )
    return "Run it from a migration your runner does not wrap in a transaction, as the only statement of its file."


@lru_cache(maxsize=8)  # asked again for each such statement of a file: search the file once
def _framework_advice(data: bytes, path: str) -> str | None:
    """`outside_transaction` for the framework a file's markers or name tell; None when they tell none."""
    if b"+goose" in data:
        return "Add the line -- +goose NO TRANSACTION to the file: goose then runs each statement on its own."
    if b"migrate:" in data and _DBMATE_MARKER.search(data):
        return (
            "Give it a migration of its own marked -- migrate:up transaction:false (and the same on its "
            "-- migrate:down): without a transaction dbmate still sends a section in one request, which PostgreSQL "
            "runs as one transaction when it holds more than one statement."
        )
    if _LIQUIBASE_MARKER.match(data):
        return "Add runInTransaction:false to its --changeset line and keep it in a changeset of its own."
    if path.endswith(("/up.sql", "/down.sql")):
        return (
            "Give it a migration of its own whose metadata.toml says run_in_transaction = false: diesel then "
            f"{_ONE_REQUEST}."
        )
    if path.endswith((".up.sql", ".down.sql")):
        return (
            f"Give it a migration file of its own: golang-migrate {_ONE_REQUEST}. Or turn on x-multi-statement in "
            "the database URL, which runs the statements of a file one by one."
        )
    if _FLYWAY_SCRIPT.search(path):
        return (
            "Give it a script of its own: Flyway runs a script holding CREATE or DROP INDEX CONCURRENTLY outside a "
            "transaction by itself; for other statements, put executeInTransaction=false in the script's "
            "configuration file (<script>.sql.conf)."
        )
    return None


def reindex_is_concurrent(node: dict[str, Any]) -> bool:
    """Whether a REINDEX says CONCURRENTLY, as a keyword or as an option (CONCURRENTLY false turns it off)."""
    for item in node.get("params") or ():
        option = item.get("DefElem") or {}
        if option.get("defname") == "concurrently":
            value = option.get("arg")
            if value is None:
                return True
            if "Integer" in value:
                return bool(value["Integer"].get("ival", 0))
            return str((value.get("String") or {}).get("sval", "")).lower() not in ("false", "off")
    return False


# --- Strong table locks (SS217, SS218) ------------------------------------------------------------
# Lock levels from the PostgreSQL docs, "Explicit Locking" (which command takes which table lock) and
# ALTER TABLE (each subcommand's lock; a statement with several takes the strongest of them).

STRONG_LOCK_STATEMENTS = frozenset(
    {"AlterTableStmt", "RenameStmt", "AlterObjectSchemaStmt", "DropStmt", "TruncateStmt", "CreateTrigStmt",
     "IndexStmt", "VacuumStmt", "ClusterStmt", "ReindexStmt", "RefreshMatViewStmt", "LockStmt", "CreateStmt",
     "CreatePolicyStmt", "AlterPolicyStmt", "RuleStmt"}
)
ACCESS_EXCLUSIVE, EXCLUSIVE = "ACCESS EXCLUSIVE", "EXCLUSIVE"
SHARE_ROW_EXCLUSIVE, SHARE = "SHARE ROW EXCLUSIVE", "SHARE"
_LOCK_RANK = {SHARE: 5, SHARE_ROW_EXCLUSIVE: 6, EXCLUSIVE: 7, ACCESS_EXCLUSIVE: 8}
_LOCK_MODES = {rank: mode for mode, rank in _LOCK_RANK.items()}  # LOCK TABLE's mode numbers
_TABLE_KINDS = frozenset({"OBJECT_TABLE", "OBJECT_MATVIEW", "OBJECT_FOREIGN_TABLE"})  # relations with rows of their own
# ALTER TABLE subcommands that take SHARE UPDATE EXCLUSIVE, which blocks neither reads nor writes.
_WEAK_COMMANDS = frozenset(
    {"AT_SetStatistics", "AT_SetOptions", "AT_ResetOptions", "AT_ValidateConstraint", "AT_ClusterOn",
     "AT_DropCluster", "AT_DetachPartitionFinalize"}
)
_TRIGGER_COMMANDS = frozenset(
    {"AT_EnableTrig", "AT_EnableAlwaysTrig", "AT_EnableReplicaTrig", "AT_EnableTrigAll", "AT_EnableTrigUser",
     "AT_DisableTrig", "AT_DisableTrigAll", "AT_DisableTrigUser"}
)
# SET (...) / RESET (...) take SHARE UPDATE EXCLUSIVE except for these storage parameters.
_ACCESS_EXCLUSIVE_OPTIONS = frozenset({"user_catalog_table", "check_option", "security_barrier", "security_invoker"})
_REWRITES = frozenset({"AT_SetTableSpace", "AT_SetLogged", "AT_SetUnLogged",
                       "AT_SetAccessMethod", "AT_SetExpression"})
_DROP_LOCKS = {"OBJECT_TRIGGER": ACCESS_EXCLUSIVE, "OBJECT_POLICY": ACCESS_EXCLUSIVE, "OBJECT_RULE": ACCESS_EXCLUSIVE}
ATTACH_PARTITION_VERSION = 12  # from PostgreSQL 12 ATTACH PARTITION takes SHARE UPDATE EXCLUSIVE on the parent


@record(frozen=True)
class TableLock:
    """A lock strong enough to block writes (SHARE or stronger) on a table other sessions use."""

    table: str  # as users write it
    mode: str  # SHARE, SHARE ROW EXCLUSIVE, EXCLUSIVE or ACCESS EXCLUSIVE

    @property
    def blocked(self) -> str:
        """What waits while the lock is held, or while it is queued (later requests line up behind it)."""
        if self.mode == ACCESS_EXCLUSIVE:
            return f"every query on {self.table}, reads included"
        if self.mode == EXCLUSIVE:
            return f"every write to {self.table} and every SELECT ... FOR UPDATE on it"
        return f"every write to {self.table}"


@record
class StrongLocks:
    """The strong locks a statement takes on live tables, and the long work it does while holding them."""

    locks: list[TableLock]
    work: str | None = None  # what takes time in proportion to the table ("builds an index"); None: quick
    concurrent: bool = False  # a CONCURRENTLY form (REFRESH MATERIALIZED VIEW CONCURRENTLY takes EXCLUSIVE)


def strong_locks(ctx: StatementContext) -> StrongLocks | None:
    """Which live tables the statement locks with SHARE or a stronger lock, and with which lock.

    Tables created earlier in the migration are left out (no one else can use them yet); a table
    the history does not know counts as live. Weaker locks (SHARE UPDATE EXCLUSIVE: VALIDATE
    CONSTRAINT, SET STATISTICS, CREATE INDEX CONCURRENTLY ...) block no reads or writes."""
    finder = _LockFinder(ctx)
    finder.visit(ctx.statement.kind, ctx.statement.node)
    if not finder.locks:
        return None
    return StrongLocks(list(finder.locks.values()), finder.work, finder.concurrent)


class _LockFinder:
    def __init__(self, ctx: StatementContext) -> None:
        self.ctx = ctx
        self.locks: dict[str, TableLock] = {}  # by table label, the strongest lock on each
        self.work: str | None = None
        self.concurrent = False

    def lock(self, relation: dict[str, Any] | None, mode: str | None) -> None:
        if mode is None or not is_live(self.ctx, relation):
            return
        label = relation_label(relation)  # type: ignore[arg-type]
        held = self.locks.get(label)
        if held is None or _LOCK_RANK[mode] > _LOCK_RANK[held.mode]:
            self.locks[label] = TableLock(label, mode)

    def lock_key(self, key: QualifiedName, mode: str) -> None:
        """A lock on a table the catalog names (a foreign key's target, an index's table)."""
        schema, name = key
        self.lock({"schemaname": None if schema == "public" else schema, "relname": name}, mode)

    def long(self, work: str) -> None:
        self.work = self.work or work

    def visit(self, kind: str, node: dict[str, Any]) -> None:
        if kind == "AlterTableStmt":
            if node.get("objtype", "OBJECT_TABLE") in _TABLE_KINDS:
                self.alter_table(node)
        elif kind == "RenameStmt":
            renamed = node.get("renameType")
            if renamed in _TABLE_KINDS or node.get("relationType") in _TABLE_KINDS or renamed in (
                "OBJECT_TABCONSTRAINT", "OBJECT_TRIGGER", "OBJECT_POLICY", "OBJECT_RULE"
            ):
                self.lock(node.get("relation"), ACCESS_EXCLUSIVE)
        elif kind == "AlterObjectSchemaStmt":
            if node.get("objectType") in _TABLE_KINDS:
                self.lock(node.get("relation"), ACCESS_EXCLUSIVE)
        elif kind == "DropStmt":
            self.drop(node)
        elif kind == "TruncateStmt":
            for item in node.get("relations") or ():
                self.lock(item.get("RangeVar"), ACCESS_EXCLUSIVE)
        elif kind == "CreateTrigStmt":
            self.lock(node.get("relation"), SHARE_ROW_EXCLUSIVE)
        elif kind == "IndexStmt":
            if not node.get("concurrent"):
                self.lock(node.get("relation"), SHARE)
                self.long("builds the index")
        elif kind == "VacuumStmt":
            full = any(option.get("DefElem", {}).get("defname") == "full" for option in node.get("options") or ())
            if node.get("is_vacuumcmd") and full:
                for item in node.get("rels") or ():
                    self.lock(item.get("VacuumRelation", {}).get("relation"), ACCESS_EXCLUSIVE)
                self.long("rewrites the table")
        elif kind == "ClusterStmt":
            self.lock(node.get("relation"), ACCESS_EXCLUSIVE)
            self.long("rewrites the table")
        elif kind == "ReindexStmt":
            self.reindex(node)
        elif kind == "RefreshMatViewStmt":
            self.concurrent = bool(node.get("concurrent"))
            self.lock(node.get("relation"), EXCLUSIVE if self.concurrent else ACCESS_EXCLUSIVE)
            self.long("runs the view's query")
        elif kind == "LockStmt":
            for item in node.get("relations") or ():
                self.lock(item.get("RangeVar"), _LOCK_MODES.get(node.get("mode", 0)))
        elif kind == "CreateStmt":
            self.create_table(node)
        elif kind in ("CreatePolicyStmt", "AlterPolicyStmt"):
            self.lock(node.get("table"), ACCESS_EXCLUSIVE)
        elif kind == "RuleStmt":
            self.lock(node.get("relation"), ACCESS_EXCLUSIVE)

    # --- ALTER TABLE -----------------------------------------------------------------------------

    def alter_table(self, node: dict[str, Any]) -> None:
        relation = node.get("relation")
        mode: str | None = None
        for command in alter_commands(node):
            found = self.alter_command(relation, command)
            if found is not None and (mode is None or _LOCK_RANK[found] > _LOCK_RANK[mode]):
                mode = found
        self.lock(relation, mode)

    def alter_command(self, relation: dict[str, Any] | None, command: dict[str, Any]) -> str | None:
        """The lock one subcommand takes on the altered table (None: weaker than SHARE); locks it
        takes on other tables and the long work it does are noted on the way."""
        subtype = command.get("subtype", "")
        definition = command.get("def") or {}
        if subtype in _WEAK_COMMANDS:
            return None
        if subtype in _TRIGGER_COMMANDS:
            return SHARE_ROW_EXCLUSIVE
        if subtype in ("AT_SetRelOptions", "AT_ResetRelOptions"):
            options = {item.get("DefElem", {}).get("defname") for item in definition.get("List", {}).get("items") or ()}
            return ACCESS_EXCLUSIVE if options & _ACCESS_EXCLUSIVE_OPTIONS else None
        if subtype == "AT_AddConstraint" and "Constraint" in definition:
            return self.add_constraint(relation, definition["Constraint"])
        if subtype == "AT_AddColumn" and "ColumnDef" in definition:
            self.add_column(relation, definition["ColumnDef"])
        elif subtype == "AT_DropConstraint":
            self.drop_foreign_key(relation, command.get("name"))
        elif subtype in _REWRITES or (subtype == "AT_AlterColumnType" and not self.type_kept(relation, command)):
            self.long("rewrites the table")
        elif subtype == "AT_SetNotNull" and not self.proven_not_null(relation, command.get("name", "")):
            self.long("scans the table for nulls")
        elif subtype in ("AT_AttachPartition", "AT_DetachPartition"):
            partition_command = definition.get("PartitionCmd", {})
            if subtype == "AT_DetachPartition" and partition_command.get("concurrent"):
                return None  # SHARE UPDATE EXCLUSIVE on the parent and on the partition
            self.lock(partition_command.get("name"), ACCESS_EXCLUSIVE)
            if subtype == "AT_AttachPartition":
                self.long("scans the partition to check its rows against the bound")
                if self.ctx.settings.pg_version >= ATTACH_PARTITION_VERSION:
                    return None  # SHARE UPDATE EXCLUSIVE on the partitioned table
        return ACCESS_EXCLUSIVE

    def add_constraint(self, relation: dict[str, Any] | None, constraint: dict[str, Any]) -> str:
        contype = constraint.get("contype")
        validated = not constraint.get("skip_validation")
        if contype == "CONSTR_FOREIGN":
            self.lock(constraint.get("pktable"), SHARE_ROW_EXCLUSIVE)
            if validated:
                self.long("scans the table to check every row's reference")
            return SHARE_ROW_EXCLUSIVE
        if contype in ("CONSTR_PRIMARY", "CONSTR_UNIQUE", "CONSTR_EXCLUSION") and not constraint.get("indexname"):
            self.long("builds the constraint's index")
        elif contype == "CONSTR_CHECK" and validated:
            self.long("scans the table to check every row")
        return ACCESS_EXCLUSIVE

    def add_column(self, relation: dict[str, Any] | None, column: dict[str, Any]) -> None:
        constraints = column_constraints(column)
        type_name = names(column.get("typeName", {}).get("names"))
        default = constraints.get("CONSTR_DEFAULT")
        if "CONSTR_FOREIGN" in constraints:
            self.lock(constraints["CONSTR_FOREIGN"].get("pktable"), SHARE_ROW_EXCLUSIVE)
        if "CONSTR_PRIMARY" in constraints or "CONSTR_UNIQUE" in constraints:
            self.long("builds the column's index")
        elif (
            "CONSTR_IDENTITY" in constraints
            or "CONSTR_GENERATED" in constraints
            or (type_name and type_name[-1] in SERIAL_TYPES)
            or (default is not None and self.ctx.settings.pg_version < FAST_DEFAULT_VERSION
                and not default.get("raw_expr", {}).get("A_Const", {}).get("isnull"))
        ):
            self.long("rewrites the table to fill the new column")

    def drop_foreign_key(self, relation: dict[str, Any] | None, name: str | None) -> None:
        """Dropping a foreign key drops its triggers on the referenced table: ACCESS EXCLUSIVE there too."""
        table = self.table(relation)
        for constraint in table.constraints if table is not None else ():
            if constraint.name == name and constraint.kind is ConstraintKind.FOREIGN_KEY and constraint.references:
                self.lock_key(constraint.references, ACCESS_EXCLUSIVE)

    def type_kept(self, relation: dict[str, Any] | None, command: dict[str, Any]) -> bool:
        """Whether ALTER COLUMN ... TYPE keeps the stored bytes (a longer varchar, varchar to text ...),
        so that PostgreSQL changes the column without touching the rows."""
        column_def = (command.get("def") or {}).get("ColumnDef") or {}
        table = self.table(relation)
        column = table.columns.get(command.get("name", "")) if table is not None else None
        if column is None or column.type is None or not column_def.get("typeName") or column_def.get("raw_default"):
            return False  # unknown type, or a USING expression that computes every row anew
        return rewrite_free(column.type, type_ref(column_def["typeName"]), self.ctx.catalog)

    def proven_not_null(self, relation: dict[str, Any] | None, column: str) -> bool:
        table = self.table(relation)
        return (
            table is not None
            and self.ctx.settings.pg_version >= CHECK_SKIPS_SCAN_VERSION
            and any(c.not_null_of == column and c.validated for c in table.constraints)
        )

    def table(self, relation: dict[str, Any] | None) -> Table | None:
        return self.ctx.catalog.table(relation.get("schemaname"), relation.get("relname", "")) if relation else None

    # --- other statements --------------------------------------------------------------------------

    def drop(self, node: dict[str, Any]) -> None:
        remove_type = node.get("removeType")
        for item in node.get("objects") or ():
            parts = names(item.get("List", {}).get("items"))
            if not parts:
                continue
            relation = {"schemaname": parts[-2] if len(parts) > 1 else None, "relname": parts[-1]}
            if remove_type in _TABLE_KINDS:
                self.lock(relation, ACCESS_EXCLUSIVE)
                # The table's foreign keys go with it, and their triggers on the tables they reference.
                table = self.table(relation)
                for constraint in table.constraints if table is not None else ():
                    if constraint.kind is ConstraintKind.FOREIGN_KEY and constraint.references:
                        self.lock_key(constraint.references, ACCESS_EXCLUSIVE)
            elif remove_type == "OBJECT_INDEX" and not node.get("concurrent"):
                self.lock_index_table(relation, ACCESS_EXCLUSIVE)
            elif remove_type in _DROP_LOCKS and len(parts) > 1:  # [schema.]table.name
                table_parts = parts[:-1]
                self.lock(
                    {"schemaname": table_parts[-2] if len(table_parts) > 1 else None, "relname": table_parts[-1]},
                    _DROP_LOCKS[remove_type],
                )

    def reindex(self, node: dict[str, Any]) -> None:
        if reindex_is_concurrent(node):
            return
        # REINDEX blocks writes to the table (SHARE) and, with ACCESS EXCLUSIVE on the index being
        # rebuilt, the queries that would use it.
        if node.get("kind") == "REINDEX_OBJECT_TABLE":
            self.lock(node.get("relation"), SHARE)
            self.long("rebuilds the table's indexes")
        elif node.get("kind") == "REINDEX_OBJECT_INDEX" and node.get("relation"):
            self.lock_index_table(node["relation"], SHARE)
            self.long("rebuilds the index")

    def lock_index_table(self, index: dict[str, Any], mode: str) -> None:
        """Lock the table an index (a RangeVar) belongs to; an index the catalog does not know
        stands for a live table of its own."""
        table = index_table(self.ctx.catalog, index.get("schemaname"), index.get("relname", ""))
        if table is not None:
            self.lock_key(table.qualified, mode)
        else:
            label = relation_label(index)
            self.locks.setdefault(label, TableLock(f"the table of index {label}", mode))

    def create_table(self, node: dict[str, Any]) -> None:
        if node.get("partbound"):  # PARTITION OF: ACCESS EXCLUSIVE on the partitioned table
            for item in node.get("inhRelations") or ():
                self.lock(item.get("RangeVar"), ACCESS_EXCLUSIVE)
        for element in node.get("tableElts") or ():
            column_items = element.get("ColumnDef", {}).get("constraints") or ()
            constraints = [element["Constraint"]] if "Constraint" in element else [
                item["Constraint"] for item in column_items if "Constraint" in item
            ]
            for constraint in constraints:
                if constraint.get("contype") == "CONSTR_FOREIGN":
                    self.lock(constraint.get("pktable"), SHARE_ROW_EXCLUSIVE)


def outside_transaction_note(ctx: StatementContext, statement: str) -> str:
    """For the help of a rule whose recipe is a CONCURRENTLY statement: that it cannot run where this
    one runs, and how to move it, when this statement runs inside a transaction block ("" otherwise)."""
    if not ctx.session.in_transaction:
        return ""
    return f" {statement} cannot run inside a transaction block, and this statement runs in one. {outside_transaction(ctx)}"


def created_in_migration(ctx: StatementContext, table: Table) -> bool:
    """Whether a table of the catalog was created earlier in this migration (with its schema written
    or not): no one else has rows in it or waits for it."""
    return ctx.session.is_new({"schemaname": table.schema, "relname": table.name})


# --- type changes ----------------------------------------------------------------------------

# Types whose precision modifier PostgreSQL may raise without touching the stored values.
_PRECISION_TYPES = frozenset({"timestamp", "timestamptz", "time", "timetz"})
_MAX_PRECISION = 6  # a temporal type's precision at or above this keeps every stored value


def rewrite_free(old: TypeRef, new: TypeRef, catalog: Catalog) -> bool:
    """Whether PostgreSQL changes a column from `old` to `new` without rewriting the table: the stored
    bytes are valid in the new type as they are (binary coercible, or only a limit raised)."""
    if old.schema is None and not old.is_array and old.name in SERIAL_STORAGE:
        old = TypeRef(SERIAL_STORAGE[old.name])  # a serial is stored as the integer type it stands for
    if old == new:
        return True
    if old.is_array or new.is_array:
        return False  # an array's elements are converted one by one: a rewrite even when they are compatible
    new_domain, old_domain = catalog.domain(new), catalog.domain(old)
    if new_domain is not None:
        # An unconstrained domain over the old type is the same bytes; a constrained one needs its CHECKs run.
        return new_domain.base == old and not new_domain.has_check
    if old_domain is not None:
        return old_domain.base == new
    if old.schema is not None or new.schema is not None:
        return False  # a type of the project's own: nothing known about its storage
    before, after = old.name, new.name
    if before == "varchar" and after in ("varchar", "text"):
        return after == "text" or _limit_raised(old, new)
    if before == "text" and after == "varchar":
        return not new.modifiers  # varchar without a limit is text under another name
    if before == after == "varbit":
        return _limit_raised(old, new)
    if before == after == "numeric":
        if not new.modifiers:
            return True
        if not old.modifiers:
            return False
        return _scale(old) == _scale(new) and new.modifiers[0] >= old.modifiers[0]
    if before == after and before in _PRECISION_TYPES:
        if not new.modifiers or new.modifiers[0] >= _MAX_PRECISION:
            return True
        return bool(old.modifiers) and old.modifiers[0] <= new.modifiers[0]
    return before == "cidr" and after == "inet"


def _limit_raised(old: TypeRef, new: TypeRef) -> bool:
    """Whether a length limit is dropped or raised (a varchar or bit varying)."""
    if not new.modifiers:
        return True
    return bool(old.modifiers) and new.modifiers[0] >= old.modifiers[0]


def _scale(numeric: TypeRef) -> int:
    return numeric.modifiers[1] if len(numeric.modifiers) > 1 else 0
