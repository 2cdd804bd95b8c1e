"""Naming schema objects in messages the way users write them in SQL."""

from __future__ import annotations

import re
from contextvars import ContextVar, Token
from typing import Any

from sqlsoul.dialects import MARIADB, MYSQL, POSTGRES, SQLITE
from sqlsoul.model import QualifiedName, Table, TypeRef

_PLAIN_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_$]*$")
# MySQL and SQLite do not fold unquoted names to lower case: a mixed-case name needs no quotes there.
_CASE_KEEPING_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_$]*$")
# The dialect whose spelling names and types take: rules set it (see `written_as`) around the text of
# their findings, so that the many helpers building that text need no dialect argument.
_DIALECT: ContextVar[str] = ContextVar("sqlsoul_labels_dialect", default=POSTGRES)
_TYPE_LABELS = {
    "int2": "smallint",
    "int4": "integer",
    "int8": "bigint",
    "bpchar": "char",
    "float4": "real",
    "float8": "double precision",
    "bool": "boolean",
    "timestamptz": "timestamptz",
}
# How the other engines write the types the front end gives PostgreSQL's names (MySQL's TIMESTAMP
# is stored as UTC: timestamptz; its DATETIME is a wall-clock reading: timestamp).
_DIALECT_TYPE_LABELS = {
    MYSQL: {"int4": "int", "float4": "float", "float8": "double", "timestamptz": "timestamp", "timestamp": "datetime"},
    SQLITE: {"int8": "integer", "float8": "real"},
}
_DIALECT_TYPE_LABELS[MARIADB] = _DIALECT_TYPE_LABELS[MYSQL]


class written_as:  # noqa: N801 - used like contextlib's lower-case context managers
    """Name identifiers and types the way `dialect` writes them while the block runs.

    A class rather than a generator-based context manager: the engine enters one for every
    statement, and a generator's setup costs three times as much."""

    __slots__ = ("_dialect", "_token")
    _token: Token[str] | None

    def __init__(self, dialect: str) -> None:
        self._dialect = dialect

    def __enter__(self) -> None:
        # Nothing to change (and restore) when the dialect is already this one, as for most statements.
        self._token = _DIALECT.set(self._dialect) if _DIALECT.get() != self._dialect else None

    def __exit__(self, *exc_info: object) -> None:
        if self._token is not None:
            _DIALECT.reset(self._token)


def sql_name(name: str) -> str:
    """An identifier as it must be written in SQL (quoted when folding would change it; in MySQL
    with backquotes, which do not make a string there)."""
    dialect = _DIALECT.get()
    if dialect == POSTGRES:
        return name if _PLAIN_IDENTIFIER.match(name) else '"' + name.replace('"', '""') + '"'
    if _CASE_KEEPING_IDENTIFIER.match(name):
        return name
    quote = "`" if dialect in (MYSQL, MARIADB) else '"'
    return quote + name.replace(quote, quote * 2) + quote


def qualified_label(key: QualifiedName) -> str:
    """A schema object's name as users write it: the schema only when it is not public."""
    schema, name = key
    return sql_name(name) if schema == "public" else f"{sql_name(schema)}.{sql_name(name)}"


def table_label(table: Table) -> str:
    return qualified_label(table.qualified)


def column_label(table: Table, column: str) -> str:
    return f"{table_label(table)}.{sql_name(column)}"


def type_name(type_ref: TypeRef) -> str:
    """A type's name as the current dialect writes it, without modifiers: `bigint`, `shop.mood`."""
    name = _DIALECT_TYPE_LABELS.get(_DIALECT.get(), {}).get(type_ref.name) or _TYPE_LABELS.get(type_ref.name, type_ref.name)
    return f"{sql_name(type_ref.schema)}.{name}" if type_ref.schema else name


def type_label(type_ref: TypeRef, members: bool = False) -> str:
    """A column type as the current dialect writes it: `varchar(20)`, `int unsigned`, `text[]`; with
    `members`, a MySQL ENUM's or SET's values too (`enum('new', 'paid')`)."""
    label = type_name(type_ref)
    if members and type_ref.members:
        label += "(" + ", ".join("'" + member.replace("'", "''") + "'" for member in type_ref.members) + ")"
    elif type_ref.modifiers and type_ref.name != "interval":  # an interval's modifiers encode its fields: not SQL
        label += "(" + ", ".join(str(m) for m in type_ref.modifiers) + ")"
    if type_ref.unsigned:  # MySQL
        label += " unsigned"
    return label + ("[]" if type_ref.is_array else "")


def relation_label(relation: dict[str, Any]) -> str:
    """A table as a statement names it (a libpg_query RangeVar): with its schema only if written."""
    schema = relation.get("schemaname")
    name = sql_name(relation.get("relname", ""))
    return f"{sql_name(schema)}.{name}" if schema else name
