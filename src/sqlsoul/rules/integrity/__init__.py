"""Integrity and performance rules: keys every table needs, indexes that match foreign keys."""

from __future__ import annotations

from sqlsoul.rules.base import Rule


def integrity_rules() -> list[type[Rule]]:
    # Imported here, not at module level, so listing entry points stays cheap.
    rules: list[type[Rule]] = []
    return rules
