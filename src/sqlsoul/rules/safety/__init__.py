"""Migration-safety rules: statements that lock, rewrite or break a live table, judged in their session."""

from __future__ import annotations

from sqlsoul.rules.base import Rule


def safety_rules() -> list[type[Rule]]:
    # Imported here, not at module level, so listing entry points stays cheap.
    rules: list[type[Rule]] = []
    # Columns and tables (SS201-SS203, SS211-SS213, SS215)
    from sqlsoul.rules.safety.adding_column_with_volatile_default import AddingColumnWithVolatileDefault
    from sqlsoul.rules.safety.adding_required_column import AddingRequiredColumn
    from sqlsoul.rules.safety.changing_column_type import ChangingColumnType
    from sqlsoul.rules.safety.dropping_not_null import DroppingNotNull
    from sqlsoul.rules.safety.renaming_column import RenamingColumn
    from sqlsoul.rules.safety.renaming_table import RenamingTable
    from sqlsoul.rules.safety.setting_not_null_on_existing_column import SettingNotNullOnExistingColumn

    rules += [
        AddingColumnWithVolatileDefault, AddingRequiredColumn, SettingNotNullOnExistingColumn, ChangingColumnType,
        RenamingColumn, RenamingTable, DroppingNotNull,
    ]
    # Constraints and indexes (SS204-SS210, SS221, SS222)
    from sqlsoul.rules.safety.adding_constraint_without_not_valid import AddingConstraintWithoutNotValid
    from sqlsoul.rules.safety.adding_foreign_key_without_not_valid import AddingForeignKeyWithoutNotValid
    from sqlsoul.rules.safety.adding_primary_key_on_existing_table import AddingPrimaryKeyOnExistingTable
    from sqlsoul.rules.safety.adding_unique_constraint_on_existing_table import AddingUniqueConstraintOnExistingTable
    from sqlsoul.rules.safety.concurrent_index_in_transaction import ConcurrentIndexInTransaction
    from sqlsoul.rules.safety.creating_index_non_concurrently import CreatingIndexNonConcurrently
    from sqlsoul.rules.safety.detach_partition_non_concurrently import DetachPartitionNonConcurrently
    from sqlsoul.rules.safety.dropping_index_non_concurrently import DroppingIndexNonConcurrently
    from sqlsoul.rules.safety.reindex_non_concurrently import ReindexNonConcurrently

    rules += [
        AddingForeignKeyWithoutNotValid,
        AddingConstraintWithoutNotValid,
        AddingUniqueConstraintOnExistingTable,
        AddingPrimaryKeyOnExistingTable,
        CreatingIndexNonConcurrently,
        DroppingIndexNonConcurrently,
        ConcurrentIndexInTransaction,
        ReindexNonConcurrently,
        DetachPartitionNonConcurrently,
    ]
    # Transactions, timeouts, enums, reruns (SS217-SS220, SS226-SS228)
    from sqlsoul.rules.safety.adding_enum_value_in_transaction import AddingEnumValueInTransaction
    from sqlsoul.rules.safety.enum_value_without_position import EnumValueWithoutPosition
    from sqlsoul.rules.safety.missing_if_exists import MissingIfExists
    from sqlsoul.rules.safety.missing_lock_timeout import MissingLockTimeout
    from sqlsoul.rules.safety.missing_statement_timeout import MissingStatementTimeout
    from sqlsoul.rules.safety.nested_transaction import NestedTransaction
    from sqlsoul.rules.safety.uncommitted_transaction import UncommittedTransaction

    rules += [
        MissingLockTimeout, MissingStatementTimeout, UncommittedTransaction, NestedTransaction,
        AddingEnumValueInTransaction, EnumValueWithoutPosition, MissingIfExists,
    ]
    # Databases, maintenance, domains, identifiers, versions (SS214, SS216, SS223-SS225, SS229)
    from sqlsoul.rules.safety.domain_with_constraint import DomainWithConstraint
    from sqlsoul.rules.safety.dropping_database import DroppingDatabase
    from sqlsoul.rules.safety.identifier_too_long import IdentifierTooLong
    from sqlsoul.rules.safety.syntax_newer_than_target import SyntaxNewerThanTarget
    from sqlsoul.rules.safety.truncate_cascade import TruncateCascade
    from sqlsoul.rules.safety.vacuum_full_or_cluster import VacuumFullOrCluster

    rules += [
        DroppingDatabase, TruncateCascade, VacuumFullOrCluster, DomainWithConstraint, IdentifierTooLong,
        SyntaxNewerThanTarget,
    ]
    return rules
