"""The findings of `sqlsoul verify`: rules with specs and docs like lint's, reported only by verify
(scope "verify": the lint engine never runs them)."""

from __future__ import annotations

from sqlsoul.rules.base import Rule, builtin_meta


class VerifyRule(Rule):
    """A finding verify reports after running migrations on a real PostgreSQL."""

    scope = "verify"


class UpFails(VerifyRule):
    meta = builtin_meta("SS950")


class DownFails(VerifyRule):
    meta = builtin_meta("SS951")


class DownDoesNotRestore(VerifyRule):
    meta = builtin_meta("SS952")


class ReapplyDiffers(VerifyRule):
    meta = builtin_meta("SS953")


class EnvironmentMissing(VerifyRule):
    meta = builtin_meta("SS954")


class SchemaModelMismatch(VerifyRule):
    meta = builtin_meta("SS955")


VERIFY_RULES = (UpFails, DownFails, DownDoesNotRestore, ReapplyDiffers, EnvironmentMissing, SchemaModelMismatch)
