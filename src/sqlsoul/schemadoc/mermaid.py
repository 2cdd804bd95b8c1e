"""`sqlsoul schema --format mermaid`: an `erDiagram` of the tables, their key columns and the foreign keys.

GitHub renders it in a ```mermaid block or a .mmd file. What Mermaid's ER grammar accepts decides
the spelling:

- entity names are always in double quotes (a quoted name may hold dots and spaces, and never reads
  as a keyword such as `end` or `one`); `"`, `%` and backslashes cannot be quoted and become `_`;
- an attribute is `type name [PK, FK, UK]`, and its type and name are single words of letters,
  digits, `_`, `-` and `[]` that start with a letter or `_`: `varchar(20)` is drawn as `varchar`,
  `timestamp with time zone` as `timestamp_with_time_zone`, a column named `2fa` as `_2fa`, and a
  word that would read as a key (`pk`, `fk`, `uk`) gets a trailing `_`;
- every relationship has a label: the foreign key's columns.

Only the columns of a primary, unique or foreign key are drawn (the markdown format lists every
column); partitions are left out, their parent stands for them. Each foreign key is a line from the
referencing table (left) to the referenced one (right):

- left `}o` (zero or more rows point at one parent row), or `|o` when the foreign key's columns are
  unique in their table (at most one row does; a parent row still may have none);
- right `||` when every foreign key column is NOT NULL (each row has exactly one parent), `o|` when
  one may be null (zero or one).
"""

from __future__ import annotations

import re
from dataclasses import replace

from sqlsoul.model import QualifiedName, Table, TypeRef
from sqlsoul.rules.labels import type_name
from sqlsoul.schemadoc import SchemaDoc, SchemaDocError, rendered
from sqlsoul.schemadoc.common import display_name, foreign_keys, is_required, is_unique, key_marks, tables

_WORD_START = re.compile(r"^[A-Za-z_]")
_NOT_IN_WORD = re.compile(r"[^A-Za-z0-9_\-\[\]]")
_NOT_IN_NAME = re.compile(r'["%\\\r\n\v\b]')
_KEY_WORDS = {"pk", "fk", "uk"}


def render(docs: list[SchemaDoc]) -> str:
    if len(docs) != 1:
        folders = ", ".join(doc.label for doc in docs)
        raise SchemaDocError(f"a diagram shows one history, and these paths hold {len(docs)}: {folders}; name one folder")
    return rendered(docs[0], diagram)


def diagram(doc: SchemaDoc) -> str:
    shown = [table for table in tables(doc.catalog) if table.partition_of is None]
    lines = ["erDiagram"]
    for table in shown:
        lines += _entity(table)
    relationships = []
    for table in shown:
        for constraint in foreign_keys(table):
            if constraint.references is None:
                continue
            many = "|o" if is_unique(table, constraint.columns) else "}o"
            one = "||" if is_required(table, constraint.columns) else "o|"
            relationships.append(
                (table.qualified, constraint.references, constraint.columns,
                 f"    {entity_name(table.qualified)} {many}--{one} {entity_name(constraint.references)} : "
                 f"{_label(', '.join(constraint.columns))}")
            )
    lines += [line for *_, line in sorted(relationships)]
    return "\n".join(lines) + "\n"


def _entity(table: Table) -> list[str]:
    marks = key_marks(table)
    # Key columns in table order; those the model does not know (columns_known is false) after them, typed unknown.
    keyed = [(_type_word(column.type), column.name) for column in table.columns.values() if column.name in marks]
    keyed += [("unknown", name) for name in marks if name not in table.columns]
    attributes = [f"        {attribute_word(kind)} {attribute_word(name)} {', '.join(marks[name])}" for kind, name in keyed]
    name = entity_name(table.qualified)
    return [f"    {name} {{", *attributes, "    }"] if attributes else [f"    {name}"]


def entity_name(key: QualifiedName) -> str:
    return '"' + _NOT_IN_NAME.sub("_", display_name(key)) + '"'


def attribute_word(text: str) -> str:
    """A type or column name as one word of the ER grammar."""
    word = _NOT_IN_WORD.sub("_", text.strip().replace(" ", "_")) or "_"
    if not _WORD_START.match(word):
        word = "_" + word
    if word.lower() in _KEY_WORDS:
        word += "_"
    return word


def _type_word(type_ref: TypeRef | None) -> str:
    if type_ref is None:
        return "unknown"
    # The diagram names a type by itself, its schema left out: an attribute's type is one short word.
    return type_name(replace(type_ref, schema=None)) + ("[]" if type_ref.is_array else "")


def _label(text: str) -> str:
    return '"' + text.replace('"', "'") + '"'
