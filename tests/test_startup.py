"""A lint run loads only what it uses: a pre-commit hook pays every import on every commit."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

# The command's own `main` (the console script's `run` ends the process without returning).
PROBE = """
import json, sys
sys.argv = ["sqlsoul", *json.loads(sys.argv[1])]
from sqlsoul.cli import main
try:
    main()
except SystemExit:
    pass
print("\\nMODULES " + json.dumps(sorted(sys.modules)), file=sys.stderr)
"""

NEVER_ON_A_PLAIN_RUN = ("ruamel", "sqlglot", "importlib.metadata", "tomllib", "subprocess", "jsonschema")


def loaded_modules(*args: str, cwd: Path) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(list(args))], cwd=cwd, capture_output=True, text=True, timeout=60
    )
    marker = done.stderr.rindex("MODULES ")
    return set(json.loads(done.stderr[marker + len("MODULES ") :]))


def _loaded(modules: set[str], name: str) -> bool:
    return any(module == name or module.startswith(name + ".") for module in modules)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "001.sql").write_text("CREATE TABLE t (id bigint PRIMARY KEY, status text);\n", encoding="utf-8")
    return tmp_path


def test_text_run_loads_no_yaml_toml_metadata_or_other_formats(project: Path) -> None:
    modules = loaded_modules("lint", "001.sql", cwd=project)
    assert "sqlsoul.engine" in modules  # the probe really ran a lint
    assert [name for name in NEVER_ON_A_PLAIN_RUN if _loaded(modules, name)] == []
    assert {"sqlsoul.reporters.json_format", "sqlsoul.reporters.sarif", "sqlsoul.reporters.github"} & modules == set()


def test_each_format_loads_only_its_own_reporter(project: Path) -> None:
    modules = loaded_modules("lint", "--format", "github", "001.sql", cwd=project)
    assert "sqlsoul.reporters.github" in modules
    assert {"sqlsoul.reporters.sarif", "sqlsoul.reporters.json_format", "sqlsoul.reporters.text"} & modules == {
        "sqlsoul.reporters.text"  # the summary line on stderr comes from the text reporter
    }


def test_yaml_is_loaded_only_for_a_yaml_config(project: Path) -> None:
    (project / ".sqlsoul.yaml").write_text("fail_on: error\n", encoding="utf-8")
    assert _loaded(loaded_modules("lint", "001.sql", cwd=project), "ruamel")

