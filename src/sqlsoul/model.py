"""The dialect-neutral schema model (catalog) that replaying DDL builds.

Front ends for any dialect fill these classes; rules read them. What a front end cannot know
(the column types of CREATE TABLE AS, objects made by dynamic SQL) is recorded as unknown
(`None`, or `columns_known = False`), never guessed.
"""

from __future__ import annotations

from dataclasses import field
from enum import Enum
from itertools import count
from operator import attrgetter
from typing import Any

from sqlsoul.findings import Span
from sqlsoul.records import record

QualifiedName = tuple[str, str]  # (schema, name), folded as the engine folds identifiers

_GENERATIONS = count(1)  # catalogs that share tables tell their own copies apart by generation

# MySQL's tinytext, mediumtext and longtext are text with another size limit.
TEXT_TYPES = frozenset(
    {"text", "varchar", "bpchar", "char", "character", "character varying", "citext", "name", "tinytext", "mediumtext",
     "longtext"}
)
# MySQL's tinyint (1 byte) and mediumint (3 bytes) have no PostgreSQL counterpart: they keep their names.
INTEGER_TYPES = frozenset(
    {"int2", "int4", "int8", "smallint", "integer", "int", "bigint", "serial", "serial4", "bigserial", "serial8",
     "smallserial", "serial2", "tinyint", "mediumint"}
)
STRUCTURED_TYPES = frozenset({"json", "jsonb", "hstore", "xml"})


@record(frozen=True)
class Origin:
    """Where an object was introduced: which file of the history, which statement, what to highlight."""

    file: int
    statement: int
    span: Span


@record(frozen=True)
class TypeRef:
    """A column's type as written: name, schema, modifiers, array, and a MySQL ENUM's members."""

    name: str  # last part of the type name, lower-cased for built-ins (varchar, int4, jsonb, mood ...)
    schema: str | None = None
    modifiers: tuple[int, ...] = ()
    is_array: bool = False
    members: tuple[str, ...] = ()  # the values a MySQL ENUM or SET column accepts, in their order
    unsigned: bool = False  # MySQL UNSIGNED: the same bytes hold twice the positive range

    @property
    def is_text(self) -> bool:
        return not self.is_array and self.name in TEXT_TYPES

    @property
    def is_integer(self) -> bool:
        return not self.is_array and self.name in INTEGER_TYPES

    @property
    def is_structured(self) -> bool:
        return self.is_array or self.name in STRUCTURED_TYPES


class ConstraintKind(Enum):
    PRIMARY_KEY = "primary key"
    UNIQUE = "unique"
    FOREIGN_KEY = "foreign key"
    CHECK = "check"
    EXCLUSION = "exclusion"


@record
class Constraint:
    """A table constraint (primary key, unique, foreign key, check, exclusion) in the model."""

    kind: ConstraintKind
    name: str | None
    columns: tuple[str, ...]  # key columns; for CHECK, the columns its expression reads
    references: QualifiedName | None = None
    referenced_columns: tuple[str, ...] = ()
    validated: bool = True
    origin: Origin | None = None
    not_null_of: str | None = None  # CHECK (column IS NOT NULL): the column it proves non-null
    enforced: bool = True  # False for MySQL's CHECK ... NOT ENFORCED: stored, and checks nothing


@record
class Column:
    """A column in the model: type, nullability, default and comment."""

    name: str
    type: TypeRef | None  # None: unknown
    not_null: bool = False
    default: str | None = None  # the default's literal text when it is a constant
    has_default: bool = False
    comment: str | None = None
    origin: Origin | None = None
    owner: int = field(default=0, compare=False, repr=False)  # the table generation that may change it


@record
class Index:
    """An index in the model, with what decides whether another index can stand in for it."""

    name: str | None
    columns: tuple[str | None, ...]  # None stands for an expression
    unique: bool = False
    method: str = "btree"
    partial: bool = False
    origin: Origin | None = None
    # What decides whether one index can stand in for another:
    column_options: tuple[str, ...] = ()  # per key column: opclass, collation, sort order when not the default, else ""
    include: tuple[str, ...] = ()  # INCLUDE columns
    predicate: frozenset[str] | None = None  # a partial index's AND-ed conditions, normalized (see not_null_condition)
    read: frozenset[str] = frozenset()  # columns its expressions and WHERE clause read: it goes when one is dropped


def not_null_condition(column: str) -> str:
    """How an index predicate records `column IS NOT NULL`, the condition an equality lookup on the column implies."""
    return f"{column} IS NOT NULL"


@record
class Table:
    """A table in the model: columns, constraints and indexes, with where it was created."""

    schema: str
    name: str
    columns: dict[str, Column] = field(default_factory=dict)
    constraints: list[Constraint] = field(default_factory=list)
    indexes: list[Index] = field(default_factory=list)
    columns_known: bool = True  # False when some columns came from a query or a type we cannot see
    partition_of: QualifiedName | None = None
    comment: str | None = None
    origin: Origin | None = None
    owner: int = field(default=0, compare=False, repr=False)  # the catalog generation that may change it
    temporary: bool = False  # CREATE TEMP TABLE: gone when the migration's session ends
    # True while the constraints and indexes are the very objects of the table this one was cloned from.
    keys_shared: bool = field(default=False, compare=False, repr=False)

    @property
    def qualified(self) -> QualifiedName:
        return (self.schema, self.name)

    def clone(self, owner: int) -> Table:
        """A copy whose columns, constraints and indexes can change without touching this table.

        Columns are shared until one changes (see `writable_column`); constraints and indexes are
        shared until one of them changes (see `writable_keys`): most changes add or drop one, which
        only the lists, copied right away, see."""
        return Table(
            self.schema,
            self.name,
            dict(self.columns),
            list(self.constraints),
            list(self.indexes),
            self.columns_known,
            self.partition_of,
            self.comment,
            self.origin,
            owner,
            self.temporary,
            keys_shared=bool(self.constraints or self.indexes),
        )

    def writable_keys(self) -> None:
        """Copy the constraints and indexes if another table (a snapshot's) shares them. Every change
        to a constraint or an index itself (not to the lists) comes after this call."""
        if self.keys_shared:
            self.constraints = [_copy(constraint) for constraint in self.constraints]
            self.indexes = [_copy(index) for index in self.indexes]
            self.keys_shared = False

    def writable_column(self, name: str) -> Column:
        """The column, copied first if another table (a snapshot's) shares it. Every change goes here."""
        column = self.columns[name]
        if column.owner != self.owner:
            column = self.columns[name] = _copy(column)
            column.owner = self.owner
        return column

    def constraints_on(self, column: str, kind: ConstraintKind) -> list[Constraint]:
        return [c for c in self.constraints if c.kind is kind and column in c.columns]


def _copy(item: Any) -> Any:
    # Not dataclasses.replace (it validates every field): a plain field-by-field copy, fields read
    # through one attrgetter per class.
    kind = type(item)
    getter = _FIELD_GETTERS.get(kind)
    if getter is None:
        getter = _FIELD_GETTERS[kind] = attrgetter(*kind.__dataclass_fields__)
    return kind(*getter(item))


_FIELD_GETTERS: dict[type, Any] = {}


@record(frozen=True)
class Domain:
    """A domain in the model: its base type and whether a CHECK constrains it."""

    base: TypeRef | None
    has_check: bool = False


@record
class Catalog:
    """The schema model a history builds: tables, enums, domains, schemas and the search path."""

    tables: dict[QualifiedName, Table] = field(default_factory=dict)
    enums: dict[QualifiedName, tuple[str, ...]] = field(default_factory=dict)  # values are replaced, never changed
    domains: dict[QualifiedName, Domain] = field(default_factory=dict)
    schemas: set[str] = field(default_factory=lambda: {"public"})
    search_path: tuple[str, ...] = ("public",)
    has_partitions: bool = False  # set once any table became a partition; never reset
    pragmas: dict[str, str] = field(default_factory=dict)  # SQLite PRAGMA settings the history made, last value wins
    generation: int = field(default_factory=lambda: next(_GENERATIONS), compare=False, repr=False)
    # See `ever_referenced`; None until first asked for.
    referenced: set[QualifiedName] | None = field(default=None, compare=False, repr=False)

    def add(self, table: Table) -> Table:
        table.owner = self.generation
        self.tables[table.qualified] = table
        return table

    def writable(self, table: Table) -> Table:
        """The table, copied first if another catalog (a snapshot) shares it. Every change goes here."""
        if table.owner == self.generation:
            return table
        return self.add(table.clone(self.generation))

    def snapshot(self) -> Catalog:
        """A catalog with the same contents in O(tables): both share every table, and whichever side
        changes a table afterwards copies it first (see `writable`)."""
        self.generation = next(_GENERATIONS)
        return Catalog(
            dict(self.tables), dict(self.enums), dict(self.domains), set(self.schemas), self.search_path,
            self.has_partitions, dict(self.pragmas), referenced=self.ever_referenced(),
        )

    def ever_referenced(self) -> set[QualifiedName]:
        """Every table a foreign key has referenced in this catalog, or in one it shares tables with
        through snapshots (they share the set): a superset that only grows, which spares a drop
        the scan for foreign keys to a table none ever referenced. Replay adds to it whenever it
        sets a constraint's `references`."""
        if self.referenced is None:
            self.referenced = {c.references for table in self.tables.values() for c in table.constraints if c.references}
        return self.referenced

    @property
    def creation_schema(self) -> str:
        return self.search_path[0] if self.search_path else "public"

    def _resolve(self, registry: dict[QualifiedName, object], schema: str | None, name: str) -> QualifiedName | None:
        if schema is not None:
            return (schema, name) if (schema, name) in registry else None
        for candidate in (*self.search_path, "public"):
            if (candidate, name) in registry:
                return (candidate, name)
        return None

    def table(self, schema: str | None, name: str) -> Table | None:
        key = self._resolve(self.tables, schema, name)  # type: ignore[arg-type]
        return self.tables[key] if key else None

    def enum(self, type_ref: TypeRef) -> tuple[str, ...] | None:
        key = self._resolve(self.enums, type_ref.schema, type_ref.name)  # type: ignore[arg-type]
        return self.enums[key] if key else None

    def domain(self, type_ref: TypeRef) -> Domain | None:
        key = self._resolve(self.domains, type_ref.schema, type_ref.name)  # type: ignore[arg-type]
        return self.domains[key] if key else None

    def mark_partition(self, child: Table, parent: QualifiedName | None) -> None:
        child.partition_of = parent
        self.has_partitions = self.has_partitions or parent is not None

    def partitions(self, table: Table) -> list[Table]:
        if not self.has_partitions:  # most histories have none: skip the scan
            return []
        return [other for other in self.tables.values() if other.partition_of == table.qualified]

    def tables_by_name(self) -> dict[str, list[Table]]:
        """Tables by name, whatever their schema: those on the search path first (one pass, for
        rules that look many names up in a catalog that no longer changes)."""
        order = {schema: rank for rank, schema in enumerate(self.search_path)}
        found: dict[str, list[Table]] = {}
        for (_, name), table in self.tables.items():
            found.setdefault(name, []).append(table)
        for tables in found.values():
            if len(tables) > 1:
                tables.sort(key=lambda table: order.get(table.schema, len(order)))
        return found
