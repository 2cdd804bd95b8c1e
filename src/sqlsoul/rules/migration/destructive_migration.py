"""destructive-migration: an up that destroys data, which no down can bring back.

A unit rule, not a statement rule: the engine runs statement rules on down statements too, and
downs may destroy what their up created. The unit also says what is new: a table created (or a
column added) earlier in the same migration holds no rows yet, so dropping it destroys nothing.
A table whose rows were copied into another one first (INSERT INTO new SELECT ... FROM old, the
way SQLite rebuilds a table) loses only the columns the copy leaves out.
"""

from __future__ import annotations

from typing import Any

from sqlsoul.engine import UnitContext
from sqlsoul.model import Catalog, Table, TypeRef
from sqlsoul.parsing import Statement
from sqlsoul.replay import column_type, names
from sqlsoul.rules.base import Rule, builtin_meta
from sqlsoul.rules.labels import relation_label, sql_name, type_label

# Bytes of each integer type (MySQL's tinyint and mediumint among them).
_INTEGER_BYTES = {"tinyint": 1, "int2": 2, "smallserial": 2, "serial2": 2, "mediumint": 3, "int4": 4, "serial": 4,
                  "serial4": 4, "int8": 8, "bigserial": 8, "serial8": 8}
_INTEGER_DIGITS = {1: 2, 2: 4, 3: 6, 4: 9, 8: 18}  # digits every value of a numeric(p, 0) must have at most to fit
_FLOAT_RANK = {"float4": 1, "float8": 2}
_LIMITED_TEXT = frozenset({"varchar", "bpchar"})
_TEXT = frozenset({"text", "varchar", "bpchar", "citext", "name"})
_TIMESTAMPS = frozenset({"timestamp", "timestamptz"})
_PRECISION_TYPES = frozenset({"timestamp", "timestamptz", "time", "timetz", "interval"})
_DEFAULT_PRECISION = 6
SUPPRESS = (
    "If the loss is intended, suppress the finding with a reason "
    "(-- sqlsoul: ignore[destructive-migration] why the data is not needed)."
)
DROP_HELP = (
    "Make sure nothing needs the data, or keep it first (copy it to an archive table or export it); safer still, "
    "stop writing and reading it in one release and drop it in a later one. " + SUPPRESS
)
NARROWING_HELP = (
    "Check first that every value fits the new type (count the rows that would not), or keep the wider type; "
    "a later widening brings back the type, not what was cut or rounded. " + SUPPRESS
)


class DestructiveMigration(Rule):
    meta = builtin_meta("SS302")
    scope = "unit"

    def check_unit(self, ctx: UnitContext) -> None:
        state = _UnitState(ctx.before)
        for file, statement in ctx.up:
            destroyed = state.step(statement)
            if destroyed:
                narrowing = any(item.startswith("narrows") for item in destroyed)
                ctx.report(
                    file,
                    statement.span,
                    f"{'; '.join(destroyed)}: a down can bring back the structure, never the data",
                    NARROWING_HELP if narrowing else DROP_HELP,
                    statement.index,
                )


class _UnitState:
    """What the migration has done so far: tables it created, columns it added, renames, new types."""

    def __init__(self, before: Catalog) -> None:
        self.before = before
        self.created: set[str] = set()  # tables (as now named) created or emptied in this migration: no rows to lose
        self.original: dict[str, str] = {}  # a table's name now -> its name before the migration
        self.added: set[tuple[str, str]] = set()  # (table, column) added in this migration
        self.column_original: dict[tuple[str, str], str] = {}  # (table, column now) -> column name before
        self.types: dict[tuple[str, str], TypeRef | None] = {}  # (table, column) -> type set in this migration
        self.created_columns: dict[str, tuple[str, ...]] = {}  # columns of the tables this migration created
        self.copied: dict[str, tuple[str, tuple[str, ...] | None]] = {}  # table -> (its copy, columns copied or None: unknown)

    def step(self, statement: Statement) -> list[str]:
        node, kind = statement.node, statement.kind
        if kind == "CreateStmt":
            self.created.add(node["relation"]["relname"])
            self.created_columns[node["relation"]["relname"]] = tuple(
                element["ColumnDef"]["colname"] for element in node.get("tableElts") or () if "ColumnDef" in element
            )
        elif kind == "InsertStmt":
            self._copy(node)
        elif kind == "CreateTableAsStmt" and node.get("into"):
            self.created.add(node["into"]["rel"]["relname"])
        elif kind == "SelectStmt" and node.get("intoClause"):
            self.created.add(node["intoClause"]["rel"]["relname"])
        elif kind == "RenameStmt":
            self._rename(node)
        elif kind == "DropStmt":
            return self._drop(node)
        elif kind == "TruncateStmt":
            relations = [item["RangeVar"] for item in node.get("relations") or () if "RangeVar" in item]
            destroyed = [f"truncates {relation_label(relation)}" for relation in relations if not self._new_table(relation["relname"])]
            self.created.update(relation["relname"] for relation in relations)  # empty from here on
            return destroyed
        elif kind == "DeleteStmt" and not node.get("whereClause") and node.get("relation"):
            name = node["relation"]["relname"]
            if not self._new_table(name):
                self.created.add(name)
                return [f"deletes every row of {relation_label(node['relation'])}"]
        elif kind == "AlterTableStmt" and node.get("objtype", "OBJECT_TABLE") == "OBJECT_TABLE" and node.get("relation"):
            return self._alter(node)
        return []

    # --- what is new -------------------------------------------------------------------------

    def _new_table(self, name: str) -> bool:
        return name in self.created

    def _table_before(self, relation: dict[str, Any]) -> Table | None:
        return self.before.table(relation.get("schemaname"), self.original.get(relation["relname"], relation["relname"]))

    def _copy(self, node: dict[str, Any]) -> None:
        """INSERT INTO target [(columns)] SELECT ... FROM source: the source's rows live on in the target."""
        select = (node.get("selectStmt") or {}).get("SelectStmt") or {}
        sources = [item["RangeVar"]["relname"] for item in select.get("fromClause") or () if "RangeVar" in item]
        if len(sources) != 1 or not node.get("relation"):
            return
        target = node["relation"]["relname"]
        columns = tuple(item["ResTarget"]["name"] for item in node.get("cols") or () if "ResTarget" in item)
        # Without a column list the copy fills the target's columns: those of a table made here are known.
        self.copied[sources[0]] = (target, columns or self.created_columns.get(target) or None)

    def _rename(self, node: dict[str, Any]) -> None:
        relation, new = node.get("relation"), node.get("newname")
        if not relation or not new:
            return
        old = relation["relname"]
        if node.get("renameType") == "OBJECT_TABLE":
            if old in self.created:
                self.created.add(new)
            else:
                self.original[new] = self.original.get(old, old)
            for table, column in [key for key in self.added if key[0] == old]:
                self.added.add((new, column))
            for (table, column), before_name in list(self.column_original.items()):
                if table == old:
                    self.column_original[(new, column)] = before_name
        elif node.get("renameType") == "OBJECT_COLUMN" and node.get("subname"):
            self._rename_column(old, node["subname"], new)

    def _rename_column(self, table: str, column: str, new: str) -> None:
        if (table, column) in self.added:
            self.added.add((table, new))
        else:
            self.column_original[(table, new)] = self.column_original.get((table, column), column)
        if (table, column) in self.types:
            self.types[(table, new)] = self.types[(table, column)]

    # --- what is destroyed -------------------------------------------------------------------

    def _drop(self, node: dict[str, Any]) -> list[str]:
        remove_type = node.get("removeType")
        destroyed = []
        for item in node.get("objects") or ():
            parts = names(item["List"]["items"]) if "List" in item else ((item["String"]["sval"],) if "String" in item else ())
            if not parts:
                continue
            if remove_type == "OBJECT_TABLE":
                name = parts[-1]
                if self._new_table(name):
                    continue
                relation = {"relname": name, **({"schemaname": parts[-2]} if len(parts) > 1 else {})}
                if node.get("missing_ok") and self._table_before(relation) is None:
                    continue  # IF EXISTS, and the history never had it: nothing to lose that we know of
                if name in self.copied:
                    destroyed.extend(self._left_out(relation, *self.copied[name]))
                    continue
                destroyed.append(f"drops table {relation_label(relation)} with its rows")
            elif remove_type == "OBJECT_SCHEMA" and node.get("behavior") == "DROP_CASCADE":
                tables = sorted(table.name for table in self.before.tables.values()
                                if table.schema == parts[-1] and table.name not in self.created)
                if tables:
                    listed = ", ".join(sql_name(name) for name in tables[:5]) + (", ..." if len(tables) > 5 else "")
                    destroyed.append(f"drops schema {sql_name(parts[-1])} with its tables ({listed}) and their rows")
        return destroyed

    def _left_out(self, relation: dict[str, Any], copy: str, columns: tuple[str, ...] | None) -> list[str]:
        """The columns of a table whose rows were copied into `copy` that the copy did not take."""
        before = self._table_before(relation)
        if columns is None or before is None or not before.columns_known:
            return []  # what the copy took cannot be known: no judgement
        label = relation_label(relation)
        return [
            f"drops column {label}.{sql_name(column)} with its values (the copy into {sql_name(copy)} leaves it out)"
            for column in before.columns
            if column not in columns and (relation["relname"], column) not in self.added
        ]

    def _alter(self, node: dict[str, Any]) -> list[str]:
        relation = node["relation"]
        table_name = relation["relname"]
        if self._new_table(table_name):
            return []
        before = self._table_before(relation)
        label = relation_label(relation)
        destroyed = []
        for item in node.get("cmds") or ():
            command = item.get("AlterTableCmd", {})
            subtype, column = command.get("subtype"), command.get("name")
            if subtype == "AT_AddColumn":
                self.added.add((table_name, command["def"]["ColumnDef"]["colname"]))
            elif subtype == "AT_DropColumn" and column:
                if (table_name, column) in self.added:
                    continue
                original = self.column_original.get((table_name, column), column)
                if before is not None and before.columns_known and original not in before.columns:
                    continue  # not there before this migration: nothing to lose
                if before is None and (node.get("missing_ok") or command.get("missing_ok")):
                    continue  # IF EXISTS on a table the history never had
                destroyed.append(f"drops column {label}.{sql_name(column)} with its values")
            elif subtype == "AT_AlterColumnType" and column:
                definition = command.get("def", {}).get("ColumnDef", {})
                new = column_type(definition)
                if command.get("sqlsoul_redefine") and definition.get("colname", column) != column:
                    self._rename_column(table_name, column, definition["colname"])  # MySQL's CHANGE old new ...
                    column = definition["colname"]
                if new is None or (table_name, column) in self.added:
                    continue
                if (table_name, column) in self.types:
                    old = self.types[(table_name, column)]
                else:
                    original = self.column_original.get((table_name, column), column)
                    known = before.columns.get(original) if before is not None else None
                    old = known.type if known is not None else None
                self.types[(table_name, column)] = new
                if old is not None and narrows(old, new):
                    destroyed.append(
                        f"narrows column {label}.{sql_name(column)} from {type_label(old)} to {type_label(new)} "
                        "(values that do not fit are cut, rounded or make it fail)"
                    )
        return destroyed


def narrows(old: TypeRef, new: TypeRef) -> bool:
    """Whether converting a column from `old` to `new` can lose information (range, length, precision, time)."""
    if old.is_array != new.is_array or old.schema is not None or new.schema is not None:
        return False
    before, after = old.name, new.name
    if before in _INTEGER_BYTES and after in _INTEGER_BYTES:
        width, new_width = _INTEGER_BYTES[before], _INTEGER_BYTES[after]
        if new.unsigned and not old.unsigned:
            return True  # negative values do not fit
        if old.unsigned and not new.unsigned:
            return new_width <= width  # the upper half needs a wider signed type
        return new_width < width
    if before in _FLOAT_RANK and after in _FLOAT_RANK:
        return _FLOAT_RANK[after] < _FLOAT_RANK[before]
    if before in _FLOAT_RANK and after in _INTEGER_BYTES:
        return True  # fractions are rounded away
    if before == "numeric":
        if after in _FLOAT_RANK:
            return True  # exact decimals become approximations
        if after in _INTEGER_BYTES:
            precision, scale = _numeric(old)
            return precision is None or scale > 0 or precision > _INTEGER_DIGITS[_INTEGER_BYTES[after]]
        if after == "numeric":
            precision, scale = _numeric(old)
            new_precision, new_scale = _numeric(new)
            if new_precision is None:
                return False
            if precision is None:
                return True
            return new_scale < scale or new_precision - new_scale < precision - scale
    if before in _TEXT and after in _LIMITED_TEXT:
        limit = old.modifiers[0] if before in _LIMITED_TEXT and old.modifiers else None
        new_limit = new.modifiers[0] if new.modifiers else (1 if after == "bpchar" else None)
        return new_limit is not None and (limit is None or new_limit < limit)
    if before in _TIMESTAMPS and after in ("date", "time", "timetz"):
        return True
    if before in _PRECISION_TYPES and (after == before or {before, after} <= _TIMESTAMPS):
        precision = old.modifiers[0] if old.modifiers and before != "interval" else _DEFAULT_PRECISION
        new_precision = new.modifiers[0] if new.modifiers and after != "interval" else _DEFAULT_PRECISION
        return new_precision < precision
    return False


def _numeric(type_ref: TypeRef) -> tuple[int | None, int]:
    """Precision (None: unlimited) and scale of a numeric type."""
    if not type_ref.modifiers:
        return None, 0
    return type_ref.modifiers[0], type_ref.modifiers[1] if len(type_ref.modifiers) > 1 else 0
