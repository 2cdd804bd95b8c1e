"""What every renderer reads from a catalog, in the order documentation shows it."""

from __future__ import annotations


from sqlsoul.model import Catalog, Column, Constraint, ConstraintKind, Index, QualifiedName, Table, TypeRef
from sqlsoul.records import record
from sqlsoul.rules.labels import type_label

DEFAULT_SCHEMA = "public"  # tables in it are named without their schema

KIND_ORDER = {
    ConstraintKind.PRIMARY_KEY: 0,
    ConstraintKind.UNIQUE: 1,
    ConstraintKind.FOREIGN_KEY: 2,
    ConstraintKind.CHECK: 3,
    ConstraintKind.EXCLUSION: 4,
}


def tables(catalog: Catalog) -> list[Table]:
    """The tables to document, by schema then name (temporary tables are gone when their migration ends)."""
    return sorted((table for table in catalog.tables.values() if not table.temporary), key=lambda table: table.qualified)


def display_name(key: QualifiedName) -> str:
    schema, name = key
    return name if schema == DEFAULT_SCHEMA else f"{schema}.{name}"


def type_text(type_ref: TypeRef | None) -> str:
    """A column type as the history's dialect writes it (render under `labels.written_as`):
    `varchar(20)`, `numeric(10, 2)`, `text[]`, `shop.mood`, `enum('a', 'b')`."""
    return "unknown" if type_ref is None else type_label(type_ref, members=True)


def constraints(table: Table) -> list[Constraint]:
    """Primary key, unique keys, foreign keys, checks, exclusions; each kind in the order the history made them."""
    return sorted(table.constraints, key=lambda constraint: KIND_ORDER[constraint.kind])


def foreign_keys(table: Table) -> list[Constraint]:
    return [constraint for constraint in constraints(table) if constraint.kind is ConstraintKind.FOREIGN_KEY]


def indexes(table: Table) -> list[Index]:
    return sorted(table.indexes, key=lambda index: (index.name or "", tuple(column or "" for column in index.columns)))


@record(frozen=True)
class Reference:
    """A foreign key seen from the table it references."""

    table: Table  # the referencing table
    constraint: Constraint


def referenced_by(catalog: Catalog) -> dict[QualifiedName, list[Reference]]:
    """For each referenced table, the foreign keys that point at it, by referencing table and columns."""
    found: dict[QualifiedName, list[Reference]] = {}
    for table in tables(catalog):
        for constraint in foreign_keys(table):
            if constraint.references is not None:
                found.setdefault(constraint.references, []).append(Reference(table, constraint))
    for references in found.values():
        references.sort(key=lambda reference: (reference.table.qualified, reference.constraint.columns, reference.constraint.name or ""))
    return found


def unique_column_sets(table: Table) -> list[tuple[str, ...]]:
    """Column sets no two rows share: the primary key, unique constraints, unique indexes on plain columns
    without a WHERE clause."""
    found = [
        constraint.columns for constraint in table.constraints
        if constraint.kind in (ConstraintKind.PRIMARY_KEY, ConstraintKind.UNIQUE) and constraint.columns
    ]
    found += [
        tuple(column for column in index.columns if column is not None) for index in table.indexes
        if index.unique and not index.partial and index.columns and None not in index.columns
    ]
    return found


def is_unique(table: Table, columns: tuple[str, ...]) -> bool:
    """Whether no two rows can have the same values in `columns` (some unique set lies within them)."""
    wanted = set(columns)
    return any(set(unique) <= wanted for unique in unique_column_sets(table))


def is_required(table: Table, columns: tuple[str, ...]) -> bool:
    """Whether every one of `columns` is NOT NULL (a primary key's columns are, even where the model
    does not know the column): a foreign key on them always points at a row."""
    primary = {column for constraint in table.constraints if constraint.kind is ConstraintKind.PRIMARY_KEY for column in constraint.columns}
    known: list[Column | None] = [table.columns.get(column) for column in columns]
    return bool(columns) and all(
        name in primary or (column is not None and column.not_null) for name, column in zip(columns, known, strict=True)
    )


def key_marks(table: Table) -> dict[str, list[str]]:
    """PK, FK and UK for each column that is part of such a key."""
    marks: dict[str, list[str]] = {}
    for mark, kinds in (("PK", (ConstraintKind.PRIMARY_KEY,)), ("FK", (ConstraintKind.FOREIGN_KEY,)), ("UK", (ConstraintKind.UNIQUE,))):
        for constraint in table.constraints:
            if constraint.kind in kinds:
                for column in constraint.columns:
                    if mark not in marks.setdefault(column, []):
                        marks[column].append(mark)
    for index in table.indexes:
        if index.unique and not index.partial and None not in index.columns:
            for column in index.columns:
                if "UK" not in marks.setdefault(column, []) and "PK" not in marks[column]:  # type: ignore[index]
                    marks[column].append("UK")  # type: ignore[index]
    order = {"PK": 0, "FK": 1, "UK": 2}
    return {column: sorted(found, key=order.__getitem__) for column, found in marks.items()}
