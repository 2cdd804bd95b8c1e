"""`--changed-since REF`: only the files changed since a git ref are reported, inside their full
history, in real temporary git repositories."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from sqlsoul.cli import main

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="--changed-since needs git")

CUSTOMERS_UP = "CREATE TABLE customers (id bigint PRIMARY KEY);\n"
# customer_id refers to customers, which only the history knows: SS101 on line 1.
ORDERS_UP = "CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL);\n"


def lint(*args: str) -> Result:
    return CliRunner().invoke(main, ["lint", "--no-plugins", *args], prog_name="sqlsoul")


def reported(*args: str) -> list[tuple[str, str, int]]:
    result = lint("--format", "json", *args)
    assert result.exit_code in (0, 1), (result.exit_code, result.stdout, result.stderr)
    return [(f["path"], f["code"], f["line"]) for f in json.loads(result.stdout)["findings"]]


def one_error_line(result: Result) -> str:
    assert result.exit_code == 2, (result.exit_code, result.stdout, result.stderr)
    (line,) = result.stderr.splitlines()
    assert line.startswith("sqlsoul: error: ")
    return line.removeprefix("sqlsoul: error: ")


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, timeout=60, check=True)
    return done.stdout


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def migration(repo: Path, name: str, up: str, down: str = "") -> None:
    write(repo / f"db/{name}.up.sql", up)
    write(repo / f"db/{name}.down.sql", down or f"DROP TABLE {name.split('_', 1)[1]};\n")


def commit(repo: Path, message: str) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A golang-migrate history committed on main (000002's customer_id has no foreign key), and a
    branch `feature` checked out."""
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "no-global-gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.name", "Test")
    git(repo, "config", "user.email", "test@example.com")
    git(repo, "config", "commit.gpgsign", "false")
    migration(repo, "000001_customers", CUSTOMERS_UP)
    migration(repo, "000002_orders", ORDERS_UP)
    commit(repo, "first migrations")
    git(repo, "checkout", "-q", "-b", "feature")
    monkeypatch.chdir(repo)
    return repo


def test_committed_staged_modified_and_untracked_changes_are_reported(repo: Path) -> None:
    # Committed on the branch: items.order_id refers to orders, known from 000002 (the history replays).
    migration(repo, "000003_items", "CREATE TABLE items (id bigint PRIMARY KEY, order_id bigint);\n")
    commit(repo, "items")
    # Staged.
    migration(repo, "000004_tickets", "CREATE TABLE tickets (id bigint PRIMARY KEY, status text);\n")
    git(repo, "add", "db/000004_tickets.up.sql", "db/000004_tickets.down.sql")
    # Modified, not staged: 000001's down no longer drops customers (SS301, shown in the down).
    write(repo / "db/000001_customers.down.sql", "SELECT 1;\n")
    # Untracked.
    migration(repo, "000005_jobs", "CREATE TABLE jobs (id bigint PRIMARY KEY, state text);\n")
    assert reported("--changed-since", "main", "db") == [
        ("db/000001_customers.down.sql", "SS301", 1),
        ("db/000003_items.up.sql", "SS101", 1),
        ("db/000004_tickets.up.sql", "SS102", 1),
        ("db/000005_jobs.up.sql", "SS102", 1),
    ]
    # Without it, the unchanged 000002 is reported too.
    assert ("db/000002_orders.up.sql", "SS101", 1) in reported("db")


def test_nothing_changed_reports_nothing(repo: Path) -> None:
    result = lint("--changed-since", "main")
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr.startswith("0 files, 0 statements, 0 findings")


def test_changes_on_the_other_branch_since_it_was_left_do_not_count(repo: Path) -> None:
    """Since the merge base, as a pull request shows it: main moving on changes nothing here."""
    git(repo, "checkout", "-q", "main")
    write(repo / "db/000002_orders.up.sql", "-- reviewed\n" + ORDERS_UP)
    commit(repo, "main moves on")
    git(repo, "checkout", "-q", "feature")
    assert reported("--changed-since", "main") == []
    assert reported("--changed-since", "main~1") == []  # an ancestor of HEAD: the commits since it
    # HEAD~0 is HEAD: only the working tree's changes count.
    write(repo / "db/000002_orders.up.sql", ORDERS_UP.replace("NOT NULL", "NOT NULL DEFAULT 0"))
    assert reported("--changed-since", "HEAD") == [("db/000002_orders.up.sql", "SS101", 1)]


def test_deleted_and_excluded_files_are_not_linted(repo: Path) -> None:
    (repo / "db/000002_orders.down.sql").unlink()
    migration(repo, "000003_items", "CREATE TABLE items (id bigint PRIMARY KEY, order_id bigint);\n")
    write(repo / "vendor/001.sql", "CREATE TABLE vendored (id bigint PRIMARY KEY, status text);\n")
    write(repo / ".sqlsoul.yaml", "exclude: [vendor]\n")
    assert reported("--changed-since", "main") == [("db/000003_items.up.sql", "SS101", 1)]


def test_paths_limit_what_is_reported(repo: Path) -> None:
    migration(repo, "000003_items", "CREATE TABLE items (id bigint PRIMARY KEY, order_id bigint);\n")
    write(repo / "other/001.sql", "CREATE TABLE other (id bigint PRIMARY KEY, status text);\n")
    assert reported("--changed-since", "main", "other") == [("other/001.sql", "SS102", 1)]
    assert reported("--changed-since", "main", "db/000003_items.up.sql") == [("db/000003_items.up.sql", "SS101", 1)]
    assert reported("--changed-since", "main", "db/000002_orders.up.sql") == []


def test_a_subfolder_of_the_repository_as_the_project(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """git names paths from the top of the work tree; findings are named from the project root."""
    write(repo / "db/.sqlsoul.yaml", "fail_on: error\n")
    commit(repo, "config")
    migration(repo, "000003_items", "CREATE TABLE items (id bigint PRIMARY KEY, order_id bigint);\n")
    monkeypatch.chdir(repo / "db")
    result = lint("--changed-since", "main", "--format", "sarif", "--quiet")
    (run,) = json.loads(result.stdout)["runs"]
    assert [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]] == ["000003_items.up.sql"]
    assert result.exit_code == 0  # fail_on: error from db/.sqlsoul.yaml


def test_with_a_baseline(repo: Path) -> None:
    assert lint("db", "--write-baseline", "baseline.json").exit_code == 0
    write(repo / "db/000002_orders.up.sql", "\n\n" + ORDERS_UP.lower())
    migration(repo, "000003_items", "CREATE TABLE items (id bigint PRIMARY KEY, order_id bigint);\n")
    result = lint("--changed-since", "main", "--baseline", "baseline.json", "--format", "json")
    assert [(f["path"], f["code"]) for f in json.loads(result.stdout)["findings"]] == [("db/000003_items.up.sql", "SS101")]
    assert result.stderr.splitlines()[1] == "1 baselined finding hidden"


def test_verbose_says_how_many_files_changed(repo: Path) -> None:
    migration(repo, "000003_items", "CREATE TABLE items (id bigint PRIMARY KEY, order_id bigint);\n")
    assert "changed since main: 2 files to report\n" in lint("-v", "--changed-since", "main").stderr


# --- mistakes ---------------------------------------------------------------------------------------


def test_unknown_ref(repo: Path) -> None:
    assert one_error_line(lint("--changed-since", "no-such-branch")) == "--changed-since: unknown git ref 'no-such-branch'"
    assert one_error_line(lint("--changed-since", "--help")) == "--changed-since: unknown git ref '--help'"


def test_refs_without_a_common_commit(repo: Path) -> None:
    git(repo, "checkout", "-q", "--orphan", "unrelated")
    commit(repo, "a history of its own")
    assert one_error_line(lint("--changed-since", "main")) == (
        "--changed-since: 'main' and HEAD have no common commit (a shallow clone? fetch the full history)"
    )


def test_outside_a_git_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "plain"
    write(folder / "001.sql", CUSTOMERS_UP)
    write(folder / ".sqlsoul.yaml", "")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    monkeypatch.chdir(folder)
    assert one_error_line(lint("--changed-since", "main")) == f"--changed-since needs a git repository: {folder} is not in one"


def test_git_missing(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "empty-path"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    assert one_error_line(lint("--changed-since", "main")) == "--changed-since needs git, which is not on PATH"


def test_standard_input(repo: Path) -> None:
    result = CliRunner().invoke(main, ["lint", "--changed-since", "main", "-"], input=CUSTOMERS_UP, prog_name="sqlsoul")
    assert one_error_line(result) == "--changed-since asks git which files to lint: it does not read standard input"
