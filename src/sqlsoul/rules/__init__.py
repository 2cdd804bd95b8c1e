"""Built-in rules, registered through the same `sqlsoul.rules` entry point as third-party packs."""

from __future__ import annotations

from sqlsoul.rules.base import Rule


def builtin_rules() -> list[type[Rule]]:
    # Imported here, not at module level, so listing entry points stays cheap.
    from sqlsoul.rules.design.denormalized_user_field import DenormalizedUserField
    from sqlsoul.rules.design.missing_foreign_key import MissingForeignKey
    from sqlsoul.rules.design.text_for_structured_data import TextForStructuredData
    from sqlsoul.rules.design.unchecked_status_column import UncheckedStatusColumn
    from sqlsoul.rules.dialect import dialect_rules
    from sqlsoul.rules.meta import META_RULES
    from sqlsoul.rules.migration.destructive_migration import DestructiveMigration
    from sqlsoul.rules.migration.irreversible_migration import IrreversibleMigration
    from sqlsoul.rules.integrity import integrity_rules
    from sqlsoul.rules.safety import safety_rules
    from sqlsoul.rules.security import security_rules
    from sqlsoul.rules.types import type_rules
    from sqlsoul.verify.rules import VERIFY_RULES

    return [MissingForeignKey, UncheckedStatusColumn, DenormalizedUserField, TextForStructuredData,
            IrreversibleMigration, DestructiveMigration, *safety_rules(),
            *type_rules(), *integrity_rules(), *security_rules(), *dialect_rules(), *META_RULES, *VERIFY_RULES]
