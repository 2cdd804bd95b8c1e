"""Helpers the schema-design rules share: which columns they judge, finding tables by entity name."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from fnmatch import translate
from functools import cache

from sqlsoul.model import Catalog, Column, ConstraintKind, Table
from sqlsoul.naming import entity_forms

def judged_columns(catalog: Catalog) -> Iterator[tuple[Table, Column]]:
    """Columns that design rules judge: declared in a linted statement, on a table that is not a partition."""
    for table in catalog.tables.values():
        if table.partition_of is not None:
            continue  # a partition's columns are its parent's, judged there
        for column in table.columns.values():
            if column.origin is not None:
                yield table, column


def find_table(tables_by_name: dict[str, list[Table]], entity: str, near: Table) -> Table | None:
    """The table an entity name refers to (singular or plural), preferring the schema of `near`;
    `tables_by_name` is the catalog's `tables_by_name()`."""
    for form in entity_forms(entity):
        found = tables_by_name.get(form)
        if found:
            return next((table for table in found if table.schema == near.schema), found[0])
    return None


def has_constraint(catalog: Catalog, table: Table, column: str, kind: ConstraintKind) -> bool:
    """Whether an enforced constraint of this kind covers the column, on the table or on its partitions."""
    return any(
        constraint.enforced
        for owner in (table, *catalog.partitions(table)) for constraint in owner.constraints_on(column, kind)
    )


def matches_any(name: str, patterns: Iterable[str]) -> bool:
    """Whether a name matches one of the glob patterns, whatever the case of either."""
    return _any_of(tuple(patterns)).match(name.lower()) is not None


@cache  # rules ask with the same few pattern lists for every column
def _any_of(patterns: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{translate(pattern.lower())})" for pattern in patterns) or "(?!)")


def key_columns(table: Table) -> set[str]:
    """Columns of the table's primary key, unique keys and foreign keys."""
    kinds = (ConstraintKind.PRIMARY_KEY, ConstraintKind.UNIQUE, ConstraintKind.FOREIGN_KEY)
    return {column for c in table.constraints if c.kind in kinds for column in c.columns}


def primary_key(table: Table) -> tuple[str, ...]:
    return next((c.columns for c in table.constraints if c.kind is ConstraintKind.PRIMARY_KEY), ())


SAFE_CONSTRAINT_STEPS = (
    "Do it in a new migration (never by editing one that has run): add the constraint with NOT VALID, "
    "which takes only a brief lock, then run ALTER TABLE ... VALIDATE CONSTRAINT in a later migration."
)
