"""identifier-too-long: a name over 63 bytes that a statement defines is silently cut by PostgreSQL.

PostgreSQL's scanner truncates every identifier to NAMEDATALEN - 1 = 63 bytes (at a character
boundary) before the parser sees it, and so does libpg_query: the JSON holds the cut name. A cut
name is therefore 60 to 63 bytes long, and only such names send the rule to the statement's text,
where it finds the identifier as written. Names are read from the keys where each kind of DDL
statement defines them; nothing walks whole trees.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterator
from typing import Any

from sqlsoul.engine import StatementContext
from sqlsoul.findings import Span
from sqlsoul.rules.base import Rule, builtin_meta
from sqlsoul.rules.labels import sql_name
from sqlsoul.source import SourceFile

MAX_NAME_BYTES = 63  # NAMEDATALEN - 1
# A name cut to 63 bytes at a character boundary keeps at least 60 (a UTF-8 character has at most 4).
_CUT_AT_LEAST = MAX_NAME_BYTES - 3

Node = dict[str, Any]
Name = tuple[str, str, int | None]  # (what it names, the name as libpg_query gives it, location or None)

# What the statement text holds between tokens we look at: literals and comments are skipped whole, so
# that a name quoted in a string is never taken for the identifier.
_TOKENS = re.compile(
    rb"""'(?:[^']|'')*'
    | --[^\n]*
    | /\*.*?\*/
    | \$(?P<tag>(?:[A-Za-z_\x80-\xff][A-Za-z0-9_\x80-\xff]*)?)\$.*?\$(?P=tag)\$
    | "(?P<quoted>(?:[^"]|"")*)"
    | (?P<plain>[A-Za-z_\x80-\xff][A-Za-z0-9_$\x80-\xff]*)""",
    re.DOTALL | re.VERBOSE,
)


def _check_enum_labels(ctx: StatementContext) -> None:
    """Enum labels are string constants, never cut: one over the limit makes the statement fail."""
    node = ctx.statement.node
    if ctx.statement.kind == "CreateEnumStmt":
        labels = [item.get("String", {}).get("sval", "") for item in node.get("vals") or ()]
    else:
        labels = [node.get("newVal", "")]
    for label in labels:
        size = len(label.encode())
        if size <= MAX_NAME_BYTES:
            continue
        literal = b"'" + label.replace("'", "''").encode() + b"'"
        span = ctx.statement.span
        at = ctx.source.sql.find(literal, span.start, span.end)
        ctx.report(
            Span(at, at + len(literal)) if at >= 0 else span,
            f"enum label '{label}' is {size} bytes: PostgreSQL rejects labels longer than {MAX_NAME_BYTES} bytes, "
            f"so this statement fails (invalid enum label)",
            f"Use a label of at most {MAX_NAME_BYTES} bytes (letters outside ASCII take 2 to 4 bytes each).",
        )


def _written(ctx: StatementContext, name: str, start: int, last: bool) -> tuple[Span, str] | None:
    """The identifier in the statement's text, from `start` on, that PostgreSQL cut to `name`, and its
    span; None when no identifier there is longer than the limit (the name was written as it is)."""
    target = name.encode()
    found: tuple[Span, str] | None = None
    for match in _TOKENS.finditer(ctx.source.sql, start, ctx.statement.span.end):
        quoted, plain = match.group("quoted"), match.group("plain")
        if quoted is not None:
            folded = quoted.replace(b'""', b'"')
        elif plain is not None:
            folded = plain.lower()  # PostgreSQL folds only ASCII letters of unquoted names
        else:
            continue
        if len(folded) > MAX_NAME_BYTES and _cut(folded) == target:
            found = (Span(match.start(), match.end()), folded.decode("utf-8", "replace"))
            if not last:
                break
    return found


def _cut(name: bytes) -> bytes:
    """PostgreSQL's truncate_identifier: the longest prefix of at most 63 bytes that ends on a character."""
    return name[:MAX_NAME_BYTES].decode("utf-8", "ignore").encode()


# --- where each kind of statement defines names ---------------------------------------------------


def _names(kind: str, node: Node) -> Iterator[Name]:
    collect = _COLLECTORS.get(kind)
    return collect(node) if collect is not None else iter(())


def _relation(what: str, range_var: Node | None) -> Iterator[Name]:
    if range_var:
        yield what, range_var.get("relname", ""), range_var.get("location")


def _last(what: str, items: list[Node] | None) -> Iterator[Name]:
    """The object name at the end of a qualified name list ([schema, name])."""
    if items:
        yield what, items[-1].get("String", {}).get("sval", ""), None


def _strings(what: str, items: list[Node] | None) -> Iterator[Name]:
    for item in items or ():
        yield what, item.get("String", {}).get("sval", ""), None


def _constraint(constraint: Node) -> Iterator[Name]:
    if constraint.get("conname"):
        yield "constraint", constraint["conname"], constraint.get("location")


def _column(column: Node) -> Iterator[Name]:
    yield "column", column.get("colname", ""), column.get("location")
    for item in column.get("constraints") or ():
        yield from _constraint(item.get("Constraint", {}))


def _table_elements(elements: list[Node] | None) -> Iterator[Name]:
    for element in elements or ():
        if "ColumnDef" in element:
            yield from _column(element["ColumnDef"])
        elif "Constraint" in element:
            yield from _constraint(element["Constraint"])


def _named_by(what: str, key: str) -> Callable[[Node], Iterator[Name]]:
    """A collector for statements that carry the name they define under one key, with no location."""

    def collect(node: Node) -> Iterator[Name]:
        if node.get(key):
            yield what, node[key], None

    return collect


def _create_table(node: Node) -> Iterator[Name]:
    yield from _relation("table", node.get("relation"))
    yield from _table_elements(node.get("tableElts"))


def _alter_table(node: Node) -> Iterator[Name]:
    for item in node.get("cmds") or ():
        definition = item.get("AlterTableCmd", {}).get("def", {})
        if "ColumnDef" in definition:
            yield from _column(definition["ColumnDef"])
        elif "Constraint" in definition:
            yield from _constraint(definition["Constraint"])


def _query_columns(query: Node | None) -> Iterator[Name]:
    """Output column names a view or CREATE TABLE AS takes from its query's AS aliases."""
    select = (query or {}).get("SelectStmt", {})
    for item in select.get("targetList") or ():
        target = item.get("ResTarget", {})
        if target.get("name"):
            yield "column", target["name"], target.get("location")


def _view(node: Node) -> Iterator[Name]:
    yield from _relation("view", node.get("view"))
    yield from _strings("column", node.get("aliases"))
    yield from _query_columns(node.get("query"))


def _create_table_as(node: Node) -> Iterator[Name]:
    into = node.get("into") or {}
    yield from _relation("materialized view" if node.get("objtype") == "OBJECT_MATVIEW" else "table", into.get("rel"))
    yield from _strings("column", into.get("colNames"))
    yield from _query_columns(node.get("query"))


def _create_schema(node: Node) -> Iterator[Name]:
    if node.get("schemaname"):
        yield "schema", node["schemaname"], None
    for element in node.get("schemaElts") or ():
        ((kind, body),) = element.items()
        yield from _names(kind, body)


def _function(node: Node) -> Iterator[Name]:
    yield from _last("procedure" if node.get("is_procedure") else "function", node.get("funcname"))
    for item in node.get("parameters") or ():
        parameter = item.get("FunctionParameter", {})
        if parameter.get("name"):
            yield "parameter", parameter["name"], parameter.get("location")


_RENAMED = {
    "OBJECT_TABCONSTRAINT": "constraint", "OBJECT_DOMCONSTRAINT": "constraint", "OBJECT_MATVIEW": "materialized view",
}


def _rename(node: Node) -> Iterator[Name]:
    if node.get("newname"):
        object_type = node.get("renameType", "")
        what = _RENAMED.get(object_type) or object_type.removeprefix("OBJECT_").lower().replace("_", " ")
        yield what, node["newname"], None


_DEFINED = {"OBJECT_AGGREGATE": "aggregate", "OBJECT_TYPE": "type", "OBJECT_COLLATION": "collation"}


def _define(node: Node) -> Iterator[Name]:
    what = _DEFINED.get(node.get("kind", ""))
    if what:
        yield from _last(what, node.get("defnames"))


_COLLECTORS: dict[str, Callable[[Node], Iterator[Name]]] = {
    "CreateStmt": _create_table,
    "CreateForeignTableStmt": lambda node: _create_table(node.get("base") or {}),
    "AlterTableStmt": _alter_table,
    "IndexStmt": _named_by("index", "idxname"),
    "ViewStmt": _view,
    "CreateTableAsStmt": _create_table_as,
    "CreateSeqStmt": lambda node: _relation("sequence", node.get("sequence")),
    "CreateSchemaStmt": _create_schema,
    "RenameStmt": _rename,
    "CreateEnumStmt": lambda node: _last("type", node.get("typeName")),
    "CompositeTypeStmt": lambda node: _chain(
        _relation("type", node.get("typevar")), _table_elements(node.get("coldeflist"))
    ),
    "CreateRangeStmt": lambda node: _last("type", node.get("typeName")),
    "CreateDomainStmt": lambda node: _chain(
        _last("domain", node.get("domainname")),
        *(_constraint(item.get("Constraint", {})) for item in node.get("constraints") or ()),
    ),
    "AlterDomainStmt": lambda node: _constraint(node.get("def", {}).get("Constraint", {})),
    "CreateFunctionStmt": _function,
    "CreateTrigStmt": _named_by("trigger", "trigname"),
    "CreatePolicyStmt": _named_by("policy", "policy_name"),
    "RuleStmt": _named_by("rule", "rulename"),
    "CreateStatsStmt": lambda node: _last("statistics object", node.get("defnames")),
    "DefineStmt": _define,
    "CreatedbStmt": _named_by("database", "dbname"),
}


def _chain(*parts: Iterator[Name]) -> Iterator[Name]:
    for part in parts:
        yield from part


# Bytes that can be part of an unquoted name, for finding long runs of them with one translate().
_NAME_BYTES = bytes(
    ord("n") if (chr(byte).isascii() and (chr(byte).isalnum() or chr(byte) in "_$")) or byte >= 0x80 else ord(" ")
    for byte in range(256)
)
_LONGER_THAN_LIMIT = b"n" * (MAX_NAME_BYTES + 1)


def _suspects(data: bytes) -> list[int]:
    """Where in a file a name longer than the limit may be written: the start of each run of more than
    63 bytes that unquoted names are made of, and each double quote (quoted names may hold anything)."""
    found: list[int] = []
    for text, needle in ((data.translate(_NAME_BYTES), _LONGER_THAN_LIMIT), (data, b'"')):
        at = text.find(needle)
        while at >= 0:
            found.append(at)
            at = text.find(needle, at + len(needle))
    found.sort()
    return found


class IdentifierTooLong(Rule):
    meta = builtin_meta("SS225")
    targets = frozenset(_COLLECTORS) | {"AlterEnumStmt"}

    def __init__(self, options: dict[str, Any] | None = None) -> None:
        super().__init__(options)
        self._suspects: tuple[SourceFile | None, list[int]] = (None, [])  # of the file at hand

    def check_statement(self, ctx: StatementContext) -> None:
        if self._may_write_long_names(ctx):
            for what, name, location in _names(ctx.statement.kind, ctx.statement.node):
                # Cheap test first: a cut name has at least 15 characters (60 bytes of at most 4 each).
                if len(name) * 4 >= _CUT_AT_LEAST and len(name.encode()) >= _CUT_AT_LEAST:
                    self._check_name(ctx, what, name, location)
        if ctx.statement.kind in ("CreateEnumStmt", "AlterEnumStmt"):
            _check_enum_labels(ctx)

    def _may_write_long_names(self, ctx: StatementContext) -> bool:
        """A cut name is reported only where the text writes it longer than the limit: statements
        whose text has no such run and no quoted name are passed over without reading their trees."""
        source, suspects = self._suspects
        if source is not ctx.source:
            source, suspects = self._suspects = (ctx.source, _suspects(ctx.source.sql))
        span = ctx.statement.span
        at = bisect_left(suspects, span.start)
        return at < len(suspects) and suspects[at] < span.end

    def _check_name(self, ctx: StatementContext, what: str, name: str, location: int | None) -> None:
        found = _written(ctx, name, ctx.statement.offset(location), last=ctx.statement.kind == "RenameStmt")
        if found is None:
            return  # written as it is: exactly at the limit, not cut
        span, written = found
        size = len(written.encode())
        ctx.report(
            span,
            f"{what} name {sql_name(written)} is {size} bytes: PostgreSQL keeps only the first {MAX_NAME_BYTES} "
            f"and names it {sql_name(name)}, with only a NOTICE. Anything that looks it up by the full "
            f"name as a string (catalog queries, ORM schema checks, code matching constraint names in errors) "
            f"does not find it, and another name with the same first {MAX_NAME_BYTES} bytes collides with it",
            f"Give it a name of at most {MAX_NAME_BYTES} bytes (letters outside ASCII take 2 to 4 bytes each), "
            f"shortening words (idx, fk, uniq, ...). If databases already hold it under the cut name, write that "
            f"name in full so that the code and the database agree: {sql_name(name)}.",
        )
