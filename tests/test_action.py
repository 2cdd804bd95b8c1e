"""action.yml, the sqlsoul GitHub Action: its structure, and its shell steps run here with bash the way
the runner runs them, against a fixture repository, with every `${{ ... }}` the steps read given a test
value. A run of the whole action leaves out the install step (sqlsoul is installed here already, so its
output, the `sqlsoul` command, is this interpreter's); the install step runs on its own, with a python
that records what it is asked to do instead of downloading anything."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from sqlsoul.config import FAIL_ON_CHOICES

from conftest import ORDERS_SQL, REPO

ACTION = REPO / "action.yml"
INSTALLED_SQLSOUL = Path(sys.executable).with_name("sqlsoul")
# How the runner runs a `shell: bash` step.
BASH = ["bash", "--noprofile", "--norc", "-eo", "pipefail"]
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")

# A note only (SS405).
CODES_SQL = "CREATE TABLE codes (id bigint PRIMARY KEY, code char(2));\n"


def load_action() -> dict[str, Any]:
    return YAML(typ="safe").load(ACTION.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def action() -> dict[str, Any]:
    return load_action()


def steps(action: dict[str, Any]) -> list[dict[str, Any]]:
    return action["runs"]["steps"]  # type: ignore[no-any-return]


def step(action: dict[str, Any], step_id: str) -> dict[str, Any]:
    [found] = [entry for entry in steps(action) if entry.get("id") == step_id]
    return found


# --- structure ------------------------------------------------------------------------------------


def test_the_action_is_composite_with_the_documented_inputs(action: dict[str, Any]) -> None:
    assert action["runs"]["using"] == "composite"
    assert list(action["inputs"]) == ["paths", "config", "fail-on", "baseline", "changed-since", "upload", "version"]
    assert all(spec["description"].strip() for spec in action["inputs"].values())
    defaults = {name: spec["default"] for name, spec in action["inputs"].items()}
    assert defaults == {
        "paths": ".", "config": "", "fail-on": "", "baseline": "", "changed-since": "", "upload": "true", "version": "",
    }
    # fail-on takes exactly what the command line's --fail-on takes.
    assert all(choice in action["inputs"]["fail-on"]["description"] for choice in FAIL_ON_CHOICES)
    assert set(action["outputs"]) == {"exit-code", "sarif-file"}


def test_every_script_runs_in_bash_and_reads_values_only_from_its_environment(action: dict[str, Any]) -> None:
    scripts = [entry for entry in steps(action) if "run" in entry]
    assert [entry["id"] for entry in scripts if "id" in entry] == ["install", "lint"]
    for entry in scripts:
        assert entry["shell"] == "bash"
        assert "${{" not in entry["run"], entry["name"]  # an expression spliced into a script could inject code


def test_python_is_set_up_without_touching_the_jobs_own(action: dict[str, Any]) -> None:
    python = step(action, "python")
    assert python["uses"] == "actions/setup-python@v5"
    assert python["with"]["update-environment"] is False


def test_the_upload_runs_always_when_asked_and_a_report_exists(action: dict[str, Any]) -> None:
    [upload] = [entry for entry in steps(action) if entry.get("uses", "").startswith("github/codeql-action/upload-sarif")]
    assert upload["uses"] == "github/codeql-action/upload-sarif@v3"
    assert upload["if"] == "always() && inputs.upload == 'true' && steps.lint.outputs.sarif-file != ''"
    assert upload["with"] == {"sarif_file": "${{ steps.lint.outputs.sarif-file }}"}
    # The upload comes after the lint step and before the step that fails the job.
    order = [entry.get("id") or entry.get("uses") or entry["name"] for entry in steps(action)]
    assert order.index("lint") < order.index(upload["uses"]) < len(order) - 1


# --- running the steps ----------------------------------------------------------------------------


@dataclass
class StepRun:
    name: str
    returncode: int
    stdout: str
    stderr: str


@dataclass
class JobRun:
    """What the runner would do with the action's steps: the scripts it ran, until one failed."""

    runs: list[StepRun] = field(default_factory=list)
    outputs: dict[str, dict[str, str]] = field(default_factory=dict)  # step id -> its outputs

    @property
    def failed(self) -> bool:
        return any(run.returncode != 0 for run in self.runs)

    def of(self, name: str) -> StepRun:
        [found] = [run for run in self.runs if run.name == name]
        return found


def _evaluate(text: str, values: dict[str, str]) -> str:
    """The text with each `${{ expression }}` replaced by its test value (an unknown one is an error)."""
    return EXPRESSION.sub(lambda match: values[match.group(1)], text)


def run_script(entry: dict[str, Any], values: dict[str, str], workspace: Path, runner_temp: Path,
               **runner_env: str) -> tuple[StepRun, dict[str, str]]:
    """Run one `run` step as the runner would: its result and the outputs it wrote."""
    output_file = runner_temp / "github-output"
    output_file.write_text("", encoding="utf-8")
    env = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", str(runner_temp)),
        "RUNNER_TEMP": str(runner_temp),
        "GITHUB_OUTPUT": str(output_file),
        **runner_env,
        **{name: _evaluate(str(value), values) for name, value in entry.get("env", {}).items()},
    }
    done = subprocess.run([*BASH, "-c", entry["run"]], cwd=workspace, env=env, capture_output=True, text=True, timeout=120)
    outputs = dict(line.split("=", 1) for line in output_file.read_text(encoding="utf-8").splitlines())
    return StepRun(entry["name"], done.returncode, done.stdout, done.stderr), outputs


def input_values(**inputs: str) -> dict[str, str]:
    """`inputs.NAME` of each input: the value given (as a keyword, `_` for `-`), else its default."""
    declared = load_action()["inputs"]
    given = {name.replace("_", "-"): value for name, value in inputs.items()}
    assert set(given) <= set(declared), given
    return {f"inputs.{name}": given.get(name, spec["default"]) for name, spec in declared.items()}


def run_action(workspace: Path, runner_temp: Path, **inputs: str) -> JobRun:
    values = input_values(**inputs)
    job = JobRun()
    for entry in steps(load_action()):
        if entry.get("id") == "install":
            job.outputs["install"] = {"sqlsoul": str(INSTALLED_SQLSOUL)}  # installed here already
        elif "run" in entry:
            for step_id, outputs in job.outputs.items():
                values |= {f"steps.{step_id}.outputs.{name}": value for name, value in outputs.items()}
            run, outputs = run_script(entry, values, workspace, runner_temp)
            job.runs.append(run)
            if "id" in entry:
                job.outputs[entry["id"]] = outputs
            if run.returncode != 0:
                break  # the runner skips the steps after a failed one (the upload runs, being always())
    return job


LINT = "Lint with sqlsoul"
GATE = "Fail when sqlsoul found something at or above fail-on"


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """The checked-out repository: migrations with warnings and a note, and a folder with a note only."""
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "migrations").mkdir()
    (repo / "migrations/001_orders.sql").write_text(ORDERS_SQL, encoding="utf-8")
    (repo / "notes").mkdir()
    (repo / "notes/001_codes.sql").write_text(CODES_SQL, encoding="utf-8")
    return repo


@pytest.fixture
def runner_temp(tmp_path: Path) -> Path:
    temp = tmp_path / "runner-temp"
    temp.mkdir()
    return temp


def test_lint_writes_sarif_prints_the_report_and_never_fails(workspace: Path, runner_temp: Path) -> None:
    job = run_action(workspace, runner_temp, paths="migrations", fail_on="warning")
    lint = job.of(LINT)
    assert lint.returncode == 0  # the step itself passes, so the upload is not skipped
    assert job.outputs["lint"] == {"exit-code": "1", "sarif-file": str(runner_temp / "sqlsoul.sarif")}
    sarif = json.loads((runner_temp / "sqlsoul.sarif").read_text(encoding="utf-8"))
    results = sarif["runs"][0]["results"]
    assert [(result["ruleId"], result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]) for result in results] == [
        ("SS101", "migrations/001_orders.sql"), ("SS102", "migrations/001_orders.sql"), ("SS405", "migrations/001_orders.sql"),
    ]
    # The text report is in the log.
    assert "migrations/001_orders.sql:4:5: warning SS101 missing-foreign-key: " in lint.stdout
    assert "1 file, 2 statements, 3 findings (0 errors, 2 warnings, 1 note)" in lint.stderr


@pytest.mark.parametrize(
    ("paths", "fail_on", "exit_code"),
    [
        ("migrations", "error", "0"),  # warnings and a note, nothing at error
        ("migrations", "warning", "1"),
        ("migrations", "note", "1"),
        ("migrations", "never", "0"),
        ("notes", "warning", "0"),  # a note only
        ("notes", "note", "1"),
    ],
)
def test_the_last_step_fails_the_job_by_fail_on(
    workspace: Path, runner_temp: Path, paths: str, fail_on: str, exit_code: str
) -> None:
    job = run_action(workspace, runner_temp, paths=paths, fail_on=fail_on)
    assert job.outputs["lint"]["exit-code"] == exit_code
    gate = job.of(GATE)
    if exit_code == "0":
        assert (gate.returncode, gate.stdout) == (0, "sqlsoul: no finding at or above fail-on\n")
        assert not job.failed
    else:
        assert gate.returncode == 1
        assert gate.stdout == "::error title=sqlsoul::findings at or above fail-on; the step 'Lint with sqlsoul' lists them\n"


def test_empty_fail_on_takes_the_configs(workspace: Path, runner_temp: Path) -> None:
    (workspace / ".sqlsoul.yaml").write_text("fail_on: error\n", encoding="utf-8")
    job = run_action(workspace, runner_temp, paths="migrations")
    assert job.outputs["lint"]["exit-code"] == "0" and not job.failed
    # The default is sqlsoul's own: warning.
    (workspace / ".sqlsoul.yaml").unlink()
    assert run_action(workspace, runner_temp, paths="migrations").outputs["lint"]["exit-code"] == "1"


def test_config_input_names_the_config_file(workspace: Path, runner_temp: Path) -> None:
    (workspace / "strict.yaml").write_text("fail_on: note\nignore: [SS101, SS102]\n", encoding="utf-8")
    job = run_action(workspace, runner_temp, paths="migrations", config="strict.yaml")
    assert job.outputs["lint"]["exit-code"] == "1"
    assert "SS101" not in job.of(LINT).stdout and "SS405" in job.of(LINT).stdout


def test_paths_on_several_lines_are_all_linted_and_never_globbed(workspace: Path, runner_temp: Path) -> None:
    job = run_action(workspace, runner_temp, paths="migrations\nnotes/*.sql\n", fail_on="never")
    # notes/*.sql is a path that does not exist (the shell did not expand it): sqlsoul says so.
    assert job.outputs["lint"] == {"exit-code": "2"}
    job = run_action(workspace, runner_temp, paths="migrations\n  notes\n", fail_on="never")
    assert job.outputs["lint"]["exit-code"] == "0"
    assert "2 files, 3 statements, 4 findings (0 errors, 2 warnings, 2 notes)" in job.of(LINT).stderr


def test_sqlsoul_that_cannot_lint_fails_the_job_whatever_fail_on_says(workspace: Path, runner_temp: Path) -> None:
    job = run_action(workspace, runner_temp, paths="migrations", fail_on="never", config="missing.yaml")
    assert job.outputs["lint"] == {"exit-code": "2"}  # no sarif-file: the upload is skipped
    assert not (runner_temp / "sqlsoul.sarif").exists()
    assert "sqlsoul: error: config file does not exist: missing.yaml" in job.of(LINT).stderr
    gate = job.of(GATE)
    assert gate.returncode == 1
    assert gate.stdout == "::error title=sqlsoul::sqlsoul could not lint (exit status 2); the step 'Lint with sqlsoul' says why\n"


def test_a_stale_report_from_an_earlier_run_is_not_uploaded(workspace: Path, runner_temp: Path) -> None:
    (runner_temp / "sqlsoul.sarif").write_text("{}", encoding="utf-8")
    job = run_action(workspace, runner_temp, paths="migrations", config="missing.yaml")
    assert "sarif-file" not in job.outputs["lint"] and not (runner_temp / "sqlsoul.sarif").exists()


def _lint_has(option: str) -> bool:
    done = subprocess.run([str(INSTALLED_SQLSOUL), "lint", "--help"], capture_output=True, text=True, check=False)
    return option in done.stdout


@pytest.mark.skipif(not _lint_has("--baseline"), reason="sqlsoul lint has no --baseline yet")
def test_baseline_input_reports_only_new_findings(workspace: Path, runner_temp: Path) -> None:
    written = subprocess.run(
        [str(INSTALLED_SQLSOUL), "lint", "--write-baseline", "baseline.json", "migrations"],
        cwd=workspace, capture_output=True, text=True, check=False,
    )
    assert (workspace / "baseline.json").is_file(), written.stderr
    job = run_action(workspace, runner_temp, paths="migrations", fail_on="note", baseline="baseline.json")
    assert job.outputs["lint"]["exit-code"] == "0" and not job.failed
    # A new finding is reported and fails the job.
    (workspace / "migrations/002_codes.sql").write_text(CODES_SQL, encoding="utf-8")
    job = run_action(workspace, runner_temp, paths="migrations", fail_on="note", baseline="baseline.json")
    assert job.outputs["lint"]["exit-code"] == "1"
    assert "SS405" in job.of(LINT).stdout and "SS101" not in job.of(LINT).stdout



@pytest.mark.skipif(not _lint_has("--changed-since"), reason="sqlsoul lint has no --changed-since yet")
def test_changed_since_input_reports_only_the_migrations_changed_since_the_ref(workspace: Path, runner_temp: Path) -> None:
    def git(*args: str) -> str:
        done = subprocess.run(
            ["git", "-c", "user.name=sqlsoul", "-c", "user.email=sqlsoul@example.com", *args],
            cwd=workspace, capture_output=True, text=True, check=True,
        )
        return done.stdout.strip()

    (workspace / ".git").rmdir()
    git("init", "--quiet")
    git("add", ".")
    git("commit", "--quiet", "--message", "orders")
    base = git("rev-parse", "HEAD")
    (workspace / "migrations/002_codes.sql").write_text(CODES_SQL, encoding="utf-8")
    git("add", ".")
    git("commit", "--quiet", "--message", "codes")
    job = run_action(workspace, runner_temp, paths="migrations", fail_on="note", changed_since=base)
    assert job.outputs["lint"]["exit-code"] == "1"
    assert "migrations/002_codes.sql:1:44: note SS405" in job.of(LINT).stdout
    assert "migrations/001_orders.sql" not in job.of(LINT).stdout


# --- the README's workflow ------------------------------------------------------------------------


def readme_workflow() -> dict[str, Any]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```yaml\n(.*?)^```$", text, re.DOTALL | re.MULTILINE)
    [block] = [body for body in blocks if body.startswith("# .github/workflows/sqlsoul.yml\n")]
    return YAML(typ="safe").load(block)  # type: ignore[no-any-return]


def test_readme_workflow_runs_this_action_with_the_permissions_it_needs() -> None:
    workflow = readme_workflow()
    assert set(workflow["on"]) == {"push", "pull_request"}
    assert workflow["permissions"] == {"contents": "read", "security-events": "write"}
    [job] = workflow["jobs"].values()
    checkout, sqlsoul = job["steps"]
    assert checkout == {"uses": "actions/checkout@v4", "with": {"fetch-depth": 0}}
    assert sqlsoul["uses"].split("@")[0] == "sqlsoul/sqlsoul"  # this repository (pyproject's Homepage)
    assert set(sqlsoul["with"]) <= set(load_action()["inputs"])


def test_readme_input_table_is_the_actions(action: dict[str, Any]) -> None:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    table = text[text.index("| input | default | meaning |"):].split("\n\n")[0].splitlines()[2:]
    rows = [[cell.strip() for cell in row.strip("|").split("|")] for row in table]
    assert [(name.strip("`"), default.strip("`")) for name, default, _ in rows] == [
        (name, spec["default"]) for name, spec in action["inputs"].items()
    ]


def test_readme_workflow_on_a_push_fails_the_job_on_a_warning(workspace: Path, runner_temp: Path) -> None:
    [job] = readme_workflow()["jobs"].values()
    # On a push there is no pull request: its base commit is empty.
    inputs = {
        name.replace("-", "_"): _evaluate(str(value), {"github.event.pull_request.base.sha": ""})
        for name, value in job["steps"][1]["with"].items()
    }
    run = run_action(workspace, runner_temp, **inputs)
    assert run.outputs["lint"]["exit-code"] == "1" and run.failed
    assert "migrations/001_orders.sql:4:5: warning SS101" in run.of(LINT).stdout


# A python that records how it is called: `-m venv DIR` makes DIR/bin/python, another recorder.
RECORDING_PYTHON = """#!/bin/sh
echo "$0 $*" >> "$CALLS"
if [ "$1 $2" = "-m venv" ]; then
  mkdir -p "$3/bin" && cp "$0" "$3/bin/python"
fi
"""


@pytest.mark.parametrize(
    ("version", "package"), [("", "{action_path}"), ("0.2.0", "sqlsoul==0.2.0")]
)
def test_install_makes_a_virtualenv_and_installs_the_release_asked_for(
    workspace: Path, runner_temp: Path, version: str, package: str
) -> None:
    python = runner_temp / "setup-python" / "python"
    python.parent.mkdir()
    python.write_text(RECORDING_PYTHON, encoding="utf-8")
    python.chmod(0o755)
    calls = runner_temp / "calls"
    values = input_values(version=version) | {"steps.python.outputs.python-path": str(python)}
    run, outputs = run_script(
        step(load_action(), "install"), values, workspace, runner_temp, CALLS=str(calls), GITHUB_ACTION_PATH=str(REPO)
    )
    assert run.returncode == 0, run.stderr
    venv = runner_temp / "sqlsoul-venv"
    assert calls.read_text(encoding="utf-8").splitlines() == [
        f"{python} -m venv {venv}",
        f"{venv}/bin/python -m pip install --quiet --disable-pip-version-check {package.format(action_path=REPO)}",
    ]
    assert outputs == {"sqlsoul": f"{venv}/bin/sqlsoul"}
