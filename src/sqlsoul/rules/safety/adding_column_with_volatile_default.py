"""adding-column-with-volatile-default: a column whose value must be computed for every existing row
makes PostgreSQL rewrite the whole table under an ACCESS EXCLUSIVE lock."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlsoul.engine import StatementContext
from sqlsoul.replay import is_null, constant_text, names, type_ref
from sqlsoul.rules.base import Rule, builtin_meta
from sqlsoul.rules.labels import relation_label, sql_name, type_label
from sqlsoul.rules.safety.common import (
    FAST_DEFAULT_VERSION,
    added_columns,
    column_constraints,
    is_serial,
    live_altered_table,
    location_span,
    relation_column_label,
    until_commit,
)

# Built-in functions PostgreSQL marks VOLATILE that people put in column defaults.
VOLATILE_FUNCTIONS = frozenset(
    {"random", "random_normal", "setseed", "clock_timestamp", "timeofday", "gen_random_uuid", "uuidv4", "uuidv7",
     "uuid_generate_v1", "uuid_generate_v1mc", "uuid_generate_v4", "gen_random_bytes", "gen_salt", "nextval",
     "currval", "lastval"}
)
# Built-in functions marked STABLE or IMMUTABLE: a default calling them is computed once for the
# ALTER and stored as the value every existing row reads (PostgreSQL 11 and later).
NON_VOLATILE_FUNCTIONS = frozenset(
    {"now", "transaction_timestamp", "statement_timestamp", "timezone", "current_setting", "current_database",
     "current_schema", "txid_current", "pg_current_xact_id", "lower", "upper", "trim", "btrim", "ltrim", "rtrim",
     "replace", "concat", "concat_ws", "format", "substr", "substring", "left", "right", "length", "md5", "to_char",
     "to_date", "to_timestamp", "to_number", "date_trunc", "date_part", "make_date", "make_time", "make_timestamp",
     "make_timestamptz", "make_interval", "jsonb_build_object", "jsonb_build_array", "json_build_object",
     "json_build_array", "to_json", "to_jsonb", "array_fill", "uuid_nil", "uuid_ns_dns", "uuid_ns_url",
     "uuid_ns_oid", "uuid_ns_x500", "uuid_generate_v3", "uuid_generate_v5", "int2", "int4", "int8", "numeric",
     "float4", "float8", "text", "bool", "date", "timestamp", "timestamptz", "interval"}
)
_SERIAL_BASE = {"smallserial": "smallint", "serial2": "smallint", "serial": "integer", "serial4": "integer"}

Recipe = Callable[[dict[str, Any], dict[str, Any]], str]  # (table RangeVar, ColumnDef) -> help text


class AddingColumnWithVolatileDefault(Rule):
    meta = builtin_meta("SS201")
    targets = frozenset({"AlterTableStmt"})
    subcommands = frozenset({"AT_AddColumn"})

    def __init__(self, options: dict[str, Any] | None = None) -> None:
        super().__init__(options)
        # Names as a call writes them, without the schema: a default may qualify the function or not.
        self.stable_functions = frozenset(name.lower().rsplit(".", 1)[-1] for name in self.options["stable_functions"])

    def check_statement(self, ctx: StatementContext) -> None:
        relation = live_altered_table(ctx, with_rows=True)
        if relation is None:
            return
        for column_def in added_columns(ctx, relation):
            cause = self._rewrite_cause(ctx, column_def)
            if cause is None:
                continue
            reason, recipe = cause
            name = column_def.get("colname", "")
            ctx.report(
                location_span(ctx, column_def.get("location"), len(sql_name(name))),
                f"adds column {relation_column_label(relation, name)} {reason}: PostgreSQL rewrites all of "
                f"{relation_label(relation)} and its indexes under an ACCESS EXCLUSIVE lock{until_commit(ctx)}; "
                "every read and write of the table waits until the rewrite is done",
                recipe(relation, column_def),
            )

    def _rewrite_cause(self, ctx: StatementContext, column_def: dict[str, Any]) -> tuple[str, Recipe] | None:
        """Why adding this column rewrites the table, and the recipe that avoids it; None when it does not."""
        constraints = column_constraints(column_def)
        column_type = type_ref(column_def["typeName"]) if column_def.get("typeName") else None
        if column_type is not None and is_serial(column_def):
            return f"of type {column_type.name}, which takes a sequence value for every existing row", _sequence_recipe
        if "CONSTR_IDENTITY" in constraints:
            return "as an identity column, which takes a sequence value for every existing row", _identity_recipe
        generated = constraints.get("CONSTR_GENERATED")
        if generated is not None and generated.get("generated_kind") == "s":
            return "as a stored generated column, computed and written for every existing row", _generated_recipe
        if column_type is not None:
            domain = ctx.catalog.domain(column_type)
            if domain is not None and domain.has_check:
                reason = f"of domain {type_label(column_type)}, whose CHECK is tested on every existing row"
                return reason, _domain_recipe
        default = constraints.get("CONSTR_DEFAULT")
        expression = default.get("raw_expr") if default is not None else None
        if expression is None or is_null(expression):
            return None
        call = self._volatile_call(expression)
        if call is not None:
            name, known = call
            if known:
                return f"with the volatile default {name}(), evaluated once per existing row", _backfill_recipe
            return (
                f"with a default calling {name}(), which PostgreSQL evaluates once per existing row unless the "
                "function is declared STABLE or IMMUTABLE (functions are VOLATILE by default)",
                _backfill_recipe,
            )
        if ctx.settings.pg_version < FAST_DEFAULT_VERSION:
            return (
                f"with a default, which PostgreSQL {ctx.settings.pg_version} writes into every existing row (from "
                f"{FAST_DEFAULT_VERSION} on, a non-volatile default is stored once)",
                _backfill_recipe,
            )
        return None

    def _volatile_call(self, expression: Any) -> tuple[str, bool] | None:
        """The function call that makes a default volatile: (name, whether it is a known volatile built-in).

        A function sqlsoul cannot classify (one of the project's own) counts as volatile, as PostgreSQL
        treats it unless its CREATE FUNCTION says STABLE or IMMUTABLE; the `stable_functions` option
        names those that do."""
        unclassified: str | None = None
        pending = [expression]
        while pending:
            item = pending.pop()
            if isinstance(item, list):
                pending.extend(item)
                continue
            if not isinstance(item, dict):
                continue
            call = item.get("FuncCall")
            if call is not None:
                parts = names(call.get("funcname"))
                name = parts[-1].lower() if parts else ""
                if name in VOLATILE_FUNCTIONS:
                    return name, True
                if name not in NON_VOLATILE_FUNCTIONS and name not in self.stable_functions:
                    unclassified = unclassified or name
            pending.extend(item.values())
        return (unclassified, False) if unclassified else None


def _default_text(column_def: dict[str, Any]) -> str:
    """The default for a recipe: a call without arguments or a constant as written, else a placeholder."""
    default = column_constraints(column_def).get("CONSTR_DEFAULT") or {}
    expression = default.get("raw_expr") or {}
    call = expression.get("FuncCall")
    if call is not None and not call.get("args"):
        return ".".join(names(call.get("funcname"))) + "()"
    constant = constant_text(expression)
    if constant is not None:
        return "'" + constant.replace("'", "''") + "'"
    return "<default>"


def _type_text(column_def: dict[str, Any]) -> str:
    """The column's type for a recipe: the serial types become the integer type they stand for."""
    if not column_def.get("typeName"):
        return "<type>"
    column_type = type_ref(column_def["typeName"])
    if is_serial(column_def):
        return _SERIAL_BASE.get(column_type.name, "bigint")
    return type_label(column_type)


def _backfill_recipe(relation: dict[str, Any], column_def: dict[str, Any]) -> str:
    table, column = relation_label(relation), sql_name(column_def.get("colname", ""))
    default = _default_text(column_def)
    return (
        f"Add the column without the default, which is instant: ALTER TABLE {table} ADD COLUMN {column} "
        f"{_type_text(column_def)}; then give new rows the default, which touches no existing row: ALTER TABLE "
        f"{table} ALTER COLUMN {column} SET DEFAULT {default}; then fill existing rows in batches, each in its own "
        f"transaction (UPDATE {table} SET {column} = {default} WHERE {column} IS NULL AND id BETWEEN ... AND ...). "
        "If it must be NOT NULL, add that afterwards the safe way (CHECK ... IS NOT NULL NOT VALID, VALIDATE "
        "CONSTRAINT, SET NOT NULL)."
    )


def _sequence_recipe(relation: dict[str, Any], column_def: dict[str, Any]) -> str:
    name, column_type = column_def.get("colname", ""), _type_text(column_def)
    table, column = relation_label(relation), sql_name(name)
    # The name PostgreSQL gives a serial column's sequence, in the table's schema.
    sequence = relation_label({**relation, "relname": f"{relation.get('relname', '')}_{name}_seq"})
    return (
        f"Create the sequence and add a plain column, both instant: CREATE SEQUENCE {sequence}; ALTER TABLE {table} "
        f"ADD COLUMN {column} {column_type}; then number new rows: ALTER TABLE {table} ALTER COLUMN {column} SET "
        f"DEFAULT nextval('{sequence}'); ALTER SEQUENCE {sequence} OWNED BY {table}.{column}; then fill existing rows "
        f"in batches (UPDATE {table} SET {column} = nextval('{sequence}') WHERE {column} IS NULL AND id BETWEEN ... "
        "AND ...) and add NOT NULL the safe way (CHECK NOT VALID, VALIDATE CONSTRAINT)."
    )


def _identity_recipe(relation: dict[str, Any], column_def: dict[str, Any]) -> str:
    name, column_type = column_def.get("colname", ""), _type_text(column_def)
    table, column = relation_label(relation), sql_name(name)
    return (
        f"Add a plain column (instant): ALTER TABLE {table} ADD COLUMN {column} {column_type}; fill it in batches "
        "from a sequence, make it NOT NULL the safe way (CHECK NOT VALID, VALIDATE CONSTRAINT, SET NOT NULL), then "
        f"ALTER TABLE {table} ALTER COLUMN {column} ADD GENERATED BY DEFAULT AS IDENTITY and move the identity's "
        f"sequence past the highest value (SELECT setval(pg_get_serial_sequence('{table}', '{column}'), max({column})) "
        f"FROM {table})."
    )


def _generated_recipe(relation: dict[str, Any], column_def: dict[str, Any]) -> str:
    name, column_type = column_def.get("colname", ""), _type_text(column_def)
    table, column = relation_label(relation), sql_name(name)
    return (
        f"Add a plain column (instant): ALTER TABLE {table} ADD COLUMN {column} {column_type}; keep it current for "
        "new and changed rows with a BEFORE INSERT OR UPDATE trigger, and fill existing rows in batches in later "
        "transactions. On PostgreSQL 18 a VIRTUAL generated column (computed when read) is added without a rewrite."
    )


def _domain_recipe(relation: dict[str, Any], column_def: dict[str, Any]) -> str:
    table = relation_label(relation)
    return (
        f"Add the column with the domain's base type (instant when it has no volatile default), put the domain's "
        f"condition on the table as ALTER TABLE {table} ADD CONSTRAINT ... CHECK (...) NOT VALID, and validate it in a "
        "later migration: VALIDATE CONSTRAINT scans without blocking reads and writes."
    )
