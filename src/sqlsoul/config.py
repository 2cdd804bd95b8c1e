"""Configuration: `.sqlsoul.yaml`, or `[tool.sqlsoul]` in `pyproject.toml`; CLI > file > defaults.

Every key and value is checked against the rule registry; a mistake stops the run naming the
file, the line and the key, because a silently ignored setting is worse than none.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlsoul.findings import Severity
from sqlsoul.registry import Registry

CONFIG_FILE = ".sqlsoul.yaml"
PYPROJECT = "pyproject.toml"
FAIL_ON_CHOICES = ("error", "warning", "note", "never")
PG_VERSIONS = range(10, 19)
DEFAULT_PG_VERSION = 17


class ConfigError(Exception):
    """A configuration problem, already phrased as `file:line: what is wrong`."""


@dataclass(slots=True)
class Config:
    path: Path | None = None
    select: list[str] | None = None
    ignore: list[str] = field(default_factory=list)
    severity: dict[str, Severity] = field(default_factory=dict)  # by code
    per_path_ignores: list[tuple[str, set[str]]] = field(default_factory=list)
    rule_options: dict[str, dict[str, Any]] = field(default_factory=dict)  # by code
    pg_version: int = DEFAULT_PG_VERSION
    exclude: list[str] = field(default_factory=list)
    fail_on: str = "warning"


def has_tool_section(pyproject: Path) -> bool:
    try:
        return "sqlsoul" in tomllib.loads(pyproject.read_text(encoding="utf-8")).get("tool", {})
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return False


def load_config(path: Path, registry: Registry) -> Config:
    """Read and check a config file (`.sqlsoul.yaml`-style YAML, or a pyproject.toml)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read config file: {error}") from None
    if path.name == PYPROJECT:
        data, locate = _read_pyproject(path, text)
    else:
        data, locate = _read_yaml(path, text)
    return _Checker(path, registry, locate).config(data)


Locator = Callable[[tuple[str, ...]], int]


def _read_yaml(path: Path, text: str) -> tuple[dict[str, Any], Locator]:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        data = YAML(typ="rt").load(text)
    except YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        raise ConfigError(f"{path}:{line}: invalid YAML: {getattr(error, 'problem', error)}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}:1: the config must be a mapping of keys to values")

    def locate(keys: tuple[str, ...]) -> int:
        node, line = data, 1
        for key in keys:
            if not isinstance(node, dict) or key not in node:
                break
            line = node.lc.key(key)[0] + 1 if hasattr(node, "lc") else line
            node = node[key]
        return line

    return data, locate


def _read_pyproject(path: Path, text: str) -> tuple[dict[str, Any], Locator]:
    try:
        data = tomllib.loads(text).get("tool", {}).get("sqlsoul", {})
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from None
    lines = text.splitlines()

    def locate(keys: tuple[str, ...]) -> int:
        # tomllib keeps no positions: find the key's line inside the [tool.sqlsoul...] tables.
        in_section = False
        for number, line in enumerate(lines, start=1):
            stripped = line.strip()
            if stripped.startswith("["):
                in_section = stripped.startswith("[tool.sqlsoul")
                if in_section and keys and stripped.rstrip("]").endswith(keys[0]):
                    return number
                continue
            if in_section and keys and re.match(rf"[\"']?{re.escape(keys[-1])}[\"']?\s*=", stripped):
                return number
        return 1

    return data, locate


class _Checker:
    def __init__(self, path: Path, registry: Registry, locate: Locator) -> None:
        self.path = path
        self.registry = registry
        self.locate = locate

    def fail(self, keys: tuple[str, ...], message: str) -> ConfigError:
        return ConfigError(f"{self.path}:{self.locate(keys)}: {'.'.join(keys)}: {message}")

    def rule_code(self, keys: tuple[str, ...], name: Any) -> str:
        rule = self.registry.lookup(str(name))
        if rule is None:
            raise self.fail(keys, f"unknown rule {name!r}")
        return rule.meta.code

    def selectors(self, keys: tuple[str, ...], value: Any) -> list[str]:
        items = self.string_list(keys, value)
        for item in items:
            try:
                self.registry.resolve(item)
            except KeyError:
                raise self.fail(keys, f"unknown rule, category or selector {item!r}") from None
        return items

    def string_list(self, keys: tuple[str, ...], value: Any) -> list[str]:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise self.fail(keys, f"expected a list of strings, got {value!r}")
        return [str(item) for item in value]

    def mapping(self, keys: tuple[str, ...], value: Any) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(keys, f"expected a mapping, got {value!r}")
        return value

    def config(self, data: dict[str, Any]) -> Config:
        config = Config(path=self.path)
        handlers: dict[str, Callable[[tuple[str, ...], Any], None]] = {
            "select": lambda k, v: setattr(config, "select", None if v is None else self.selectors(k, v)),
            "ignore": lambda k, v: setattr(config, "ignore", self.selectors(k, v)),
            "severity": lambda k, v: config.severity.update(self.severities(k, v)),
            "per_path_ignores": lambda k, v: config.per_path_ignores.extend(self.path_ignores(k, v)),
            "rules": lambda k, v: config.rule_options.update(self.rule_options(k, v)),
            "pg_version": lambda k, v: setattr(config, "pg_version", self.pg_version(k, v)),
            "exclude": lambda k, v: setattr(config, "exclude", self.string_list(k, v)),
            "fail_on": lambda k, v: setattr(config, "fail_on", self.choice(k, v, FAIL_ON_CHOICES)),
        }
        for key, value in data.items():
            handler = handlers.get(str(key))
            if handler is None:
                raise self.fail((str(key),), f"unknown key; known keys: {', '.join(handlers)}")
            handler((str(key),), value)
        return config

    def choice(self, keys: tuple[str, ...], value: Any, choices: tuple[str, ...]) -> str:
        if value not in choices:
            raise self.fail(keys, f"expected one of {', '.join(choices)}, got {value!r}")
        return str(value)

    def pg_version(self, keys: tuple[str, ...], value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value not in PG_VERSIONS:
            raise self.fail(keys, f"expected a PostgreSQL major version from 10 to 18, got {value!r}")
        return value

    def severities(self, keys: tuple[str, ...], value: Any) -> dict[str, Severity]:
        result = {}
        for rule, level in self.mapping(keys, value).items():
            where = (*keys, str(rule))
            result[self.rule_code(where, rule)] = Severity.parse(self.choice(where, level, ("error", "warning", "note")))
        return result

    def path_ignores(self, keys: tuple[str, ...], value: Any) -> list[tuple[str, set[str]]]:
        result = []
        for pattern, rules in self.mapping(keys, value).items():
            where = (*keys, str(pattern))
            codes = set().union(*(self.registry.resolve(item) for item in self.selectors(where, rules)))
            result.append((str(pattern), codes))
        return result

    def rule_options(self, keys: tuple[str, ...], value: Any) -> dict[str, dict[str, Any]]:
        result: dict[str, dict[str, Any]] = {}
        for rule, options in self.mapping(keys, value).items():
            where = (*keys, str(rule))
            code = self.rule_code(where, rule)
            known = self.registry.rules[code].meta.options
            checked = {}
            for option, option_value in self.mapping(where, options).items():
                spec = known.get(str(option))
                if spec is None:
                    choices = ", ".join(known) or "none"
                    raise self.fail((*where, str(option)), f"unknown option (options of {rule}: {choices})")
                try:
                    checked[str(option)] = spec.validate(option_value)
                except ValueError as error:
                    raise self.fail((*where, str(option)), str(error)) from None
            result[code] = checked
        return result
