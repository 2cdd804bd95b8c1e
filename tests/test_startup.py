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
unloaded = sorted(name for name, module in sys.modules.items() if type(module).__name__ == "_LazyModule")
print("\\nMODULES " + json.dumps(sorted(sys.modules)), file=sys.stderr)
print("\\nNOT LOADED " + json.dumps(unloaded), file=sys.stderr)
"""

NEVER_ON_A_PLAIN_RUN = ("ruamel", "sqlglot", "importlib.metadata", "tomllib", "subprocess", "jsonschema")


def _probe(*args: str, cwd: Path) -> str:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(list(args))], cwd=cwd, capture_output=True, text=True, timeout=60
    )
    return done.stderr


def _listed(output: str, marker: str) -> set[str]:
    start = output.rindex(marker) + len(marker)
    return set(json.loads(output[start:].splitlines()[0]))


def loaded_modules(*args: str, cwd: Path) -> set[str]:
    """Modules imported by the run, except those registered lazily and never touched."""
    output = _probe(*args, cwd=cwd)
    return _listed(output, "MODULES ") - _listed(output, "NOT LOADED ")


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


def test_pglast_ast_and_enums_stay_unloaded_yet_work_when_touched(project: Path) -> None:
    modules = loaded_modules("lint", "001.sql", cwd=project)
    assert "pglast.parser" in modules and {"pglast.ast", "pglast.enums"} & modules == set()
    # A plugin that uses them gets the real modules.
    code = "import sqlsoul.libpg, pglast; print(type(pglast.parse_sql('select 1')[0].stmt).__name__, pglast.enums.SetOperation.SETOP_NONE.name)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == ["SelectStmt", "SETOP_NONE"], done.stderr
