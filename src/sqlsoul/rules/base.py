"""What a rule is: static metadata (from its spec) apart from the check it runs."""

from __future__ import annotations

import json
from dataclasses import field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from sqlsoul.findings import Severity
from sqlsoul.records import record

if TYPE_CHECKING:
    from sqlsoul.engine import HistoryContext, StatementContext, UnitContext

OPTION_TYPES = {"list[str]": list, "str": str, "int": int, "bool": bool}


@record(frozen=True)
class OptionSpec:
    """An option a rule takes in the config: name, type, default and what it does."""

    name: str
    type: str  # a key of OPTION_TYPES
    default: Any
    description: str

    def validate(self, value: Any) -> Any:
        """Return the value if it has this option's type, else raise ValueError saying what was expected."""
        expected = OPTION_TYPES[self.type]
        if expected is list:
            if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
                raise ValueError(f"expected a list of strings, got {value!r}")
            return list(value)
        if expected is int and isinstance(value, bool) or not isinstance(value, expected):
            raise ValueError(f"expected {self.type}, got {value!r}")
        return value


@record(frozen=True)
class RuleMeta:
    """A rule's catalog entry (from rules/<CODE>.yaml): code, name, severity, dialects, help."""

    code: str
    name: str
    category: str
    severity: Severity
    enabled: bool
    summary: str
    dialects: tuple[str, ...] = ("postgres",)
    rationale: str = ""
    fix: str = ""
    bad_example: str = ""
    good_example: str = ""
    options: dict[str, OptionSpec] = field(default_factory=dict)
    security: bool = False

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RuleMeta:
        return cls(
            code=data["code"],
            name=data["name"],
            category=data["category"],
            severity=Severity.parse(data["severity"]),
            enabled=bool(data["enabled"]),
            summary=data["summary"],
            dialects=tuple(data.get("dialects", ("postgres",))),
            rationale=data.get("rationale", ""),
            fix=data.get("fix", ""),
            bad_example=data.get("bad_example", ""),
            good_example=data.get("good_example", ""),
            options={
                option["name"]: OptionSpec(option["name"], option["type"], option["default"], option["description"])
                for option in data.get("options", ())
            },
            security=bool(data.get("security", False)),
        )


@cache
def spec_index() -> dict[str, dict[str, Any]]:
    """The compiled rule specs shipped in the package (built from rules/*.yaml)."""
    # A plain path: the package is installed unzipped, and importlib.resources would import zipfile.
    text = (Path(__file__).resolve().parents[1] / "data" / "rules.json").read_text(encoding="utf-8")
    return json.loads(text)["rules"]


def builtin_meta(code: str) -> RuleMeta:
    return RuleMeta.from_dict(spec_index()[code])


class Rule:
    """Base class for every rule, built-in or from a plugin.

    A statement rule lists the statement kinds it wants in `targets` and implements
    `check_statement`; a history rule sets `scope = "history"` and implements `check_history`,
    which runs once on the final schema model of a history; a unit rule sets `scope = "unit"` and
    implements `check_unit`, which runs after each migration with the schema before it, after its
    up and after its down. Meta rules (`scope = "meta"`) are
    reported by the engine itself, verify rules (`scope = "verify"`) by `sqlsoul verify` only.
    """

    meta: ClassVar[RuleMeta]
    scope: ClassVar[str] = "statement"
    targets: ClassVar[frozenset[str]] = frozenset()
    # For an ALTER TABLE target: the subcommands (AlterTableCmd subtypes) the rule judges; the
    # engine skips statements without any of them. Empty: every ALTER TABLE.
    subcommands: ClassVar[frozenset[str]] = frozenset()
    # A rule that finds secrets (and redacts them, see StatementContext.redact) runs even when it is
    # not selected, so that no other finding shows a secret on its line; its own findings are dropped.
    guards_secrets: ClassVar[bool] = False

    def __init__(self, options: dict[str, Any] | None = None) -> None:
        defaults = {name: spec.default for name, spec in self.meta.options.items()}
        self.options: dict[str, Any] = {**defaults, **(options or {})}

    def check_statement(self, ctx: StatementContext) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def check_history(self, ctx: HistoryContext) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def check_unit(self, ctx: UnitContext) -> None:  # pragma: no cover - overridden
        raise NotImplementedError


class MetaRule(Rule):
    """A finding the engine itself reports (parse errors, suppression problems)."""

    scope = "meta"
