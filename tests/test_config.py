"""Configuration files: what they set, and how a mistake is reported (file, line, key; exit 2)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from ruamel.yaml import YAML

from sqlsoul.cli import main
from sqlsoul.config import Config, ConfigError, load_config
from sqlsoul.findings import Severity
from sqlsoul.init_config import render_default_config
from sqlsoul.registry import Registry

KNOWN_KEYS = "select, ignore, severity, per_path_ignores, rules, pg_version, exclude, fail_on, history, base_schema, lint_from, layouts, assume_in_transaction, multi_statement, require_down, ignore_unpaired, dialect, mysql_version, mariadb_version, baseline"
STATUS_SQL = "CREATE TABLE events (\n    id bigint PRIMARY KEY,\n    status VARCHAR(50)\n);\n"


def load(tmp_path: Path, name: str, text: str, registry: Registry) -> Config:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return load_config(path, registry)


def error(tmp_path: Path, name: str, text: str, registry: Registry) -> str:
    """The message of the ConfigError, without the `<path>:` prefix (checked here)."""
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, name, text, registry)
    message = str(caught.value)
    prefix = f"{tmp_path / name}:"
    assert message.startswith(prefix), message
    assert "\n" not in message
    return message.removeprefix(prefix)


# --- values -------------------------------------------------------------------------------------

FULL_YAML = """\
select: [design, SS900]
ignore: [denormalized-user-field]
severity:
  missing-foreign-key: error
  SS104: note
per_path_ignores:
  "legacy/**": [design]
  "seeds/*.sql": [SS900, unchecked-status-column]
rules:
  missing-foreign-key:
    ignore_columns: ["legacy_*_id"]
  SS102:
    patterns: [phase, "*_phase"]
pg_version: 15
exclude: ["vendor", "*.down.sql"]
fail_on: error
"""

FULL_TOML = """\
[project]
name = "shop"

[tool.black]
line-length = 100

[tool.sqlsoul]
select = ["design", "SS900"]
ignore = ["denormalized-user-field"]
pg_version = 15
exclude = ["vendor", "*.down.sql"]
fail_on = "error"

[tool.sqlsoul.severity]
missing-foreign-key = "error"
SS104 = "note"

[tool.sqlsoul.per_path_ignores]
"legacy/**" = ["design"]
"seeds/*.sql" = ["SS900", "unchecked-status-column"]

[tool.sqlsoul.rules.missing-foreign-key]
ignore_columns = ["legacy_*_id"]

[tool.sqlsoul.rules.SS102]
patterns = ["phase", "*_phase"]
"""


@pytest.mark.parametrize(("name", "text"), [(".sqlsoul.yaml", FULL_YAML), ("pyproject.toml", FULL_TOML)])
def test_every_key_is_read(tmp_path: Path, registry: Registry, name: str, text: str) -> None:
    config = load(tmp_path, name, text, registry)
    assert config.path == tmp_path / name
    assert config.select == ["design", "SS900"]
    assert config.ignore == ["denormalized-user-field"]
    # Rules are keyed by code whichever way the file names them.
    assert config.severity == {"SS101": Severity.ERROR, "SS104": Severity.NOTE}
    assert config.per_path_ignores == [
        ("legacy/**", {"SS101", "SS102", "SS103", "SS104"}),
        ("seeds/*.sql", {"SS900", "SS102"}),
    ]
    assert config.rule_options == {"SS101": {"ignore_columns": ["legacy_*_id"]}, "SS102": {"patterns": ["phase", "*_phase"]}}
    assert (config.pg_version, config.exclude, config.fail_on) == (15, ["vendor", "*.down.sql"], "error")


@pytest.mark.parametrize(("name", "text"), [(".sqlsoul.yaml", ""), (".sqlsoul.yaml", "# nothing yet\n"), ("pyproject.toml", "[tool.sqlsoul]\n")])
def test_an_empty_config_is_the_defaults(tmp_path: Path, registry: Registry, name: str, text: str) -> None:
    assert load(tmp_path, name, text, registry) == Config(path=tmp_path / name)
    assert Config() == Config(None, None, [], {}, [], {}, 18, [], "warning")


def test_a_single_string_is_a_list_of_one(tmp_path: Path, registry: Registry) -> None:
    config = load(tmp_path, ".sqlsoul.yaml", "select: SS101\nexclude: vendor\n", registry)
    assert (config.select, config.exclude) == (["SS101"], ["vendor"])
    assert load(tmp_path, ".sqlsoul.yaml", "select: null\n", registry).select is None


# --- mistakes in .sqlsoul.yaml ------------------------------------------------------------------

YAML_ERRORS = [
    # (text, line, message after `<path>:`)
    ("fail_on: error\npg_version: 16\ncolour: always\n", f"3: colour: unknown key; known keys: {KNOWN_KEYS}"),
    (
        "fail_on: error\nrules:\n  missing-foreign-key:\n    ignore_columns: []\n    ignore_tables: [audit]\n",
        "5: rules.missing-foreign-key.ignore_tables: unknown option (options of missing-foreign-key: ignore_columns)",
    ),
    (
        "severity:\n  SS101: error\n  unchecked-status-column: fatal\n",
        "3: severity.unchecked-status-column: expected one of error, warning, note, got 'fatal'",
    ),
    ("severity: {SS101: error, SS102: high}\n", "1: severity.SS102: expected one of error, warning, note, got 'high'"),
    ("severity:\n  no-such-rule: error\n", "2: severity.no-such-rule: unknown rule 'no-such-rule'"),
    ("severity: error\n", "1: severity: expected a mapping, got 'error'"),
    ("\n\npg_version: 9\n", "3: pg_version: expected a PostgreSQL major version from 10 to 18, got 9"),
    ("pg_version: '17'\n", "1: pg_version: expected a PostgreSQL major version from 10 to 18, got '17'"),
    ("pg_version: true\n", "1: pg_version: expected a PostgreSQL major version from 10 to 18, got True"),
    ("fail_on: fatal\n", "1: fail_on: expected one of error, warning, note, never, got 'fatal'"),
    ("select: [SS101, bogus]\n", "1: select: unknown rule, category or selector 'bogus'"),
    ("fail_on: note\nignore: 3\n", "2: ignore: expected a list of strings, got 3"),
    (
        'per_path_ignores:\n  "legacy/**": [SS101]\n  "seeds/**": [nope]\n',
        "3: per_path_ignores.seeds/**: unknown rule, category or selector 'nope'",
    ),
    (
        "rules:\n  unchecked-status-column:\n    patterns: status\n",
        "3: rules.unchecked-status-column.patterns: expected a list of strings, got 'status'",
    ),
    ("rules:\n  SS101:\n    ignore_columns: [1, 2]\n", "3: rules.SS101.ignore_columns: expected a list of strings, got [1, 2]"),
    ("rules:\n  SS101: {}\n  no-such-rule: {}\n", "3: rules.no-such-rule: unknown rule 'no-such-rule'"),
    ("rules:\n  SS101: [a]\n", "2: rules.SS101: expected a mapping, got ['a']"),
    ("rules:\n  parse-error:\n    anything: 1\n", "3: rules.parse-error.anything: unknown option (options of parse-error: none)"),
    ("- select\n", "1: the config must be a mapping of keys to values"),
    ("select: [SS101\nfail_on: error\n", "2: invalid YAML: expected ',' or ']', but got ':'"),
    ("fail_on: error\nfail_on: note\n", '2: invalid YAML: found duplicate key "fail_on" with value "note" (original value: "error")'),
]


@pytest.mark.parametrize(("text", "expected"), YAML_ERRORS)
def test_yaml_mistakes_name_the_line_and_the_key(tmp_path: Path, registry: Registry, text: str, expected: str) -> None:
    assert error(tmp_path, ".sqlsoul.yaml", text, registry) == expected


# --- mistakes in pyproject.toml -----------------------------------------------------------------

TOML_ERRORS = [
    ('[project]\nname = "x"\n\n[tool.sqlsoul]\nfail_on = "error"\ncolour = "always"\n', f"6: colour: unknown key; known keys: {KNOWN_KEYS}"),
    # A key of the same name in another tool's table is not the one meant.
    ('[tool.ruff]\nselect = ["E"]\n\n[tool.sqlsoul]\nfail_on = "error"\nselect = ["bogus"]\n', "6: select: unknown rule, category or selector 'bogus'"),
    # nested keys: in their own table, in an inline table, as dotted keys
    (
        '[tool.sqlsoul]\nfail_on = "error"\n\n[tool.sqlsoul.rules.missing-foreign-key]\nignore_columns = []\nignore_tables = ["audit"]\n',
        "6: rules.missing-foreign-key.ignore_tables: unknown option (options of missing-foreign-key: ignore_columns)",
    ),
    (
        '[tool.sqlsoul.rules]\nSS102 = { patterns = ["phase"] }\nmissing-foreign-key = { ignore_tables = ["audit"] }\n',
        "3: rules.missing-foreign-key.ignore_tables: unknown option (options of missing-foreign-key: ignore_columns)",
    ),
    (
        '[tool.sqlsoul]\nfail_on = "error"\nrules.missing-foreign-key.ignore_tables = ["audit"]\n',
        "3: rules.missing-foreign-key.ignore_tables: unknown option (options of missing-foreign-key: ignore_columns)",
    ),
    (
        '[tool.sqlsoul.rules."missing-foreign-key"]\nignore_columns = ["a"]\n"ignore_tables" = 2\n',
        "3: rules.missing-foreign-key.ignore_tables: unknown option (options of missing-foreign-key: ignore_columns)",
    ),
    (
        '[project]\nname = "x"\n\n[tool.sqlsoul.severity]\nmissing-foreign-key = "error"\nunchecked-status-column = "fatal"\n',
        "6: severity.unchecked-status-column: expected one of error, warning, note, got 'fatal'",
    ),
    (
        '[tool.sqlsoul]\nselect = ["ALL"]\nseverity = { SS101 = "error", SS102 = "fatal" }\n',
        "3: severity.SS102: expected one of error, warning, note, got 'fatal'",
    ),
    ('[tool.sqlsoul]\npg_version = 9\n', "2: pg_version: expected a PostgreSQL major version from 10 to 18, got 9"),
    (
        '[tool.sqlsoul]\ndescription = """\nfail_on = "error"\n"""\n',
        f"2: description: unknown key; known keys: {KNOWN_KEYS}",
    ),
    ('[tool.sqlsoul]\nselect = ["ALL"\n', "2: invalid TOML: Unclosed array (at end of document)"),
    ('[tool.sqlsoul]\nfail_on = "note"\nfail_on = "error"\n', "3: invalid TOML: Cannot overwrite a value (at line 3, column 18)"),
    ("[tool]\nsqlsoul = 3\n", "2: tool.sqlsoul: expected a table, got 3"),
    ('[project]\nname = "x"\n', "1: no [tool.sqlsoul] table in this file"),
]


@pytest.mark.parametrize(("text", "expected"), TOML_ERRORS)
def test_pyproject_mistakes_name_the_line_and_the_key(tmp_path: Path, registry: Registry, text: str, expected: str) -> None:
    assert error(tmp_path, "pyproject.toml", text, registry) == expected


def test_any_toml_file_is_read_as_toml(tmp_path: Path, registry: Registry) -> None:
    config = load(tmp_path, "ci.toml", '[tool.sqlsoul]\nfail_on = "never"\n', registry)
    assert config.fail_on == "never"
    assert error(tmp_path, "ci.toml", 'fail_on = "never"\n', registry) == "1: no [tool.sqlsoul] table in this file"


# --- through the command line -------------------------------------------------------------------


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "events.sql").write_text(STATUS_SQL, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def lint(*args: str):
    return CliRunner().invoke(main, ["lint", *args], prog_name="sqlsoul")


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        (".sqlsoul.yaml", "rules:\n  missing-foreign-key:\n    ignore_table: [x]\n",
         "3: rules.missing-foreign-key.ignore_table: unknown option (options of missing-foreign-key: ignore_columns)"),
        ("pyproject.toml", '[tool.sqlsoul]\nfail_on = "error"\n\n[tool.sqlsoul.severity]\nSS102 = "loud"\n',
         "5: severity.SS102: expected one of error, warning, note, got 'loud'"),
        # A broken pyproject.toml that configures sqlsoul stops the run instead of being skipped.
        ("pyproject.toml", '[tool.sqlsoul]\nselect = ["SS101"\n', "2: invalid TOML: Unclosed array (at end of document)"),
    ],
)
def test_a_config_mistake_is_exit_2_with_one_line(project: Path, name: str, text: str, expected: str) -> None:
    (project / name).write_text(text, encoding="utf-8")
    result = lint("events.sql")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == f"sqlsoul: error: {project.resolve() / name}:{expected}\n"


def test_a_config_given_with_config_is_named_as_given(project: Path) -> None:
    (project / "ci").mkdir()
    (project / "ci/sqlsoul.yaml").write_text("fail_on: sometimes\n", encoding="utf-8")
    result = lint("--config", "ci/sqlsoul.yaml", "events.sql")
    assert (result.exit_code, result.stderr) == (
        2, "sqlsoul: error: ci/sqlsoul.yaml:1: fail_on: expected one of error, warning, note, never, got 'sometimes'\n"
    )


def test_sqlsoul_yaml_wins_over_pyproject_in_the_same_folder(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.sqlsoul]\nfail_on = "never"\n', encoding="utf-8")
    assert lint("events.sql").exit_code == 0
    (project / ".sqlsoul.yaml").write_text("fail_on: warning\n", encoding="utf-8")
    assert lint("events.sql").exit_code == 1


# --- sqlsoul init ------------------------------------------------------------------------------


def test_init_config_loads_back_as_the_defaults(tmp_path: Path, registry: Registry) -> None:
    text = render_default_config(registry)
    config = load(tmp_path, ".sqlsoul.yaml", text, registry)
    defaults = {
        code: {name: spec.default for name, spec in rule.meta.options.items()}
        for code, rule in registry.rules.items()
        if rule.meta.options
    }
    assert config == Config(path=tmp_path / ".sqlsoul.yaml", rule_options=defaults)
    assert defaults, "some rule has options, so the rules section is not empty"


def test_init_config_has_every_key_and_option_each_explained(registry: Registry) -> None:
    text = render_default_config(registry)
    data = YAML(typ="rt").load(text)
    assert list(data) == [
        "select", "ignore", "fail_on", "pg_version", "exclude", "severity", "per_path_ignores", "history", "base_schema",
        "lint_from", "layouts", "assume_in_transaction", "multi_statement", "require_down", "ignore_unpaired", "rules",
    ]
    assert {name: set(options) for name, options in data["rules"].items()} == {
        rule.meta.name: set(rule.meta.options) for rule in registry.rules.values() if rule.meta.options
    }
    lines = text.splitlines()
    for key in data:
        index = next(i for i, line in enumerate(lines) if line.startswith(f"{key}:"))
        assert lines[index - 1].startswith("# "), f"no comment above {key}"
    for name in data["rules"]:
        index = next(i for i, line in enumerate(lines) if line == f"  {name}:")
        assert lines[index - 1].startswith("  # "), f"no comment above rules.{name}"
