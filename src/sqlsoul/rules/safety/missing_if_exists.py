"""missing-if-exists: in a migration that runs statement by statement, a CREATE, DROP, ADD or DROP
COLUMN that fails when run a second time.

Outside a transaction block each statement commits on its own: when a later statement fails, what
ran before it stays, and running the migration again (the only way forward) fails at the first
statement that cannot be repeated. The last statement of a part is left alone (if it fails, nothing
of it stays), except CREATE INDEX CONCURRENTLY, which leaves an INVALID index behind when it fails:
for it the safe form is DROP INDEX CONCURRENTLY IF EXISTS first, which IF NOT EXISTS does not replace.
Only statements that have an IF [NOT] EXISTS form are judged.
"""

from __future__ import annotations

from dataclasses import field
from typing import Any, NamedTuple

from sqlsoul.engine import StatementContext
from sqlsoul.records import record
from sqlsoul.replay import names
from sqlsoul.rules.base import Rule, builtin_meta
from sqlsoul.rules.labels import relation_label, sql_name
from sqlsoul.rules.safety.common import alter_commands
from sqlsoul.session import Session

_CREATED = {"CreateStmt": "TABLE", "CreateSeqStmt": "SEQUENCE", "CreateSchemaStmt": "SCHEMA",
            "CreateExtensionStmt": "EXTENSION", "CreateStatsStmt": "STATISTICS", "IndexStmt": "INDEX",
            "CreateTableAsStmt": "TABLE"}
_OBJECT_WORDS = {"MATVIEW": "MATERIALIZED VIEW"}
_ON_TABLE = frozenset({"OBJECT_TRIGGER", "OBJECT_POLICY", "OBJECT_RULE"})  # DROP TRIGGER name ON table
_EXISTS = 'fails here with "already exists"'
_MISSING = 'fails here with "does not exist"'
_TURN_ON = (
    "Or, if nothing in the migration has to run outside a transaction, let the framework run it in one (goose: "
    "drop -- +goose NO TRANSACTION; golang-migrate: leave multi-statement mode off; Liquibase: drop "
    "runInTransaction:false; sqitch: BEGIN; ... COMMIT; around the script) so that a failure undoes all of it."
)


class _Missing(NamedTuple):
    what: str  # the statement or subcommand that lacks the clause
    rerun: str  # what running it a second time does
    fix: str  # the statement written to survive that


@record
class _PartState:
    """What earlier statements of the part did that makes a later one safe to repeat."""

    session: Session
    dropped_indexes: set[str] = field(default_factory=set)  # dropped with IF EXISTS: rebuilding them is the recipe
    temporary: set[str] = field(default_factory=set)  # temporary tables: a rerun's new connection has none


class MissingIfExists(Rule):
    meta = builtin_meta("SS228")
    targets = frozenset({*_CREATED, "DropStmt", "AlterTableStmt", "AlterEnumStmt"})

    def __init__(self, options: dict[str, Any] | None = None) -> None:
        super().__init__(options)
        self._part: _PartState | None = None

    def check_statement(self, ctx: StatementContext) -> None:
        session = ctx.session
        node, kind = ctx.statement.node, ctx.statement.kind
        if self._part is None or self._part.session is not session:
            self._part = _PartState(session)
        if not self._note(self._part, kind, node) or session.in_transaction:
            return
        concurrent_index = kind == "IndexStmt" and bool(node.get("concurrent"))
        if session.position >= session.statements - 1 and not concurrent_index:
            return  # nothing after it can fail and leave it applied
        if concurrent_index and node.get("idxname") in self._part.dropped_indexes:
            return
        missing = _missing_clauses(kind, node)
        if not missing:
            return
        fix = "; ".join(item.fix for item in missing)
        consequence = (
            f"when a later statement fails, this one stays applied, and running the migration again {missing[0].rerun}"
        )
        if concurrent_index:
            consequence = (
                f"if its build or a later statement fails, the index stays behind (INVALID when its build failed), "
                f"and running the migration again {missing[0].rerun}"
            )
            if node.get("idxname"):
                name, table = sql_name(node["idxname"]), relation_label(node.get("relation") or {})
                fix = (
                    f"drop what a failed run may have left, then build the index again: DROP INDEX CONCURRENTLY IF "
                    f"EXISTS {name}; CREATE INDEX CONCURRENTLY {name} ON {table} (...) (IF NOT EXISTS alone would "
                    f"keep an INVALID index)"
                )
        ctx.report(
            ctx.statement.span,
            f"{'; '.join(item.what for item in missing)}, in a migration that runs outside a transaction block: "
            f"{consequence}",
            f"Make the statement safe to run twice: {fix}. {_TURN_ON}",
        )

    @staticmethod
    def _note(part: _PartState, kind: str, node: dict[str, Any]) -> bool:
        """Take in what the statement sets up for later ones; False when it is itself safe to repeat
        because it creates or touches a temporary table."""
        if kind == "DropStmt" and node.get("removeType") == "OBJECT_INDEX" and node.get("missing_ok"):
            part.dropped_indexes.update(_last_names(node))
        relation = (node.get("into") or {}).get("rel") if kind == "CreateTableAsStmt" else node.get("relation")
        if kind in ("CreateStmt", "CreateTableAsStmt") and relation and relation.get("relpersistence") == "t":
            part.temporary.add(relation.get("relname", ""))
            return False
        if kind == "DropStmt" and node.get("removeType") == "OBJECT_TABLE":
            return not set(_last_names(node)) <= part.temporary
        return not (relation and relation.get("relname") in part.temporary)


def _missing_clauses(kind: str, node: dict[str, Any]) -> list[_Missing]:
    if kind in _CREATED:
        return [] if node.get("if_not_exists") else [_create(kind, node)]
    if kind == "DropStmt":
        if node.get("missing_ok"):
            return []
        remove_type = node.get("removeType", "")
        word = _object_word(remove_type)
        label = ", ".join(filter(None, (_object_label(remove_type, item) for item in node.get("objects") or ())))
        named = f"{word} {label}" if label else word
        return [_Missing(f"DROP {named} without IF EXISTS", _MISSING, f"DROP {word} IF EXISTS {label}".rstrip())]
    if kind == "AlterEnumStmt":
        label = node.get("newVal")
        if not label or node.get("oldVal") or node.get("skipIfNewValExists"):
            return []
        type_label = ".".join(sql_name(part) for part in names(node.get("typeName")))
        return [_Missing(f"ALTER TYPE {type_label} ADD VALUE '{label}' without IF NOT EXISTS", _EXISTS,
                         f"ALTER TYPE {type_label} ADD VALUE IF NOT EXISTS '{label}'")]
    return _alter_table(node)


def _create(kind: str, node: dict[str, Any]) -> _Missing:
    if kind == "IndexStmt":
        table = relation_label(node.get("relation") or {})
        word = "INDEX CONCURRENTLY" if node.get("concurrent") else "INDEX"
        if not node.get("idxname"):
            return _Missing(f"CREATE {word} on {table} without a name",
                            "builds a second copy of the index under another name",
                            f"name the index, CREATE {word} IF NOT EXISTS <name> ON {table} (...)")
        name = sql_name(node["idxname"])
        lacking = "IF NOT EXISTS or a DROP INDEX IF EXISTS before it" if node.get("concurrent") else "IF NOT EXISTS"
        return _Missing(f"CREATE {word} {name} without {lacking}", _EXISTS,
                        f"CREATE {word} IF NOT EXISTS {name} ON {table} (...)")
    word, label, rest = _CREATED[kind], "", ""
    if kind == "CreateStmt":
        label, rest = relation_label(node.get("relation") or {}), " (...)"
    elif kind == "CreateTableAsStmt":
        word = "MATERIALIZED VIEW" if node.get("objtype") == "OBJECT_MATVIEW" else "TABLE"
        label, rest = relation_label((node.get("into") or {}).get("rel") or {}), " AS ..."
    elif kind == "CreateSeqStmt":
        label = relation_label(node.get("sequence") or {})
    elif kind == "CreateSchemaStmt":
        label = sql_name(node.get("schemaname", ""))
    elif kind == "CreateExtensionStmt":
        label = sql_name(node.get("extname", ""))
    elif kind == "CreateStatsStmt":
        label, rest = ".".join(sql_name(part) for part in names(node.get("defnames"))), " ON ..."
    return _Missing(
        f"CREATE {word} {label} without IF NOT EXISTS", _EXISTS, f"CREATE {word} IF NOT EXISTS {label}{rest}"
    )


def _alter_table(node: dict[str, Any]) -> list[_Missing]:
    table = relation_label(node.get("relation") or {})
    found = []
    for command in alter_commands(node):
        if command.get("missing_ok"):
            continue
        subtype = command.get("subtype")
        if subtype == "AT_AddColumn":
            column = sql_name((command.get("def") or {}).get("ColumnDef", {}).get("colname", ""))
            found.append(_Missing(f"ADD COLUMN {column} on {table} without IF NOT EXISTS", _EXISTS,
                                  f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {column} ..."))
        elif subtype in ("AT_DropColumn", "AT_DropConstraint"):
            word = "COLUMN" if subtype == "AT_DropColumn" else "CONSTRAINT"
            name = sql_name(command.get("name", ""))
            found.append(_Missing(f"DROP {word} {name} on {table} without IF EXISTS", _MISSING,
                                  f"ALTER TABLE {table} DROP {word} IF EXISTS {name}"))
    return found


def _last_names(node: dict[str, Any]) -> list[str]:
    """The object names (without schema) of a DROP of relations."""
    return [names(item.get("List", {}).get("items"))[-1] for item in node.get("objects") or () if "List" in item]


def _object_word(remove_type: str) -> str:
    word = remove_type.removeprefix("OBJECT_")
    return _OBJECT_WORDS.get(word, word.replace("_", " "))


def _object_label(remove_type: str, item: dict[str, Any]) -> str:
    """A dropped object's name as written (empty for objects named by their types, such as casts)."""
    if "String" in item:
        return sql_name(item["String"].get("sval", ""))
    parts: tuple[str, ...] = ()
    if "List" in item:
        parts = names(item["List"].get("items"))
    elif "TypeName" in item:
        parts = names(item["TypeName"].get("names"))
    elif "ObjectWithArgs" in item:
        parts = names(item["ObjectWithArgs"].get("objname"))
    if remove_type in _ON_TABLE and len(parts) > 1:  # [schema.]table.name
        return f"{sql_name(parts[-1])} ON {'.'.join(sql_name(part) for part in parts[:-1])}"
    return ".".join(sql_name(part) for part in parts)
