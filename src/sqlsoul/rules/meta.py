"""Findings the engine reports itself: inputs it cannot read or parse, suppression problems, and
problems of a migration folder's layout (found while pairing and ordering its files)."""

from __future__ import annotations

from sqlsoul.rules.base import MetaRule, builtin_meta


class ParseError(MetaRule):
    meta = builtin_meta("SS900")


class InvalidEncoding(MetaRule):
    meta = builtin_meta("SS901")


class UnreadableFile(MetaRule):
    meta = builtin_meta("SS902")


class UnusedSuppression(MetaRule):
    meta = builtin_meta("SS903")


class UnknownRuleInSuppression(MetaRule):
    meta = builtin_meta("SS904")


class UnsupportedStatement(MetaRule):
    meta = builtin_meta("SS905")


class DuplicateMigrationVersion(MetaRule):
    meta = builtin_meta("SS303")


class UnpairedMigration(MetaRule):
    meta = builtin_meta("SS304")


META_RULES = (
    ParseError,
    InvalidEncoding,
    UnreadableFile,
    UnusedSuppression,
    UnknownRuleInSuppression,
    UnsupportedStatement,
    DuplicateMigrationVersion,
    UnpairedMigration,
)
