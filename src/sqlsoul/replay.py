"""Replay DDL (libpg_query JSON) into the schema model, one statement at a time.

Every dialect arrives in libpg_query's shape (MySQL, MariaDB and SQLite through the sqlglot front
end, with `sqlsoul_` keys for what PostgreSQL has no words for). What differs between the engines
is decided here, by the dialect of the file a statement comes from: the names they give unnamed
constraints and indexes, the clauses MySQL parses but ignores, a dropped table's foreign keys.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any, Protocol

from sqlsoul.dialects import DEFAULT_MARIADB_VERSION, DEFAULT_MYSQL_VERSION, MARIADB, MYSQL, POSTGRES, SQLITE
from sqlsoul.findings import Span
from sqlsoul.model import (
    Catalog,
    Column,
    Constraint,
    ConstraintKind,
    Domain,
    Index,
    Origin,
    QualifiedName,
    Table,
    TypeRef,
    not_null_condition,
)
from sqlsoul.parsing import Statement
from sqlsoul.records import record
from sqlsoul.source import SourceFile

Node = dict[str, Any]

_CONSTRAINT_KINDS = {
    "CONSTR_PRIMARY": ConstraintKind.PRIMARY_KEY,
    "CONSTR_UNIQUE": ConstraintKind.UNIQUE,
    "CONSTR_FOREIGN": ConstraintKind.FOREIGN_KEY,
    "CONSTR_CHECK": ConstraintKind.CHECK,
    "CONSTR_EXCLUSION": ConstraintKind.EXCLUSION,
}
# PostgreSQL's suffixes for constraint names it chooses itself.
_GENERATED_SUFFIX = {
    ConstraintKind.PRIMARY_KEY: "pkey",
    ConstraintKind.UNIQUE: "key",
    ConstraintKind.FOREIGN_KEY: "fkey",
    ConstraintKind.CHECK: "check",
    ConstraintKind.EXCLUSION: "excl",
}
# Constraints backed by an index take the index's name, which must not clash with any relation.
_INDEX_BACKED = frozenset({ConstraintKind.PRIMARY_KEY, ConstraintKind.UNIQUE, ConstraintKind.EXCLUSION})
_MAX_IDENTIFIER_BYTES = 63  # NAMEDATALEN - 1
# ALTER TABLE commands on a column that PostgreSQL applies to the partitions too.
_COLUMN_COMMANDS = frozenset(
    {"AT_AddColumn", "AT_DropColumn", "AT_AlterColumnType", "AT_SetNotNull", "AT_DropNotNull", "AT_ColumnDefault"}
)
# PostgreSQL 18 names NOT NULL constraints table_column_not_null, numbered on a clash.
_NOT_NULL_NAME = re.compile(r"_not_null\d*$")
# serial types and the integer type each column really has (what it stays once its sequence goes)
SERIAL_STORAGE = {"serial": "int4", "serial4": "int4", "bigserial": "int8", "serial8": "int8", "smallserial": "int2",
                   "serial2": "int2"}
_SERIAL_TYPES = frozenset(SERIAL_STORAGE)
_PARTITION_KEYS = (ConstraintKind.PRIMARY_KEY, ConstraintKind.UNIQUE)  # keys a partition has through its parent
# Engines where a name means the same object whatever its case: SQLite's names, MySQL's columns and
# indexes (its table names follow the file system; folding them too only makes a history that would
# fail on Linux replay as it would on macOS and Windows).
_CASE_INSENSITIVE_DIALECTS = frozenset({MYSQL, MARIADB, SQLITE})
# ALTER TABLE commands whose name is a constraint's or an index's, not a column's.
_NAMED_KEY_COMMANDS = frozenset({"AT_DropConstraint", "AT_ValidateConstraint", "AT_DropIndex"})

# The first releases that act on a clause earlier ones parse and ignore: a CHECK constraint (MySQL
# 8.0.16, MariaDB 10.2.1), and REFERENCES written in a column's definition (MySQL 9.0.0, MariaDB 10.5.0).
CHECKS_ENFORCED_FROM = {MYSQL: (8, 0, 16), MARIADB: (10, 2, 1)}
INLINE_REFERENCES_FROM = {MYSQL: (9, 0, 0), MARIADB: (10, 5, 0)}
MYSQL_PRIMARY_KEY_NAME = "PRIMARY"  # MySQL names every primary key PRIMARY (DROP INDEX `PRIMARY` drops it)


class ServerVersions(Protocol):
    """The server releases a project's MySQL and MariaDB migrations target (LintSettings has them)."""

    mysql_version: tuple[int, ...]
    mariadb_version: tuple[int, ...]


@record(frozen=True)
class DefaultVersions:
    """The releases sqlsoul judges against when nobody says otherwise."""

    mysql_version: tuple[int, ...] = DEFAULT_MYSQL_VERSION
    mariadb_version: tuple[int, ...] = DEFAULT_MARIADB_VERSION


def target_version(dialect: str, versions: ServerVersions) -> tuple[int, ...] | None:
    """The release a file of this dialect targets; None for engines whose behaviour sqlsoul does not tie to one."""
    if dialect == MYSQL:
        return versions.mysql_version
    if dialect == MARIADB:
        return versions.mariadb_version
    return None


def checks_ignored(dialect: str, versions: ServerVersions) -> bool:
    """Whether the target server parses CHECK constraints and throws them away."""
    version = target_version(dialect, versions)
    return version is not None and version < CHECKS_ENFORCED_FROM[dialect]


def inline_references_ignored(dialect: str, versions: ServerVersions) -> bool:
    """Whether the target server parses a column's own REFERENCES clause and creates no foreign key."""
    version = target_version(dialect, versions)
    return version is not None and version < INLINE_REFERENCES_FROM[dialect]


def names(items: list[Node] | None) -> tuple[str, ...]:
    """The strings of a libpg_query list of String nodes."""
    return tuple(item["String"]["sval"] for item in items or () if "String" in item)


def type_ref(type_name: Node) -> TypeRef:
    parts = names(type_name.get("names"))
    schema = parts[-2] if len(parts) > 1 and parts[-2] != "pg_catalog" else None
    modifiers = tuple(
        mod["A_Const"]["ival"].get("ival", 0)
        for mod in type_name.get("typmods") or ()
        if "A_Const" in mod and "ival" in mod["A_Const"]
    )
    return TypeRef(parts[-1], schema, modifiers, bool(type_name.get("arrayBounds")))


def column_type(definition: Node) -> TypeRef | None:
    """A column definition's type with what MySQL adds to it: the values of an ENUM or SET, UNSIGNED."""
    type_name = definition.get("typeName")
    if type_name is None:
        return None
    found = type_ref(type_name)
    members, unsigned = definition.get("sqlsoul_enum_values"), definition.get("sqlsoul_unsigned", False)
    if members or unsigned:
        return TypeRef(found.name, found.schema, found.modifiers, found.is_array, tuple(members or ()), unsigned)
    return found


def column_refs(expression: Any) -> list[str]:
    """Names of the columns an expression reads (the last part of each column reference), in the
    order they are written. A loop over a stack: expressions nest deeply, and recursive generators
    cost a frame per level. The replay, the naming of a CHECK and the rules each ask about the same
    CHECK expression, which can be large: the last few answers are kept, by the tree's identity."""
    seen = _COLUMN_REFS_SEEN.get(id(expression))
    if seen is not None and seen[0] is expression:
        return list(seen[1])
    found: list[str] = []
    pending = [expression]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            reference = item.get("ColumnRef")
            if reference is not None:
                fields = names(reference.get("fields"))
                if fields:
                    found.append(fields[-1])
            else:
                pending.extend(reversed(item.values()))  # reversed: popped in written order
        elif isinstance(item, list):
            pending.extend(reversed(item))
    if len(_COLUMN_REFS_SEEN) >= 16:
        _COLUMN_REFS_SEEN.clear()
    # The tree is kept with its answer: while it is alive, no other object can take its id.
    _COLUMN_REFS_SEEN[id(expression)] = (expression, tuple(found))
    return found


_COLUMN_REFS_SEEN: dict[int, tuple[Any, tuple[str, ...]]] = {}


def constant_text(expression: Node | None) -> str | None:
    """The literal text of a constant expression, looking through casts."""
    while expression:
        if "TypeCast" in expression:
            expression = expression["TypeCast"].get("arg")
            continue
        constant = expression.get("A_Const")
        if constant is None:
            return None
        if "sval" in constant:
            return constant["sval"].get("sval", "")
        if "ival" in constant:
            return str(constant["ival"].get("ival", 0))
        if "fval" in constant:
            return constant["fval"].get("fval")
        if "boolval" in constant:
            return "true" if constant["boolval"].get("boolval") else "false"
        return None
    return None


class Replayer:
    """Applies one history's statements to a catalog; unknown objects are left alone, never guessed.

    Every table it changes comes from `Catalog.writable` (here through `_table`, `_writable` and
    `_descendants`), so that a snapshot sharing the table keeps its own state.
    """

    def __init__(
        self, catalog: Catalog, known: set[QualifiedName] | None = None, versions: ServerVersions | None = None
    ) -> None:
        self.catalog = catalog
        self.versions: ServerVersions = versions or DefaultVersions()
        # Tables the history has created at some point: a statement that needs one of them when it
        # is gone cannot run. Tables never seen may come from outside the history: no judgement.
        self.known: set[QualifiedName] = known if known is not None else set()
        self._problem: str | None = None
        self._ignoring_case = False  # set per statement by its file's dialect
        self._handlers: dict[str, Callable[[Node, _Site], None]] = {
            "CreateStmt": self._create_table,
            "CreateTableAsStmt": self._create_table_as,
            "SelectStmt": self._select_into,
            "AlterTableStmt": self._alter_table,
            "RenameStmt": self._rename,
            "AlterObjectSchemaStmt": self._set_schema,
            "DropStmt": self._drop,
            "IndexStmt": self._create_index,
            "CreateEnumStmt": self._create_enum,
            "AlterEnumStmt": self._alter_enum,
            "CreateDomainStmt": self._create_domain,
            "AlterDomainStmt": self._alter_domain,
            "CreateSchemaStmt": self._create_schema,
            "VariableSetStmt": self._set_variable,
            "CommentStmt": self._comment,
            "Pragma": self._pragma,
        }
        # Names in use per (schema, relation namespace?, constraint namespace?), gathered once per
        # statement: a CREATE TABLE naming several constraints scans the catalog once, not each time.
        self._taken_names: dict[tuple[str, bool, bool], set[str]] = {}

    def apply(self, statement: Statement, source: SourceFile, file_index: int) -> str | None:
        """Replay a statement; return why it could not run against the model, if it could not."""
        handler = self._handlers.get(statement.kind)
        self._problem = None
        if handler is not None:
            self._taken_names.clear()
            self._ignoring_case = source.dialect in _CASE_INSENSITIVE_DIALECTS
            handler(statement.node, _Site(statement, source, file_index, None))
        return self._problem

    def _missing(self, what: str) -> None:
        self._problem = self._problem or f"{what} does not exist at this point"

    def _missing_table(self, schema: str | None, name: str) -> None:
        if any(known[1] == name and (schema is None or known[0] == schema) for known in self.known):
            self._missing(f"table {f'{schema}.' if schema else ''}{name}")

    # --- helpers -------------------------------------------------------------------------------

    def _key(self, range_var: Node, site: _Site) -> QualifiedName:
        return (range_var.get("schemaname") or site.schema or self.catalog.creation_schema, range_var["relname"])

    def _table(self, range_var: Node | None) -> Table | None:
        if not range_var:
            return None
        return self._lookup(range_var.get("schemaname"), range_var["relname"])

    def _read_only(self, range_var: Node | None) -> Table | None:
        """A table this statement only reads (a referenced or copied table): not copied for writing."""
        return self._find(range_var.get("schemaname"), range_var["relname"]) if range_var else None

    def _lookup(self, schema: str | None, name: str) -> Table | None:
        table = self._find(schema, name)
        return self.catalog.writable(table) if table is not None else None

    def _find(self, schema: str | None, name: str) -> Table | None:
        """The table a name means: in SQLite and MySQL whatever its case (see _CASE_INSENSITIVE_DIALECTS)."""
        table = self.catalog.table(schema, name)
        if table is None and self._ignoring_case:
            folded = name.casefold()
            table = next(
                (other for other in self.catalog.tables.values()
                 if other.name.casefold() == folded and (schema is None or other.schema == schema)),
                None,
            )
        return table

    def _spelled(self, table: Table, name: str) -> str:
        """A column name as the table spells it (it may be written in another case where case does not count)."""
        if not self._ignoring_case or name in table.columns:
            return name
        folded = name.casefold()
        return next((column for column in table.columns if column.casefold() == folded), name)

    def _writable(self, tables: Iterable[Table]) -> list[Table]:
        chosen = list(tables)  # chosen before any copy replaces an entry of the catalog being read
        return [self.catalog.writable(table) for table in chosen]

    def _referenced(self, range_var: Node, site: _Site) -> QualifiedName:
        table = self._read_only(range_var)
        return table.qualified if table else self._key(range_var, site)

    def _add_column(self, table: Table, definition: Node, site: _Site) -> None:
        name = definition["colname"]
        if definition.get("typeName") is not None or name not in table.columns:
            column = Column(name, column_type(definition), origin=site.origin(definition.get("location")))
            column.owner = table.owner
            table.columns[name] = column
        else:  # `PARTITION OF parent (col WITH OPTIONS ...)` adds constraints to an inherited column
            column = table.writable_column(name)
        if column.type is not None and column.type.name in _SERIAL_TYPES and column.type.schema is None:
            column.not_null = column.has_default = True  # serial is NOT NULL DEFAULT nextval(...)
        self._apply_definition(table, column, definition, site)

    def _apply_definition(self, table: Table, column: Column, definition: Node, site: _Site) -> None:
        """What a column definition says beyond its name and type: constraints, and MySQL's COMMENT
        and AUTO_INCREMENT (which numbers the rows: a default)."""
        for item in definition.get("constraints") or ():
            constraint = item.get("Constraint")
            if constraint:
                self._apply_column_constraint(table, column, constraint, site)
        if "sqlsoul_comment" in definition:
            column.comment = definition["sqlsoul_comment"]
        if definition.get("sqlsoul_auto_increment"):
            column.has_default = True

    def _redefine_column(self, table: Table, name: str, definition: Node, site: _Site) -> None:
        """MySQL's MODIFY and CHANGE: the definition replaces the column's type, nullability, default
        and comment (what it does not say is gone: no NOT NULL written means nullable), and CHANGE
        renames it. Keys the definition declares are added; the column keeps those it had."""
        new_name = definition["colname"]
        if new_name != name:
            _rename_column(table, name, new_name)
        column = table.writable_column(new_name)
        column.type = column_type(definition)
        column.not_null = bool(table.constraints_on(new_name, ConstraintKind.PRIMARY_KEY))  # a key column stays NOT NULL
        column.has_default, column.default, column.comment = False, None, None
        self._apply_definition(table, column, definition, site)

    def _apply_column_constraint(self, table: Table, column: Column, constraint: Node, site: _Site) -> None:
        contype = constraint["contype"]
        inline_reference = contype == "CONSTR_FOREIGN" and constraint.get("sqlsoul_inline")
        if inline_reference and inline_references_ignored(site.dialect, self.versions):
            return  # parsed, and thrown away: no foreign key
        if contype == "CONSTR_NOTNULL":
            column.not_null = True
        elif contype == "CONSTR_NULL":
            column.not_null = False
        elif contype == "CONSTR_DEFAULT":
            # DEFAULT NULL is no default: PostgreSQL stores no default for a null constant.
            column.has_default = not is_null(constraint.get("raw_expr"))
            column.default = constant_text(constraint.get("raw_expr"))
        elif contype in ("CONSTR_IDENTITY", "CONSTR_GENERATED"):
            column.has_default = True
            column.not_null = column.not_null or contype == "CONSTR_IDENTITY"
        elif contype in _CONSTRAINT_KINDS:
            kind = _CONSTRAINT_KINDS[contype]
            columns = (column.name,)
            if kind is ConstraintKind.CHECK:
                columns = tuple(dict.fromkeys(column_refs(constraint.get("raw_expr")))) or columns
                if site.dialect == MARIADB and not constraint.get("conname"):
                    constraint = {**constraint, "conname": column.name}  # MariaDB names a column's CHECK after it
            self._add_constraint(table, kind, constraint, columns, site)

    def _add_table_constraint(self, table: Table, constraint: Node, site: _Site) -> None:
        if constraint["contype"] == "CONSTR_NOTNULL":  # PostgreSQL 18: CONSTRAINT name NOT NULL col
            for column_name in names(constraint.get("keys")):
                if column_name in table.columns:
                    table.writable_column(column_name).not_null = True
            return
        kind = _CONSTRAINT_KINDS.get(constraint["contype"])
        if kind is None:
            return
        if kind is ConstraintKind.FOREIGN_KEY:
            columns = tuple(self._spelled(table, column) for column in names(constraint.get("fk_attrs")))
        elif kind is ConstraintKind.CHECK:
            columns = tuple(dict.fromkeys(column_refs(constraint.get("raw_expr"))))
        elif kind is ConstraintKind.EXCLUSION:
            elements = [pair["List"]["items"][0].get("IndexElem", {}) for pair in constraint.get("exclusions") or ()]
            columns = tuple(
                dict.fromkeys(
                    column for element in elements
                    for column in ((element["name"],) if element.get("name") else column_refs(element.get("expr")))
                )
            )
        else:
            columns = tuple(self._spelled(table, column) for column in names(constraint.get("keys")))
            index_name = constraint.get("indexname")
            if not columns and index_name:  # ADD CONSTRAINT ... USING INDEX
                index = next((i for i in table.indexes if i.name == index_name), None)
                columns = tuple(c for c in index.columns if c) if index else ()
                if index:
                    table.indexes.remove(index)
        self._add_constraint(table, kind, constraint, columns, site)

    def _add_constraint(
        self, table: Table, kind: ConstraintKind, constraint: Node, columns: tuple[str, ...], site: _Site
    ) -> None:
        if kind is ConstraintKind.CHECK and checks_ignored(site.dialect, self.versions):
            return  # parsed, and thrown away: nothing is checked
        name = constraint.get("conname")
        if site.dialect in (MYSQL, MARIADB) and (kind is ConstraintKind.PRIMARY_KEY or not name):
            name = self._mysql_constraint_name(table, kind, columns, site)
        elif not name and site.dialect != SQLITE:  # SQLite leaves unnamed constraints unnamed
            name = self._generated_name(table, kind, constraint, columns)
        added = Constraint(kind, name, columns, origin=site.origin(constraint.get("location")))
        added.validated = not constraint.get("skip_validation", False)
        if kind is ConstraintKind.FOREIGN_KEY and constraint.get("pktable"):
            added.references = self._referenced(constraint["pktable"], site)
            self.catalog.ever_referenced().add(added.references)
            added.referenced_columns = names(constraint.get("pk_attrs"))
        if kind is ConstraintKind.PRIMARY_KEY:
            for column_name in columns:
                if column_name in table.columns:
                    table.writable_column(column_name).not_null = True
        elif kind is ConstraintKind.CHECK:
            added.not_null_of = _not_null_test(constraint.get("raw_expr"))
            # The sqlglot front end leaves is_enforced out for NOT ENFORCED (libpg_query always sets it).
            added.enforced = site.dialect == POSTGRES or constraint.get("is_enforced", False)
        table.constraints.append(added)

    def _mysql_constraint_name(self, table: Table, kind: ConstraintKind, columns: tuple[str, ...], site: _Site) -> str:
        """The name MySQL gives a constraint declared without one: PRIMARY; a unique key is named like
        an index; table_ibfk_N for a foreign key; table_chk_N for a CHECK (MariaDB: CONSTRAINT_N)."""
        if kind is ConstraintKind.PRIMARY_KEY:
            return MYSQL_PRIMARY_KEY_NAME
        if kind is ConstraintKind.UNIQUE:
            return _mysql_index_name(table, columns[0] if columns else None)
        if kind is ConstraintKind.FOREIGN_KEY:
            prefix = f"{table.name}_ibfk_"
        else:
            prefix = "CONSTRAINT_" if site.dialect == MARIADB else f"{table.name}_chk_"
        numbers = [int(c.name[len(prefix):]) for c in table.constraints
                   if c.name and c.name.startswith(prefix) and c.name[len(prefix):].isdigit()]
        return f"{prefix}{max(numbers, default=0) + 1}"

    def _generated_name(self, table: Table, kind: ConstraintKind, constraint: Node, columns: tuple[str, ...]) -> str:
        """The name PostgreSQL gives a constraint declared without one."""
        if kind is ConstraintKind.PRIMARY_KEY:
            addition = None
        elif kind is ConstraintKind.CHECK:
            # tab_col_check when the expression reads exactly one column, else tab_check.
            read = tuple(dict.fromkeys(column_refs(constraint.get("raw_expr"))))
            addition = read[0] if len(read) == 1 else None
        elif kind is ConstraintKind.EXCLUSION:
            elements = [pair["List"]["items"][0].get("IndexElem", {}) for pair in constraint.get("exclusions") or ()]
            addition = _name_addition(_index_column_names(elements))
        elif kind is ConstraintKind.UNIQUE:
            addition = _name_addition((*columns, *names(constraint.get("including"))))
        else:
            addition = _name_addition(columns)
        return self._choose_name(table, addition, _GENERATED_SUFFIX[kind], kind in _INDEX_BACKED, constraint=True)

    def _choose_name(self, table: Table, addition: str | None, label: str, relation: bool, constraint: bool) -> str:
        """PostgreSQL's ChooseConstraintName / ChooseRelationName: add 1, 2 ... to the label on a clash."""
        key = (table.schema, relation, constraint)
        taken = self._taken_names.get(key)
        if taken is None:
            taken = self._taken_names[key] = self._names_in_use(*key)
        number = 0
        while True:
            name = _make_object_name(table.name, addition, f"{label}{number or ''}")
            if name not in taken:
                break
            number += 1
        for (schema, _, _), names_in_use in self._taken_names.items():
            if schema == table.schema:
                names_in_use.add(name)  # the caller gives this name to a new object right away
        return name

    def _names_in_use(self, schema: str, relation: bool, constraint: bool) -> set[str]:
        tables = [other for other in self.catalog.tables.values() if other.schema == schema]
        # The None of unnamed constraints and indexes is gathered too and dropped once at the end:
        # a test per item costs more (this runs for most statements that name something themselves).
        found: set[str | None]
        if constraint:
            found = {item.name for other in tables for item in other.constraints}
        elif relation:
            found = {item.name for other in tables for item in other.constraints if item.kind in _INDEX_BACKED}
        else:
            found = set()
        if relation:
            found |= {other.name for other in tables}
            found |= {index.name for other in tables for index in other.indexes}
        found.discard(None)
        return found  # type: ignore[return-value]  # None is gone

    # --- statements ----------------------------------------------------------------------------

    def _create_table(self, node: Node, site: _Site) -> None:
        key = self._key(node["relation"], site)
        if key in self.catalog.tables and node.get("if_not_exists"):
            return
        relation = node["relation"]
        table = self.catalog.add(Table(*key, origin=site.origin(relation.get("location")), temporary=_is_temporary(relation)))
        self.known.add(key)
        parent_vars = [item["RangeVar"] for item in node.get("inhRelations") or () if "RangeVar" in item]
        if node.get("partbound") and parent_vars:
            self.catalog.mark_partition(table, self._referenced(parent_vars[0], site))
        if node.get("ofTypename"):
            table.columns_known = False  # columns come from a composite type we do not model
        for parent_var in parent_vars:  # a partition or an inheriting table starts with its parents' columns
            parent = self._read_only(parent_var)
            if parent is None or not parent.columns_known:
                table.columns_known = False
            else:
                for column in parent.columns.values():
                    table.columns.setdefault(column.name, _inherited(column))
        for element in node.get("tableElts") or ():
            if "ColumnDef" in element:
                self._add_column(table, element["ColumnDef"], site)
            elif "Constraint" in element:
                self._add_table_constraint(table, element["Constraint"], site)
            elif "TableLikeClause" in element:
                self._copy_like(table, element["TableLikeClause"], site)
        if "sqlsoul_comment" in node:
            table.comment = node["sqlsoul_comment"]
        for index in node.get("sqlsoul_indexes") or ():  # MySQL's KEY and INDEX clauses
            self._add_index(table, index, site)

    def _copy_like(self, table: Table, clause: Node, site: _Site) -> None:
        source = self._read_only(clause.get("relation"))
        if source is None or not source.columns_known:
            table.columns_known = False
            return
        for name, column in source.columns.items():
            # Copied columns were introduced (and are judged) in the source table.
            table.columns[name] = _inherited(column)
        if site.dialect in (MYSQL, MARIADB):
            # MySQL's LIKE copies the keys, checks and indexes too, under their names; not the foreign keys.
            table.constraints.extend(
                replace(constraint, origin=None) for constraint in source.constraints
                if constraint.kind is not ConstraintKind.FOREIGN_KEY
            )
            table.indexes.extend(replace(index, origin=None) for index in source.indexes)

    def _create_table_as(self, node: Node, site: _Site) -> None:
        if node.get("objtype", "OBJECT_TABLE") == "OBJECT_TABLE":
            if node.get("if_not_exists") and self._key(node["into"]["rel"], site) in self.catalog.tables:
                return
            self._unknown_table(node["into"]["rel"], site)

    def _select_into(self, node: Node, site: _Site) -> None:
        into = node.get("intoClause")
        if into:
            self._unknown_table(into["rel"], site)

    def _unknown_table(self, range_var: Node, site: _Site) -> None:
        key = self._key(range_var, site)
        self.catalog.add(
            Table(*key, columns_known=False, origin=site.origin(range_var.get("location")), temporary=_is_temporary(range_var))
        )
        self.known.add(key)

    def _alter_table(self, node: Node, site: _Site) -> None:
        if node.get("objtype", "OBJECT_TABLE") not in ("OBJECT_TABLE", "OBJECT_FOREIGN_TABLE"):
            return
        table = self._table(node.get("relation"))
        if table is None:
            if node.get("relation") and not node.get("missing_ok"):
                self._missing_table(node["relation"].get("schemaname"), node["relation"]["relname"])
            return
        recurse = node["relation"].get("inh", False)  # ALTER TABLE ONLY leaves the partitions alone
        for item in node.get("cmds") or ():
            command = item["AlterTableCmd"]
            self._alter_table_command(table, command, site)
            if recurse and command.get("subtype") in _COLUMN_COMMANDS:
                for partition in self._descendants(table):
                    self._sync_partition_column(partition, table, command)

    def _descendants(self, table: Table) -> list[Table]:
        found: list[Table] = []
        pending = [table]
        while pending:
            for child in self._writable(self.catalog.partitions(pending.pop())):
                if child not in found and child is not table:
                    found.append(child)
                    pending.append(child)
        return found

    def _sync_partition_column(self, partition: Table, parent: Table, command: Node) -> None:
        """Partitions follow their parent's column changes (PostgreSQL recurses them)."""
        subtype, name = command.get("subtype"), command.get("name")
        if subtype == "AT_AddColumn":
            name = command["def"]["ColumnDef"]["colname"]
            if name in parent.columns and name not in partition.columns:
                partition.columns[name] = _inherited(parent.columns[name])
        elif subtype == "AT_DropColumn" and name:
            _drop_column(partition, name)
        elif name in parent.columns and name in partition.columns:
            source, target = parent.columns[name], partition.writable_column(name)
            target.type, target.default, target.has_default = source.type, source.default, source.has_default
            target.not_null = source.not_null

    def _alter_table_command(self, table: Table, command: Node, site: _Site) -> None:
        subtype = command.get("subtype")
        name = command.get("name")
        if name and subtype not in _NAMED_KEY_COMMANDS:
            name = self._spelled(table, name)
        column = table.writable_column(name) if name in table.columns else None
        definition = command.get("def") or {}
        if subtype == "AT_AddColumn":
            column_def = definition["ColumnDef"]
            if not (command.get("missing_ok") and column_def["colname"] in table.columns):
                self._add_column(table, column_def, site)
        elif subtype == "AT_DropColumn" and name:
            if name not in table.columns and table.columns_known and not command.get("missing_ok"):
                self._missing(f"column {table.name}.{name}")
            key = next((c.columns for c in table.constraints if c.kind is ConstraintKind.PRIMARY_KEY), ())
            self._drop_references(table.qualified, lambda c: name in (c.referenced_columns or key))
            _drop_column(table, name)
            self._taken_names.clear()
        elif subtype == "AT_AlterColumnType" and column is not None:
            if command.get("sqlsoul_redefine"):
                self._redefine_column(table, column.name, definition["ColumnDef"], site)
            else:
                column.type = column_type(definition.get("ColumnDef", {}))
        elif subtype == "AT_AddIndex" and "IndexStmt" in definition:  # MySQL's ALTER TABLE ... ADD INDEX
            self._add_index(table, definition["IndexStmt"], site)
        elif subtype == "AT_DropIndex" and name:  # MySQL's ALTER TABLE ... DROP INDEX
            _drop_mysql_index(table, name)
        elif subtype == "AT_SetNotNull" and column is not None:
            column.not_null = True
        elif subtype == "AT_DropNotNull" and column is not None:
            column.not_null = False
        elif subtype == "AT_ColumnDefault" and column is not None:
            column.has_default = bool(definition) and not is_null(definition)
            column.default = constant_text(definition) if definition else None
        elif subtype == "AT_AddIdentity" and column is not None:  # pg_dump's way to declare identity columns
            column.has_default = column.not_null = True
            column.default = None
            if column.type is not None and column.type.schema is None and column.type.name in SERIAL_STORAGE:
                column.type = TypeRef(SERIAL_STORAGE[column.type.name])  # an identity now, no longer a serial
        elif subtype == "AT_DropIdentity" and column is not None:
            column.has_default = False
        elif subtype in ("AT_AddConstraint", "AT_AddIndexConstraint") and "Constraint" in definition:
            self._add_table_constraint(table, definition["Constraint"], site)
        elif subtype == "AT_ValidateConstraint":
            table.writable_keys()
            for constraint in table.constraints:
                if constraint.name == name:
                    constraint.validated = True
        elif subtype == "AT_DropConstraint":
            # NOT NULL constraints have names too (PostgreSQL 18), but the model keeps them as a flag.
            modelled = not _NOT_NULL_NAME.search(name or "")
            if modelled and not command.get("missing_ok") and table.columns_known and all(c.name != name for c in table.constraints):
                self._missing(f"constraint {name} on {table.name}")
            table.constraints = [c for c in table.constraints if c.name != name]
            self._taken_names.clear()  # the name is free again for the rest of the statement
        elif subtype == "AT_AttachPartition":
            child = self._table(definition.get("PartitionCmd", {}).get("name"))
            if child is not None:
                self.catalog.mark_partition(child, table.qualified)
                # Its keys that match the parent's become the parent's (PostgreSQL attaches their indexes).
                keys = [(c.kind, c.columns) for c in table.constraints if c.kind in _PARTITION_KEYS]
                child.constraints = [c for c in child.constraints if (c.kind, c.columns) not in keys]
        elif subtype in ("AT_DetachPartition", "AT_DetachPartitionFinalize"):
            child = self._table(definition.get("PartitionCmd", {}).get("name"))
            if child is not None:
                self.catalog.mark_partition(child, None)
                self._keep_partition_keys(table, child)

    def _keep_partition_keys(self, parent: Table, child: Table) -> None:
        """A detached partition keeps, as its own, the primary and unique keys it had through its parent."""
        for key in [c for c in parent.constraints if c.kind in _PARTITION_KEYS]:
            if not any(c.kind is key.kind and c.columns == key.columns for c in child.constraints):
                name = self._generated_name(child, key.kind, {}, key.columns)
                child.constraints.append(Constraint(key.kind, name, key.columns, origin=key.origin))

    def _rename(self, node: Node, site: _Site) -> None:
        rename_type = node.get("renameType")
        new_name = node.get("newname")
        if rename_type == "OBJECT_SCHEMA":
            self._rename_schema(node.get("subname"), new_name)
            return
        if rename_type in ("OBJECT_TYPE", "OBJECT_DOMAIN"):
            parts = names(node.get("object", {}).get("List", {}).get("items"))
            if parts and new_name:
                self._move_type(parts, lambda key: (key[0], new_name))
            return
        relation = node.get("relation")
        if rename_type == "OBJECT_INDEX" and node.get("sqlsoul_table"):  # MySQL: ALTER TABLE t RENAME INDEX a TO b
            table = self._table(node["sqlsoul_table"])
            if table is not None and relation and new_name:
                _rename_mysql_index(table, relation["relname"], new_name)
            return
        if rename_type == "OBJECT_INDEX" and relation:
            schema, old_name = relation.get("schemaname"), relation["relname"]
            concerned = [
                table for table in self.catalog.tables.values()
                if (schema is None or table.schema == schema)
                and any(item.name == old_name for item in (*table.indexes, *table.constraints))
            ]
            for table in self._writable(concerned):
                table.writable_keys()
                for index in table.indexes:
                    if index.name == relation["relname"]:
                        index.name = new_name
                for constraint in table.constraints:  # the index behind a primary key or unique constraint
                    if constraint.name == relation["relname"] and constraint.kind in _INDEX_BACKED:
                        constraint.name = new_name
            return
        table = self._table(relation)
        if table is None:
            return
        if rename_type == "OBJECT_TABLE":
            self._move_table(table, (table.schema, new_name))
        elif rename_type == "OBJECT_COLUMN" and node.get("subname"):
            old_name = self._spelled(table, node["subname"])
            if old_name in table.columns or not table.columns_known:
                for renamed in (table, *(self._descendants(table) if relation.get("inh", False) else ())):
                    if old_name in renamed.columns or not renamed.columns_known:
                        _rename_column(renamed, old_name, new_name)
        elif rename_type == "OBJECT_TABCONSTRAINT":
            table.writable_keys()
            for constraint in table.constraints:
                if constraint.name == node.get("subname"):
                    constraint.name = new_name

    def _move_table(self, table: Table, key: QualifiedName) -> None:
        old = table.qualified
        del self.catalog.tables[old]
        table.schema, table.name = key
        self.catalog.tables[key] = table
        if old in self.catalog.ever_referenced():  # the foreign keys to it follow it below
            self.catalog.ever_referenced().add(key)
        concerned = [
            other for other in self.catalog.tables.values()
            if other.partition_of == old or any(constraint.references == old for constraint in other.constraints)
        ]
        for other in self._writable(concerned):
            other.writable_keys()
            for constraint in other.constraints:
                if constraint.references == old:
                    constraint.references = key
            if other.partition_of == old:
                other.partition_of = key

    def _rename_schema(self, old: str | None, new: str | None) -> None:
        if not old or not new:
            return
        self.catalog.schemas.discard(old)
        self.catalog.schemas.add(new)
        for table in self._writable([t for t in self.catalog.tables.values() if t.schema == old]):
            self._move_table(table, (new, table.name))
        for registry in (self.catalog.enums, self.catalog.domains):
            for key in [key for key in registry if key[0] == old]:
                self._move_type((old, key[1]), lambda key: (new, key[1]))

    def _set_schema(self, node: Node, site: _Site) -> None:
        object_type, new_schema = node.get("objectType"), node.get("newschema")
        if object_type == "OBJECT_TABLE":
            table = self._table(node.get("relation"))
            if table is not None:
                self._move_table(table, (new_schema, table.name))
        elif object_type in ("OBJECT_TYPE", "OBJECT_DOMAIN") and new_schema:
            parts = names(node.get("object", {}).get("List", {}).get("items"))
            if parts:
                self._move_type(parts, lambda key: (new_schema, key[1]))

    def _move_type(self, parts: tuple[str, ...], new_key: Callable[[QualifiedName], QualifiedName]) -> None:
        """Rename an enum or domain, or move it to another schema; columns of that type follow it."""
        ref = TypeRef(parts[-1], parts[-2] if len(parts) > 1 else None)
        for registry, found in ((self.catalog.enums, self.catalog.enum(ref)), (self.catalog.domains, self.catalog.domain(ref))):
            if found is None:
                continue
            old = next(key for key, value in registry.items() if value is found)
            users = [
                table.writable_column(column.name)
                for table in self._writable(
                    table for table in self.catalog.tables.values()
                    if any(column.type is not None and column.type.name == old[1] for column in table.columns.values())
                )
                for column in list(table.columns.values())
                if column.type is not None and column.type.name == old[1]
                and self.catalog._resolve(registry, column.type.schema, column.type.name) == old  # type: ignore[arg-type]
            ]
            key = new_key(old)
            del registry[old]
            registry[key] = found  # type: ignore[assignment]
            for column in users:
                assert column.type is not None
                moved = TypeRef(key[1], column.type.schema and key[0], column.type.modifiers, column.type.is_array)
                if self.catalog._resolve(registry, moved.schema, moved.name) != key:  # type: ignore[arg-type]
                    moved = TypeRef(key[1], key[0], moved.modifiers, moved.is_array)
                column.type = moved

    def _drop(self, node: Node, site: _Site) -> None:
        remove_type = node.get("removeType")
        for item in node.get("objects") or ():
            parts = names(item["List"]["items"]) if "List" in item else ()
            if "String" in item:
                parts = (item["String"]["sval"],)
            if remove_type == "OBJECT_TABLE" and parts:
                table = self._find(parts[-2] if len(parts) > 1 else None, parts[-1])
                if table is not None:
                    self._drop_table(table, cascade=site.dialect == POSTGRES)
                elif not node.get("missing_ok"):
                    self._missing_table(parts[-2] if len(parts) > 1 else None, parts[-1])
            elif remove_type == "OBJECT_INDEX" and parts and node.get("sqlsoul_table"):  # MySQL's DROP INDEX name ON t
                table = self._table(node["sqlsoul_table"])
                if table is not None:
                    _drop_mysql_index(table, parts[-1])
            elif remove_type == "OBJECT_INDEX" and parts:
                self._drop_index(parts[-2] if len(parts) > 1 else None, parts[-1])
            elif remove_type in ("OBJECT_TYPE", "OBJECT_DOMAIN"):
                type_parts = names(item["TypeName"]["names"]) if "TypeName" in item else parts
                self._drop_type(type_parts)
            elif remove_type == "OBJECT_SCHEMA" and parts:
                self.catalog.schemas.discard(parts[-1])
                for table in [table for table in self.catalog.tables.values() if table.schema == parts[-1]]:
                    if table.qualified in self.catalog.tables:
                        self._drop_table(table)
                for registry in (self.catalog.enums, self.catalog.domains):
                    for key in [key for key in registry if key[0] == parts[-1]]:
                        del registry[key]

    def _drop_table(self, table: Table, cascade: bool = True) -> None:
        """Drop a table with its partitions. In PostgreSQL the foreign keys that pointed at it go too
        (CASCADE, or none existed). SQLite keeps them, naming the table, and so does MySQL when it lets
        the drop through (foreign_key_checks off): a table created under that name later is what they
        reference, which is how SQLite's rebuild (create new, copy, drop old, rename) keeps its keys."""
        for dropped in (table, *self._descendants(table)):
            self.catalog.tables.pop(dropped.qualified, None)
            if cascade:
                self._drop_references(dropped.qualified, lambda c: True)

    def _drop_references(self, target: QualifiedName, affected: Callable[[Constraint], bool]) -> None:
        """Drop the foreign keys that point at `target` and that `affected` selects (CASCADE)."""
        if target not in self.catalog.ever_referenced():
            return
        # One flat pass to find the few tables concerned; only their lists are rebuilt.
        concerned = {id(other): other for other in self.catalog.tables.values() for c in other.constraints
                     if c.references == target and c.kind is ConstraintKind.FOREIGN_KEY and affected(c)}
        for other in self._writable(concerned.values()):
            other.constraints = [
                c for c in other.constraints
                if not (c.kind is ConstraintKind.FOREIGN_KEY and c.references == target and affected(c))
            ]

    def _drop_index(self, schema: str | None, name: str) -> None:
        concerned = {id(table): table for table in self.catalog.tables.values() for index in table.indexes
                     if index.name == name and (schema is None or table.schema == schema)}
        for table in self._writable(concerned.values()):
            table.indexes = [index for index in table.indexes if index.name != name]

    def _drop_type(self, parts: tuple[str, ...]) -> None:
        if not parts:
            return
        ref = TypeRef(parts[-1], parts[-2] if len(parts) > 1 else None)
        for registry, found in ((self.catalog.enums, self.catalog.enum(ref)), (self.catalog.domains, self.catalog.domain(ref))):
            if found is not None:
                for key in [key for key, value in registry.items() if value is found]:
                    del registry[key]

    def _create_index(self, node: Node, site: _Site) -> None:
        table = self._table(node.get("relation"))
        if table is not None:
            self._add_index(table, node, site)

    def _add_index(self, table: Table, node: Node, site: _Site) -> None:
        name = node.get("idxname")
        if name and node.get("if_not_exists") and any(index.name == name for index in table.indexes):
            return
        elements = [param["IndexElem"] for param in node.get("indexParams") or ()]
        including = [param["IndexElem"] for param in node.get("indexIncludingParams") or ()]
        columns = tuple(self._spelled(table, element["name"]) if element.get("name") else None for element in elements)
        # What the index's expressions and WHERE clause read (most indexes have neither).
        expressions = [element["expr"] for element in elements if element.get("expr")]
        if node.get("whereClause"):
            expressions.append(node["whereClause"])
        if not name and site.dialect in (MYSQL, MARIADB):
            name = _mysql_index_name(table, columns[0] if columns else None)
        elif not name:  # PostgreSQL names it table_columns_idx (or _key for a unique constraint's index)
            addition = _name_addition(_index_column_names(elements + including))
            name = self._choose_name(table, addition, "idx", relation=True, constraint=False)
        table.indexes.append(
            Index(
                name,
                columns,
                unique=node.get("unique", False),
                method=node.get("accessMethod", "btree"),
                partial="whereClause" in node,
                origin=site.origin(node["relation"].get("location")),  # a MySQL KEY clause's own location
                column_options=tuple(_column_options(element) for element in elements),
                include=tuple(element["name"] for element in including if element.get("name")),
                predicate=_predicate(node.get("whereClause")),
                read=frozenset(column_refs(expressions)) if expressions else frozenset(),
            )
        )

    def _qualified_type(self, parts: tuple[str, ...], site: _Site) -> QualifiedName:
        return (parts[-2] if len(parts) > 1 else site.schema or self.catalog.creation_schema, parts[-1])

    def _create_enum(self, node: Node, site: _Site) -> None:
        self.catalog.enums[self._qualified_type(names(node.get("typeName")), site)] = names(node.get("vals"))

    def _alter_enum(self, node: Node, site: _Site) -> None:
        parts = names(node.get("typeName"))
        ref = TypeRef(parts[-1], parts[-2] if len(parts) > 1 else None) if parts else None
        key = self.catalog._resolve(self.catalog.enums, ref.schema, ref.name) if ref else None  # type: ignore[arg-type]
        if key is None:
            return
        values = list(self.catalog.enums[key])
        if node.get("oldVal"):
            values = [node["newVal"] if value == node["oldVal"] else value for value in values]
            self._rename_enum_defaults(key, node["oldVal"], node["newVal"])
        elif node.get("newVal") and node["newVal"] not in values:
            neighbor = node.get("newValNeighbor")
            if neighbor in values:  # ADD VALUE ... BEFORE / AFTER an existing label
                values.insert(values.index(neighbor) + (1 if node.get("newValIsAfter") else 0), node["newVal"])
            else:
                values.append(node["newVal"])
        self.catalog.enums[key] = tuple(values)

    def _rename_enum_defaults(self, key: QualifiedName, old: str, new: str) -> None:
        """A default that is the renamed value follows it (PostgreSQL stores the value, not its label)."""
        def uses(column: Column) -> bool:
            return (column.default == old and column.type is not None and column.type.name == key[1]
                    and column.type.schema in (None, key[0]))
        concerned = [table for table in self.catalog.tables.values() if any(uses(c) for c in table.columns.values())]
        for table in self._writable(concerned):
            for column in list(table.columns.values()):
                if uses(column):
                    table.writable_column(column.name).default = new

    def _create_domain(self, node: Node, site: _Site) -> None:
        has_check = any(
            item.get("Constraint", {}).get("contype") == "CONSTR_CHECK" for item in node.get("constraints") or ()
        )
        base = type_ref(node["typeName"]) if node.get("typeName") else None
        self.catalog.domains[self._qualified_type(names(node.get("domainname")), site)] = Domain(base, has_check)

    def _alter_domain(self, node: Node, site: _Site) -> None:
        parts = names(node.get("typeName"))
        ref = TypeRef(parts[-1], parts[-2] if len(parts) > 1 else None) if parts else None
        key = self.catalog._resolve(self.catalog.domains, ref.schema, ref.name) if ref else None  # type: ignore[arg-type]
        adds_check = node.get("def", {}).get("Constraint", {}).get("contype") == "CONSTR_CHECK"
        if key is not None and node.get("subtype") == "C" and adds_check:
            self.catalog.domains[key] = Domain(self.catalog.domains[key].base, has_check=True)

    def _create_schema(self, node: Node, site: _Site) -> None:
        schema = node.get("schemaname")
        if not schema:
            return
        self.catalog.schemas.add(schema)
        inner = _Site(site.statement, site.source, site.file_index, schema)
        # Like PostgreSQL, put the new schema in front of the search path while its elements run,
        # so that `CREATE SCHEMA s CREATE TABLE t ... CREATE INDEX ON t ...` finds s.t.
        search_path = self.catalog.search_path
        self.catalog.search_path = (schema, *search_path)
        try:
            for element in node.get("schemaElts") or ():
                ((kind, body),) = element.items()
                handler = self._handlers.get(kind)
                if handler is not None:
                    handler(body, inner)
        finally:
            self.catalog.search_path = search_path

    def _set_variable(self, node: Node, site: _Site) -> None:
        if node.get("name") != "search_path":
            return
        if node.get("kind") == "VAR_SET_VALUE":
            path = tuple(constant_text(arg) or "" for arg in node.get("args") or ())
            self.catalog.search_path = tuple(part for part in path if part and part != "$user") or ("public",)
        elif node.get("kind") in ("VAR_SET_DEFAULT", "VAR_RESET"):
            self.catalog.search_path = ("public",)

    def _pragma(self, node: Node, site: _Site) -> None:
        """SQLite's PRAGMA name = value: the settings later rules ask about (foreign_keys)."""
        if node.get("name") and node.get("value") is not None:
            self.catalog.pragmas[str(node["name"]).lower()] = str(node["value"]).lower()

    def _comment(self, node: Node, site: _Site) -> None:
        object_type = node.get("objtype")
        parts = names(node.get("object", {}).get("List", {}).get("items"))
        comment = node.get("comment")
        if object_type == "OBJECT_COLUMN" and len(parts) >= 2:
            table = self._lookup(parts[-3] if len(parts) > 2 else None, parts[-2])
            if table is not None and parts[-1] in table.columns:
                table.writable_column(parts[-1]).comment = comment
        elif object_type == "OBJECT_TABLE" and parts:
            table = self._lookup(parts[-2] if len(parts) > 1 else None, parts[-1])
            if table is not None:
                table.comment = comment


class _Site:
    """Where the statement being replayed sits, to stamp origins on what it creates."""

    __slots__ = ("statement", "source", "file_index", "schema", "dialect")

    def __init__(self, statement: Statement, source: SourceFile, file_index: int, schema: str | None) -> None:
        self.statement = statement
        self.source = source
        self.file_index = file_index
        self.schema = schema  # set inside CREATE SCHEMA ... CREATE TABLE
        self.dialect = source.dialect

    def origin(self, location: int | None) -> Origin:
        start = self.statement.offset(location)
        end = self.source.identifier_end(start) if location is not None and location >= 0 else self.statement.span.end
        return Origin(self.file_index, self.statement.index, Span(start, end))


def _drop_mysql_index(table: Table, name: str) -> None:
    """MySQL's DROP INDEX: index names belong to their table, and a unique key (or PRIMARY) is an index."""
    table.indexes = [index for index in table.indexes if index.name != name]
    table.constraints = [c for c in table.constraints if not (c.name == name and c.kind in _INDEX_BACKED)]


def _rename_mysql_index(table: Table, old: str, new: str) -> None:
    table.writable_keys()
    for index in table.indexes:
        if index.name == old:
            index.name = new
    for constraint in table.constraints:  # a unique key (or PRIMARY) is an index in MySQL
        if constraint.name == old and constraint.kind in _INDEX_BACKED:
            constraint.name = new


def _mysql_index_name(table: Table, first_column: str | None) -> str:
    """The name MySQL gives an index (or unique key) declared without one: its first column's, with
    _2, _3 ... when that name is taken on the table (index names are per table in MySQL)."""
    base = first_column or "functional_index"
    taken = {index.name for index in table.indexes} | {c.name for c in table.constraints if c.kind in _INDEX_BACKED}
    name, number = base, 1
    while name in taken:
        number += 1
        name = f"{base}_{number}"
    return name


def _make_object_name(name1: str, name2: str | None, label: str) -> str:
    """PostgreSQL's makeObjectName: name1_name2_label in 63 bytes, shortening the longer name first."""
    first, second = name1.encode(), (name2 or "").encode()
    room = _MAX_IDENTIFIER_BYTES - len(label) - 1 - (1 if name2 is not None else 0)
    keep1, keep2 = len(first), len(second)
    while keep1 + keep2 > room:
        if keep1 > keep2:
            keep1 -= 1
        else:
            keep2 -= 1
    parts = [first[:keep1].decode(errors="ignore")]
    if name2 is not None:
        parts.append(second[:keep2].decode(errors="ignore"))
    return "_".join([*parts, label])


def _name_addition(column_names: tuple[str, ...] | list[str]) -> str:
    """PostgreSQL's ChooseIndexNameAddition: the column names joined by underscores."""
    joined = ""
    for name in column_names:
        if joined:
            joined += "_"
        joined += name.encode()[:_MAX_IDENTIFIER_BYTES].decode(errors="ignore")
        if len(joined.encode()) > _MAX_IDENTIFIER_BYTES:
            break
    return joined


def _index_column_names(elements: list[Node]) -> list[str]:
    """PostgreSQL's ChooseIndexColumnNames: a column's name, a name guessed from an expression, or expr."""
    chosen: list[str] = []
    for element in elements:
        original = element.get("indexcolname") or element.get("name") or _figure_name(element.get("expr")) or "expr"
        name, number = original, 0
        while name in chosen:
            number += 1
            name = original.encode()[: _MAX_IDENTIFIER_BYTES - len(str(number))].decode(errors="ignore") + str(number)
        chosen.append(name)
    return chosen


def _figure_name(expression: Node | None) -> str | None:
    """The column name PostgreSQL's FigureIndexColname gives an index expression, for common shapes."""
    return _figure_name_strength(expression)[0]


def _figure_name_strength(expression: Node | None) -> tuple[str | None, int]:
    if not expression or len(expression) != 1:
        return None, 0
    ((kind, body),) = expression.items()
    if kind == "ColumnRef":
        fields = names(body.get("fields"))
        return (fields[-1], 2) if fields else (None, 0)
    if kind == "A_Indirection":
        fields = names(body.get("indirection"))
        return (fields[-1], 2) if fields else _figure_name_strength(body.get("arg"))
    if kind == "FuncCall":
        return names(body.get("funcname"))[-1], 2
    if kind == "TypeCast":
        name, strength = _figure_name_strength(body.get("arg"))
        if strength <= 1:
            type_names = names((body.get("typeName") or {}).get("names"))
            if type_names:
                return type_names[-1], 1
        return name, strength
    if kind == "CollateClause":
        return _figure_name_strength(body.get("arg"))
    if kind == "CoalesceExpr":
        return "coalesce", 2
    if kind == "CaseExpr":
        return "case", 1
    return None, 0


def is_null(expression: Node | None) -> bool:
    """Whether an expression is the null constant (looking through casts)."""
    while expression and "TypeCast" in expression:
        expression = expression["TypeCast"].get("arg")
    return bool(expression) and bool(expression.get("A_Const", {}).get("isnull"))  # type: ignore[union-attr]


def _inherited(column: Column) -> Column:
    """A copy of a column for a table that takes it from another (LIKE, PARTITION OF, INHERITS)."""
    return Column(column.name, column.type, column.not_null, column.default, column.has_default)


def _drop_column(table: Table, name: str) -> None:
    table.columns.pop(name, None)
    # Constraints and indexes on a dropped column go with it.
    table.constraints = [c for c in table.constraints if name not in c.columns]
    table.indexes = [
        index for index in table.indexes
        if name not in index.columns and name not in index.include and name not in index.read
    ]


def _rename_column(table: Table, old: str, new: str) -> None:
    table.columns = {(new if key == old else key): column for key, column in table.columns.items()}
    if new in table.columns:  # else a column of a table whose columns are not known: its keys still follow
        table.writable_column(new).name = new
    table.writable_keys()
    for constraint in table.constraints:
        if old in constraint.columns:
            constraint.columns = tuple(new if c == old else c for c in constraint.columns)
    for index in table.indexes:
        if old in index.columns:
            index.columns = tuple(new if c == old else c for c in index.columns)
        if old in index.include:
            index.include = tuple(new if c == old else c for c in index.include)
        if index.predicate and not_null_condition(old) in index.predicate:
            index.predicate = index.predicate - {not_null_condition(old)} | {not_null_condition(new)}
        if old in index.read:
            index.read = index.read - {old} | {new}


def _not_null_test(expression: Node | None) -> str | None:
    """The column of a `column IS NOT NULL` expression (what lets SET NOT NULL skip its scan)."""
    test = (expression or {}).get("NullTest")
    if not test or test.get("nulltesttype") != "IS_NOT_NULL":
        return None
    fields = names(test.get("arg", {}).get("ColumnRef", {}).get("fields"))
    return fields[-1] if fields else None


def _is_temporary(relation: Node) -> bool:
    return relation.get("relpersistence") == "t"


def _column_options(element: Node) -> str:
    """An index column's opclass, collation and sort order, normalized: "" when all are the defaults."""
    descending = element.get("ordering") == "SORTBY_DESC"
    nulls = element.get("nulls_ordering", "SORTBY_NULLS_DEFAULT")
    nulls_first = nulls == "SORTBY_NULLS_FIRST" or (nulls == "SORTBY_NULLS_DEFAULT" and descending)
    parts = [".".join(names(element.get("opclass")))]
    if element.get("sqlsoul_prefix_length"):  # MySQL's col(10): only the first characters are indexed
        parts.append(f"({element['sqlsoul_prefix_length']})")
    if element.get("opclassopts"):
        parts.append(_normalized(element["opclassopts"]))
    if element.get("collation"):
        parts.append("COLLATE " + ".".join(f'"{name}"' for name in names(element["collation"])))
    parts.append("DESC" if descending else "")
    if nulls_first != descending:  # only the order that is not the default for the direction is spelled out
        parts.append("NULLS FIRST" if nulls_first else "NULLS LAST")
    return " ".join(part for part in parts if part)


def _predicate(expression: Node | None) -> frozenset[str] | None:
    """A partial index's WHERE clause as its AND-ed conditions, each normalized so equal conditions compare equal."""
    if not expression:
        return None
    conjunction = expression.get("BoolExpr")
    conditions = conjunction["args"] if conjunction and conjunction.get("boolop") == "AND_EXPR" else [expression]
    return frozenset(
        not_null_condition(column) if (column := _not_null_test(condition)) else _normalized(condition)
        for condition in conditions
    )


def _normalized(node: Any) -> str:
    """A parse tree as text with source locations dropped: the same expression written twice gives the same text."""
    return json.dumps(_without_locations(node), sort_keys=True, separators=(",", ":"))


def _without_locations(node: Any) -> Any:
    if isinstance(node, dict):
        return {key: _without_locations(value) for key, value in node.items() if key != "location"}
    if isinstance(node, list):
        return [_without_locations(item) for item in node]
    return node
