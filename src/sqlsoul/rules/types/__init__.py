"""Type rules: column types that stop growing, lose precision or hide structure."""

from __future__ import annotations

from sqlsoul.rules.base import Rule


def type_rules() -> list[type[Rule]]:
    # Imported here, not at module level, so listing entry points stays cheap.
    rules: list[type[Rule]] = []
    return rules
