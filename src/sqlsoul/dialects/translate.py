"""Turn sqlglot's MySQL and SQLite trees into the JSON libpg_query gives for the PostgreSQL equivalent.

Replay and the rules read libpg_query's JSON; a MySQL `CREATE TABLE` becomes the `CreateStmt` that
PostgreSQL's parser would produce for the same table, so they read it unchanged. Like libpg_query,
the JSON leaves out keys whose value is 0, false or empty, and every `location` is a byte offset in
the file (statements of these dialects have `Statement.base = 0`).

What libpg_query's JSON cannot say goes in keys prefixed `sqlsoul_` on the node it belongs to:

- ColumnDef: `sqlsoul_enum_values` (MySQL ENUM/SET members), `sqlsoul_comment`,
  `sqlsoul_auto_increment`, `sqlsoul_unsigned`, `sqlsoul_on_update` (an expression: MySQL's
  `ON UPDATE CURRENT_TIMESTAMP`).
- CreateStmt: `sqlsoul_comment`, `sqlsoul_indexes` (IndexStmt bodies of the KEY/INDEX clauses in
  the table; their relation's location is the clause, which is where an index finding points),
  `sqlsoul_without_rowid` and `sqlsoul_strict` (SQLite table options, set by the front end).
- Constraint: `sqlsoul_inline` on a REFERENCES written in a column definition.
- IndexElem: `sqlsoul_prefix_length` (MySQL `col(10)` key parts).
- AlterTableCmd: `sqlsoul_redefine` on the AT_AlterColumnType of MySQL `MODIFY`/`CHANGE` (the new
  definition replaces type, nullability, default and comment; its ColumnDef's colname is the new
  name, the command's name the old one). New subtypes: `AT_AddIndex` (def: IndexStmt) and
  `AT_DropIndex` (name). `AT_DropConstraint` carries `sqlsoul_kind` (CONSTR_PRIMARY for `DROP
  PRIMARY KEY`, whose name is MySQL's "PRIMARY"; CONSTR_FOREIGN for `DROP FOREIGN KEY`;
  CONSTR_CHECK for `DROP CHECK`).
- DropStmt of OBJECT_INDEX: `sqlsoul_table` (RangeVar of MySQL's `DROP INDEX name ON table`);
  RenameStmt of OBJECT_INDEX (MySQL's `ALTER TABLE t RENAME INDEX a TO b`): `sqlsoul_table` too.
  MySQL index names are per table; PostgreSQL's are per schema.
- InsertStmt: `sqlsoul_replace` (MySQL/SQLite REPLACE INTO).
- VariableSetStmt: `sqlsoul_scope` ("global", "session", "persist" ...) for MySQL's SET GLOBAL etc.
- CreateRoleStmt / AlterRoleStmt, which the front end makes of MySQL's CREATE/ALTER USER, SET
  PASSWORD and GRANT ... IDENTIFIED BY: `sqlsoul_host`, the host part of the account ('app'@'%').
- Expressions libpg_query would spell with node types this module does not build become
  `{"sqlsoul_expr": {"class": <sqlglot class>, "args": [...], "name"?: <word>, "location": ...}}`,
  so that the column references inside are still found.

Statements with no PostgreSQL counterpart that rules would care about keep sqlglot's class name as
their kind ("Use", "Pragma", "Attach" ...) and a small node of what they say: PRAGMA as
{"schema"?, "name", "value"} (the value as written, None when absent), USE as {"name"}. The front
end reads MySQL's LOCK TABLES as kind "LockTables" ({"relations": [RangeVar], "modes": [...]}) and
UNLOCK TABLES as "UnlockTables" ({}).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from sqlglot import exp

from sqlsoul.dialects import SQLITE
from sqlsoul.dialects.grammar import END, NOT_ENFORCED, START

Node = dict[str, Any]
Translated = list[tuple[str, Node]]

_INT4_MAX = 2**31 - 1  # libpg_query writes larger integer constants as floats (numeric)
_FK_ACTIONS = {"NO ACTION": "a", "RESTRICT": "r", "CASCADE": "c", "SET NULL": "n", "SET DEFAULT": "d"}
_FK_MATCH = {"FULL": "f", "PARTIAL": "p", "SIMPLE": "s"}
_OPERATORS: dict[type[exp.Expr], str] = {
    exp.EQ: "=", exp.NEQ: "<>", exp.GT: ">", exp.GTE: ">=", exp.LT: "<", exp.LTE: "<=", exp.Add: "+",
    exp.Sub: "-", exp.Mul: "*", exp.Div: "/", exp.Mod: "%", exp.DPipe: "||", exp.NullSafeEQ: "<=>",
    exp.BitwiseAnd: "&", exp.BitwiseOr: "|", exp.BitwiseXor: "^",
}
_SQL_VALUE_FUNCTIONS: dict[type[exp.Expr], str] = {
    exp.CurrentTimestamp: "SVFOP_CURRENT_TIMESTAMP", exp.CurrentDate: "SVFOP_CURRENT_DATE",
    exp.CurrentTime: "SVFOP_CURRENT_TIME",
}
_DROPPED_OBJECTS = {
    "TABLE": "OBJECT_TABLE", "VIEW": "OBJECT_VIEW", "INDEX": "OBJECT_INDEX", "TRIGGER": "OBJECT_TRIGGER",
    "PROCEDURE": "OBJECT_PROCEDURE", "FUNCTION": "OBJECT_FUNCTION",
}
_ROUTINES = frozenset({"OBJECT_PROCEDURE", "OBJECT_FUNCTION"})
# Statements that only say something about the session or the database file: kind = class name.
_SESSION_STATEMENTS = (exp.Use, exp.Pragma, exp.Attach, exp.Detach, exp.Analyze, exp.Describe, exp.Show)

# Types. PostgreSQL's internal name for the types whose meaning is the same, spelled as libpg_query
# spells the SQL keyword (pg_catalog-qualified) or the plain name; other MySQL types keep their own
# lower-case name. Keys are the type's first word(s) as written.
_CATALOG = "pg_catalog"
_MYSQL_TYPES: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(("int", "integer"), (_CATALOG, "int4")),
    "bigint": (_CATALOG, "int8"),
    "smallint": (_CATALOG, "int2"),
    **{name: (name,) for name in ("int2", "int4", "int8", "float4", "float8", "bool", "text", "date")},
    **dict.fromkeys(("tinyint", "int1"), ("tinyint",)),
    **dict.fromkeys(("mediumint", "int3", "middleint"), ("mediumint",)),
    **dict.fromkeys(("decimal", "dec", "numeric", "fixed"), (_CATALOG, "numeric")),
    **dict.fromkeys(("double", "double precision", "real"), (_CATALOG, "float8")),
    "float": (_CATALOG, "float4"),
    "boolean": (_CATALOG, "bool"),
    "serial": (_CATALOG, "int8"),  # BIGINT UNSIGNED NOT NULL AUTO_INCREMENT UNIQUE, see Translator.column_def
    "json": (_CATALOG, "json"),
    **dict.fromkeys(("char", "character", "nchar", "national char", "national character"), (_CATALOG, "bpchar")),
    **dict.fromkeys(
        ("varchar", "character varying", "nvarchar", "national varchar", "national character varying",
         "nchar varchar", "varcharacter", "char varying"),
        (_CATALOG, "varchar"),
    ),
    **dict.fromkeys(("long", "long varchar"), ("mediumtext",)),  # MySQL's old names for MEDIUMTEXT ...
    "long varbinary": ("mediumblob",),  # ... and MEDIUMBLOB
    "bit": (_CATALOG, "bit"),
    "time": (_CATALOG, "time"),
    "datetime": (_CATALOG, "timestamp"),
    "timestamp": (_CATALOG, "timestamptz"),  # MySQL stores TIMESTAMP in UTC and converts on read
}
# SQLite: its type affinity decides. INTEGER affinity holds up to 8 bytes (so INTEGER PRIMARY KEY,
# the rowid, is 64-bit); REAL affinity is an 8-byte float. TIMESTAMP is only a name there: no
# conversion to UTC happens, so it is a timestamp without time zone.
# SERIAL means nothing to SQLite (NUMERIC affinity); kept as "serial", replay would take it for PostgreSQL's.
_SQLITE_TYPES = {**_MYSQL_TYPES, "timestamp": (_CATALOG, "timestamp"), "serial": (_CATALOG, "numeric")}
_SQLITE_INTEGER = (_CATALOG, "int8")
_SQLITE_REAL = (_CATALOG, "float8")
_SQLITE_REAL_PARTS = ("REAL", "FLOA", "DOUB")
# Types whose length is 1 when none is written (libpg_query writes that typmod, at location -1).
_LENGTH_ONE = frozenset({"bpchar", "bit"})
# Type parameters that are no typmod: integer display widths, float (M,D), TEXT(n) byte counts.
_NO_TYPMODS = frozenset({
    "int4", "int8", "int2", "tinyint", "mediumint", "float4", "float8", "bool", "mediumtext", "text", "year",
    "tinytext", "longtext", "blob", "tinyblob", "mediumblob", "longblob",
})
_MAX_FLOAT4_PRECISION = 24  # MySQL: FLOAT(p) with p from 25 to 53 is a DOUBLE
_TYPE_WORDS = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_TYPE_MODIFIERS = frozenset({"unsigned", "signed", "zerofill"})  # MySQL words after a numeric type


class NotModelled(Exception):
    """A statement of a kind the translation does not model (the front end says which, from its words)."""


class Placed(Exception):
    """A message about the characters `start`..`end` of the file."""

    def __init__(self, message: str, start: int, end: int) -> None:
        super().__init__(message)
        self.message = message
        self.start = start
        self.end = end


class Unmodelled(Placed):
    """Valid SQL that the front end does not model: a statement, or a part of one (at its first words)."""


class Translator:
    """Translates the statements of one file (positions are character indexes into `text`)."""

    def __init__(self, dialect: str, text: str, byte_offset: Callable[[int], int]) -> None:
        self.dialect = dialect
        self.text = text
        self._byte = byte_offset
        # Parts of statements left out (an unknown table element, an ALTER TABLE action ...).
        self.notes: list[Unmodelled] = []

    # --- statements ----------------------------------------------------------------------------

    def statement(self, tree: exp.Expr, start: int) -> Translated:
        """The libpg_query statements for a sqlglot statement that starts at character `start`."""
        if isinstance(tree, exp.Create):
            return self._create(tree)
        if isinstance(tree, exp.Drop):
            return self._drop(tree)
        if isinstance(tree, exp.Alter) and str(tree.args.get("kind") or "").upper() == "TABLE":
            return self.alter_table(tree.this, tree.args.get("actions") or [], tree.args.get("exists", False))
        if isinstance(tree, exp.Insert):
            return [("InsertStmt", self._insert(tree))]
        if isinstance(tree, exp.Update):
            return [("UpdateStmt", self._update(tree))]
        if isinstance(tree, exp.Delete):
            return [("DeleteStmt", self._delete(tree))]
        if isinstance(tree, exp.Query):
            return [("SelectStmt", self.select(tree))]
        if isinstance(tree, exp.TruncateTable):
            relations = [{"RangeVar": self.range_var(table)} for table in tree.expressions]
            return [("TruncateStmt", {"relations": relations, "behavior": _behavior(tree)})]
        if isinstance(tree, exp.Set):
            return [("VariableSetStmt", self._set_item(item)) for item in tree.expressions]
        if isinstance(tree, (exp.Transaction, exp.Commit, exp.Rollback)):
            return [("TransactionStmt", self._transaction(tree, start))]
        if isinstance(tree, _SESSION_STATEMENTS):
            return [(type(tree).__name__, self._session_statement(tree))]
        raise NotModelled

    def _create(self, tree: exp.Create) -> Translated:
        kind = (tree.args.get("kind") or "").upper()
        if kind == "TABLE":
            return [self._create_table(tree)]
        if kind == "INDEX":
            return [("IndexStmt", self._create_index(tree))]
        if kind == "VIEW":
            return [("ViewStmt", self._create_view(tree))]
        if kind in ("DATABASE", "SCHEMA"):  # a MySQL database is what PostgreSQL calls a schema
            return [("CreatedbStmt", {"dbname": _table_parts(tree.this)[-1]})]
        raise NotModelled

    def _create_table(self, tree: exp.Create) -> tuple[str, Node]:
        target = tree.this
        table = target.this if isinstance(target, exp.Schema) else target
        relation = self.range_var(table, temporary=_has_property(tree, exp.TemporaryProperty))
        query = tree.expression
        if isinstance(query, exp.Query) and not isinstance(target, exp.Schema):
            node: Node = {
                "query": {"SelectStmt": self.select(query)},
                "into": {"rel": relation, "onCommit": "ONCOMMIT_NOOP"},
                "objtype": "OBJECT_TABLE",
            }
            _flag(node, "if_not_exists", tree.args.get("exists"))
            return "CreateTableAsStmt", node
        node = {"relation": relation}
        elements: list[Node] = []
        indexes: list[Node] = []
        for element in target.expressions if isinstance(target, exp.Schema) else ():
            self._table_element(element, table, elements, indexes)
        like = _property(tree, exp.LikeProperty)
        if like is not None:
            elements.append({"TableLikeClause": {"relation": self.range_var(like.this)}})
        if elements:
            node["tableElts"] = elements
        node["oncommit"] = "ONCOMMIT_NOOP"
        _flag(node, "if_not_exists", tree.args.get("exists"))
        comment = _property(tree, exp.SchemaCommentProperty)
        if comment is not None:
            node["sqlsoul_comment"] = comment.this.name
        if indexes:
            node["sqlsoul_indexes"] = indexes
        return "CreateStmt", node

    def _table_element(self, element: exp.Expr, table: exp.Table, elements: list[Node], indexes: list[Node]) -> None:
        if isinstance(element, exp.ColumnDef):
            elements.append({"ColumnDef": self.column_def(element)})
        elif isinstance(element, exp.Identifier):  # a SQLite column without a type
            elements.append({"ColumnDef": {"colname": element.name, "is_local": True, "location": self._at(element)}})
        elif isinstance(element, exp.IndexColumnConstraint):
            indexes.append(self.index_clause(element, table))
        elif isinstance(element, exp.LikeProperty):
            elements.append({"TableLikeClause": {"relation": self.range_var(element.this)}})
        else:
            constraint = self.table_constraint(element)
            if constraint is None:
                self._note(element, "CREATE TABLE (... {} ...) is not modelled; the rest of the statement is checked")
            else:
                elements.append({"Constraint": constraint})

    def _create_index(self, tree: exp.Create) -> Node:
        index = tree.this
        parameters = index.args.get("params")
        node: Node = {}
        if index.this is not None:
            node["idxname"] = index.this.name
        node["relation"] = self.range_var(index.args["table"])
        node["accessMethod"] = "btree"
        node["indexParams"] = [self._index_element(part) for part in (parameters.args.get("columns") or [] if parameters else [])]
        where = parameters.args.get("where") if parameters else None
        if where is not None:
            node["whereClause"] = self.expression(where.this)
        _flag(node, "unique", tree.args.get("unique"))
        _flag(node, "if_not_exists", tree.args.get("exists"))
        return node

    def _create_view(self, tree: exp.Create) -> Node:
        target = tree.this
        table = target.this if isinstance(target, exp.Schema) else target
        node: Node = {"view": self.range_var(table)}
        if isinstance(target, exp.Schema) and target.expressions:
            node["aliases"] = [_string(column.name) for column in target.expressions]
        if isinstance(tree.expression, exp.Query):
            node["query"] = {"SelectStmt": self.select(tree.expression)}
        _flag(node, "replace", tree.args.get("replace"))
        node["withCheckOption"] = "NO_CHECK_OPTION"
        return node

    def _drop(self, tree: exp.Drop) -> Translated:
        kind = (tree.args.get("kind") or "").upper()
        tables = tree.args.get("tables") or []
        if kind in ("DATABASE", "SCHEMA"):
            dropped: Translated = []
            for table in tables:
                node: Node = {"dbname": _table_parts(table)[-1]}
                _flag(node, "missing_ok", tree.args.get("exists"))
                dropped.append(("DropdbStmt", node))
            return dropped
        remove_type = _DROPPED_OBJECTS.get(kind)
        if remove_type is None:
            raise NotModelled
        if remove_type in _ROUTINES:
            objects = [{"ObjectWithArgs": {"objname": _strings(_table_parts(table)), "args_unspecified": True}}
                       for table in tables]
        else:
            objects = [{"List": {"items": _strings(_table_parts(table))}} for table in tables]
        node = {"objects": objects, "removeType": remove_type, "behavior": _behavior(tree)}
        _flag(node, "missing_ok", tree.args.get("exists"))
        on_table = tree.args.get("cluster")
        if remove_type == "OBJECT_INDEX" and isinstance(on_table, exp.OnProperty):
            node["sqlsoul_table"] = self.range_var(on_table.this)
        return [("DropStmt", node)]

    # --- ALTER TABLE ---------------------------------------------------------------------------

    def alter_table(self, table: exp.Table, actions: Iterable[exp.Expr], missing_ok: bool = False) -> Translated:
        """ALTER TABLE actions in order: commands go into AlterTableStmts, renames become RenameStmts
        (PostgreSQL cannot rename in a list of commands; MySQL can)."""
        translated: Translated = []
        commands: list[Node] = []

        def flush() -> None:
            if commands:
                node: Node = {"relation": self.range_var(table), "cmds": list(commands), "objtype": "OBJECT_TABLE"}
                _flag(node, "missing_ok", missing_ok)
                translated.append(("AlterTableStmt", node))
                commands.clear()

        for action in actions:
            rename = self._rename(table, action)
            if rename is not None:
                flush()
                translated.append(("RenameStmt", rename))
            else:
                commands.extend({"AlterTableCmd": command} for command in self._alter_commands(table, action))
        flush()
        return translated

    def _rename(self, table: exp.Table, action: exp.Expr) -> Node | None:
        if isinstance(action, exp.AlterRename):
            node: Node = {"renameType": "OBJECT_TABLE", "relationType": "OBJECT_ACCESS_METHOD"}
            node["relation"] = self.range_var(table)
            node["newname"] = action.this.name
        elif isinstance(action, exp.RenameColumn):
            node = {"renameType": "OBJECT_COLUMN", "relationType": "OBJECT_TABLE", "relation": self.range_var(table),
                    "subname": action.this.name, "newname": action.args["to"].name}
        elif isinstance(action, exp.RenameIndex):
            node = {"renameType": "OBJECT_INDEX", "relationType": "OBJECT_ACCESS_METHOD",
                    "relation": _plain_range_var(action.this.name, self._at(action.this)),
                    "newname": action.args["to"].name, "sqlsoul_table": self.range_var(table)}
        else:
            return None
        node["behavior"] = "DROP_RESTRICT"
        return node

    def _alter_commands(self, table: exp.Table, action: exp.Expr) -> list[Node]:
        if isinstance(action, exp.ColumnDef):
            command: Node = {"subtype": "AT_AddColumn", "def": {"ColumnDef": self.column_def(action)}}
            _flag(command, "missing_ok", action.args.get("exists"))
            return [_command(command)]
        if isinstance(action, exp.AddConstraint):
            return [command for clause in action.expressions if (command := self._add_constraint(table, clause))]
        if isinstance(action, exp.Drop):
            return [self._drop_command(action)]
        if isinstance(action, exp.DropPrimaryKey):
            return [_command({"subtype": "AT_DropConstraint", "name": "PRIMARY", "sqlsoul_kind": "CONSTR_PRIMARY"})]
        if isinstance(action, exp.ModifyColumn):
            column = action.this
            old_name = action.args.get("rename_from") or column.this
            return [_command({"subtype": "AT_AlterColumnType", "name": old_name.name,
                              "def": {"ColumnDef": self.column_def(column)}, "sqlsoul_redefine": True})]
        if isinstance(action, exp.AlterColumn):
            return [self._alter_column(action)]
        if isinstance(action, (exp.AlterIndex, exp.Order)):
            return []  # index visibility and row order change no model fact
        self._note(action, "ALTER TABLE ... {} is not modelled; the rest of the statement is checked")
        return []

    def _add_constraint(self, table: exp.Table, clause: exp.Expr) -> Node | None:
        if isinstance(clause, exp.IndexColumnConstraint):
            return _command({"subtype": "AT_AddIndex", "def": {"IndexStmt": self.index_clause(clause, table)}})
        constraint = self.table_constraint(clause)
        if constraint is None:
            self._note(clause, "ALTER TABLE ... ADD {} is not modelled; the rest of the statement is checked")
            return None
        return _command({"subtype": "AT_AddConstraint", "def": {"Constraint": constraint}})

    def _drop_command(self, action: exp.Drop) -> Node:
        kind = (action.args.get("kind") or "COLUMN").upper()
        name = _table_parts(action.args["tables"][0])[-1]
        command: Node
        if kind == "COLUMN":
            command = {"subtype": "AT_DropColumn", "name": name}
        elif kind in ("INDEX", "KEY"):
            command = {"subtype": "AT_DropIndex", "name": name}
        else:
            command = {"subtype": "AT_DropConstraint", "name": name}
            if kind in ("FOREIGN KEY", "CHECK"):
                command["sqlsoul_kind"] = "CONSTR_FOREIGN" if kind == "FOREIGN KEY" else "CONSTR_CHECK"
        _flag(command, "missing_ok", action.args.get("exists"))
        return _command(command)

    def _alter_column(self, action: exp.AlterColumn) -> Node:
        name = action.this.name
        if action.args.get("allow_null") is not None:
            subtype = "AT_DropNotNull" if action.args.get("drop") else "AT_SetNotNull"
            return _command({"subtype": subtype, "name": name})
        if action.args.get("dtype") is not None:
            column: Node = {"typeName": self.type_name(action.args["dtype"], {}), "location": self._at(action.this)}
            return _command({"subtype": "AT_AlterColumnType", "name": name, "def": {"ColumnDef": column}})
        command: Node = {"subtype": "AT_ColumnDefault", "name": name}
        default = action.args.get("default")
        if default is not None:
            command["def"] = self.expression(default)
        return _command(command)

    # --- columns, types and constraints --------------------------------------------------------

    def column_def(self, column: exp.ColumnDef) -> Node:
        node: Node = {"colname": column.this.name}
        constraints: list[Node] = []
        kind = column.args.get("kind")
        if isinstance(kind, exp.DataType):
            node["typeName"] = self.type_name(kind, node)
            if self.dialect != SQLITE and self._written_type(kind).split()[:1] == ["serial"]:
                # MySQL's SERIAL is BIGINT UNSIGNED NOT NULL AUTO_INCREMENT UNIQUE.
                node["sqlsoul_unsigned"] = node["sqlsoul_auto_increment"] = True
                location = node["typeName"]["location"]
                constraints.append(_not_null(location))
                constraints.append({"Constraint": {"contype": "CONSTR_UNIQUE", "location": location}})
        node["is_local"] = True
        for item in column.args.get("constraints") or []:
            self._column_constraint(item, node, constraints)
        if constraints:
            node["constraints"] = constraints
        node["location"] = self._at(column.this)
        return node

    def type_name(self, data_type: exp.DataType, column: Node) -> Node:
        """A TypeName; facts for the column (enum values, UNSIGNED) go into `column`."""
        written = self._written_type(data_type)
        names, typmods = self._type_names(data_type, written), []
        parameters = _type_parameters(data_type)
        if names[-1] in ("enum", "set"):
            column["sqlsoul_enum_values"] = [value.name for value in parameters if isinstance(value, exp.Literal)]
        elif names[-1] not in _NO_TYPMODS:
            typmods = [self._constant(value) for value in parameters if isinstance(value, exp.Literal)]
            if not typmods and names[-1] in _LENGTH_ONE:
                typmods = [{"A_Const": {"ival": {"ival": 1}, "location": -1}}]
        # SQLite takes UNSIGNED as part of a name and enforces nothing.
        if self.dialect != SQLITE and ("unsigned" in written or "zerofill" in written):
            column["sqlsoul_unsigned"] = True
        node: Node = {"names": _strings(names)}
        if typmods:
            node["typmods"] = typmods
        node["typemod"] = -1
        node["location"] = self._at(data_type)
        return node

    def _written_type(self, data_type: exp.DataType) -> str:
        """The type as written, lower-cased; sqlglot's normalized name where the text is not known."""
        start, end = data_type.meta.get(START), data_type.meta.get(END)
        if start is not None and end is not None:
            return " ".join(self.text[start:end].lower().split())
        return data_type.sql().lower()

    def _type_names(self, data_type: exp.DataType, written: str) -> tuple[str, ...]:
        base = " ".join(word for word in _TYPE_WORDS.findall(written.split("(")[0]) if word not in _TYPE_MODIFIERS)
        base = base or written
        if self.dialect == SQLITE:
            upper = base.upper()
            if "INT" in upper:
                return _SQLITE_INTEGER
            if any(part in upper for part in _SQLITE_REAL_PARTS):
                return _SQLITE_REAL
            known = _SQLITE_TYPES.get(base)
        else:
            known = _MYSQL_TYPES.get(base) or _MYSQL_TYPES.get(base.split()[0])
            if known == (_CATALOG, "float4") and self._float_is_double(data_type):
                return _CATALOG, "float8"
        if known is not None:
            return known
        if data_type.this == exp.DType.USERDEFINED:
            return (str(data_type.args.get("kind") or base).lower(),)
        return (base if self.dialect == SQLITE else base.split()[0],)

    @staticmethod
    def _float_is_double(data_type: exp.DataType) -> bool:
        parameters = _type_parameters(data_type)
        if len(parameters) != 1 or not isinstance(parameters[0], exp.Literal):  # FLOAT(M,D) stays a FLOAT
            return False
        return parameters[0].name.isdigit() and int(parameters[0].name) > _MAX_FLOAT4_PRECISION

    def _column_constraint(self, item: exp.Expr, column: Node, constraints: list[Node]) -> None:
        kind = item.args.get("kind") if isinstance(item, exp.ColumnConstraint) else item
        name = item.args.get("this") if isinstance(item, exp.ColumnConstraint) else None
        location = self._at(item)
        constraint: Node | None = None
        if isinstance(kind, exp.NotNullColumnConstraint):
            if kind.args.get("allow_null"):
                constraint = {"contype": "CONSTR_NULL"}
            else:
                constraint = {"contype": "CONSTR_NOTNULL", "is_enforced": True, "initially_valid": True}
        elif isinstance(kind, exp.DefaultColumnConstraint):
            constraint = {"contype": "CONSTR_DEFAULT", "raw_expr": self.expression(kind.this)}
        elif isinstance(kind, exp.PrimaryKeyColumnConstraint):
            constraint = {"contype": "CONSTR_PRIMARY"}
        elif isinstance(kind, exp.UniqueColumnConstraint):
            constraint = {"contype": "CONSTR_UNIQUE"}
        elif isinstance(kind, exp.Reference):
            constraint = self._foreign_key(kind, None, {}, inline=True)
        elif isinstance(kind, exp.CheckColumnConstraint):
            constraint = self._check(kind)
        elif isinstance(kind, exp.ComputedColumnConstraint):
            constraint = {"contype": "CONSTR_GENERATED", "raw_expr": self.expression(kind.this), "generated_when": "a",
                          "generated_kind": "s" if kind.args.get("persisted") else "v"}
        elif isinstance(kind, exp.AutoIncrementColumnConstraint):
            column["sqlsoul_auto_increment"] = True
        elif isinstance(kind, exp.CommentColumnConstraint):
            column["sqlsoul_comment"] = kind.this.name
        elif isinstance(kind, exp.OnUpdateColumnConstraint):
            column["sqlsoul_on_update"] = self.expression(kind.this)
        elif isinstance(kind, exp.ZeroFillColumnConstraint):
            column["sqlsoul_unsigned"] = True  # ZEROFILL implies UNSIGNED
        if constraint is None:
            return  # character set, collation, visibility ...: no model fact
        if name is not None:
            constraint = _named(constraint, name.name)
        constraint["location"] = location
        constraints.append({"Constraint": constraint})

    def table_constraint(self, clause: exp.Expr, name: str | None = None, location: int | None = None) -> Node | None:
        """A table-level constraint (PRIMARY KEY, UNIQUE, FOREIGN KEY, CHECK), named or not."""
        location = self._at(clause) if location is None else location
        if isinstance(clause, exp.Constraint):
            inner = clause.expressions[0] if clause.expressions else None
            return self.table_constraint(inner, clause.this.name, location) if inner is not None else None
        constraint: Node
        if isinstance(clause, exp.PrimaryKey):
            constraint = {"contype": "CONSTR_PRIMARY", "keys": _strings(_key_names(clause.expressions))}
        elif isinstance(clause, exp.UniqueColumnConstraint):
            schema = clause.this
            columns = schema.expressions if isinstance(schema, exp.Schema) else []
            index_name = schema.this if isinstance(schema, exp.Schema) else schema
            name = index_name.name if index_name is not None else name  # MySQL names the index, not the symbol
            constraint = {"contype": "CONSTR_UNIQUE", "keys": _strings(_key_names(columns))}
        elif isinstance(clause, exp.ForeignKey):
            constraint = self._foreign_key(clause.args["reference"], clause.expressions, clause.args, inline=False)
        elif isinstance(clause, exp.CheckColumnConstraint):
            constraint = self._check(clause)
        else:
            return None
        if name is not None:
            constraint = _named(constraint, name)
        constraint["location"] = location
        return constraint

    def _foreign_key(self, reference: exp.Reference, columns: list[exp.Expr] | None, clause: dict[str, Any],
                     inline: bool) -> Node:
        target = reference.this
        table = target.this if isinstance(target, exp.Schema) else target
        constraint: Node = {"contype": "CONSTR_FOREIGN", "is_enforced": True, "initially_valid": True,
                            "pktable": self.range_var(table)}
        if columns:
            constraint["fk_attrs"] = _strings(_key_names(columns))
        if isinstance(target, exp.Schema) and target.expressions:
            constraint["pk_attrs"] = _strings(_key_names(target.expressions))
        actions = {"delete": clause.get("delete"), "update": clause.get("update")}
        match = "s"
        for option in reference.args.get("options") or []:
            words = str(option).upper().split()
            if words[:1] == ["ON"] and len(words) > 2:
                actions[words[1].lower()] = " ".join(words[2:])
            elif words[:1] == ["MATCH"] and len(words) > 1:
                match = _FK_MATCH.get(words[1], "s")
        constraint["fk_matchtype"] = match
        constraint["fk_upd_action"] = _FK_ACTIONS.get(str(actions["update"] or "").upper(), "a")
        constraint["fk_del_action"] = _FK_ACTIONS.get(str(actions["delete"] or "").upper(), "a")
        if inline:
            constraint["sqlsoul_inline"] = True
        return constraint

    def _check(self, check: exp.CheckColumnConstraint) -> Node:
        constraint: Node = {"contype": "CONSTR_CHECK"}
        if not check.meta.get(NOT_ENFORCED):
            constraint["is_enforced"] = True
        constraint["initially_valid"] = True
        constraint["raw_expr"] = self.expression(check.this)
        return constraint

    def index_clause(self, clause: exp.IndexColumnConstraint, table: exp.Table) -> Node:
        """An IndexStmt for a KEY/INDEX/FULLTEXT/SPATIAL clause of CREATE or ALTER TABLE."""
        node: Node = {}
        if clause.this is not None:
            node["idxname"] = clause.this.name
        relation = self.range_var(table)
        relation["location"] = self._at(clause)  # the index's origin is its clause, not the table name
        node["relation"] = relation
        kind = clause.args.get("kind")
        method = clause.args.get("index_type")
        node["accessMethod"] = str(kind or method or "btree").lower()
        node["indexParams"] = [self._index_element(part) for part in clause.expressions]
        return node

    def _index_element(self, part: exp.Expr) -> Node:
        ordering = "SORTBY_DEFAULT"
        if isinstance(part, exp.Ordered):
            desc = part.args.get("desc")
            ordering = "SORTBY_DESC" if desc else "SORTBY_ASC" if desc is False else "SORTBY_DEFAULT"
            part = part.this
        if isinstance(part, exp.Collate):
            part = part.this
        element: Node = {}
        prefix = _column_prefix(part)
        if prefix is not None:
            element["name"], element["sqlsoul_prefix_length"] = prefix
        elif isinstance(part, (exp.Column, exp.Identifier)):
            element["name"] = part.name
        else:
            element["expr"] = self.expression(part.this if isinstance(part, exp.Paren) else part)
        element["ordering"] = ordering
        element["nulls_ordering"] = "SORTBY_NULLS_DEFAULT"
        return {"IndexElem": element}

    # --- data statements -----------------------------------------------------------------------

    def _insert(self, tree: exp.Insert) -> Node:
        target = tree.this
        table = target.this if isinstance(target, exp.Schema) else target
        node: Node = {"relation": self.range_var(table)}
        if isinstance(target, exp.Schema) and target.expressions:
            node["cols"] = [{"ResTarget": {"name": column.name, "location": self._at(column)}} for column in target.expressions]
        source = tree.expression
        if isinstance(source, exp.Values):
            rows = [{"List": {"items": [self.expression(value) for value in row.expressions]}} for row in source.expressions]
            node["selectStmt"] = {"SelectStmt": {"valuesLists": rows, "limitOption": "LIMIT_OPTION_DEFAULT", "op": "SETOP_NONE"}}
        elif isinstance(source, exp.Query):
            node["selectStmt"] = {"SelectStmt": self.select(source)}
        node["override"] = "OVERRIDING_NOT_SET"
        return node

    def _update(self, tree: exp.Update) -> Node:
        node: Node = {"relation": self.range_var(_first_table(tree.this))}
        targets = []
        for assignment in tree.expressions:
            column = assignment.this
            targets.append({"ResTarget": {"name": column.name, "val": self.expression(assignment.expression),
                                          "location": self._at(column)}})
        node["targetList"] = targets
        self._where(tree, node)
        return node

    def _delete(self, tree: exp.Delete) -> Node:
        tables = tree.args.get("tables") or [tree.this]
        node: Node = {"relation": self.range_var(_first_table(tables[0]))}
        self._where(tree, node)
        return node

    def _where(self, tree: exp.Expr, node: Node) -> None:
        where = tree.args.get("where")
        if where is not None:
            node["whereClause"] = self.expression(where.this)

    def select(self, query: exp.Expr) -> Node:
        """A SelectStmt: its targets, the tables it reads, its WHERE; set operations as larg/rarg."""
        if isinstance(query, exp.SetOperation):
            operation = {exp.Union: "SETOP_UNION", exp.Intersect: "SETOP_INTERSECT", exp.Except: "SETOP_EXCEPT"}
            node: Node = {"limitOption": "LIMIT_OPTION_DEFAULT", "op": operation.get(type(query), "SETOP_UNION")}
            _flag(node, "all", not query.args.get("distinct"))
            node["larg"], node["rarg"] = self.select(query.this), self.select(query.expression)
            return node
        if isinstance(query, exp.Subquery):
            return self.select(query.this)
        if not isinstance(query, exp.Select):
            return {"limitOption": "LIMIT_OPTION_DEFAULT", "op": "SETOP_NONE"}
        node = {"targetList": [self._result_target(item) for item in query.expressions]}
        tables = [source.this if isinstance(source, exp.Join) else source
                  for source in [query.args.get("from_") and query.args["from_"].this, *(query.args.get("joins") or [])]
                  if source is not None]
        sources = [{"RangeVar": self.range_var(table)} for table in tables if isinstance(table, exp.Table)]
        if sources:
            node["fromClause"] = sources
        self._where(query, node)
        node["limitOption"] = "LIMIT_OPTION_DEFAULT"
        node["op"] = "SETOP_NONE"
        return node

    def _result_target(self, item: exp.Expr) -> Node:
        target: Node = {}
        if isinstance(item, exp.Alias):
            target["name"] = item.alias
            item = item.this
        target["val"] = self.expression(item)
        target["location"] = self._at(item)
        return {"ResTarget": target}

    def _set_item(self, item: exp.Expr) -> Node:
        kind = str(item.args.get("kind") or "").lower()
        assignment = item.this
        if kind == "names" or kind.startswith("character"):
            name, values = "names", [assignment]
        elif isinstance(assignment, exp.EQ):
            target = assignment.this
            name = ("@" if isinstance(target, exp.Parameter) else "") + target.name.lower()
            values = [assignment.expression]
        else:
            name, values = assignment.name.lower(), []
        values = [value for value in values if value is not None]
        node: Node = {"kind": "VAR_SET_VALUE", "name": name}
        if values:
            node["args"] = [self._setting(value) for value in values]
        if kind and kind != "names" and not kind.startswith("character"):
            node["sqlsoul_scope"] = kind
        node["location"] = self._at(values[0]) if values else -1  # libpg_query: where the value starts
        return node

    def _setting(self, value: exp.Expr) -> Node:
        """A SET value: a bare word (ON, utf8mb4) is a string, lower-cased as PostgreSQL's SET does."""
        if isinstance(value, (exp.Column, exp.Var, exp.Identifier)) and not isinstance(value, exp.Star):
            quoted = isinstance(value, exp.Column) and value.this.args.get("quoted")
            word = value.name if quoted else value.name.lower()
            return {"A_Const": {"sval": {"sval": word}, "location": self._at(value)}}
        return self.expression(value)

    def _transaction(self, tree: exp.Expr, start: int) -> Node:
        if isinstance(tree, exp.Transaction):
            kind = "TRANS_STMT_START" if self.text[start:start + 5].upper() == "START" else "TRANS_STMT_BEGIN"
        elif isinstance(tree, exp.Commit):
            kind = "TRANS_STMT_COMMIT"
        else:
            savepoint = tree.args.get("savepoint")
            if savepoint is not None:
                return {"kind": "TRANS_STMT_ROLLBACK_TO", "savepoint_name": savepoint.name, "location": self._at(savepoint)}
            kind = "TRANS_STMT_ROLLBACK"
        return {"kind": kind, "location": -1}

    def _session_statement(self, tree: exp.Expr) -> Node:
        if isinstance(tree, exp.Pragma):
            return _pragma(tree.this)
        if isinstance(tree, exp.Use):
            return {"name": tree.this.name if tree.this is not None else None}
        return {"text": tree.sql(dialect="mysql" if self.dialect != SQLITE else "sqlite")}

    # --- names and expressions -----------------------------------------------------------------

    def range_var(self, table: exp.Expr, temporary: bool = False) -> Node:
        parts = _table_parts(table)
        node: Node = {}
        if len(parts) > 1:
            node["schemaname"] = parts[-2]
        node["relname"] = parts[-1]
        node["inh"] = True
        node["relpersistence"] = "t" if temporary else "p"
        node["location"] = self._at(table)
        return node

    def expression(self, tree: exp.Expr) -> Node:
        """A libpg_query expression node for the shapes rules read; others as `sqlsoul_expr`."""
        while isinstance(tree, exp.Paren):
            tree = tree.this
        location = self._at(tree)
        if isinstance(tree, exp.Literal):
            return self._constant(tree)
        if isinstance(tree, exp.Neg) and isinstance(tree.this, exp.Literal) and not tree.this.is_string:
            return self._constant(tree.this, negative=True)
        if isinstance(tree, exp.Null):
            return {"A_Const": {"isnull": True, "location": location}}
        if isinstance(tree, exp.Boolean):
            return {"A_Const": {"boolval": {"boolval": True} if tree.this else {}, "location": location}}
        if isinstance(tree, (exp.Column, exp.Star)):
            return {"ColumnRef": {"fields": _column_fields(tree), "location": location}}
        operator = _OPERATORS.get(type(tree))
        if operator is not None:
            return _a_expr("AEXPR_OP", operator, self.expression(tree.this), self.expression(tree.expression), location)
        if isinstance(tree, (exp.And, exp.Or)):
            return self._bool_expr(tree, location)
        if isinstance(tree, exp.Not):
            return self._negation(tree.this, location)
        if isinstance(tree, exp.Is) and isinstance(tree.expression, exp.Null):
            return {"NullTest": {"arg": self.expression(tree.this), "nulltesttype": "IS_NULL", "location": location}}
        if isinstance(tree, exp.In) and tree.expressions:
            return _a_expr("AEXPR_IN", "=", self.expression(tree.this), self._list(tree.expressions), location)
        if isinstance(tree, exp.Between):
            bounds = self._list([tree.args["low"], tree.args["high"]])
            return _a_expr("AEXPR_BETWEEN", "BETWEEN", self.expression(tree.this), bounds, location)
        if isinstance(tree, exp.Like):
            return _a_expr("AEXPR_LIKE", "~~", self.expression(tree.this), self.expression(tree.expression), location)
        if isinstance(tree, exp.Cast) and isinstance(tree.args.get("to"), exp.DataType):
            return {"TypeCast": {"arg": self.expression(tree.this), "typeName": self.type_name(tree.args["to"], {}),
                                 "location": location}}
        if isinstance(tree, tuple(_SQL_VALUE_FUNCTIONS)):
            return self._sql_value_function(tree, location)
        if isinstance(tree, exp.Coalesce):
            return {"CoalesceExpr": {"args": [self.expression(arg) for arg in _arguments(tree)], "location": location}}
        if isinstance(tree, exp.Func):
            return self.func_call(tree)
        node: Node = {"class": type(tree).__name__, "args": [self.expression(child) for child in tree.iter_expressions()]}
        if isinstance(tree.this, str) and tree.this:  # a word (exp.Var: a keyword used as a value)
            node["name"] = tree.this
        node["location"] = location
        return {"sqlsoul_expr": node}

    def func_call(self, tree: exp.Func) -> Node:
        name = tree.name if isinstance(tree, exp.Anonymous) else tree.sql_name()
        node: Node = {"funcname": _strings(name.lower().split("."))}
        args = [self.expression(arg) for arg in _arguments(tree)]
        if args:
            node["args"] = args
        node["funcformat"] = "COERCE_EXPLICIT_CALL"
        node["location"] = self._at(tree)
        return {"FuncCall": node}

    def _bool_expr(self, tree: exp.Expr, location: int) -> Node:
        operator = type(tree)
        operands: list[exp.Expr] = []
        pending = [tree]
        while pending:  # PostgreSQL flattens a AND b AND c into one BoolExpr
            item = pending.pop()
            while isinstance(item, exp.Paren) and type(item.this) is operator:
                item = item.this
            if type(item) is operator:
                pending.extend([item.expression, item.this])
            else:
                operands.append(item)
        boolop = "AND_EXPR" if operator is exp.And else "OR_EXPR"
        return {"BoolExpr": {"boolop": boolop, "args": [self.expression(item) for item in operands], "location": location}}

    def _negation(self, tree: exp.Expr, location: int) -> Node:
        while isinstance(tree, exp.Paren):
            tree = tree.this
        if isinstance(tree, exp.Is) and isinstance(tree.expression, exp.Null):
            return {"NullTest": {"arg": self.expression(tree.this), "nulltesttype": "IS_NOT_NULL", "location": location}}
        if isinstance(tree, exp.In) and tree.expressions:
            return _a_expr("AEXPR_IN", "<>", self.expression(tree.this), self._list(tree.expressions), location)
        if isinstance(tree, exp.Like):
            return _a_expr("AEXPR_LIKE", "!~~", self.expression(tree.this), self.expression(tree.expression), location)
        if isinstance(tree, exp.Between):
            bounds = self._list([tree.args["low"], tree.args["high"]])
            return _a_expr("AEXPR_NOT_BETWEEN", "NOT BETWEEN", self.expression(tree.this), bounds, location)
        return {"BoolExpr": {"boolop": "NOT_EXPR", "args": [self.expression(tree)], "location": location}}

    def _sql_value_function(self, tree: exp.Expr, location: int) -> Node:
        operation = _SQL_VALUE_FUNCTIONS[type(tree)]
        node: Node = {"op": operation, "typmod": -1, "location": location}
        precision = tree.this
        if isinstance(precision, exp.Literal) and precision.name.isdigit():
            node["op"], node["typmod"] = f"{operation}_N", int(precision.name)
        return {"SQLValueFunction": node}

    def _list(self, items: Iterable[exp.Expr]) -> Node:
        return {"List": {"items": [self.expression(item) for item in items]}}

    def _constant(self, literal: exp.Literal, negative: bool = False) -> Node:
        location = self._at(literal)
        text = literal.name
        if literal.is_string:
            return {"A_Const": {"sval": {"sval": text}, "location": location}}  # libpg_query keeps an empty string
        if negative:
            text = f"-{text}"
        if re.fullmatch(r"-?\d+", text) and abs(int(text)) <= _INT4_MAX:
            value = int(text)
            return {"A_Const": {"ival": {"ival": value} if value else {}, "location": location}}
        return {"A_Const": {"fval": {"fval": text}, "location": location}}

    # --- positions -----------------------------------------------------------------------------

    def _at(self, tree: exp.Expr | None) -> int:
        """Byte offset of a node's first token (-1, as libpg_query writes "unknown", if none is known)."""
        start = _first_char(tree) if tree is not None else None
        return -1 if start is None else self._byte(start)

    def _char_range(self, tree: exp.Expr) -> tuple[int, int]:
        start = _first_char(tree) or 0
        return start, _word_end(self.text, start)

    def _note(self, tree: exp.Expr, message: str) -> None:
        """Note a part of a statement that is left out; `message` takes its first words at {}."""
        start, end = self._char_range(tree)
        self.notes.append(Unmodelled(message.format(_words(self.text, start, 2)), start, end))


# --- helpers ---------------------------------------------------------------------------------------


def _first_char(tree: exp.Expr) -> int | None:
    """Character index of the first token of a node, from what sqlglot and grammar.py noted."""
    meta = tree._meta
    if meta:
        start = meta.get(START, meta.get("start"))
        if start is not None:
            return start
    found = [position for child in tree.iter_expressions() if (position := _first_char(child)) is not None]
    return min(found) if found else None


_TWO_WORDS = re.compile(r"\w+(?:\s+\w+)?")


def _word_end(text: str, start: int) -> int:
    """End of the (at most two) words at `start`: the span of a note about a statement or clause."""
    match = _TWO_WORDS.match(text, start)
    return match.end() if match else start + 1


def _words(text: str, start: int, count: int) -> str:
    """The first words at `start`, upper-cased, for a note ("PRIMARY KEY", "CREATE EVENT")."""
    return " ".join(re.findall(r"\w+", text[start : start + 80])[:count]).upper()


def _command(command: Node) -> Node:
    command["behavior"] = "DROP_RESTRICT"
    return command


def _flag(node: Node, key: str, value: Any) -> None:
    """Set a boolean key the way libpg_query does: only when true."""
    if value:
        node[key] = True


def _behavior(tree: exp.Expr) -> str:
    return "DROP_CASCADE" if tree.args.get("cascade") else "DROP_RESTRICT"


def _string(value: str) -> Node:
    return {"String": {"sval": value}}


def _strings(values: Iterable[str]) -> list[Node]:
    return [_string(value) for value in values]


def _named(constraint: Node, name: str) -> Node:
    """The constraint with its name, which libpg_query writes right after contype."""
    return {"contype": constraint["contype"], "conname": name, **{k: v for k, v in constraint.items() if k != "contype"}}


def _type_parameters(data_type: exp.DataType) -> list[exp.Expr]:
    return [p.this if isinstance(p, exp.DataTypeParam) else p for p in data_type.expressions]


def _not_null(location: int) -> Node:
    return {"Constraint": {"contype": "CONSTR_NOTNULL", "is_enforced": True, "initially_valid": True, "location": location}}


def _a_expr(kind: str, operator: str, left: Node, right: Node, location: int) -> Node:
    return {"A_Expr": {"kind": kind, "name": [_string(operator)], "lexpr": left, "rexpr": right, "location": location}}


def _plain_range_var(name: str, location: int) -> Node:
    return {"relname": name, "inh": True, "relpersistence": "p", "location": location}


def _table_parts(table: exp.Expr) -> list[str]:
    """[database, ] name of a table reference."""
    if isinstance(table, exp.Table):
        return [part.name for part in (table.args.get("catalog"), table.args.get("db"), table.this) if part is not None]
    return [table.name]


def _first_table(tree: exp.Expr) -> exp.Expr:
    return tree if isinstance(tree, exp.Table) else tree.find(exp.Table) or tree


def _key_names(columns: Iterable[exp.Expr]) -> list[str]:
    names = []
    for column in columns:
        if isinstance(column, exp.Ordered):
            column = column.this
        prefix = _column_prefix(column)
        names.append(prefix[0] if prefix is not None else column.name)
    return names


def _column_prefix(part: exp.Expr) -> tuple[str, int] | None:
    """(column, length) of a MySQL key part `col(10)` (sqlglot reads it as a call in CREATE INDEX)."""
    if isinstance(part, exp.ColumnPrefix) and part.expression is not None and part.expression.name.isdigit():
        return part.this.name, int(part.expression.name)
    if isinstance(part, exp.Anonymous) and len(part.expressions) == 1:
        (length,) = part.expressions
        if isinstance(length, exp.Literal) and length.name.isdigit():
            return part.name, int(length.name)
    return None


def _column_fields(tree: exp.Expr) -> list[Node]:
    if isinstance(tree, exp.Star):
        return [{"A_Star": {}}]
    parts = [part.name for part in (tree.args.get("catalog"), tree.args.get("db"), tree.args.get("table")) if part is not None]
    last = tree.this
    return [*_strings(parts), {"A_Star": {}} if isinstance(last, exp.Star) else _string(last.name)]


def _arguments(tree: exp.Expr) -> list[exp.Expr]:
    """A function call's arguments in the order sqlglot's argument list declares them."""
    found: list[exp.Expr] = []
    for key in tree.arg_types:
        value = tree.args.get(key)
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, exp.Expr):
                found.append(item)
    return found


def _has_property(tree: exp.Create, kind: type[exp.Expr]) -> bool:
    return _property(tree, kind) is not None


def _property(tree: exp.Create, kind: type[exp.Expr]) -> Any:
    properties = tree.args.get("properties")
    return next((item for item in properties.expressions if isinstance(item, kind)), None) if properties else None


def _pragma(statement: exp.Expr) -> Node:
    """PRAGMA [schema.]name [= value | (value)] as {"name", "schema"?, "value"}."""
    target, value = (statement.this, statement.expression) if isinstance(statement, exp.EQ) else (statement, None)
    if isinstance(target, exp.Anonymous):  # PRAGMA name(value)
        target, value = exp.var(target.name), (target.expressions[0] if target.expressions else None)
    node: Node = {}
    if isinstance(target, exp.Dot):
        node["schema"], target = target.this.name, target.expression
    node["name"] = target.name.lower()
    node["value"] = None if value is None else value.name
    return node
