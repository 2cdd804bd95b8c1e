"""Does sqlsoul's replayed model agree with the real catalog? Compared after each up, for what the
model holds: tables, their columns (type, NOT NULL), constraints (primary key, unique, foreign key, check,
exclusion: by name and kind), named indexes, enum types and domains.

What the model marks unknown (a table whose columns came from a query, a column of unknown type,
an index PostgreSQL names itself) is counted, not compared. Objects the model lacks in a unit that
runs code the model does not follow (DO blocks, function calls) are unknown too: dynamic SQL made
them.
"""

from __future__ import annotations

from dataclasses import field
from typing import Any

from sqlsoul.model import Catalog, ConstraintKind, Table, TypeRef
from sqlsoul.records import record
from sqlsoul.replay import SERIAL_STORAGE

_USER_RELATION = """
    n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
    AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')"""
_COLUMNS = f"""
    SELECT n.nspname, c.relname, a.attname, coalesce(element.typname, t.typname), element.oid IS NOT NULL, a.attnotnull
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
    LEFT JOIN pg_type t ON t.oid = a.atttypid
    LEFT JOIN pg_type element ON element.oid = t.typelem AND t.typcategory = 'A'
    WHERE c.relkind IN ('r', 'p', 'f') AND c.relpersistence <> 't' AND {_USER_RELATION}"""
# Indexes made by CREATE INDEX: those behind a primary key, unique or exclusion constraint belong
# to the constraint.
_INDEXES = f"""
    SELECT n.nspname, c.relname, index.relname
    FROM pg_index i JOIN pg_class index ON index.oid = i.indexrelid JOIN pg_class c ON c.oid = i.indrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.contype IN ('p', 'u', 'x'))
      AND c.relpersistence <> 't' AND {_USER_RELATION}"""
_CONSTRAINTS = f"""
    SELECT n.nspname, c.relname, k.conname, k.contype
    FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE k.contype IN ('p', 'u', 'f', 'c', 'x') AND c.relpersistence <> 't' AND {_USER_RELATION}"""
_CONSTRAINT_KINDS = {"p": ConstraintKind.PRIMARY_KEY, "u": ConstraintKind.UNIQUE, "f": ConstraintKind.FOREIGN_KEY,
                     "c": ConstraintKind.CHECK, "x": ConstraintKind.EXCLUSION}
_DOMAINS = """
    SELECT n.nspname, t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
    WHERE t.typtype = 'd' AND n.nspname NOT IN ('pg_catalog', 'information_schema')
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e')"""
_ENUMS = """
    SELECT n.nspname, t.typname, array_agg(e.enumlabel ORDER BY e.enumsortorder)
    FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace JOIN pg_enum e ON e.enumtypid = t.oid
    WHERE NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e')
    GROUP BY n.nspname, t.typname"""


@record
class Mismatch:
    key: str  # what disagrees, as a message names it
    model: str  # what sqlsoul's model says
    real: str  # what PostgreSQL says


@record
class CrossCheck:
    # Objects only the database has that appeared in a unit running code the model does not follow:
    # unknown to the model from then on (kept from one unit's check to the next).
    made_by_code: set[str]
    dynamic: bool  # the unit at hand runs such code
    mismatches: list[Mismatch] = field(default_factory=list)
    unknown: int = 0

    def only_real(self, key: str) -> bool:
        """Whether an object only the database has is unknown to the model (else: a mismatch)."""
        if self.dynamic:
            self.made_by_code.add(key)
        return key in self.made_by_code


def cross_check(catalog: Catalog, connection: Any, dynamic: bool, made_by_code: set[str]) -> CrossCheck:
    """Compare the model with the connected database; `dynamic`: the unit ran code the model does
    not follow, so what only the database has is unknown to the model rather than missed by it."""
    check = CrossCheck(made_by_code, dynamic)
    real_columns: dict[tuple[str, str], dict[str, tuple[str, bool, bool]]] = {}
    for schema, table, column, type_name, is_array, not_null in connection.execute(_COLUMNS).fetchall():
        columns = real_columns.setdefault((schema, table), {})
        if column is not None:
            columns[column] = (type_name, is_array, not_null)
    real_indexes: dict[tuple[str, str], set[str]] = {}
    for schema, table, index in connection.execute(_INDEXES).fetchall():
        real_indexes.setdefault((schema, table), set()).add(index)
    real_constraints: dict[tuple[str, str], dict[str, ConstraintKind]] = {}
    for schema, table, name, kind in connection.execute(_CONSTRAINTS).fetchall():
        real_constraints.setdefault((schema, table), {})[name] = _CONSTRAINT_KINDS[kind]
    modelled = {key: table for key, table in catalog.tables.items() if not table.temporary}

    for key in sorted(real_columns.keys() - modelled.keys()):
        _differ(check, check.only_real(f"table {_name(key)}"), f"table {_name(key)}", "no such table", "a table")
    for key in sorted(modelled.keys() - real_columns.keys()):
        _differ(check, False, f"table {_name(key)}", "a table", "no such table")
    for key in sorted(modelled.keys() & real_columns.keys()):
        _compare_table(check, modelled[key], real_columns[key], real_indexes.get(key, set()))
        _compare_constraints(check, modelled[key], real_constraints.get(key, {}))

    real_enums = {(schema, name): tuple(values) for schema, name, values in connection.execute(_ENUMS).fetchall()}
    for key in sorted(real_enums.keys() | catalog.enums.keys()):
        model_values, real_values = catalog.enums.get(key), real_enums.get(key)
        if model_values != real_values:
            unknown = model_values is None and check.only_real(f"enum type {_name(key)}")
            _differ(check, unknown, f"enum type {_name(key)}", _values(model_values), _values(real_values))
    real_domains = {(schema, name) for schema, name in connection.execute(_DOMAINS).fetchall()}
    for key in sorted(real_domains - catalog.domains.keys()):
        _differ(check, check.only_real(f"domain {_name(key)}"), f"domain {_name(key)}", "no such domain", "a domain")
    for key in sorted(catalog.domains.keys() - real_domains):
        _differ(check, False, f"domain {_name(key)}", "a domain", "no such domain")
    return check


def _compare_constraints(check: CrossCheck, table: Table, real: dict[str, ConstraintKind]) -> None:
    label = _name(table.qualified)
    modelled = {constraint.name: constraint.kind for constraint in table.constraints if constraint.name}
    for name in sorted(real.keys() - modelled.keys()):
        key = f"constraint {name} on {label}"
        _differ(check, check.only_real(key), key, "no such constraint", _constraint(real[name]))
    for name in sorted(modelled.keys() - real.keys()):
        _differ(check, False, f"constraint {name} on {label}", _constraint(modelled[name]), "no such constraint")
    for name in sorted(modelled.keys() & real.keys()):
        if modelled[name] is not real[name]:
            _differ(check, False, f"constraint {name} on {label}", _constraint(modelled[name]), _constraint(real[name]))


def _constraint(kind: ConstraintKind) -> str:
    return f"{'an' if kind is ConstraintKind.EXCLUSION else 'a'} {kind.value} constraint"


def _compare_table(check: CrossCheck, table: Table, real: dict[str, tuple[str, bool, bool]], real_indexes: set[str]) -> None:
    label = _name(table.qualified)
    if not table.columns_known:
        check.unknown += 1
    else:
        for name in sorted(real.keys() - table.columns.keys()):
            _differ(check, check.only_real(f"column {label}.{name}"), f"column {label}.{name}", "no such column", "a column")
        for name in sorted(table.columns.keys() - real.keys()):
            _differ(check, False, f"column {label}.{name}", "a column", "no such column")
    for name in sorted(table.columns.keys() & real.keys()):
        column = table.columns[name]
        type_name, is_array, not_null = real[name]
        if column.type is None:
            check.unknown += 1
        elif (_storage(column.type), column.type.is_array) != (type_name, is_array):
            _differ(check, False, f"type of column {label}.{name}", _type(_storage(column.type), column.type.is_array),
                    _type(type_name, is_array))
        if column.not_null != not_null:
            _differ(check, False, f"nullability of column {label}.{name}", _nullability(column.not_null), _nullability(not_null))
    named = {index.name for index in table.indexes if index.name}
    unnamed = sum(1 for index in table.indexes if not index.name)
    check.unknown += unnamed
    for name in sorted(real_indexes - named):
        if not unnamed:  # else perhaps one PostgreSQL named for the model
            _differ(check, check.only_real(f"index {name} on {label}"), f"index {name} on {label}", "no such index", "an index")
    for name in sorted(named - real_indexes):
        _differ(check, False, f"index {name} on {label}", "an index", "no such index")


def _differ(check: CrossCheck, unknown: bool, key: str, model: str, real: str) -> None:
    if unknown:
        check.unknown += 1
    else:
        check.mismatches.append(Mismatch(key, model, real))


def _storage(type_ref: TypeRef) -> str:
    return SERIAL_STORAGE.get(type_ref.name, type_ref.name)


def _name(key: tuple[str, str]) -> str:
    return f"{key[0]}.{key[1]}"


def _type(name: str, is_array: bool) -> str:
    return f"type {name}{'[]' if is_array else ''}"


def _nullability(not_null: bool) -> str:
    return "NOT NULL" if not_null else "nullable"


def _values(values: tuple[str, ...] | None) -> str:
    return "no such type" if values is None else "values " + ", ".join(values)
