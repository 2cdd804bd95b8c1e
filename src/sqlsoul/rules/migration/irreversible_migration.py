"""irreversible-migration: a migration's down does not bring the schema back to where its up found it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from sqlsoul.dialects import POSTGRES, SQLITE
from sqlsoul.engine import UnitContext
from sqlsoul.model import Column, Constraint, ConstraintKind, Index, Origin, QualifiedName, Table, TypeRef
from sqlsoul.parsing import Statement
from sqlsoul.replay import column_refs
from sqlsoul.rules.base import Rule, builtin_meta
from sqlsoul.rules.dialect.recipes import is_mysql, sqlite_rebuild
from sqlsoul.rules.labels import column_label, qualified_label, sql_name, table_label, type_label
from sqlsoul.rules.migration.inversion import (
    ADDED,
    CHANGED,
    COLUMN,
    CONSTRAINT,
    DEFAULT,
    DOMAIN,
    ENUM,
    INDEX,
    NULLABILITY,
    REMOVED,
    RENAMED,
    REPLACED,
    TABLE,
    TYPE,
    VALUES_ADDED,
    VALUES_REMOVED,
    Difference,
    compare,
)

NOT_YET_APPLIED = (
    "before this migration is applied anywhere; once it has been applied, leave it as it is and write a new "
    "migration instead."
)
# Statements that change data or the session, not the schema: a migration of only these needs no down.
_DATA_ONLY = frozenset(
    {"InsertStmt", "UpdateStmt", "DeleteStmt", "SelectStmt", "CopyStmt", "TransactionStmt", "VariableSetStmt",
     "VariableShowStmt", "ExplainStmt", "LockStmt", "NotifyStmt", "ListenStmt", "UnlistenStmt", "CheckPointStmt",
     "VacuumStmt", "ClusterStmt", "ReindexStmt", "RefreshMatViewStmt", "MergeStmt", "CallStmt"}
)
# libpg_query keys whose string values name the objects a statement touches.
_NAME_KEYS = frozenset({"relname", "colname", "name", "subname", "newname", "idxname", "conname", "sval", "newVal", "oldVal"})
_KIND_SQL = {
    ConstraintKind.PRIMARY_KEY: "PRIMARY KEY",
    ConstraintKind.UNIQUE: "UNIQUE",
    ConstraintKind.FOREIGN_KEY: "FOREIGN KEY",
    ConstraintKind.CHECK: "CHECK",
    ConstraintKind.EXCLUSION: "EXCLUDE",
}

Tier = tuple[str | None, tuple[str, ...]] | Callable[[Statement], bool]
# ALTER TABLE commands that change each column attribute the comparison names.
_COMMANDS = {TYPE: ("AT_AlterColumnType",), NULLABILITY: ("AT_SetNotNull", "AT_DropNotNull"), DEFAULT: ("AT_ColumnDefault",)}


class IrreversibleMigration(Rule):
    meta = builtin_meta("SS301")
    scope = "unit"

    def check_unit(self, ctx: UnitContext) -> None:
        if ctx.unit.down is None or ctx.after_down is None:
            return  # the layout keeps no downs (a plain folder, Flyway without undo)
        if not ctx.up or all(_data_only(statement) or statement.kind == "DoStmt" for _, statement in ctx.up):
            # Nothing to undo in the schema. A DO block's static statements follow it in ctx.up and
            # are judged; what it EXECUTEs is not known: no judgement.
            return
        name = ctx.unit.name
        if all(_data_only(statement) for _, statement in ctx.down):
            if not self.options["report_missing_down"]:
                return
            made = compare(ctx.before, ctx.after_up)
            if made and all(d.kind == ENUM and d.change == CHANGED and d.details == (VALUES_ADDED,) for d in made):
                # Adding enum values is the usual reason for an empty down: say what undoing it takes.
                _Inversion(ctx).report(made)
                return
            file, first = ctx.up[0]
            if not ctx.unit.down:
                message = f"migration {name} has no down migration"
            elif ctx.down_unparsed:
                message = f"migration {name}: its down migration does not parse, so it cannot undo anything"
            elif not ctx.down:
                message = f"migration {name}: its down migration is empty"
            else:
                message = f"migration {name}: its down migration changes nothing in the schema"
            ctx.report(
                file,
                first.span,
                message,
                ("Write a down that undoes every statement of the up, in reverse order (DROP what the up creates, "
                 "re-create what it drops, change back what it alters), " + NOT_YET_APPLIED),
                first.index,
            )
            return
        for file, statement, problem in ctx.down_problems:
            ctx.report(
                file,
                statement.span,
                f"this down statement cannot run after the up of {name}: {problem}",
                ("The down runs against the schema the up leaves behind, so it must name objects as the up left "
                 "them (renamed, dropped or not yet there). Fix it " + NOT_YET_APPLIED),
                statement.index,
            )
        _Inversion(ctx).report(compare(ctx.before, ctx.after_down))


def _alters_column(statement: Statement, table: str, column: str, subtypes: tuple[str, ...], redefines: bool = False) -> bool:
    """Whether a statement is an ALTER TABLE of this table with one of these commands on this column
    (with `redefines`, or a MySQL MODIFY or CHANGE of it, which restates every attribute)."""
    if statement.kind != "AlterTableStmt" or (statement.node.get("relation") or {}).get("relname") != table:
        return False
    return any(
        item.get("AlterTableCmd", {}).get("name") == column
        and (item["AlterTableCmd"].get("subtype") in subtypes or (redefines and item["AlterTableCmd"].get("sqlsoul_redefine", False)))
        for item in statement.node.get("cmds") or ()
    )


def _drops_column(statement: Statement, table: str, column: str) -> bool:
    """Whether a statement drops this column, or its whole table."""
    if statement.kind == "DropStmt" and statement.node.get("removeType") == "OBJECT_TABLE":
        return any(
            (item.get("List", {}).get("items") or [{}])[-1].get("String", {}).get("sval") == table
            for item in statement.node.get("objects") or ()
        )
    return _alters_column(statement, table, column, ("AT_DropColumn",))


def _data_only(statement: Statement) -> bool:
    return statement.kind in _DATA_ONLY and not (statement.kind == "SelectStmt" and statement.node.get("intoClause"))


class _Inversion:
    """Turns differences between the schema before the up and after the down into findings."""

    def __init__(self, ctx: UnitContext) -> None:
        self.ctx = ctx
        first = ctx.sources[ctx.up[0][0]] if ctx.up else None
        self.dialect = first.dialect if first is not None else POSTGRES
        self.up_sites = {(file, statement.index) for file, statement in ctx.up}
        self.down_sites = {(file, statement.index) for file, statement in ctx.down}
        # Index statements by where they are; those of a DO block share its index, the span tells them apart.
        self.index_statements: dict[tuple[int, int], list[Statement]] = {}
        for file, statement in (*ctx.up, *ctx.down):
            if statement.kind == "IndexStmt":
                self.index_statements.setdefault((file, statement.index), []).append(statement)
        self._mentions: dict[int, tuple[set[str], set[str]]] = {}

    # --- where ---------------------------------------------------------------------------------

    def side(self, origin: Origin | None) -> str | None:
        if origin is None:
            return None
        site = (origin.file, origin.statement)
        return "up" if site in self.up_sites else "down" if site in self.down_sites else None

    def mentions(self, statement: Statement) -> tuple[set[str], set[str]]:
        """Tables and names (columns, constraints, indexes, types, values) a statement mentions."""
        found = self._mentions.get(id(statement))
        if found is None:
            tables: set[str] = set()
            words: set[str] = set()
            pending: list[Any] = [statement.node]
            while pending:
                item = pending.pop()
                if isinstance(item, dict):
                    for key, value in item.items():
                        if isinstance(value, str):
                            if key in _NAME_KEYS:
                                words.add(value)
                                if key == "relname":
                                    tables.add(value)
                        elif isinstance(value, (dict, list)):
                            pending.append(value)
                elif isinstance(item, list):
                    pending.extend(item)
            node = statement.node
            if statement.kind == "DropStmt" and node.get("removeType") == "OBJECT_TABLE":
                for item in node.get("objects") or ():
                    parts = [part["String"]["sval"] for part in item.get("List", {}).get("items", ()) if "String" in part]
                    tables.update(parts[-1:])
            elif statement.kind == "RenameStmt" and node.get("renameType") == "OBJECT_TABLE" and node.get("newname"):
                tables.add(node["newname"])
            found = self._mentions[id(statement)] = (tables, words)
        return found

    def locate(self, tiers: Iterable[Tier], sides: tuple[str, ...] = ("up", "down")) -> tuple[str, int, Statement] | None:
        """The first statement that touches an object, tier by tier, the up before the down.

        A tier is (table, names): a statement that mentions the table (None: any) and every name;
        or a test of the statement. Statements that only change data are never chosen: they read
        columns, they do not change them (None sends the finding to the up's first statement).
        """
        for tier in tiers:
            for side in sides:
                for file, statement in self.ctx.up if side == "up" else self.ctx.down:
                    if _data_only(statement):
                        continue
                    if callable(tier):
                        if tier(statement):
                            return side, file, statement
                        continue
                    table, words = tier
                    tables, names = self.mentions(statement)
                    if (table is None or table in tables) and all(word in names for word in words):
                        return side, file, statement
        return None

    def object_tiers(self, table: str | None, name: str | None, alone: bool = False) -> list[Tier]:
        tiers: list[Tier] = []
        if name is not None:
            tiers.append((table, (name,)))
            if alone and table is not None:
                tiers.append((None, (name,)))
        if table is not None:
            tiers.append((table, ()))
        return tiers

    def reads_dropped_column(self, index: Index, table: Table | None) -> bool:
        """Whether the up statement that made an index reads a column that is gone after the down.

        The model keeps an expression's or a predicate's columns nowhere, but PostgreSQL drops such
        an index with the column; the statements' trees are still at hand here.
        """
        if table is None or index.origin is None:
            return False
        origin = index.origin
        statement = next(
            (
                candidate
                for candidate in self.index_statements.get((origin.file, origin.statement), ())
                if candidate.span.start <= origin.span.start < candidate.span.end
            ),
            None,
        )
        if statement is None:
            return False
        read = set(column_refs(statement.node.get("whereClause")))
        for param in statement.node.get("indexParams") or ():
            read.update(column_refs(param.get("IndexElem", {}).get("expr")))
        if not read:
            return False
        if table.columns_known and any(column not in table.columns for column in read):
            return True
        for _, down in self.ctx.down:
            name = (down.node.get("relation") or {}).get("relname") if down.kind == "AlterTableStmt" else None
            if name and any(_alters_column(down, name, column, ("AT_DropColumn",)) for column in read):
                return True
        return False

    def emit(self, where: tuple[str, int, Statement] | Origin | None, message: str, help_text: str) -> None:
        if isinstance(where, Origin):
            self.ctx.report(where.file, where.span, message, help_text, where.statement)
            return
        if where is None:
            file, statement = self.ctx.up[0]
        else:
            _, file, statement = where
        self.ctx.report(file, statement.span, message, help_text, statement.index)

    # --- the unit's dialect ----------------------------------------------------------------------

    def drop_constraint(self, table: Table, constraint: Constraint) -> str:
        """ALTER TABLE ... DROP of a constraint: MySQL names the kind (a unique key is an index there)."""
        label, name = table_label(table), sql_name(constraint.name or "...")
        if is_mysql(self.dialect):
            return {
                ConstraintKind.PRIMARY_KEY: f"ALTER TABLE {label} DROP PRIMARY KEY;",
                ConstraintKind.UNIQUE: f"ALTER TABLE {label} DROP INDEX {name};",
                ConstraintKind.FOREIGN_KEY: f"ALTER TABLE {label} DROP FOREIGN KEY {name};",
            }.get(constraint.kind, f"ALTER TABLE {label} DROP CONSTRAINT {name};")
        return f"ALTER TABLE {label} DROP CONSTRAINT {name};"

    def drop_index(self, table: Table, index: Index) -> str:
        if is_mysql(self.dialect):  # MySQL index names belong to their table
            return f"DROP INDEX {sql_name(index.name or '...')} ON {table_label(table)};"
        return f"DROP INDEX {_index_label(table, index)};"

    def sqlite_rebuild(self, table: Table, change: str) -> str | None:
        """For SQLite, what the down must do instead of an ALTER TABLE it does not have; else None."""
        if self.dialect != SQLITE:
            return None
        return sqlite_rebuild(table_label(table), table.name, change, where="in the down") + " Do it " + NOT_YET_APPLIED

    # --- what ----------------------------------------------------------------------------------

    def report(self, differences: list[Difference]) -> None:
        for difference in differences:
            handler = {
                TABLE: self.table,
                COLUMN: self.column,
                CONSTRAINT: self.constraint,
                INDEX: self.index,
                ENUM: self.enum,
                DOMAIN: self.domain,
            }[difference.kind]
            handler(difference)

    def table(self, d: Difference) -> None:
        if d.change == ADDED:
            table: Table = d.after
            label = table_label(table)
            side = self.side(table.origin)
            fix = f"DROP TABLE {label};"
            if side == "up":
                self.emit(table.origin, f"down does not drop table {label} created here", _add(fix))
            elif side == "down":
                self.emit(table.origin, f"down creates table {label}, which did not exist before the up",
                          _remove_from_down(f"the CREATE TABLE {label}"))
            else:
                self.emit(self.locate(self.object_tiers(table.name, None)),
                          f"down leaves table {label}, which did not exist before the up", _add(fix))
        elif d.change == REMOVED:
            table = d.before
            label = table_label(table)
            where = self.locate(self.object_tiers(table.name, None))
            if where is not None and where[0] == "down":
                self.emit(where, f"down drops table {label}, which the up did not create",
                          _remove_from_down(f"the DROP TABLE {label}"))
            else:
                self.emit(where, f"down does not restore table {label} dropped here",
                          _add(f"CREATE TABLE {label} (...) as it was before the up, with its keys and indexes",
                               " (its rows cannot come back)"))
        elif d.change == RENAMED:
            old, new = d.before, d.after
            where = self.locate([(new.name, ()), (old.name, ())])
            if old.schema == new.schema:
                fix = f"ALTER TABLE {table_label(new)} RENAME TO {sql_name(old.name)};"
                message = f"down does not rename table {table_label(new)} back to {table_label(old)}"
            else:
                fix = f"ALTER TABLE {table_label(new)} SET SCHEMA {sql_name(old.schema)};"
                message = f"down does not move table {table_label(new)} back to {table_label(old)}"
            self.emit(where, message, _add(fix))

    def column(self, d: Difference) -> None:
        table = d.table
        assert table is not None
        if d.change == ADDED:
            column: Column = d.after
            label = column_label(table, column.name)
            side = self.side(column.origin)
            fix = f"ALTER TABLE {table_label(table)} DROP COLUMN {sql_name(column.name)};"
            if side == "up":
                self.emit(column.origin, f"down does not drop column {label} added here", _add(fix))
            elif side == "down":
                self.emit(column.origin, f"down adds column {label}, which did not exist before the up",
                          _remove_from_down(f"column {label}"))
            else:
                self.emit(self.locate(self.object_tiers(table.name, column.name)),
                          f"down leaves column {label}, which did not exist before the up", _add(fix))
        elif d.change == REMOVED:
            column = d.before
            label = column_label(table, column.name)
            restore = f"ALTER TABLE {table_label(table)} ADD COLUMN {_column_sql(column)};"
            if d.table_after is not None and self.side(d.table_after.origin) == "down":
                dropped = lambda statement: _drops_column(statement, table.name, column.name)  # noqa: E731
                where = self.locate([dropped, *self.object_tiers(table.name, column.name)], sides=("up",))
                self.emit(where, f"down recreates table {table_label(table)} without column {sql_name(column.name)}",
                          (f"Add the column to the down's CREATE TABLE {table_label(table)}: {_column_sql(column)} "
                           "(its values cannot come back); do it " + NOT_YET_APPLIED))
                return
            dropped = lambda statement: _drops_column(statement, table.name, column.name)  # noqa: E731
            where = self.locate([dropped, *self.object_tiers(table.name, column.name)])
            if where is not None and where[0] == "down":
                self.emit(where, f"down drops column {label}, which the up did not add",
                          _remove_from_down(f"the DROP COLUMN {sql_name(column.name)}"))
            else:
                self.emit(where, f"down does not restore column {label} dropped here",
                          _add(restore, " (its values cannot come back)"))
        elif d.change == RENAMED:
            old, new = d.before, d.after
            where = self.locate([(d.table_after.name if d.table_after else None, (new.name,)), (table.name, (old.name,))])
            self.emit(
                where,
                f"down does not rename column {column_label(d.table_after or table, new.name)} back to {sql_name(old.name)}",
                _add(f"ALTER TABLE {table_label(d.table_after or table)} RENAME COLUMN {sql_name(new.name)} TO {sql_name(old.name)};"),
            )
        elif d.change == CHANGED:
            old, new = d.before, d.after
            label = column_label(table, old.name)
            details = ", ".join(_column_change(detail, old, new) for detail in d.details)
            if is_mysql(self.dialect):  # MODIFY restores type, nullability and default at once
                fix = f"ALTER TABLE {table_label(table)} MODIFY {_column_sql(old)};"
            else:
                fix = " ".join(_column_fix(detail, table, old) for detail in d.details)
            if self.side(new.origin) == "down":  # the down re-created it, differently
                dropped = lambda statement: _drops_column(statement, table.name, old.name)  # noqa: E731
                where = self.locate([dropped, *self.object_tiers(table.name, old.name)], sides=("up",))
                self.emit(where or new.origin, f"down restores column {label} differently from before the up: {details}",
                          f"Restore it in the down as it was: {_column_sql(old)}; do it " + NOT_YET_APPLIED)
                return
            subtypes = tuple(subtype for detail in d.details for subtype in _COMMANDS[detail])
            changed = lambda statement: _alters_column(statement, table.name, old.name, subtypes, redefines=True)  # noqa: E731
            where = self.locate([changed, *self.object_tiers(table.name, old.name)])
            if where is not None and where[0] == "down":
                self.emit(where, f"down changes column {label}, which the up did not change: {details}",
                          _remove_from_down(f"the change to {label}"))
            else:
                self.emit(where, f"down does not undo the change to column {label} made here: {details}",
                          self.sqlite_rebuild(table, f"change column {sql_name(old.name)} back") or _add(fix))

    def constraint(self, d: Difference) -> None:
        table = d.table
        assert table is not None
        if d.change == ADDED:
            constraint: Constraint = d.after
            label = _constraint_label(table, constraint)
            side = self.side(constraint.origin)
            fix = self.drop_constraint(table, constraint)
            if side == "up":
                self.emit(constraint.origin, f"down does not drop {label} added here",
                          self.sqlite_rebuild(table, "drop a constraint") or _add(fix))
            elif side == "down":
                self.emit(constraint.origin, f"down adds {label}, which did not exist before the up",
                          _remove_from_down(f"the {label}"))
            else:
                self.emit(self.locate(self.object_tiers(table.name, constraint.name, alone=True)),
                          f"down leaves {label}, which did not exist before the up",
                          self.sqlite_rebuild(table, "drop a constraint") or _add(fix))
        elif d.change == REMOVED:
            constraint = d.before
            label = _constraint_label(table, constraint)
            where = self.locate(self.object_tiers(table.name, constraint.name, alone=True))
            if where is not None and where[0] == "down":
                self.emit(where, f"down drops {label}, which the up did not add", _remove_from_down(f"the drop of {label}"))
            else:
                self.emit(where, f"down does not restore {label} dropped here",
                          self.sqlite_rebuild(table, "add a constraint") or _add(_constraint_sql(table, constraint)))
        elif d.change == REPLACED:
            old, index = d.before, d.after
            where = self.locate(self.object_tiers(table.name, old.name, alone=True))
            self.emit(
                where,
                f"down restores {_constraint_label(table, old)} as unique index {_index_label(table, index)}, "
                "not as the constraint dropped here",
                _add(f"{self.drop_index(table, index)} {_constraint_sql(table, old)}",
                     " instead of the CREATE UNIQUE INDEX (constraints and indexes are different objects: "
                     "DROP CONSTRAINT and ON CONFLICT ON CONSTRAINT need the constraint)"),
            )
        elif d.change == RENAMED:
            old, new = d.before, d.after
            # Only a name the up itself used is a name the schema's users rely on (a generated name
            # that comes back different after drop-and-restore of a column is not the up's doing).
            if old.name is None or self.locate([(None, (old.name,))], sides=("up",)) is None:
                return
            where = self.locate([(table.name, (old.name,)), (None, (old.name,))], sides=("up",))
            self.emit(
                where,
                f"down leaves {_constraint_label(table, old)} named {sql_name(new.name or '')}",
                _add(f"ALTER TABLE {table_label(table)} RENAME CONSTRAINT {sql_name(new.name or '')} TO {sql_name(old.name)};"),
            )

    def index(self, d: Difference) -> None:
        table = d.table
        assert table is not None
        if d.change == ADDED:
            index: Index = d.after
            label = _index_label(table, index)
            side = self.side(index.origin)
            fix = self.drop_index(table, index)
            if side == "up" and self.reads_dropped_column(index, d.table_after):
                return  # PostgreSQL dropped it with a column its expressions or predicate read
            if side == "up":
                self.emit(index.origin, f"down leaves index {label} created here", _add(fix))
            elif side == "down":
                self.emit(index.origin, f"down creates index {label}, which did not exist before the up",
                          _remove_from_down(f"the CREATE INDEX {label}"))
            else:
                self.emit(self.locate(self.object_tiers(table.name, index.name, alone=True)),
                          f"down leaves index {label}, which did not exist before the up", _add(fix))
        elif d.change == REMOVED:
            index = d.before
            label = _index_label(table, index)
            where = self.locate(self.object_tiers(table.name, index.name, alone=True))
            if where is not None and where[0] == "down":
                self.emit(where, f"down drops index {label}, which the up did not create",
                          _remove_from_down(f"the DROP INDEX {label}"))
            else:
                self.emit(where, f"down does not restore index {label} dropped here", _add(_index_sql(table, index)))
        elif d.change == REPLACED:
            old, constraint = d.before, d.after
            where = self.locate(self.object_tiers(table.name, old.name, alone=True))
            self.emit(
                where,
                f"down restores index {_index_label(table, old)} as {_constraint_label(table, constraint)}, "
                "not as the index dropped here",
                _add(f"{self.drop_constraint(table, constraint)} {_index_sql(table, old)}"),
            )
        elif d.change == RENAMED:
            old, new = d.before, d.after
            if old.name is None or self.locate([(None, (old.name,))], sides=("up",)) is None:
                return
            where = self.locate([(None, (old.name,))], sides=("up",))
            if is_mysql(self.dialect):
                fix = f"ALTER TABLE {table_label(table)} RENAME INDEX {sql_name(new.name or '')} TO {sql_name(old.name)};"
            elif self.dialect == SQLITE:  # SQLite cannot rename an index
                fix = f"DROP INDEX {_index_label(table, new)}; {_index_sql(table, old)}"
            else:
                fix = f"ALTER INDEX {_index_label(table, new)} RENAME TO {sql_name(old.name)};"
            self.emit(where, f"down leaves index {_index_label(table, old)} named {sql_name(new.name or '')}", _add(fix))
        elif d.change == CHANGED:
            old, new = d.before, d.after
            where = self.locate(self.object_tiers(table.name, old.name, alone=True))
            self.emit(where, f"down restores index {_index_label(table, old)} with another definition than before the up",
                      f"Restore it in the down as it was: {_index_sql(table, old)} Do it " + NOT_YET_APPLIED)

    def enum(self, d: Difference) -> None:
        (key, values) = d.before or d.after
        label = qualified_label(key)
        if d.change == ADDED:
            where = self.locate([(None, (key[1],))])
            self.emit(where, f"down does not drop type {label} created here", _add(f"DROP TYPE {label};"))
        elif d.change == REMOVED:
            where = self.locate([(None, (key[1],))])
            if where is not None and where[0] == "down":
                self.emit(where, f"down drops type {label}, which the up did not create",
                          _remove_from_down(f"the DROP TYPE {label}"))
            else:
                listed = ", ".join(_literal(value) for value in values)
                self.emit(where, f"down does not restore type {label} dropped here",
                          _add(f"CREATE TYPE {label} AS ENUM ({listed});"))
        elif d.change == RENAMED:
            (new_key, _) = d.after
            where = self.locate([(None, (new_key[1],)), (None, (key[1],))])
            self.emit(where, f"down does not rename type {qualified_label(new_key)} back to {label}",
                      _add(f"ALTER TYPE {qualified_label(new_key)} RENAME TO {sql_name(key[1])};"))
        elif d.change == CHANGED:
            (_, new_values) = d.after
            added = [value for value in new_values if value not in values]
            removed = [value for value in values if value not in new_values]
            if VALUES_ADDED in d.details:
                where = self.locate([(None, (key[1], added[0])), (None, (key[1],))])
                listed = ", ".join(_literal(value) for value in added)
                self.emit(
                    where,
                    f"enum value{'s' if len(added) > 1 else ''} {listed} added to type {label} here "
                    "cannot be dropped again: not invertible except by recreating the type",
                    _enum_recipe(self.ctx, key, values),
                )
            if VALUES_REMOVED in d.details and not added:
                where = self.locate([(None, (key[1], removed[0])), (None, (key[1],))])
                self.emit(where, f"down does not restore value{'s' if len(removed) > 1 else ''} "
                                 f"{', '.join(_literal(value) for value in removed)} of type {label}",
                          _add(f"ALTER TYPE {label} RENAME VALUE ... TO {_literal(removed[0])};"))

    def domain(self, d: Difference) -> None:
        (key, _) = d.before or d.after
        label = qualified_label(key)
        where = self.locate([(None, (key[1],))])
        if d.change == ADDED:
            self.emit(where, f"down does not drop domain {label} created here", _add(f"DROP DOMAIN {label};"))
        elif d.change == REMOVED:
            if where is not None and where[0] == "down":
                self.emit(where, f"down drops domain {label}, which the up did not create",
                          _remove_from_down(f"the DROP DOMAIN {label}"))
            else:
                self.emit(where, f"down does not restore domain {label} dropped here",
                          _add(f"CREATE DOMAIN {label} ... as it was before the up"))
        elif d.change == RENAMED:
            (new_key, _) = d.after
            where = self.locate([(None, (new_key[1],)), (None, (key[1],))])
            self.emit(where, f"down does not rename domain {qualified_label(new_key)} back to {label}",
                      _add(f"ALTER DOMAIN {qualified_label(new_key)} RENAME TO {sql_name(key[1])};"))
        else:
            self.emit(where, f"down does not restore domain {label} changed here", "Add to the down what restores its definition (its base type and checks); do it " + NOT_YET_APPLIED)


# --- wording --------------------------------------------------------------------------------------


def _add(fix: str, note: str = "") -> str:
    """Help that names what the down lacks."""
    return f"Add to the down{note}: {fix.rstrip(';')}; do it " + NOT_YET_APPLIED


def _remove_from_down(what: str) -> str:
    return (f"The down must only undo the up: remove {what} from it (or make the up do the same); do it "
            + NOT_YET_APPLIED)


def _type_text(type_ref: TypeRef | None) -> str:
    if type_ref is None:
        return "an unknown type"
    name = type_ref.name if type_ref.schema in (None, "public") else f"{type_ref.schema}.{type_ref.name}"
    return type_label(TypeRef(name, None, type_ref.modifiers, type_ref.is_array))


def _default_text(column: Column) -> str:
    if not column.has_default:
        return "no default"
    return f"default {_literal(column.default)}" if column.default is not None else "a default"


def _literal(value: str | None) -> str:
    if value is None:
        return "NULL"
    if value.lstrip("-").replace(".", "", 1).isdigit() or value in ("true", "false"):
        return value
    return "'" + value.replace("'", "''") + "'"


def _column_sql(column: Column) -> str:
    text = f"{sql_name(column.name)} {_type_text(column.type)}"
    if column.not_null:
        text += " NOT NULL"
    if column.has_default:
        text += f" DEFAULT {_literal(column.default)}" if column.default is not None else " DEFAULT ..."
    return text


def _column_change(detail: str, old: Column, new: Column) -> str:
    if detail == TYPE:
        return f"type {_type_text(new.type)} instead of {_type_text(old.type)}"
    if detail == NULLABILITY:
        state = lambda column: "NOT NULL" if column.not_null else "nullable"  # noqa: E731
        return f"{state(new)} instead of {state(old)}"
    assert detail == DEFAULT
    return f"{_default_text(new)} instead of {_default_text(old)}"


def _column_fix(detail: str, table: Table, old: Column) -> str:
    alter = f"ALTER TABLE {table_label(table)} ALTER COLUMN {sql_name(old.name)}"
    if detail == TYPE:
        return f"{alter} TYPE {_type_text(old.type)};"
    if detail == NULLABILITY:
        return f"{alter} {'SET' if old.not_null else 'DROP'} NOT NULL;"
    if not old.has_default:
        return f"{alter} DROP DEFAULT;"
    return f"{alter} SET DEFAULT {_literal(old.default) if old.default is not None else '...'};"


def _constraint_label(table: Table, constraint: Constraint) -> str:
    kind = constraint.kind.value
    if constraint.name:
        return f"{kind} constraint {sql_name(constraint.name)} on {table_label(table)}"
    return f"{kind} constraint on {table_label(table)} ({', '.join(constraint.columns)})"


def _constraint_sql(table: Table, constraint: Constraint) -> str:
    columns = ", ".join(sql_name(column) for column in constraint.columns)
    if constraint.kind is ConstraintKind.FOREIGN_KEY:
        target = constraint.references
        referenced = ", ".join(sql_name(column) for column in constraint.referenced_columns)
        body = f"FOREIGN KEY ({columns}) REFERENCES {qualified_label(target) if target else '...'}" + (f" ({referenced})" if referenced else "")
    elif constraint.kind in (ConstraintKind.CHECK, ConstraintKind.EXCLUSION):
        body = f"{_KIND_SQL[constraint.kind]} (...)"
    else:
        body = f"{_KIND_SQL[constraint.kind]} ({columns})"
    named = f"CONSTRAINT {sql_name(constraint.name)} " if constraint.name else ""
    return f"ALTER TABLE {table_label(table)} ADD {named}{body};"


def _index_label(table: Table, index: Index) -> str:
    name = sql_name(index.name or "...")
    return name if table.schema == "public" else f"{sql_name(table.schema)}.{name}"


def _index_sql(table: Table, index: Index) -> str:
    columns = ", ".join(sql_name(column) if column is not None else "(...)" for column in index.columns)
    using = f" USING {index.method}" if index.method != "btree" else ""
    where = " WHERE ..." if index.partial else ""
    unique = "UNIQUE " if index.unique else ""
    return f"CREATE {unique}INDEX {sql_name(index.name or '')} ON {table_label(table)}{using} ({columns}){where};"


def _enum_recipe(ctx: UnitContext, key: QualifiedName, values: tuple[str, ...]) -> str:
    label = qualified_label(key)
    new = sql_name(f"{key[1]}_new")
    users = [
        (table, column)
        for table in ctx.after_up.tables.values()
        for column in table.columns.values()
        if column.type is not None and column.type.name == key[1] and column.type.schema in (None, key[0])
    ]
    alters = " ".join(
        f"ALTER TABLE {table_label(table)} ALTER COLUMN {sql_name(column.name)} TYPE {new} "
        f"USING {sql_name(column.name)}::text::{new};"
        for table, column in users[:5]
    ) or f"ALTER TABLE ... ALTER COLUMN ... TYPE {new} USING ...::text::{new};"
    if len(users) > 5:
        alters += " (and the other columns of the type)"
    listed = ", ".join(_literal(value) for value in values)
    return (
        "PostgreSQL cannot drop a value from an enum type, so the down can only undo ADD VALUE by recreating the "
        f"type, after updating or deleting the rows that hold the new value: CREATE TYPE {new} AS ENUM ({listed}); "
        f"{alters} DROP TYPE {label}; ALTER TYPE {new} RENAME TO {sql_name(key[1])}. If that is not worth it, "
        "say so in the down with a comment and suppress this finding. Write that down " + NOT_YET_APPLIED
    )

