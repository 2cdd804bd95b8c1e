"""Histories as users lint them: named files inside their history, up/down pairs, chained folders,
a base schema, and migrations that have already run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from sqlsoul.cli import main


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def lint(*args: str) -> Result:
    # Only the design rules: these histories are about what the model knows, not about their downs.
    return CliRunner().invoke(main, ["lint", "--format", "json", "--no-plugins", "--select", "design", *args], prog_name="sqlsoul")


def findings(result: Result) -> list[tuple[str, str, int, int]]:
    assert result.exit_code in (0, 1), result.stderr
    return [(f["path"], f["rule"], f["line"], f["column"]) for f in json.loads(result.stdout)["findings"]]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "db/1_customers.up.sql", "CREATE TABLE customers (id bigint PRIMARY KEY);\n")
    write(tmp_path / "db/1_customers.down.sql", "DROP TABLE customers;\n")
    write(tmp_path / "db/2_orders.up.sql", "CREATE TABLE orders (\n    id bigint PRIMARY KEY,\n    customer_id bigint NOT NULL\n);\n")
    write(tmp_path / "db/2_orders.down.sql", "DROP TABLE orders;\n")
    write(tmp_path / "db/3_jobs.up.sql", "CREATE TABLE jobs (id bigint PRIMARY KEY, status text);\n")
    write(tmp_path / "db/3_jobs.down.sql", "DROP TABLE jobs;\n")
    return tmp_path


def test_a_named_file_needs_its_history_and_only_it_is_reported(project: Path) -> None:
    # customers comes from migration 1, which is replayed but not reported.
    assert findings(lint("db/2_orders.up.sql")) == [("db/2_orders.up.sql", "missing-foreign-key", 3, 5)]
    # The same file alone, outside its history, has no customers table to point at.
    write(project / "alone/2_orders.up.sql", (project / "db/2_orders.up.sql").read_text())
    assert findings(lint("alone/2_orders.up.sql")) == []


def test_a_finding_in_the_up_is_shown_in_the_named_down_with_where_it_is(project: Path) -> None:
    result = lint("db/3_jobs.down.sql")
    [finding] = json.loads(result.stdout)["findings"]
    assert (finding["path"], finding["rule"], finding["line"], finding["column"]) == (
        "db/3_jobs.down.sql", "unchecked-status-column", 1, 1
    )
    assert finding["related"] == [
        {"path": "db/3_jobs.up.sql", "line": 1, "column": 43, "message": "the finding is here"}
    ]
    text = CliRunner().invoke(main, ["lint", "--no-color", "db/3_jobs.down.sql"], prog_name="sqlsoul").stdout
    assert "  related: db/3_jobs.up.sql:1:43: the finding is here" in text.splitlines()


def test_lint_from_reports_nothing_in_earlier_migrations(project: Path) -> None:
    everything = findings(lint("db"))
    assert ("db/2_orders.up.sql", "missing-foreign-key", 3, 5) in everything
    assert findings(lint("--from", "3", "db")) == [("db/3_jobs.up.sql", "unchecked-status-column", 1, 43)]
    write(project / ".sqlsoul.yaml", "lint_from: 3\n")
    assert findings(lint("db")) == [("db/3_jobs.up.sql", "unchecked-status-column", 1, 43)]


def test_a_base_schema_feeds_the_model_and_is_never_reported(project: Path) -> None:
    write(project / "schema.sql", "CREATE TABLE accounts (id bigint PRIMARY KEY, state text);\n")
    write(project / "next/1_invoices.sql", "CREATE TABLE invoices (id bigint PRIMARY KEY, account_id bigint NOT NULL);\n")
    assert findings(lint("next")) == []
    write(project / ".sqlsoul.yaml", "base_schema: schema.sql\n")
    assert findings(lint("next")) == [("next/1_invoices.sql", "missing-foreign-key", 1, 47)]


def test_chained_folders_replay_as_one_history(project: Path) -> None:
    write(project / "init/1_users.sql", "CREATE TABLE users (id bigint PRIMARY KEY);\n")
    write(project / "app/1_posts.sql", "CREATE TABLE posts (id bigint PRIMARY KEY, user_id bigint NOT NULL);\n")
    assert findings(lint("app")) == []
    write(project / ".sqlsoul.yaml", "history: [init, app]\n")
    # Only app was asked for: init is replayed first, silently.
    assert findings(lint("app")) == [("app/1_posts.sql", "missing-foreign-key", 1, 44)]


def test_a_missing_empty_or_unparsable_down_is_named_for_what_it_is(project: Path) -> None:
    write(project / "db/4_tags.up.sql", "CREATE TABLE tags (id bigint PRIMARY KEY);\n")
    write(project / "db/4_tags.down.sql", "-- nothing yet\n")
    write(project / "db/5_labels.up.sql", "CREATE TABLE labels (id bigint PRIMARY KEY);\n")
    write(project / "db/5_labels.down.sql", "DROP TABL labels;\n")
    write(project / "db/6_notes.up.sql", "CREATE TABLE notes (id bigint PRIMARY KEY);\n")
    result = CliRunner().invoke(main, ["lint", "--format", "json", "--no-plugins", "--select", "SS301", "db"])
    messages = {f["path"]: f["message"] for f in json.loads(result.stdout)["findings"]}
    assert messages == {
        "db/4_tags.up.sql": "migration 4_tags: its down migration is empty",
        "db/5_labels.up.sql": "migration 5_labels: its down migration does not parse, so it cannot undo anything",
        "db/6_notes.up.sql": "migration 6_notes has no down migration",
    }
