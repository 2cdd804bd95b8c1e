from __future__ import annotations

from sqlsoul.engine import HistoryContext
from sqlsoul.model import Catalog, Column, ConstraintKind, Table, TypeRef
from sqlsoul.rules.base import Rule, builtin_meta
from sqlsoul.dialects import SQLITE
from sqlsoul.rules.design.common import SAFE_CONSTRAINT_STEPS, has_constraint, judged_columns, matches_any
from sqlsoul.rules.dialect.recipes import dialect_at, is_mysql, sqlite_table_rebuild
from sqlsoul.rules.labels import column_label, sql_name, table_label, type_label

# A bare "state" next to these is a region of an address, not a lifecycle state.
_ADDRESS_COLUMNS = frozenset({"city", "country", "zip", "zipcode", "zip_code", "postal_code", "postcode", "street", "address", "address1", "address_line1"})


class UncheckedStatusColumn(Rule):
    meta = builtin_meta("SS102")
    scope = "history"

    def check_history(self, ctx: HistoryContext) -> None:
        for table, column in judged_columns(ctx.catalog):
            if not matches_any(column.name, self.options["patterns"]):
                continue
            stored = _unchecked_type(ctx.catalog, column.type)
            if stored is None or _is_constrained(ctx.catalog, table, column):
                continue
            if column.name.lower() == "state" and _ADDRESS_COLUMNS & table.columns.keys():
                continue
            ctx.report(
                column.origin,  # type: ignore[arg-type]
                f"{column_label(table, column.name)} is a status column of type {type_label(stored)} with no CHECK "
                "constraint or enum, so any value can be stored",
                _help(dialect_at(ctx.sources, column.origin), table, column.name),  # type: ignore[arg-type]
            )


def _unchecked_type(catalog: Catalog, type_ref: TypeRef | None) -> TypeRef | None:
    """The column's storage type if it is free text or a bare integer; None if constrained or unknown."""
    if type_ref is None:
        return None
    domain = catalog.domain(type_ref) if not (type_ref.is_text or type_ref.is_integer) else None
    if domain is not None:
        return None if domain.has_check else _unchecked_type(catalog, domain.base)
    return type_ref if type_ref.is_text or type_ref.is_integer else None


def _is_constrained(catalog: Catalog, table: Table, column: Column) -> bool:
    return any(has_constraint(catalog, table, column.name, kind) for kind in (ConstraintKind.CHECK, ConstraintKind.FOREIGN_KEY))


def _help(dialect: str, table: Table, column: str) -> str:
    """How to limit the column's values on the table's engine."""
    label, name = table_label(table), sql_name(f"{table.name}_{column}_check")
    check = f"CHECK ({sql_name(column)} IN ('...', '...'))"
    if is_mysql(dialect):
        return (
            f"In a new migration: ALTER TABLE {label} ADD CONSTRAINT {name} {check}; (the server checks every "
            "existing row; MySQL enforces CHECK from 8.0.16, MariaDB from 10.2.1). An ENUM('...', '...') column "
            "or a foreign key to a lookup table work too."
        )
    if dialect == SQLITE:
        return (
            f"SQLite 3.53.0 and later: ALTER TABLE {label} ADD CONSTRAINT {name} {check}; before that, "
            + sqlite_table_rebuild(table, "add a CHECK constraint before 3.53.0")
        )
    return (
        f"{SAFE_CONSTRAINT_STEPS} For example: ALTER TABLE {label} ADD CONSTRAINT {name} {check} NOT VALID; later "
        f"ALTER TABLE {label} VALIDATE CONSTRAINT {name}. An enum type, a domain with a CHECK, or a foreign key to a "
        "lookup table work too."
    )
