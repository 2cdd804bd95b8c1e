"""Integrity and performance rules: keys every table needs, indexes that match foreign keys."""

from __future__ import annotations

from sqlsoul.rules.base import Rule


def integrity_rules() -> list[type[Rule]]:
    # Imported here, not at module level, so listing entry points stays cheap.
    from sqlsoul.rules.integrity.foreign_key_without_index import ForeignKeyWithoutIndex
    from sqlsoul.rules.integrity.redundant_index import RedundantIndex
    from sqlsoul.rules.integrity.table_without_primary_key import TableWithoutPrimaryKey

    rules: list[type[Rule]] = []
    rules += [TableWithoutPrimaryKey, ForeignKeyWithoutIndex, RedundantIndex]
    return rules
