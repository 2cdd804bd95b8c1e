"""Finding rules: built-in and third-party packs alike come through the `sqlsoul.rules` entry points."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable

from sqlsoul.entrypoints import entry_points
from sqlsoul.records import record
from sqlsoul.rules.base import Rule, RuleMeta

ENTRY_POINT_GROUP = "sqlsoul.rules"
BUILTIN_DISTRIBUTION = "sqlsoul"
_PLUGIN_CODE = re.compile(r"^(?!SS)[A-Z]{2,4}[0-9]{3}$")
_RULE_NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")


class PluginError(Exception):
    """A rule pack could not be loaded or declares rules that clash; the run must stop."""


@record(frozen=True)
class Registry:
    """Every rule of the run, built-in and from rule packs, by code and by name."""

    rules: dict[str, type[Rule]]  # by code, in code order
    names: dict[str, str]  # rule name -> code

    def lookup(self, code_or_name: str) -> type[Rule] | None:
        code = self.names.get(code_or_name.lower(), code_or_name.upper())
        return self.rules.get(code)

    @property
    def categories(self) -> set[str]:
        return {rule.meta.category for rule in self.rules.values()}

    def resolve(self, selector: str) -> set[str]:
        """Codes matched by a selector: a code, a name, a category, or ALL. Raises KeyError."""
        if selector.upper() == "ALL":
            return set(self.rules)
        rule = self.lookup(selector)
        if rule is not None:
            return {rule.meta.code}
        matched = {code for code, rule in self.rules.items() if rule.meta.category == selector.lower()}
        if not matched:
            raise KeyError(selector)
        return matched

    def select(self, select: Iterable[str] | None, ignore: Iterable[str]) -> set[str]:
        """Enabled codes: the selection (default: rules on by default) minus the ignored; ignore wins."""
        if select is None:
            chosen = {code for code, rule in self.rules.items() if rule.meta.enabled}
        else:
            chosen = set().union(*(self.resolve(item) for item in select))
        return chosen - set().union(*(self.resolve(item) for item in ignore))


def plugins_disabled() -> bool:
    return os.environ.get("SQLSOUL_DISABLE_PLUGINS", "") not in ("", "0")


def _providers(plugins: bool) -> list[tuple[str, Callable[[], Iterable[type[Rule]]]]]:
    """(distribution, callable returning its rules): sqlsoul's own first, then the packs by name."""
    entries = sorted(
        entry_points(group=ENTRY_POINT_GROUP),
        key=lambda entry: (entry.distribution != BUILTIN_DISTRIBUTION, entry.distribution, entry.name),
    )
    providers: list[tuple[str, Callable[[], Iterable[type[Rule]]]]] = []
    if not any(entry.distribution == BUILTIN_DISTRIBUTION for entry in entries):
        # Imported from a source tree without installed metadata: the built-in rules still count.
        from sqlsoul.rules import builtin_rules

        providers.append((BUILTIN_DISTRIBUTION, builtin_rules))
    for entry in entries:
        distribution = entry.distribution
        if distribution == BUILTIN_DISTRIBUTION or plugins:
            providers.append((distribution, lambda entry=entry: entry.load()()))
    return providers


def _one_line(error: BaseException) -> str:
    return " ".join(f"{type(error).__name__}: {error}".split())


def load_registry(plugins: bool = True) -> Registry:
    rules: dict[str, type[Rule]] = {}
    names: dict[str, str] = {}
    owners: dict[str, str] = {}  # code -> distribution, to name both sides of a clash
    for distribution, provide in _providers(plugins):
        builtin = distribution == BUILTIN_DISTRIBUTION
        try:
            provided = list(provide())
        except (Exception, SystemExit) as error:  # a broken pack must stop the run, naming the package
            raise PluginError(f"rule pack {distribution!r} failed to load: {_one_line(error)}") from error
        for rule in provided:
            _check_rule(rule, distribution)
            meta = rule.meta
            clash = meta.code if meta.code in rules else names.get(meta.name)
            if clash is not None:
                raise PluginError(
                    f"rule {meta.code} ({meta.name}) clashes with {clash} ({rules[clash].meta.name}): "
                    f"declared by both {owners[clash]!r} and {distribution!r}"
                )
            if not builtin and not _PLUGIN_CODE.match(meta.code):
                reserved = f"; the SS prefix is reserved for {BUILTIN_DISTRIBUTION!r}" if meta.code.startswith("SS") else ""
                raise PluginError(
                    f"rule pack {distribution!r}: code {meta.code!r} must be 2-4 capital letters (not SS) and 3 digits"
                    + reserved
                )
            rules[meta.code] = rule
            owners[meta.code] = distribution
            names[meta.name] = meta.code
    return Registry(dict(sorted(rules.items())), names)


def _check_rule(rule: object, distribution: str) -> None:
    if not (isinstance(rule, type) and issubclass(rule, Rule) and isinstance(getattr(rule, "meta", None), RuleMeta)):
        raise PluginError(f"rule pack {distribution!r} provided {rule!r}, which is not a sqlsoul Rule with a RuleMeta")
    meta = rule.meta
    if not _RULE_NAME.match(meta.name):
        raise PluginError(f"rule pack {distribution!r}: name {meta.name!r} must be kebab-case")
    if rule.scope not in ("statement", "history", "unit", "meta", "verify"):
        raise PluginError(f"rule pack {distribution!r}: {meta.code} has unknown scope {rule.scope!r}")
