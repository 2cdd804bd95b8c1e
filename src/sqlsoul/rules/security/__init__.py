"""Security and governance rules: who may do what, secrets, and what the schema documents."""

from __future__ import annotations

from sqlsoul.rules.base import Rule


def security_rules() -> list[type[Rule]]:
    # Imported here, not at module level, so listing entry points stays cheap.
    rules: list[type[Rule]] = []
    return rules
