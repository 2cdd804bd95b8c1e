"""Naming schema objects in messages the way users write them in SQL."""

from __future__ import annotations

import re
from typing import Any

from sqlsoul.model import QualifiedName, Table, TypeRef

_PLAIN_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_$]*$")
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


def sql_name(name: str) -> str:
    """An identifier as it must be written in SQL (quoted when folding would change it)."""
    return name if _PLAIN_IDENTIFIER.match(name) else '"' + name.replace('"', '""') + '"'


def qualified_label(key: QualifiedName) -> str:
    """A schema object's name as users write it: the schema only when it is not public."""
    schema, name = key
    return sql_name(name) if schema == "public" else f"{sql_name(schema)}.{sql_name(name)}"


def table_label(table: Table) -> str:
    return qualified_label(table.qualified)


def column_label(table: Table, column: str) -> str:
    return f"{table_label(table)}.{sql_name(column)}"


def type_label(type_ref: TypeRef) -> str:
    label = _TYPE_LABELS.get(type_ref.name, type_ref.name)
    if type_ref.modifiers:
        label += "(" + ", ".join(str(m) for m in type_ref.modifiers) + ")"
    return label + ("[]" if type_ref.is_array else "")


def relation_label(relation: dict[str, Any]) -> str:
    """A table as a statement names it (a libpg_query RangeVar): with its schema only if written."""
    schema = relation.get("schemaname")
    name = sql_name(relation.get("relname", ""))
    return f"{sql_name(schema)}.{name}" if schema else name
