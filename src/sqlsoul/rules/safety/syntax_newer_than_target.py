"""syntax-newer-than-target: syntax the configured PostgreSQL version does not accept yet.

pglast parses PostgreSQL 18's grammar, so a migration can parse here and still fail on the server
it is meant for. Each feature below carries the first major version whose release notes list it.
Statement-level syntax (DDL options, clauses) is read from a few keys of the statement's JSON.
Syntax that can sit anywhere inside a query (SQL/JSON, WITH options, MERGE, RETURNING old/new)
would need a walk of the whole tree: the statement's text is searched for the features' keywords
first, and the tree is walked only when one occurs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from sqlsoul.engine import StatementContext
from sqlsoul.findings import Span
from sqlsoul.records import record
from sqlsoul.rules.base import Rule, builtin_meta

Node = dict[str, Any]


@record(frozen=True)
class Feature:
    """Syntax that PostgreSQL accepts from some version on."""

    name: str  # as the message names it
    version: int  # the first PostgreSQL major version that accepts it
    instead: str  # how to write it for older versions
    keyword: bytes = b""  # for syntax inside queries: a word the statement's text must contain


Hit = tuple[Feature, int | None]  # a feature and the libpg_query location where it is used (None: unknown)

# --- the features, verified in the PostgreSQL release notes ------------------------------------

PROCEDURES = Feature(
    "procedures (CREATE PROCEDURE, CALL)", 11,
    "a function (CREATE FUNCTION ... RETURNS void) run with SELECT; it cannot COMMIT or ROLLBACK inside",
)
TRIGGER_EXECUTE_FUNCTION = Feature(
    "EXECUTE FUNCTION in CREATE TRIGGER", 11, "EXECUTE PROCEDURE, which means the same and every version accepts"
)
HASH_PARTITIONING = Feature(
    "hash partitioning (PARTITION BY HASH, FOR VALUES WITH)", 11, "list or range partitioning on a computed key"
)
DEFAULT_PARTITION = Feature(
    "default partitions (PARTITION OF ... DEFAULT)", 11, "partitions whose bounds cover every value explicitly"
)
INCLUDE_COLUMNS = Feature(
    "INCLUDE columns of an index or constraint", 11, "an index with the extra columns at the end of its key"
)
STORED_GENERATED = Feature(
    "generated columns (GENERATED ALWAYS AS (...) STORED)", 12,
    "a plain column that a BEFORE INSERT OR UPDATE trigger computes",
)
REINDEX_CONCURRENTLY = Feature(
    "REINDEX CONCURRENTLY", 12,
    "CREATE INDEX CONCURRENTLY a copy of the index, DROP INDEX CONCURRENTLY the old one, then rename the copy",
)
CTE_MATERIALIZED = Feature(
    "WITH ... AS [NOT] MATERIALIZED", 12, "a plain WITH (before 12, every WITH query is materialized)",
    b"materialized",
)
TABLE_ACCESS_METHOD = Feature(
    "table access methods (CREATE TABLE ... USING)", 12, "no USING clause: heap is the only table storage"
)
WITH_TIES = Feature(
    "FETCH FIRST ... WITH TIES", 13, "rank() OVER (ORDER BY ...) in a subquery, keeping the rows with rank <= n",
    b"ties",
)
DROP_DATABASE_FORCE = Feature(
    "DROP DATABASE ... WITH (FORCE)", 13,
    "pg_terminate_backend() on the database's sessions (from pg_stat_activity), then DROP DATABASE",
)
DROP_EXPRESSION = Feature(
    "ALTER COLUMN ... DROP EXPRESSION", 13,
    "a new plain column filled from the generated one, which is then dropped and the new one renamed",
)
OR_REPLACE_TRIGGER = Feature(
    "CREATE OR REPLACE TRIGGER", 14, "DROP TRIGGER IF EXISTS and CREATE TRIGGER, in one transaction"
)
DETACH_CONCURRENTLY = Feature(
    "DETACH PARTITION ... CONCURRENTLY or FINALIZE", 14,
    "a plain DETACH PARTITION, which locks the parent ACCESS EXCLUSIVE: keep it short with a lock_timeout",
)
COLUMN_COMPRESSION = Feature(
    "column COMPRESSION", 14, "no COMPRESSION clause: pglz is the only TOAST compression"
)
SEARCH_CYCLE = Feature(
    "SEARCH and CYCLE clauses of WITH RECURSIVE", 14,
    "a depth or path column (ARRAY[id] || path) that the recursive part computes and tests",
    b"search|cycle",
)
SQL_FUNCTION_BODY = Feature(
    "SQL-standard function bodies (BEGIN ATOMIC ... END, RETURN ...)", 14, "a string body: AS $$ ... $$"
)
MERGE = Feature(
    "MERGE", 15, "INSERT ... ON CONFLICT ... DO UPDATE, or an UPDATE followed by INSERT ... WHERE NOT EXISTS",
    b"merge",
)
NULLS_NOT_DISTINCT = Feature(
    "UNIQUE ... NULLS NOT DISTINCT", 15,
    "a unique index on COALESCE(column, <a value never used>), or a partial unique index for the NULL rows",
)
SET_ACCESS_METHOD = Feature(
    "ALTER TABLE ... SET ACCESS METHOD", 15, "a new table created USING the method, filled from the old one"
)
SECURITY_INVOKER_VIEWS = Feature(
    "the security_invoker view option", 15,
    "a view that filters on current_user itself, or a SECURITY INVOKER function instead of the view",
)
FK_SET_COLUMNS = Feature(
    "ON DELETE SET NULL / SET DEFAULT (columns)", 15, "a trigger that clears only those columns"
)
SQL_JSON_CONSTRUCTORS = Feature(
    "SQL/JSON constructors (JSON_OBJECT, JSON_ARRAY, JSON_OBJECTAGG, JSON_ARRAYAGG)", 16,
    "json_build_object, json_build_array, json_object_agg, json_agg (or their jsonb_ forms)",
    b"json",
)
IS_JSON = Feature(
    "the IS JSON predicate", 16, "a function that tries the ::jsonb cast and returns false on error", b"json"
)
JSON_TABLE = Feature(
    "JSON_TABLE", 17, "jsonb_to_recordset() or jsonb_array_elements() in a LATERAL join", b"json"
)
SQL_JSON_QUERY = Feature(
    "SQL/JSON query functions (JSON_QUERY, JSON_VALUE, JSON_EXISTS)", 17,
    "jsonb_path_query_first(), jsonb_path_exists(), or the -> and ->> operators",
    b"json",
)
SQL_JSON_CONVERSIONS = Feature(
    "JSON(), JSON_SCALAR() and JSON_SERIALIZE()", 17, "casts: text::json, to_json(value), value::text", b"json"
)
MERGE_RETURNING = Feature(
    "MERGE ... RETURNING", 17, "a query after the MERGE that reads the rows it changed", b"merge"
)
MERGE_NOT_MATCHED_BY_SOURCE = Feature(
    "MERGE ... WHEN NOT MATCHED BY SOURCE", 17,
    "an UPDATE or DELETE of the target rows that have no source row (WHERE NOT EXISTS), next to the MERGE",
    b"merge",
)
SET_EXPRESSION = Feature(
    "ALTER COLUMN ... SET EXPRESSION", 17, "dropping the generated column and adding it again with the new expression"
)
VIRTUAL_GENERATED = Feature(
    "virtual generated columns (GENERATED ALWAYS AS (...) VIRTUAL, or without STORED)", 18,
    "GENERATED ALWAYS AS (...) STORED",
)
NOT_NULL_NOT_VALID = Feature(
    "NOT NULL ... NOT VALID", 18,
    "CHECK (column IS NOT NULL) NOT VALID, validated later; SET NOT NULL then skips its scan (from 12)",
)
TABLE_NOT_NULL_CONSTRAINT = Feature(
    "NOT NULL as a table constraint (CONSTRAINT name NOT NULL column)", 18,
    "NOT NULL in the column definition, or ALTER COLUMN ... SET NOT NULL",
)
TEMPORAL_KEYS = Feature(
    "temporal keys (WITHOUT OVERLAPS, PERIOD)", 18,
    "an exclusion constraint, EXCLUDE USING gist (id WITH =, valid_during WITH &&), with btree_gist",
)
NOT_ENFORCED = Feature(
    "ENFORCED / NOT ENFORCED constraints", 18, "no constraint at all, or a NOT VALID one that still checks new rows"
)
RETURNING_OLD_NEW = Feature(
    "RETURNING old / new", 18, "RETURNING the new values only, reading old ones in a CTE before the change",
    b"returning",
)

# --- statement-level syntax: a few keys of the statement ---------------------------------------


def _defelems(items: list[Node] | None) -> Iterator[Node]:
    for item in items or ():
        if "DefElem" in item:
            yield item["DefElem"]


def _constraint(constraint: Node) -> Iterator[Hit]:
    location = constraint.get("location")
    contype = constraint.get("contype")
    if contype == "CONSTR_GENERATED":
        yield (STORED_GENERATED if constraint.get("generated_kind") == "s" else VIRTUAL_GENERATED), location
    elif contype in ("CONSTR_UNIQUE", "CONSTR_PRIMARY"):
        if constraint.get("nulls_not_distinct"):
            yield NULLS_NOT_DISTINCT, location
        if constraint.get("including"):
            yield INCLUDE_COLUMNS, location
        if constraint.get("without_overlaps"):
            yield TEMPORAL_KEYS, location
    elif contype == "CONSTR_FOREIGN":
        if constraint.get("fk_del_set_cols"):
            yield FK_SET_COLUMNS, location
        if constraint.get("fk_with_period") or constraint.get("pk_with_period"):
            yield TEMPORAL_KEYS, location
    elif contype == "CONSTR_NOTNULL":
        if constraint.get("skip_validation"):
            yield NOT_NULL_NOT_VALID, location
        elif constraint.get("keys"):  # written as a table constraint, not in a column definition
            yield TABLE_NOT_NULL_CONSTRAINT, location
    elif contype in ("CONSTR_ATTR_ENFORCED", "CONSTR_ATTR_NOT_ENFORCED"):
        yield NOT_ENFORCED, location
    # The grammar marks CHECK and FOREIGN KEY constraints enforced unless NOT ENFORCED was written.
    if contype in ("CONSTR_CHECK", "CONSTR_FOREIGN") and not constraint.get("is_enforced"):
        yield NOT_ENFORCED, location


def _column(column: Node) -> Iterator[Hit]:
    if column.get("compression"):
        yield COLUMN_COMPRESSION, column.get("location")
    for item in column.get("constraints") or ():
        if "Constraint" in item:
            yield from _constraint(item["Constraint"])


def _partition_bound(bound: Node | None) -> Iterator[Hit]:
    if bound:
        if bound.get("is_default"):
            yield DEFAULT_PARTITION, bound.get("location")
        elif bound.get("strategy") == "h":
            yield HASH_PARTITIONING, bound.get("location")


def _create_table(node: Node) -> Iterator[Hit]:
    partitioning = node.get("partspec") or {}
    if partitioning.get("strategy") == "PARTITION_STRATEGY_HASH":
        yield HASH_PARTITIONING, partitioning.get("location")
    yield from _partition_bound(node.get("partbound"))
    if node.get("accessMethod"):
        yield TABLE_ACCESS_METHOD, None
    for element in node.get("tableElts") or ():
        if "ColumnDef" in element:
            yield from _column(element["ColumnDef"])
        elif "Constraint" in element:
            yield from _constraint(element["Constraint"])


# What a table definition (CREATE TABLE, or columns and constraints added by ALTER TABLE) can use.
_TABLE_FEATURES = (
    HASH_PARTITIONING, DEFAULT_PARTITION, TABLE_ACCESS_METHOD, COLUMN_COMPRESSION, STORED_GENERATED,
    VIRTUAL_GENERATED, NULLS_NOT_DISTINCT, INCLUDE_COLUMNS, TEMPORAL_KEYS, FK_SET_COLUMNS, NOT_NULL_NOT_VALID,
    TABLE_NOT_NULL_CONSTRAINT, NOT_ENFORCED,
)
_ALTER_TABLE_FEATURES = {
    "AT_DetachPartitionFinalize": DETACH_CONCURRENTLY,
    "AT_SetCompression": COLUMN_COMPRESSION,
    "AT_SetAccessMethod": SET_ACCESS_METHOD,
    "AT_DropExpression": DROP_EXPRESSION,
    "AT_SetExpression": SET_EXPRESSION,
}


def _alter_table(node: Node) -> Iterator[Hit]:
    for item in node.get("cmds") or ():
        command = item.get("AlterTableCmd", {})
        subtype, definition = command.get("subtype"), command.get("def") or {}
        if subtype in _ALTER_TABLE_FEATURES:
            yield _ALTER_TABLE_FEATURES[subtype], None
        elif "ColumnDef" in definition:
            yield from _column(definition["ColumnDef"])
        elif "Constraint" in definition:
            yield from _constraint(definition["Constraint"])
        elif "PartitionCmd" in definition:
            partition = definition["PartitionCmd"]
            if partition.get("concurrent"):
                yield DETACH_CONCURRENTLY, partition.get("name", {}).get("location")
            yield from _partition_bound(partition.get("bound"))
        elif definition.get("ATAlterConstraint", {}).get("alterEnforceability"):
            yield NOT_ENFORCED, None
        elif subtype in ("AT_SetRelOptions", "AT_ResetRelOptions"):
            for option in _defelems(definition.get("List", {}).get("items")):
                if option.get("defname") == "security_invoker":
                    yield SECURITY_INVOKER_VIEWS, option.get("location")


def _index(node: Node) -> Iterator[Hit]:
    if node.get("indexIncludingParams"):
        yield INCLUDE_COLUMNS, None
    if node.get("nulls_not_distinct"):
        yield NULLS_NOT_DISTINCT, None


def _reindex(node: Node) -> Iterator[Hit]:
    for option in _defelems(node.get("params")):
        if option.get("defname") == "concurrently":
            yield REINDEX_CONCURRENTLY, option.get("location")


def _create_function(node: Node) -> Iterator[Hit]:
    if node.get("is_procedure"):
        yield PROCEDURES, None
    if node.get("sql_body"):
        yield SQL_FUNCTION_BODY, None


def _create_trigger(node: Node) -> Iterator[Hit]:
    if node.get("replace"):
        yield OR_REPLACE_TRIGGER, None


def _drop(node: Node) -> Iterator[Hit]:
    if node.get("removeType") in ("OBJECT_PROCEDURE", "OBJECT_ROUTINE"):
        yield PROCEDURES, None


def _alter_function(node: Node) -> Iterator[Hit]:
    if node.get("objtype") in ("OBJECT_PROCEDURE", "OBJECT_ROUTINE"):
        yield PROCEDURES, None


def _drop_database(node: Node) -> Iterator[Hit]:
    for option in _defelems(node.get("options")):
        if option.get("defname") == "force":
            yield DROP_DATABASE_FORCE, option.get("location")


def _view(node: Node) -> Iterator[Hit]:
    for option in _defelems(node.get("options")):
        if option.get("defname") == "security_invoker":
            yield SECURITY_INVOKER_VIEWS, option.get("location")


def _call(node: Node) -> Iterator[Hit]:
    yield PROCEDURES, node.get("funccall", {}).get("location")


StatementCheck = tuple[int, Callable[[Node], Iterator[Hit]]]


def _check(collect: Callable[[Node], Iterator[Hit]], *features: Feature) -> StatementCheck:
    """A statement check with the newest version among the features it reports: a target at or past
    that version skips the check."""
    return max(feature.version for feature in features), collect


_STATEMENT_CHECKS: dict[str, StatementCheck] = {
    "CreateStmt": _check(_create_table, *_TABLE_FEATURES),
    "CreateForeignTableStmt": _check(lambda node: _create_table(node.get("base") or {}), *_TABLE_FEATURES),
    "AlterTableStmt": _check(
        _alter_table, *_TABLE_FEATURES, *_ALTER_TABLE_FEATURES.values(), DETACH_CONCURRENTLY, SECURITY_INVOKER_VIEWS
    ),
    "IndexStmt": _check(_index, INCLUDE_COLUMNS, NULLS_NOT_DISTINCT),
    "ReindexStmt": _check(_reindex, REINDEX_CONCURRENTLY),
    "CreateFunctionStmt": _check(_create_function, PROCEDURES, SQL_FUNCTION_BODY),
    "CreateTrigStmt": _check(_create_trigger, OR_REPLACE_TRIGGER),
    "DropStmt": _check(_drop, PROCEDURES),
    "AlterFunctionStmt": _check(_alter_function, PROCEDURES),
    "DropdbStmt": _check(_drop_database, DROP_DATABASE_FORCE),
    "ViewStmt": _check(_view, SECURITY_INVOKER_VIEWS),
    "CallStmt": _check(_call, PROCEDURES),
}
# EXECUTE FUNCTION and EXECUTE PROCEDURE give the same tree: only the text tells them apart.
_EXECUTE_FUNCTION = re.compile(rb"\bexecute\s+function\b", re.IGNORECASE)
_TRIGGER_KINDS = frozenset({"CreateTrigStmt", "CreateEventTrigStmt"})

# --- syntax inside queries: found by a walk of the tree, after a keyword search of the text -----


def _merge(node: Node) -> Iterator[Hit]:
    yield MERGE, node.get("relation", {}).get("location")
    if node.get("returningClause"):
        yield MERGE_RETURNING, None
    for item in node.get("mergeWhenClauses") or ():
        if item.get("MergeWhenClause", {}).get("matchKind") == "MERGE_WHEN_NOT_MATCHED_BY_SOURCE":
            yield MERGE_NOT_MATCHED_BY_SOURCE, None
    yield from _returning(node)


def _returning(node: Node) -> Iterator[Hit]:
    """RETURNING WITH (OLD AS o, ...), or old.column / new.column in a RETURNING list, unless the
    statement itself calls a table old or new."""
    clause = node.get("returningClause") or {}
    for option in clause.get("options") or ():
        yield RETURNING_OLD_NEW, option.get("ReturningOption", {}).get("location")
    if _aliases(node) & {"old", "new"}:
        return
    for key, value in _walk(clause.get("exprs") or []):
        if key == "ColumnRef":
            fields = value.get("fields") or []
            if len(fields) > 1 and fields[0].get("String", {}).get("sval") in ("old", "new"):
                yield RETURNING_OLD_NEW, value.get("location")
                return


def _aliases(node: Node) -> set[str]:
    """Aliases of the tables a DML statement names directly (its target, FROM and USING lists)."""
    tables = [node.get("relation") or {}]
    for entry in (node.get("fromClause") or []) + (node.get("usingClause") or []):
        tables.append(entry.get("RangeVar", {}))
    return {table["alias"].get("aliasname", "") for table in tables if table.get("alias")}


def _common_table_expression(node: Node) -> Iterator[Hit]:
    if node.get("ctematerialized") in ("CTEMaterializeAlways", "CTEMaterializeNever"):
        yield CTE_MATERIALIZED, node.get("location")
    for clause in ("search_clause", "cycle_clause"):
        if node.get(clause):
            yield SEARCH_CYCLE, node[clause].get("location")


def _select(node: Node) -> Iterator[Hit]:
    if node.get("limitOption") == "LIMIT_OPTION_WITH_TIES":
        yield WITH_TIES, (node.get("limitCount") or {}).get("A_Const", {}).get("location")


def _located(feature: Feature) -> Callable[[Node], Iterator[Hit]]:
    def hit(node: Node) -> Iterator[Hit]:
        yield feature, node.get("location")

    return hit


def _aggregate(node: Node) -> Iterator[Hit]:
    yield SQL_JSON_CONSTRUCTORS, node.get("constructor", {}).get("location")


# Node kinds (keys of the JSON tree) that carry syntax found inside queries.
_NESTED_CHECKS: dict[str, Callable[[Node], Iterator[Hit]]] = {
    "MergeStmt": _merge,
    "InsertStmt": _returning,
    "UpdateStmt": _returning,
    "DeleteStmt": _returning,
    "CommonTableExpr": _common_table_expression,
    "SelectStmt": _select,
    "JsonTable": _located(JSON_TABLE),
    "JsonObjectConstructor": _located(SQL_JSON_CONSTRUCTORS),
    "JsonArrayConstructor": _located(SQL_JSON_CONSTRUCTORS),
    "JsonArrayQueryConstructor": _located(SQL_JSON_CONSTRUCTORS),
    "JsonObjectAgg": _aggregate,
    "JsonArrayAgg": _aggregate,
    "JsonIsPredicate": _located(IS_JSON),
    "JsonFuncExpr": _located(SQL_JSON_QUERY),
    "JsonParseExpr": _located(SQL_JSON_CONVERSIONS),
    "JsonScalarExpr": _located(SQL_JSON_CONVERSIONS),
    "JsonSerializeExpr": _located(SQL_JSON_CONVERSIONS),
}
_NESTED_FEATURES = (
    CTE_MATERIALIZED, WITH_TIES, SEARCH_CYCLE, MERGE, SQL_JSON_CONSTRUCTORS, IS_JSON, JSON_TABLE, SQL_JSON_QUERY,
    SQL_JSON_CONVERSIONS, MERGE_RETURNING, MERGE_NOT_MATCHED_BY_SOURCE, RETURNING_OLD_NEW,
)
# The newest version any check here asks for: a target at or past it accepts everything, and the
# rule has nothing to look at (the default target is the newest release).
_NEWEST = max(
    *(version for version, _ in _STATEMENT_CHECKS.values()),
    TRIGGER_EXECUTE_FUNCTION.version,
    *(feature.version for feature in _NESTED_FEATURES),
)
# Statements that hold queries or expressions. Rules are left out: old and new in their actions are
# the rule's own pseudo-tables, not RETURNING old/new.
_QUERY_KINDS = frozenset({
    "SelectStmt", "InsertStmt", "UpdateStmt", "DeleteStmt", "MergeStmt", "CreateTableAsStmt", "ViewStmt",
    "CreateStmt", "AlterTableStmt", "IndexStmt", "CreateDomainStmt", "AlterDomainStmt", "CreatePolicyStmt",
    "AlterPolicyStmt", "CreateTrigStmt", "CreateFunctionStmt", "CopyStmt", "ExplainStmt", "DeclareCursorStmt",
    "PrepareStmt", "CallStmt", "CreateStatsStmt",
})


def _walk(tree: Any) -> Iterator[tuple[str, Any]]:
    """Every (key, value) pair of every object in a JSON tree."""
    stack = [tree]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                yield key, value
                if isinstance(value, (dict, list)):
                    stack.append(value)
        elif isinstance(item, list):
            stack.extend(item)


class SyntaxNewerThanTarget(Rule):
    meta = builtin_meta("SS229")
    targets = frozenset(_STATEMENT_CHECKS) | _TRIGGER_KINDS | _QUERY_KINDS

    def __init__(self, options: dict[str, Any] | None = None) -> None:
        super().__init__(options)
        self._keyword_search: dict[int, re.Pattern[bytes] | None] = {}

    def check_statement(self, ctx: StatementContext) -> None:
        target = ctx.settings.pg_version
        if target >= _NEWEST:
            return
        kind, node = ctx.statement.kind, ctx.statement.node
        hits: list[Hit] = []
        check = _STATEMENT_CHECKS.get(kind)
        if check is not None and check[0] > target:
            hits += check[1](node)
        span = ctx.statement.span
        if kind in _TRIGGER_KINDS and TRIGGER_EXECUTE_FUNCTION.version > target:
            if _EXECUTE_FUNCTION.search(ctx.source.sql, span.start, span.end):
                hits.append((TRIGGER_EXECUTE_FUNCTION, None))
        if kind in _QUERY_KINDS:
            search = self._keywords(target)
            if search is not None and search.search(ctx.source.sql, span.start, span.end):
                for key, value in _walk({kind: node}):
                    nested = _NESTED_CHECKS.get(key)
                    if nested is not None:
                        hits += nested(value)
        first: dict[Feature, int | None] = {}
        for feature, location in hits:
            if feature.version > target and (feature not in first or _before(location, first[feature])):
                first[feature] = location
        for feature, location in first.items():
            start = ctx.statement.offset(location)
            ctx.report(
                Span(start, max(ctx.source.identifier_end(start), start + 1)),
                f"uses {feature.name}, which PostgreSQL accepts from version {feature.version}; the target is "
                f"PostgreSQL {target}, where this statement fails",
                f"If every database this migration runs on is PostgreSQL {feature.version} or later, raise the "
                f"target: pg_version: {feature.version} in .sqlsoul.yaml, or --pg-version {feature.version}. "
                f"Otherwise write it the way PostgreSQL {target} accepts: {feature.instead}.",
            )

    def _keywords(self, target: int) -> re.Pattern[bytes] | None:
        """A search for the keywords of the query-level features the target lacks (None: it has them all)."""
        if target not in self._keyword_search:
            words = sorted({feature.keyword for feature in _NESTED_FEATURES if feature.version > target})
            self._keyword_search[target] = re.compile(b"|".join(words), re.IGNORECASE) if words else None
        return self._keyword_search[target]


def _before(location: int | None, other: int | None) -> bool:
    return location is not None and (other is None or location < other)
