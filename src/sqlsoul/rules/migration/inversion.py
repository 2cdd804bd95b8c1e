"""Compare two schema models: what a migration's down failed to put back.

`compare(before, after)` lists how the catalog after a migration's down (`after`) differs from the
catalog before its up (`before`). The two are snapshots that share every table nobody changed, so
a table that is the same object on both sides is skipped without looking inside; only the few
tables the migration touched are compared by content.

Objects that go with a bigger one are not differences of their own: a table that is missing or
left behind is one difference, not one per column; a column's constraints and indexes go with the
column; a foreign key goes with the table it points at. A rename that was not undone is one
difference (paired by the origin the object keeps through renames), not a removal and an addition.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable
from typing import Any

from sqlsoul.model import Catalog, Column, Constraint, ConstraintKind, Index, QualifiedName, Table, TypeRef
from sqlsoul.records import record

# What kind of object differs.
TABLE, COLUMN, CONSTRAINT, INDEX, ENUM, DOMAIN = "table", "column", "constraint", "index", "enum", "domain"
# How it differs between `before` and `after`.
ADDED = "added"  # only in `after`: the down left something the up made (or made it itself)
REMOVED = "removed"  # only in `before`: the down did not bring back what the up took away
CHANGED = "changed"  # on both sides, with different contents (see Difference.details)
RENAMED = "renamed"  # on both sides under different names (paired by origin or by contents)
REPLACED = "replaced"  # a unique constraint came back as a unique index, or the other way round

# What CHANGED can name in Difference.details.
TYPE, NULLABILITY, DEFAULT = "type", "nullability", "default"  # columns
VALUES_ADDED, VALUES_REMOVED, VALUES_ORDER = "values added", "values removed", "values order"  # enums
INDEX_SHAPE = "definition"  # indexes: columns, unique, method, partial
DOMAIN_DEFINITION = "definition"  # domains: base type, check

# serial types are integers with a default; a down that restores `id serial` as `id integer` is fine.
_TYPE_ALIASES = {
    "serial": "int4", "serial4": "int4", "bigserial": "int8", "serial8": "int8", "smallserial": "int2",
    "serial2": "int2", "integer": "int4", "int": "int4", "bigint": "int8", "smallint": "int2",
}


@record(frozen=True)
class Difference:
    """One way two schema models differ: an object added, removed, changed or renamed."""

    kind: str  # TABLE, COLUMN, CONSTRAINT, INDEX, ENUM or DOMAIN
    change: str  # ADDED, REMOVED, CHANGED or RENAMED
    before: Any  # the object in `before` (None when ADDED); for enums and domains, (key, value)
    after: Any  # the object in `after` (None when REMOVED)
    table_before: Table | None = None  # the table holding the object, on each side
    table_after: Table | None = None
    details: tuple[str, ...] = ()  # for CHANGED: what differs

    @property
    def table(self) -> Table | None:
        """The table the object belongs to, from `before` when it is there."""
        return self.table_before or self.table_after

    @property
    def object(self) -> Any:
        return self.before if self.before is not None else self.after


def compare(before: Catalog, after: Catalog) -> list[Difference]:
    """Every difference between two catalogs, tables first, in the order of `before`'s tables."""
    return _Comparison(before, after).run()


class _Comparison:
    def __init__(self, before: Catalog, after: Catalog) -> None:
        self.before = before
        self.after = after
        self.found: list[Difference] = []
        self.table_renames: dict[QualifiedName, QualifiedName] = {}  # key in after -> key in before
        self.gone_tables: set[QualifiedName] = set()  # keys (either side) of tables only one side has
        self.type_renames: dict[str, str] = {}  # enum or domain name in after -> name in before

    def run(self) -> list[Difference]:
        self._types(self.before.enums, self.after.enums, ENUM)
        self._types(self.before.domains, self.after.domains, DOMAIN)
        types_found, self.found = self.found, []
        self._tables()
        self.found.extend(types_found)
        return self.found

    # --- tables --------------------------------------------------------------------------------

    def _tables(self) -> None:
        old, new = self.before.tables, self.after.tables
        # Tables neither side changed are the same object on both: only the others are looked at.
        differing = [key for key, table in old.items() if new.get(key) is not table]
        if not differing and len(old) == len(new):
            return  # nothing touched at all: the common case of a clean migration
        removed = [key for key in differing if key not in new]
        # A temporary table the up leaves is gone when its session ends: no down needs to drop it.
        added = [key for key in new if key not in old and not new[key].temporary]
        for old_key, new_key in _pair(removed, added, lambda key: old[key].origin, lambda key: new[key].origin):
            self.table_renames[new_key] = old_key
            self.found.append(Difference(TABLE, RENAMED, old[old_key], new[new_key], old[old_key], new[new_key]))
        renamed_before = set(self.table_renames.values())
        self.gone_tables = {key for key in removed if key not in renamed_before}
        self.gone_tables.update(key for key in added if key not in self.table_renames)
        for key in differing:
            table, other = old[key], new.get(key)
            if other is None:
                if key not in renamed_before:
                    self.found.append(Difference(TABLE, REMOVED, table, None, table, None))
            elif not _same_table(table, other):
                self._table(table, other)
        for key in added:
            if key not in self.table_renames:
                self.found.append(Difference(TABLE, ADDED, None, new[key], None, new[key]))

    def _table(self, old: Table, new: Table) -> None:
        # A side whose columns are not all known (CREATE TABLE AS) may hide what the other side has.
        removed = [name for name in old.columns if name not in new.columns] if new.columns_known else []
        added = [name for name in new.columns if name not in old.columns] if old.columns_known else []
        renames: dict[str, str] = {}  # column name in new -> in old
        for old_name, new_name in _pair(
            removed, added, lambda name: old.columns[name].origin, lambda name: new.columns[name].origin
        ):
            renames[new_name] = old_name
            self.found.append(Difference(COLUMN, RENAMED, old.columns[old_name], new.columns[new_name], old, new))
        renamed_old = set(renames.values())
        gone = {name for name in removed if name not in renamed_old} | {name for name in added if name not in renames}
        for name, column in old.columns.items():
            other = new.columns.get(name)
            if other is None:
                if name not in renamed_old and new.columns_known:
                    self.found.append(Difference(COLUMN, REMOVED, column, None, old, new))
                continue
            details = self._column_details(column, other)
            if details:
                self.found.append(Difference(COLUMN, CHANGED, column, other, old, new, details))
        for name in added:
            if name not in renames:
                self.found.append(Difference(COLUMN, ADDED, None, new.columns[name], old, new))
        for new_name, old_name in renames.items():
            details = self._column_details(old.columns[old_name], new.columns[new_name])
            if details:
                self.found.append(Difference(COLUMN, CHANGED, old.columns[old_name], new.columns[new_name], old, new, details))
        self._keys(old, new, renames, gone)

    def _column_details(self, old: Column, new: Column) -> tuple[str, ...]:
        details = []
        if not _same_type(old.type, new.type, self.type_renames):
            details.append(TYPE)
        if old.not_null != new.not_null:
            details.append(NULLABILITY)
        if old.has_default != new.has_default or old.default != new.default:
            details.append(DEFAULT)
        return tuple(details)

    # --- constraints and indexes ---------------------------------------------------------------

    def _constraint_key(self, constraint: Constraint, renames: dict[str, str], catalog: Catalog) -> tuple[Any, ...]:
        references = constraint.references
        referenced = constraint.referenced_columns
        if references is not None:
            if not referenced:  # REFERENCES t means t's primary key
                target = catalog.tables.get(references)
                key = next((c.columns for c in target.constraints if c.kind is ConstraintKind.PRIMARY_KEY), ()) if target else ()
                referenced = key
            references = self.table_renames.get(references, references)
        return (
            constraint.kind,
            tuple(renames.get(column, column) for column in constraint.columns),
            references,
            referenced,
        )

    def _goes_with_other(self, columns: Iterable[str | None], gone: set[str], references: QualifiedName | None) -> bool:
        return any(column in gone for column in columns) or (references is not None and references in self.gone_tables)

    def _constraints(self, old: Table, new: Table, renames: dict[str, str], gone: set[str]) -> tuple[list[Constraint], list[Constraint]]:
        """Report renamed constraints; return those only `old` has and those only `new` has."""
        if not old.constraints and not new.constraints:
            return [], []
        olds = [c for c in old.constraints if not self._goes_with_other(c.columns, gone, c.references)]
        news = [
            c for c in new.constraints
            if not self._goes_with_other(c.columns, gone, self.table_renames.get(c.references, c.references) if c.references else None)
        ]
        old_keys = [self._constraint_key(c, {}, self.before) for c in olds]
        new_keys = [self._constraint_key(c, renames, self.after) for c in news]
        unmatched_old, unmatched_new = _match(
            olds, [(key, c.name) for key, c in zip(old_keys, olds, strict=True)],
            news, [(key, c.name) for key, c in zip(new_keys, news, strict=True)],
        )
        # Same constraint under another name: a rename the down did not undo, or a restore that let
        # PostgreSQL choose the name. The caller decides whether the name matters.
        keys = {id(c): key for c, key in zip((*olds, *news), (*old_keys, *new_keys), strict=True)}
        removed, leftover_new = [], list(unmatched_new)
        for constraint in unmatched_old:
            twin = next((c for c in leftover_new if keys[id(c)] == keys[id(constraint)]), None)
            if twin is not None:
                leftover_new.remove(twin)
                self.found.append(Difference(CONSTRAINT, RENAMED, constraint, twin, old, new))
            else:
                removed.append(constraint)
        return removed, leftover_new

    def _indexes(self, old: Table, new: Table, renames: dict[str, str], gone: set[str]) -> tuple[list[Index], list[Index]]:
        """Report changed and renamed indexes; return those only `old` has and those only `new` has."""
        if not old.indexes and not new.indexes:
            return [], []
        olds = [i for i in old.indexes if not self._goes_with_other(i.columns, gone, None)]
        news = [i for i in new.indexes if not self._goes_with_other(i.columns, gone, None)]
        by_name = {index.name: index for index in news}
        old_names = {index.name for index in olds}
        removed, leftover_new = [], [index for index in news if index.name not in old_names]
        for index in olds:
            twin = by_name.get(index.name)
            if twin is not None:
                if _index_shape(index, {}) != _index_shape(twin, renames):
                    self.found.append(Difference(INDEX, CHANGED, index, twin, old, new, (INDEX_SHAPE,)))
                continue
            twin = next((i for i in leftover_new if _index_shape(i, renames) == _index_shape(index, {})), None)
            if twin is not None:
                leftover_new.remove(twin)
                self.found.append(Difference(INDEX, RENAMED, index, twin, old, new))
            else:
                removed.append(index)
        return removed, leftover_new

    def _keys(self, old: Table, new: Table, renames: dict[str, str], gone: set[str]) -> None:
        """Constraints and indexes; a unique constraint restored as a unique index (or back) is one difference."""
        removed_constraints, added_constraints = self._constraints(old, new, renames, gone)
        removed_indexes, added_indexes = self._indexes(old, new, renames, gone)
        for constraint in removed_constraints:
            twin = next((i for i in added_indexes if _backs(constraint, i, {}, renames)), None)
            if twin is not None:
                added_indexes.remove(twin)
                self.found.append(Difference(CONSTRAINT, REPLACED, constraint, twin, old, new))
            else:
                self.found.append(Difference(CONSTRAINT, REMOVED, constraint, None, old, new))
        for index in removed_indexes:
            twin = next((c for c in added_constraints if _backs(c, index, renames, {})), None)
            if twin is not None:
                added_constraints.remove(twin)
                self.found.append(Difference(INDEX, REPLACED, index, twin, old, new))
            else:
                self.found.append(Difference(INDEX, REMOVED, index, None, old, new))
        self.found.extend(Difference(CONSTRAINT, ADDED, None, c, old, new) for c in added_constraints)
        self.found.extend(Difference(INDEX, ADDED, None, i, old, new) for i in added_indexes)

    # --- enums and domains ---------------------------------------------------------------------

    def _types(self, old: dict[QualifiedName, Any], new: dict[QualifiedName, Any], kind: str) -> None:
        if old is new or (old.keys() == new.keys() and all(value is new[key] for key, value in old.items())):
            return
        removed = [key for key in old if key not in new]
        added = [key for key in new if key not in old]
        # A renamed type keeps its value object (or at least equal contents): pair on that.
        renamed_old: set[QualifiedName] = set()
        renamed_new: set[QualifiedName] = set()
        for old_key in removed:
            twin = next((k for k in added if k not in renamed_new and new[k] is old[old_key]), None)
            twin = twin or next((k for k in added if k not in renamed_new and new[k] == old[old_key]), None)
            if twin is not None:
                renamed_old.add(old_key)
                renamed_new.add(twin)
                self.type_renames[twin[1]] = old_key[1]
                self.found.append(Difference(kind, RENAMED, (old_key, old[old_key]), (twin, new[twin])))
        for key, value in old.items():
            if key not in new:
                if key not in renamed_old:
                    self.found.append(Difference(kind, REMOVED, (key, value), None))
                continue
            other = new[key]
            if other is value or other == value:
                continue
            if kind == ENUM:
                details = []
                if set(other) - set(value):
                    details.append(VALUES_ADDED)
                if set(value) - set(other):
                    details.append(VALUES_REMOVED)
                self.found.append(Difference(kind, CHANGED, (key, value), (key, other), details=tuple(details or [VALUES_ORDER])))
            else:
                self.found.append(Difference(kind, CHANGED, (key, value), (key, other), details=(DOMAIN_DEFINITION,)))
        for key in added:
            if key not in renamed_new:
                self.found.append(Difference(kind, ADDED, None, (key, new[key])))


def _same_table(old: Table, new: Table) -> bool:
    """A quick check for a copied table whose contents did not change (in any order: a down that
    drops and re-adds a column or a key puts it last)."""
    if len(old.columns) != len(new.columns) or len(old.constraints) != len(new.constraints) or len(old.indexes) != len(new.indexes):
        return False
    columns = new.columns
    for name, a in old.columns.items():
        b = columns.get(name)
        if b is a:
            continue  # a column neither side changed: the copies still share it
        if b is None or a.not_null != b.not_null or a.has_default != b.has_default or a.default != b.default:
            return False
        if a.type is not b.type and a.type != b.type:  # copies share the type object: identity first
            return False
    # Copies share the constraint and index objects until one changes: identity first.
    if not all(map(operator.is_, old.constraints, new.constraints)):
        old_keys = [(c.kind, c.name or "", c.columns, c.references or (), c.referenced_columns) for c in old.constraints]
        new_keys = [(c.kind, c.name or "", c.columns, c.references or (), c.referenced_columns) for c in new.constraints]
        if old_keys != new_keys and sorted(old_keys, key=repr) != sorted(new_keys, key=repr):
            return False
    if all(map(operator.is_, old.indexes, new.indexes)):
        return True
    old_shapes = [(i.name or "", i.columns, i.unique, i.method, i.partial) for i in old.indexes]
    new_shapes = [(i.name or "", i.columns, i.unique, i.method, i.partial) for i in new.indexes]
    return old_shapes == new_shapes or sorted(old_shapes, key=repr) == sorted(new_shapes, key=repr)


def _pair(old: list[Any], new: list[Any], old_origin: Any, new_origin: Any) -> list[tuple[Any, Any]]:
    """Pairs of a removed and an added object with the same origin: one object, renamed."""
    if not old or not new:
        return []
    by_origin = {}
    for item in new:
        origin = new_origin(item)
        if origin is not None:
            by_origin.setdefault(origin, item)
    pairs = []
    for item in old:
        origin = old_origin(item)
        twin = by_origin.pop(origin, None) if origin is not None else None
        if twin is not None:
            pairs.append((item, twin))
    return pairs


def _match(olds: list[Any], old_keys: list[Any], news: list[Any], new_keys: list[Any]) -> tuple[list[Any], list[Any]]:
    """The items of each side without an equal key on the other (as multisets)."""
    pending: dict[Any, list[Any]] = {}
    for item, key in zip(news, new_keys, strict=True):
        pending.setdefault(key, []).append(item)
    unmatched_old = []
    for item, key in zip(olds, old_keys, strict=True):
        twins = pending.get(key)
        if twins:
            twins.pop(0)
        else:
            unmatched_old.append(item)
    return unmatched_old, [item for items in pending.values() for item in items]


def _backs(constraint: Constraint, index: Index, constraint_renames: dict[str, str], index_renames: dict[str, str]) -> bool:
    """Whether a unique index does what a primary key or unique constraint does (on the same columns)."""
    if constraint.kind not in (ConstraintKind.PRIMARY_KEY, ConstraintKind.UNIQUE):
        return False
    if not index.unique or index.partial or index.method != "btree":
        return False
    columns = tuple(constraint_renames.get(column, column) for column in constraint.columns)
    return columns == tuple(index_renames.get(column, column) if column else None for column in index.columns)


def _index_shape(index: Index, renames: dict[str, str]) -> tuple[Any, ...]:
    columns = tuple(renames.get(column, column) if column is not None else None for column in index.columns)
    return (columns, index.unique, index.method, index.partial)


def type_key(type_ref: TypeRef | None, renames: dict[str, str] | None = None) -> tuple[Any, ...] | None:
    """What makes two column types the same type (serial is its integer, a renamed enum its old name)."""
    if type_ref is None:
        return None
    name = _TYPE_ALIASES.get(type_ref.name, type_ref.name) if type_ref.schema is None else type_ref.name
    if renames:
        name = renames.get(name, name)
    return (name, type_ref.modifiers, type_ref.is_array)


def _same_type(old: TypeRef | None, new: TypeRef | None, renames: dict[str, str]) -> bool:
    if old is new:
        return True
    if type_key(old) != type_key(new, renames):
        return False
    assert old is not None and new is not None
    return old.schema is None or new.schema is None or old.schema == new.schema or new.name in renames

