"""Migration-safety rules: statements that lock, rewrite or break a live table, judged in their session."""

from __future__ import annotations

from sqlsoul.rules.base import Rule


def safety_rules() -> list[type[Rule]]:
    # Imported here, not at module level, so listing entry points stays cheap.
    rules: list[type[Rule]] = []
    # Columns and tables (SS201-SS203, SS211-SS213, SS215)
    from sqlsoul.rules.safety.renaming_table import RenamingTable

    rules += [RenamingTable]
    # Constraints and indexes (SS204-SS210, SS221, SS222)
    # Transactions, timeouts, enums, reruns (SS217-SS220, SS226-SS228)
    # Databases, maintenance, domains, identifiers, versions (SS214, SS216, SS223-SS225, SS229)
    return rules
