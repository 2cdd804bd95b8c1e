"""The pre-commit hook as users meet it: the real `pre-commit try-repo` on this repository.

try-repo clones the repository, installs sqlsoul from it into a fresh virtualenv (from PyPI) and runs
the `sqlsoul` hook of .pre-commit-hooks.yaml on the files given, in a throwaway git repository. Each
run builds its own environment, since try-repo uses a temporary store.

On a clean clone (CI) try-repo gets this repository itself. Uncommitted changes to tracked files it
commits into a temporary clone on its own, but files git does not track yet it leaves out, so a dev
checkout with a new, unstaged module would install a broken package; in that case try-repo gets a
snapshot of the working tree instead: the tracked and the untracked (not ignored) files, committed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO

# `    customer_id bigint NOT NULL` on line 4: customers exists, no foreign key.
BAD_SQL = "CREATE TABLE customers (id bigint PRIMARY KEY);\nCREATE TABLE orders (\n    id bigint PRIMARY KEY,\n    customer_id bigint NOT NULL\n);\n"
CLEAN_SQL = "CREATE TABLE jobs (\n    id bigint PRIMARY KEY,\n    status text NOT NULL CHECK (status IN ('new', 'done'))\n);\n"
TIMEOUT = 300  # seconds per run, a generous bound: each run takes 5 to 10 s here, even with an empty pip cache

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="pre-commit needs git")


def _git_checkout(path: Path, env: dict[str, str]) -> bool:
    found = subprocess.run(
        ["git", "rev-parse", "--git-dir"], cwd=path, env=env, capture_output=True, stdin=subprocess.DEVNULL, check=False, timeout=60
    )
    return found.returncode == 0


def _repository(tmp_path: Path, env: dict[str, str]) -> Path:
    """This repository, or a committed snapshot of its working tree when git does not track all of it."""
    if not _git_checkout(REPO, env):
        pytest.skip(f"{REPO} is not a git checkout, so try-repo cannot clone it")
    git = ["git", "-c", "core.quotePath=false"]
    listed = subprocess.run(
        [*git, "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO, env=env, capture_output=True, text=True, check=True, stdin=subprocess.DEVNULL, timeout=60,
    )
    untracked = subprocess.run(
        [*git, "ls-files", "-z", "--others", "--exclude-standard"],
        cwd=REPO, env=env, capture_output=True, text=True, check=True, stdin=subprocess.DEVNULL, timeout=60,
    )
    if not untracked.stdout:
        return REPO
    snapshot = tmp_path / "sqlsoul-snapshot"
    for name in filter(None, listed.stdout.split("\0")):
        source = REPO / name
        if source.is_file() or source.is_symlink():  # a tracked file deleted in the working tree is gone
            (snapshot / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, snapshot / name, follow_symlinks=False)
    identity = ["-c", "user.name=sqlsoul tests", "-c", "user.email=tests@sqlsoul.invalid", "-c", "commit.gpgsign=false"]
    for command in (["init", "-q"], ["add", "-A"], [*identity, "commit", "-q", "--no-verify", "-m", "snapshot"]):
        subprocess.run(["git", *command], cwd=snapshot, env=env, check=True, capture_output=True, stdin=subprocess.DEVNULL, timeout=60)
    return snapshot


def _environment(tmp_path: Path) -> dict[str, str]:
    # Variables git sets inside a hook (GIT_DIR, GIT_INDEX_FILE, ...) would point every git command
    # of pre-commit at the wrong repository: drop them, as pre-commit itself does.
    env = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}
    env |= {
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
        "TMPDIR": str(tmp_path / "tmp"),  # try-repo's temporary store and shadow clone land here
        "PRE_COMMIT_COLOR": "never",
    }
    env.pop("SQLSOUL_DISABLE_PLUGINS", None)
    return env


def try_repo(tmp_path: Path, name: str, sql: str, history: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the hook on one migration `migrations/<name>` of a fresh throwaway repository, whose
    `migrations/` folder also holds the (unchanged) files of `history`."""
    project = tmp_path / "project"
    (project / "migrations").mkdir(parents=True)
    (tmp_path / "tmp").mkdir()
    env = _environment(tmp_path)
    repository = _repository(tmp_path, env)
    subprocess.run(["git", "init", "-q", str(project)], check=True, env=env, stdin=subprocess.DEVNULL, timeout=60)
    for other, text in (history or {}).items():
        (project / "migrations" / other).write_text(text, encoding="utf-8")
    (project / "migrations" / name).write_text(sql, encoding="utf-8")
    subprocess.run(["git", "add", "."], cwd=project, check=True, env=env, stdin=subprocess.DEVNULL, timeout=60)
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(repository), "sqlsoul", "--files", f"migrations/{name}"],
        cwd=project,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


def test_the_hook_manifest() -> None:
    from ruamel.yaml import YAML

    [hook] = YAML(typ="safe").load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert {key: hook[key] for key in ("id", "entry", "language", "types", "require_serial")} == {
        "id": "sqlsoul", "entry": "sqlsoul lint", "language": "python", "types": ["sql"], "require_serial": True,
    }
    assert hook["name"] and "types_or" not in hook


@needs_git
def test_the_hook_fails_on_a_bad_migration_and_names_the_finding(tmp_path: Path) -> None:
    result = try_repo(tmp_path, "001_orders.sql", BAD_SQL)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "sqlsoul" in output and "Failed" in output, output
    assert "migrations/001_orders.sql:4:5: warning SS101 missing-foreign-key" in output, output


@needs_git
def test_the_hook_passes_on_a_clean_migration(tmp_path: Path) -> None:
    result = try_repo(tmp_path, "001_jobs.sql", CLEAN_SQL)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "Passed" in output and "SS1" not in output, output


# A golang-migrate folder: the newest migration's finding needs the table an earlier one created.
HISTORY = {
    "1_customers.up.sql": "CREATE TABLE customers (id bigint PRIMARY KEY);\n",
    "1_customers.down.sql": "DROP TABLE customers;\n",
    "2_orders.down.sql": "DROP TABLE orders;\n",
    "3_jobs.up.sql": "CREATE TABLE jobs (id bigint PRIMARY KEY, status text);\n",
}
ORDERS_UP = "CREATE TABLE orders (\n    id bigint PRIMARY KEY,\n    customer_id bigint NOT NULL\n);\n"


@needs_git
def test_the_hook_lints_a_changed_migration_inside_its_history(tmp_path: Path) -> None:
    result = try_repo(tmp_path, "2_orders.up.sql", ORDERS_UP, {**HISTORY, "3_jobs.down.sql": "DROP TABLE jobs;\n"})
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    # customers comes from migration 1, which was not passed: only the history knows it.
    assert "migrations/2_orders.up.sql:3:5: warning SS101 missing-foreign-key" in output, output
    assert "3_jobs" not in output, output  # other files feed the model but are not reported


@needs_git
def test_the_hook_on_a_changed_down_shows_the_findings_of_its_pair(tmp_path: Path) -> None:
    result = try_repo(tmp_path, "3_jobs.down.sql", "DROP TABLE jobs;\n", {**HISTORY, "2_orders.up.sql": ORDERS_UP})
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "migrations/3_jobs.down.sql:1:1: warning SS102 unchecked-status-column" in output, output
    assert "related: migrations/3_jobs.up.sql:1:43: the finding is here" in output, output
    assert "2_orders" not in output, output
