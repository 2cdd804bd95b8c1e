"""Dialect rules: what MySQL, MariaDB and SQLite do differently from what a migration says."""

from __future__ import annotations

from sqlsoul.rules.base import Rule


def dialect_rules() -> list[type[Rule]]:
    # Imported here, not at module level, so listing entry points stays cheap.
    from sqlsoul.rules.dialect.check_ignored import CheckIgnored
    from sqlsoul.rules.dialect.inline_references_ignored import InlineReferencesIgnored
    from sqlsoul.rules.dialect.sqlite_foreign_keys_off import SqliteForeignKeysOff
    from sqlsoul.rules.dialect.sqlite_pragma_in_transaction import SqlitePragmaInTransaction
    from sqlsoul.rules.dialect.sqlite_unsupported_alter import SqliteUnsupportedAlter
    from sqlsoul.rules.dialect.utf8mb3_character_set import Utf8mb3CharacterSet

    return [
        CheckIgnored, InlineReferencesIgnored, SqliteForeignKeysOff, SqliteUnsupportedAlter, Utf8mb3CharacterSet,
        SqlitePragmaInTransaction,
    ]
