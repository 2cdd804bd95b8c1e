"""What the type rules share: the built-in type a column stores (seen through domains) and the rule
shape "every judged column of these types gets one finding"."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import ClassVar

from sqlsoul.dialects import POSTGRES
from sqlsoul.engine import HistoryContext
from sqlsoul.model import Catalog, Column, Table, TypeRef
from sqlsoul.records import record
from sqlsoul.rules.base import Rule
from sqlsoul.rules.dialect.recipes import dialect_at
from sqlsoul.rules.design.common import judged_columns
from sqlsoul.rules.labels import column_label, sql_name, type_label

# A domain over a domain over ... : PostgreSQL forbids cycles, a damaged history might not.
_MAX_DOMAIN_DEPTH = 8


@record(frozen=True)
class TypedColumn:
    """A judged column with the built-in type it stores."""

    table: Table
    column: Column
    stored: TypeRef  # the built-in type, looked up through domains; an array when the column holds many
    domain: TypeRef | None = None  # the domain the column was declared with, if any
    dialect: str = POSTGRES  # of the file that declared the column

    @property
    def label(self) -> str:
        return column_label(self.table, self.column.name)

    @property
    def type_text(self) -> str:
        """The stored type as users write it, naming the domain it comes through."""
        return self.describe(type_label(self.stored))

    def describe(self, written: str) -> str:
        """A spelling of the stored type, naming the domain it comes through."""
        return written if self.domain is None else f"{written} (through domain {sql_name(self.domain.name)})"


def type_behind_domain(catalog: Catalog, declared: TypeRef) -> TypeRef | None:
    """The built-in type a domain stores (an array if the domain or the column makes one); None when
    the declared type is not a domain or the domain rests on another user-defined type."""
    current, is_array = declared, declared.is_array
    for _ in range(_MAX_DOMAIN_DEPTH):
        domain = catalog.domain(current)
        if domain is None:
            break
        if domain.base is None:
            return None
        current = domain.base
        is_array = is_array or current.is_array
    if current is declared or current.schema is not None:
        return None
    return TypeRef(current.name, None, current.modifiers, is_array)


def columns_of_type(catalog: Catalog, type_names: frozenset[str]) -> Iterator[TypedColumn]:
    """Judged columns that store one of these built-in types (or arrays of them), directly or through a domain."""
    look_through_domains = bool(catalog.domains)  # most histories define none: skip the lookups
    for table, column in judged_columns(catalog):
        declared = column.type
        if declared is None:
            continue
        # An unqualified built-in name is the built-in type: pg_catalog comes first on the search path.
        if declared.schema is None and declared.name in type_names:
            yield TypedColumn(table, column, declared)
        elif look_through_domains:
            stored = type_behind_domain(catalog, declared)
            if stored is not None and stored.name in type_names:
                yield TypedColumn(table, column, stored, declared)


class ColumnTypeRule(Rule):
    """A history rule with one finding per judged column whose stored type is in `type_names`,
    reported where the column was declared; `judge` words it, or returns None to let it pass."""

    scope = "history"
    type_names: ClassVar[frozenset[str]]

    def check_history(self, ctx: HistoryContext) -> None:
        for typed in columns_of_type(ctx.catalog, self.type_names):
            judgement = self.judge(replace(typed, dialect=dialect_at(ctx.sources, typed.column.origin)))  # type: ignore[arg-type]
            if judgement is not None:
                message, help_text = judgement
                ctx.report(typed.column.origin, message, help_text)  # type: ignore[arg-type]

    def judge(self, typed: TypedColumn) -> tuple[str, str] | None:  # pragma: no cover - overridden
        raise NotImplementedError
