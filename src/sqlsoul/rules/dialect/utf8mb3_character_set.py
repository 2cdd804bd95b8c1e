"""utf8mb3-character-set: text stored as MySQL's utf8 (utf8mb3), which cannot hold 4-byte characters.

The front end keeps no character sets in the tree, so the rule reads the statement's own words:
`CHARACTER SET utf8`, `CHARSET=utf8mb3`, or a `COLLATE utf8_...` that implies it.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from sqlsoul.engine import StatementContext
from sqlsoul.findings import Span
from sqlsoul.rules.base import Rule, builtin_meta
from sqlsoul.rules.labels import relation_label, sql_name

# utf8 followed by a word character is another set (utf8mb4, utf8_bin is a collation): \b ends the name.
_CHARSET = re.compile(rb"\b(?:CHARACTER\s+SET|CHARSET)\s*=?\s*[`'\"]?(utf8mb3|utf8)\b(?![`'\"]?mb4)", re.IGNORECASE)
_COLLATION = re.compile(rb"\bCOLLATE\s*=?\s*[`'\"]?(utf8mb3|utf8)_\w+", re.IGNORECASE)
_ALTER_COLUMN_COMMANDS = frozenset({"AT_AddColumn", "AT_AlterColumnType"})


class Utf8mb3CharacterSet(Rule):
    meta = builtin_meta("SS705")
    targets = frozenset({"CreateStmt", "AlterTableStmt", "CreatedbStmt", "AlterDatabaseStmt"})

    def check_statement(self, ctx: StatementContext) -> None:
        statement = ctx.statement
        text = ctx.source.sql[statement.span.start : statement.span.end]
        found = list(_CHARSET.finditer(text)) or list(_COLLATION.finditer(text))
        if not found:
            return
        columns = _column_starts(ctx)
        starts = [start for start, _ in columns]
        for match in found:
            offset = statement.span.start + match.start()
            nearest = bisect_right(starts, offset) - 1
            # In CREATE TABLE a column's clause sits inside the element list; after it come table options.
            inside = statement.kind != "CreateStmt" or text[: match.start()].count(b"(") > text[: match.start()].count(b")")
            owner = columns[nearest][1] if nearest >= 0 and inside else self._owner(ctx)
            charset = match.group(1).decode().lower()
            ctx.report(
                Span(offset, statement.span.start + match.end()),
                f"{owner} {'uses' if owner.startswith('column') else 'defaults to'} the {charset} character set"
                f"{' (an alias of utf8mb3)' if charset == 'utf8' else ''}, which stores at most 3 bytes per character: "
                "emoji and other characters outside Unicode's Basic Multilingual Plane are rejected with \"Incorrect "
                "string value\" (without strict mode they are lost with only a warning), and MySQL deprecates utf8mb3",
                "Use utf8mb4 (CHARACTER SET utf8mb4 with a utf8mb4 collation, e.g. utf8mb4_0900_ai_ci on MySQL 8, "
                "utf8mb4_unicode_520_ci on MariaDB). For a table that already has rows, in a new migration: ALTER "
                "TABLE ... CONVERT TO CHARACTER SET utf8mb4; it copies the table, and an indexed VARCHAR then takes up "
                "to 4 bytes per character (an index key holds at most 3072 bytes).",
            )

    def _owner(self, ctx: StatementContext) -> str:
        node = ctx.statement.node
        if ctx.statement.kind in ("CreatedbStmt", "AlterDatabaseStmt"):
            return f"database {sql_name(node.get('dbname', ''))}"
        return f"table {relation_label(node.get('relation') or {})}"


def _column_starts(ctx: StatementContext) -> list[tuple[int, str]]:
    """(offset, label) of each column definition the statement holds, in order."""
    node, kind = ctx.statement.node, ctx.statement.kind
    if kind == "CreateStmt":
        elements = node.get("tableElts") or ()
    elif kind == "AlterTableStmt":
        elements = [
            item["AlterTableCmd"].get("def") or {} for item in node.get("cmds") or ()
            if item.get("AlterTableCmd", {}).get("subtype") in _ALTER_COLUMN_COMMANDS
        ]
    else:
        return []
    table = relation_label(node.get("relation") or {})
    definitions = [element["ColumnDef"] for element in elements if "ColumnDef" in element]
    return sorted(
        (ctx.statement.offset(definition.get("location")), f"column {table}.{sql_name(definition['colname'])}")
        for definition in definitions
    )
