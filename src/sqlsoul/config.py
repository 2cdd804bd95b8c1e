"""Configuration: `.sqlsoul.yaml`, or `[tool.sqlsoul]` in `pyproject.toml`; CLI > file > defaults.

Every key and value is checked against the rule registry; a mistake stops the run naming the
file, the line and the key, because a silently ignored setting is worse than none.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import field
from pathlib import Path
from typing import Any

from sqlsoul.dialects import DEFAULT_MARIADB_VERSION, DEFAULT_MYSQL_VERSION, DIALECTS, POSTGRES, DialectChoice, parse_version
from sqlsoul.engine import LintSettings
from sqlsoul.findings import Severity
from sqlsoul.history import HistorySettings, LayoutOptions
from sqlsoul.records import record
from sqlsoul.registry import Registry

CONFIG_FILE = ".sqlsoul.yaml"
PYPROJECT = "pyproject.toml"
FAIL_ON_CHOICES = ("error", "warning", "note", "never")
PG_VERSIONS = range(10, 19)
DEFAULT_PG_VERSION = 18  # the newest release the parser (libpg_query) knows


class ConfigError(Exception):
    """A configuration problem, already phrased as `file:line: what is wrong`."""


@record
class Config:
    """The settings read from .sqlsoul.yaml or pyproject.toml's [tool.sqlsoul]."""

    path: Path | None = None
    select: list[str] | None = None
    ignore: list[str] = field(default_factory=list)
    severity: dict[str, Severity] = field(default_factory=dict)  # by code
    per_path_ignores: list[tuple[str, set[str]]] = field(default_factory=list)
    rule_options: dict[str, dict[str, Any]] = field(default_factory=dict)  # by code
    pg_version: int = DEFAULT_PG_VERSION
    exclude: list[str] = field(default_factory=list)
    fail_on: str = "warning"
    # Migration histories (see sqlsoul.history and sqlsoul.discovery.HistorySettings).
    history: list[str] = field(default_factory=list)  # folders replayed as one history, in order
    base_schema: str | None = None  # a schema dump replayed before each history
    lint_from: str | None = None  # earlier migrations have run: replay them, report nothing in them
    layouts: dict[str, str] = field(default_factory=dict)  # folder glob -> layout name
    assume_in_transaction: bool = False
    multi_statement: bool = False
    require_down: bool = False
    ignore_unpaired: list[str] = field(default_factory=list)
    # `dialect: mysql` sets `dialect`; `dialect: {glob: mysql}` sets `dialect_paths` (see sqlsoul.dialects).
    dialect: str = POSTGRES
    dialect_paths: list[tuple[str, str]] = field(default_factory=list)
    mysql_version: tuple[int, int, int] = DEFAULT_MYSQL_VERSION
    mariadb_version: tuple[int, int, int] = DEFAULT_MARIADB_VERSION
    baseline: Path | None = None  # findings to hide (see sqlsoul.baseline); written relative to the config file

    def dialects(self, forced: str | None = None) -> DialectChoice:
        """How each file's dialect is decided (`forced`: --dialect, which wins for every file)."""
        return DialectChoice(forced, tuple(self.dialect_paths), self.dialect)


def lint_settings(
    config: Config, enabled: set[str], pg_version: int | None = None, dialect: str | None = None
) -> LintSettings:
    """The engine's settings from a config, for the rules in `enabled` (`pg_version` and `dialect`
    from the command line win)."""
    return LintSettings(
        enabled=enabled,
        severity=config.severity,
        rule_options=config.rule_options,
        per_path_ignores=config.per_path_ignores,
        pg_version=pg_version or config.pg_version,
        dialects=config.dialects(dialect),
        mysql_version=config.mysql_version,
        mariadb_version=config.mariadb_version,
    )


def history_settings(config: Config, lint_from: str | None = None) -> HistorySettings:
    """How the config says to turn folders into histories (`lint_from` from the command line wins)."""
    return HistorySettings(
        chained=tuple(config.history),
        base_schema=config.base_schema,
        lint_from=lint_from or config.lint_from,
        layouts=tuple(config.layouts.items()),
        options=LayoutOptions(
            assume_in_transaction=config.assume_in_transaction,
            ignore_unpaired=tuple(config.ignore_unpaired),
            multi_statement=config.multi_statement,
            require_down=config.require_down,
        ),
    )


# A `[tool.sqlsoul...]` header or a `tool.sqlsoul...` dotted key, found without parsing the TOML.
_TOOL_SECTION = re.compile(r"""^[ \t]*(?:\[+[ \t]*)?tool[ \t]*\.[ \t]*["']?sqlsoul["']?[ \t]*[.\]=]""", re.MULTILINE)


def has_tool_section(pyproject: Path) -> bool:
    try:
        text = pyproject.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    if "sqlsoul" not in text:
        return False  # most pyproject.toml files: no need to parse them
    import tomllib

    try:
        tool = tomllib.loads(text).get("tool", {})
    except tomllib.TOMLDecodeError:
        # A broken pyproject.toml that configures sqlsoul must stop the run with the TOML error,
        # not be skipped so that the run silently falls back to the defaults.
        return _TOOL_SECTION.search(text) is not None
    return isinstance(tool, dict) and "sqlsoul" in tool


def load_config(path: Path, registry: Registry) -> Config:
    """Read and check a config file (`.sqlsoul.yaml`-style YAML, or a pyproject.toml)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read config file: {error}") from None
    if path.suffix == ".toml":  # pyproject.toml, or another TOML file given with --config
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
    import tomllib

    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        where = re.search(r"\(at line (\d+), column \d+\)$", message)
        line = int(where.group(1)) if where else max(len(text.splitlines()), 1)
        raise ConfigError(f"{path}:{line}: invalid TOML: {message}") from None
    positions = _toml_key_lines(text)

    def locate(keys: tuple[str, ...]) -> int:
        # tomllib keeps no positions: use the line of the longest known prefix of the key.
        full = ("tool", "sqlsoul", *keys)
        for size in range(len(full), 1, -1):
            if full[:size] in positions:
                return positions[full[:size]]
        return 1

    tool = document.get("tool")
    if not isinstance(tool, dict) or "sqlsoul" not in tool:
        raise ConfigError(f"{path}:1: no [tool.sqlsoul] table in this file")
    data = tool["sqlsoul"]
    if not isinstance(data, dict):
        raise ConfigError(f"{path}:{locate(())}: tool.sqlsoul: expected a table, got {data!r}")
    return data, locate


_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def _toml_key(text: str, pos: int) -> tuple[tuple[str, ...], int] | None:
    """The (dotted) key starting at `pos` and the position after it, or None if none starts there."""
    parts: list[str] = []
    while True:
        while pos < len(text) and text[pos] in " \t":
            pos += 1
        if pos >= len(text):
            return None
        if text[pos] in "\"'":
            quote, end = text[pos], pos + 1
            while end < len(text) and text[end] != quote:
                end += 2 if quote == '"' and text[end] == "\\" else 1
            if end >= len(text):
                return None
            raw = text[pos + 1 : end]
            if quote == '"':
                try:
                    raw = json.loads(f'"{raw}"')
                except ValueError:
                    pass
            parts.append(raw)
            pos = end + 1
        else:
            match = _BARE_KEY.match(text, pos)
            if match is None:
                return None
            parts.append(match.group(0))
            pos = match.end()
        while pos < len(text) and text[pos] in " \t":
            pos += 1
        if pos < len(text) and text[pos] == ".":
            pos += 1
            continue
        return tuple(parts), pos


def _toml_key_lines(text: str) -> dict[tuple[str, ...], int]:
    """Line of every table header and key of a TOML document, by full key path (first occurrence)."""
    positions: dict[tuple[str, ...], int] = {}
    table: tuple[str, ...] = ()
    open_string: str | None = None  # the delimiter of a multi-line string being skipped
    for number, line in enumerate(text.splitlines(), start=1):
        if open_string is not None:
            if open_string in line:
                open_string = None
            continue
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith("["):
            header = _toml_key(stripped, 2 if stripped.startswith("[[") else 1)
            if header is not None:
                table = header[0]
                for size in range(1, len(table) + 1):
                    positions.setdefault(table[:size], number)
            continue
        found = _toml_key(stripped, 0)
        if found is None or not stripped[found[1] :].startswith("="):
            continue
        key = (*table, *found[0])
        for size in range(len(table) + 1, len(key) + 1):
            positions.setdefault(key[:size], number)
        value = stripped[found[1] + 1 :]
        for delimiter in ('"""', "'''"):
            if value.count(delimiter) % 2 == 1:
                open_string = delimiter
                break
    return positions


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
            "history": lambda k, v: setattr(config, "history", self.string_list(k, v)),
            "base_schema": lambda k, v: setattr(config, "base_schema", self.text(k, v)),
            "lint_from": lambda k, v: setattr(config, "lint_from", self.text(k, v)),
            "layouts": lambda k, v: config.layouts.update(self.layouts(k, v)),
            "assume_in_transaction": lambda k, v: setattr(config, "assume_in_transaction", self.flag(k, v)),
            "multi_statement": lambda k, v: setattr(config, "multi_statement", self.flag(k, v)),
            "require_down": lambda k, v: setattr(config, "require_down", self.flag(k, v)),
            "ignore_unpaired": lambda k, v: setattr(config, "ignore_unpaired", self.string_list(k, v)),
            "dialect": lambda k, v: self.dialect(k, v, config),
            "mysql_version": lambda k, v: setattr(config, "mysql_version", self.server_version(k, v)),
            "mariadb_version": lambda k, v: setattr(config, "mariadb_version", self.server_version(k, v)),
            "baseline": lambda k, v: setattr(config, "baseline", self.relative_path(k, v)),
        }
        for key, value in data.items():
            handler = handlers.get(str(key))
            if handler is None:
                raise self.fail((str(key),), f"unknown key; known keys: {', '.join(handlers)}")
            handler((str(key),), value)
        return config

    def text(self, keys: tuple[str, ...], value: Any) -> str | None:
        # A version such as 20240101 is written without quotes: take numbers as their text.
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise self.fail(keys, f"expected a string, got {value!r}")
        return str(value)

    def relative_path(self, keys: tuple[str, ...], value: Any) -> Path | None:
        """A file named relative to the config file (null: none)."""
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            raise self.fail(keys, f"expected a file path, got {value!r}")
        return self.path.parent / value

    def flag(self, keys: tuple[str, ...], value: Any) -> bool:
        if not isinstance(value, bool):
            raise self.fail(keys, f"expected true or false, got {value!r}")
        return value

    def layouts(self, keys: tuple[str, ...], value: Any) -> dict[str, str]:
        from sqlsoul.layouts import LAYOUTS

        return {
            str(folder): self.choice((*keys, str(folder)), layout, tuple(LAYOUTS))
            for folder, layout in self.mapping(keys, value).items()
        }

    def choice(self, keys: tuple[str, ...], value: Any, choices: tuple[str, ...]) -> str:
        if value not in choices:
            raise self.fail(keys, f"expected one of {', '.join(choices)}, got {value!r}")
        return str(value)

    def dialect(self, keys: tuple[str, ...], value: Any, config: Config) -> None:
        """`dialect: mysql` (every file whose name names no engine) or `dialect: {glob: name}`
        (files whose project-relative path matches, first match wins, over what names say)."""
        if isinstance(value, dict):
            config.dialect_paths = [
                (str(pattern), self.choice((*keys, str(pattern)), name, DIALECTS)) for pattern, name in value.items()
            ]
        else:
            config.dialect = self.choice(keys, value, DIALECTS)

    def server_version(self, keys: tuple[str, ...], value: Any) -> tuple[int, int, int]:
        if isinstance(value, float):
            # YAML reads 10.10 as the number 10.1: only a string keeps the version as written.
            raise self.fail(keys, f"write the version in quotes, e.g. \"10.11\": unquoted it reads as the number {value!r}")
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise self.fail(keys, f"expected a version such as \"8.0.16\", got {value!r}")
        try:
            return parse_version(str(value))
        except ValueError as error:
            raise self.fail(keys, str(error)) from None

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
