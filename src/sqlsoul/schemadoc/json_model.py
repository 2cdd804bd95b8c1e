"""`sqlsoul schema --format json`: the schema model itself, described by docs/schema-model.schema.json.

Everything the markdown and the diagram show comes from here: tables (by schema and name) with
their columns (in table order), constraints and indexes; enum types; domains. What the model does
not know is null (an unknown type) or false (`columns_known`), never guessed.
"""

from __future__ import annotations

import json
from typing import Any

from sqlsoul import __version__
from sqlsoul.model import Catalog, Column, Constraint, Index, QualifiedName, Table, TypeRef
from sqlsoul.schemadoc import SchemaDoc, rendered
from sqlsoul.schemadoc.common import constraints, indexes, tables, type_text

SCHEMA_FORMAT_VERSION = 1


def render(docs: list[SchemaDoc]) -> str:
    document = {
        "version": SCHEMA_FORMAT_VERSION,
        "tool": {"name": "sqlsoul", "version": __version__},
        "histories": [rendered(doc, history) for doc in docs],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def history(doc: SchemaDoc) -> dict[str, Any]:
    return {
        "path": doc.label,
        "layouts": list(doc.layouts),
        "units": doc.units,
        "at": doc.at,
        **catalog(doc.catalog),
    }


def catalog(model: Catalog) -> dict[str, Any]:
    return {
        "schemas": sorted(model.schemas),
        "tables": [_table(table) for table in tables(model)],
        "enums": [{**_name(key), "values": list(model.enums[key])} for key in sorted(model.enums)],
        "domains": [
            {**_name(key), "base": _type(model.domains[key].base), "has_check": model.domains[key].has_check}
            for key in sorted(model.domains)
        ],
    }


def _name(key: QualifiedName) -> dict[str, str]:
    return {"schema": key[0], "name": key[1]}


def _table(table: Table) -> dict[str, Any]:
    return {
        **_name(table.qualified),
        "comment": table.comment,
        "columns_known": table.columns_known,
        "partition_of": _name(table.partition_of) if table.partition_of else None,
        "columns": [_column(column) for column in table.columns.values()],
        "constraints": [_constraint(constraint) for constraint in constraints(table)],
        "indexes": [_index(index) for index in indexes(table)],
    }


def _type(type_ref: TypeRef | None) -> dict[str, Any] | None:
    if type_ref is None:
        return None
    return {
        "name": type_ref.name,
        "schema": type_ref.schema,
        "modifiers": list(type_ref.modifiers),
        "is_array": type_ref.is_array,
        "members": list(type_ref.members),
        "unsigned": type_ref.unsigned,
        "sql": type_text(type_ref),
    }


def _column(column: Column) -> dict[str, Any]:
    return {
        "name": column.name,
        "type": _type(column.type),
        "not_null": column.not_null,
        "has_default": column.has_default,
        "default": column.default,
        "comment": column.comment,
    }


def _constraint(constraint: Constraint) -> dict[str, Any]:
    return {
        "kind": constraint.kind.value,
        "name": constraint.name,
        "columns": list(constraint.columns),
        "references": _name(constraint.references) if constraint.references else None,
        "referenced_columns": list(constraint.referenced_columns),
        "validated": constraint.validated,
    }


def _index(index: Index) -> dict[str, Any]:
    return {
        "name": index.name,
        "columns": list(index.columns),
        "column_options": list(index.column_options),
        "unique": index.unique,
        "method": index.method,
        "partial": index.partial,
        "include": list(index.include),
    }
