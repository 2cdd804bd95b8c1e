"""`--write-baseline`, `--baseline` and the `baseline` config key: findings recorded once stay hidden
through unrelated edits and come back when their own statement changes, in every dialect."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner, Result

from sqlsoul.baseline import Key, render, statement_hash
from sqlsoul.cli import main

from conftest import REPO, SHARED

JSON_SCHEMA = json.loads((REPO / "docs/json-output.schema.json").read_text(encoding="utf-8"))
SARIF_SCHEMA = SHARED / "schemas" / "sarif-schema-2.1.0.json"
SUMMARY = re.compile(r"^\d+ files?, \d+ statements?, \d+ findings? \(.*\) in \d+\.\d\ds$")

ORDERS = "CREATE TABLE orders (\n    id bigint PRIMARY KEY,\n    customer_id bigint NOT NULL\n);\n"
JOBS = "CREATE TABLE jobs (\n    id bigint PRIMARY KEY,\n    state varchar(50) DEFAULT 'new'\n);\n"
# Two findings in two statements: orders.customer_id (line 5, SS101) and jobs.state (line 9, SS102).
SCHEMA_SQL = "CREATE TABLE customers (id bigint PRIMARY KEY);\n" + ORDERS + JOBS


def lint(*args: str) -> Result:
    return CliRunner().invoke(main, ["lint", "--no-plugins", *args], prog_name="sqlsoul")


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def reported(result: Result) -> list[tuple[str, str, int]]:
    """(path, code, line) of each finding of a --format json run."""
    assert result.exit_code in (0, 1), (result.exit_code, result.stdout, result.stderr)
    return [(f["path"], f["code"], f["line"]) for f in json.loads(result.stdout)["findings"]]


def baseline_note(result: Result) -> str:
    """The line after the summary that says what the baseline hid."""
    summary, note = result.stderr.splitlines()
    assert SUMMARY.match(summary), summary
    return note


def one_error_line(result: Result) -> str:
    assert result.exit_code == 2, (result.exit_code, result.stdout, result.stderr)
    (line,) = result.stderr.splitlines()
    assert line.startswith("sqlsoul: error: ")
    return line.removeprefix("sqlsoul: error: ")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project (a git work tree, so the root is here) with db/001_schema.sql recorded in baseline.json."""
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "db/001_schema.sql", SCHEMA_SQL)
    written = lint("db", "--write-baseline", "baseline.json")
    assert written.exit_code == 0, written.stderr
    return tmp_path


# --- writing ----------------------------------------------------------------------------------------


def test_write_baseline_records_every_finding_sorted_one_per_line_and_exits_0(project: Path) -> None:
    result = lint("db", "--write-baseline", "again.json", "--fail-on", "note")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "wrote 2 findings to the baseline again.json\n")
    orders, jobs = statement_hash(ORDERS), statement_hash(JOBS)
    assert re.fullmatch(r"[0-9a-f]{16}", orders) and orders != jobs
    expected = (
        "{\n"
        '  "version": 1,\n'
        '  "findings": [\n'
        f'    {{"code": "SS101", "path": "db/001_schema.sql", "statement": "{orders}", "object": "customer_id", "ordinal": 0}},\n'
        f'    {{"code": "SS102", "path": "db/001_schema.sql", "statement": "{jobs}", "object": "state", "ordinal": 0}}\n'
        "  ]\n"
        "}\n"
    )
    assert (project / "again.json").read_text(encoding="utf-8") == expected
    assert (project / "baseline.json").read_text(encoding="utf-8") == expected  # the same run, the same file


def test_entries_with_and_without_a_statement_sort_together() -> None:
    """One rule can report inside a statement and outside any (a unit's missing down): the file still sorts."""
    entries = [Key("db/1.sql", "SS301", "0123456789abcdef", "tracking_number", 0), Key("db/1.sql", "SS301", None, "no down", 0)]
    assert render(entries) == (
        '{\n  "version": 1,\n  "findings": [\n'
        '    {"code": "SS301", "path": "db/1.sql", "statement": null, "object": "no down", "ordinal": 0},\n'
        '    {"code": "SS301", "path": "db/1.sql", "statement": "0123456789abcdef", "object": "tracking_number", "ordinal": 0}\n'
        "  ]\n}\n"
    )


def test_a_run_without_findings_writes_an_empty_baseline(project: Path) -> None:
    write(project / "clean/ok.sql", "CREATE TABLE t (id bigint PRIMARY KEY);\n")
    result = lint("clean", "--write-baseline", "empty.json")
    assert (result.exit_code, result.stderr) == (0, "wrote 0 findings to the baseline empty.json\n")
    assert (project / "empty.json").read_text(encoding="utf-8") == '{\n  "version": 1,\n  "findings": []\n}\n'


# --- matching ---------------------------------------------------------------------------------------


def test_baselined_findings_are_hidden_and_do_not_fail_the_run(project: Path) -> None:
    assert lint("db").exit_code == 1
    result = lint("db", "--baseline", "baseline.json")
    assert (result.exit_code, result.stdout) == (0, "")
    assert baseline_note(result) == "2 baselined findings hidden"
    assert "0 findings" in result.stderr


def insert_lines_above(sql: str) -> str:
    return "-- a header\n\nCREATE TABLE audit (id bigint PRIMARY KEY);\n\n" + sql


def reformat_statement(sql: str) -> str:
    """Case, spacing, comments and line breaks of the jobs statement, none of its meaning."""
    return sql.replace(JOBS, "create table JOBS ( -- background work\n  id BIGINT primary key, /* the key */ state\n    VARCHAR( 50 )   default 'new' )\n;\n")


def change_another_statement(sql: str) -> str:
    return sql.replace("customers (id bigint PRIMARY KEY)", "customers (id bigint PRIMARY KEY, name text)")


@pytest.mark.parametrize("edit", [insert_lines_above, reformat_statement, change_another_statement])
def test_unrelated_edits_keep_findings_baselined(project: Path, edit: Callable[[str], str]) -> None:
    path = project / "db/001_schema.sql"
    write(path, edit(SCHEMA_SQL))
    assert path.read_text(encoding="utf-8") != SCHEMA_SQL
    assert lint("db").exit_code == 1  # the findings are still there ...
    result = lint("db", "--baseline", "baseline.json")
    assert (result.exit_code, result.stdout) == (0, "")  # ... and still baselined
    assert baseline_note(result) == "2 baselined findings hidden"


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("varchar(50)", "varchar(100)"),  # a type's length: fingerprint() of the parse tree would not see it
        ("DEFAULT 'new'", "DEFAULT 'open'"),  # a literal
        ("DEFAULT 'new'", "DEFAULT 'NEW'"),  # a literal's case counts, a keyword's does not
        ("    id bigint PRIMARY KEY,\n    state", "    id bigint PRIMARY KEY,\n    owner text,\n    state"),
    ],
)
def test_a_change_to_the_statement_itself_reports_it_again(project: Path, old: str, new: str) -> None:
    path = project / "db/001_schema.sql"
    write(path, SCHEMA_SQL.replace(JOBS, JOBS.replace(old, new)))
    result = lint("db", "--baseline", "baseline.json", "--format", "json")
    assert result.exit_code == 1
    assert [code for _, code, _ in reported(result)] == ["SS102"]  # orders.customer_id stays baselined
    assert baseline_note(result) == "1 baselined finding hidden, 1 in the baseline no longer found (refresh with --write-baseline)"


def test_a_fixed_finding_is_counted_as_gone(project: Path) -> None:
    fixed = JOBS.replace("varchar(50) DEFAULT 'new'", "text NOT NULL CHECK (state IN ('new', 'done'))")
    write(project / "db/001_schema.sql", SCHEMA_SQL.replace(JOBS, fixed))
    result = lint("db", "--baseline", "baseline.json")
    assert (result.exit_code, result.stdout) == (0, "")
    assert baseline_note(result) == "1 baselined finding hidden, 1 in the baseline no longer found (refresh with --write-baseline)"
    # Refreshing drops the entry.
    assert lint("db", "--write-baseline", "baseline.json").stderr == "wrote 1 finding to the baseline baseline.json\n"
    assert baseline_note(lint("db", "--baseline", "baseline.json")) == "1 baselined finding hidden"


def test_a_new_finding_is_reported_beside_baselined_ones(project: Path) -> None:
    write(project / "db/002_tickets.sql", "CREATE TABLE tickets (id bigint PRIMARY KEY, status text);\n")
    result = lint("db", "--baseline", "baseline.json", "--format", "json")
    assert result.exit_code == 1
    assert reported(result) == [("db/002_tickets.sql", "SS102", 1)]
    assert baseline_note(result) == "2 baselined findings hidden"


GRANT = "GRANT SELECT ON t TO PUBLIC;\n"


def test_identical_findings_are_separate_entries(project: Path) -> None:
    path = write(project / "grants/001.sql", "CREATE TABLE t (id bigint PRIMARY KEY);\n" + GRANT * 2)
    assert lint("grants", "--write-baseline", "grants.json").stderr == "wrote 2 findings to the baseline grants.json\n"
    entries = json.loads((project / "grants.json").read_text(encoding="utf-8"))["findings"]
    assert [(entry["code"], entry["object"], entry["ordinal"]) for entry in entries] == [("SS601", "public", 0), ("SS601", "public", 1)]
    # A third identical grant is one new finding: each entry absorbs one finding only.
    write(path, path.read_text(encoding="utf-8") + GRANT)
    result = lint("grants", "--baseline", "grants.json", "--format", "json")
    assert (result.exit_code, len(reported(result))) == (1, 1)
    assert baseline_note(result) == "2 baselined findings hidden"
    # With one grant left, one entry is gone.
    write(path, "CREATE TABLE t (id bigint PRIMARY KEY);\n" + GRANT)
    result = lint("grants", "--baseline", "grants.json")
    assert baseline_note(result) == "1 baselined finding hidden, 1 in the baseline no longer found (refresh with --write-baseline)"


def test_parse_errors_can_be_baselined_and_key_on_their_message(project: Path) -> None:
    path = write(project / "broken/001.sql", "SELEC 1;\n")
    assert lint("broken", "--write-baseline", "broken.json").exit_code == 0
    (entry,) = json.loads((project / "broken.json").read_text(encoding="utf-8"))["findings"]
    assert entry == {"code": "SS900", "path": "broken/001.sql", "statement": None, "object": 'cannot parse: syntax error at or near "SELEC"', "ordinal": 0}
    write(path, "CREATE TABLE t (id bigint PRIMARY KEY);\n\nSELEC 1;\n")
    result = lint("broken", "--baseline", "broken.json")
    assert (result.exit_code, baseline_note(result)) == (0, "1 baselined finding hidden")
    write(path, "SELEKT 1;\n")
    assert lint("broken", "--baseline", "broken.json").exit_code == 1


def test_a_secret_stays_out_of_the_baseline_and_its_change_counts(project: Path) -> None:
    path = write(project / "roles/001.sql", "CREATE ROLE app PASSWORD 's3cret-Value';\n")
    assert lint("roles", "--write-baseline", "roles.json").exit_code == 0
    text = (project / "roles.json").read_text(encoding="utf-8")
    assert "s3cret" not in text
    (entry,) = json.loads(text)["findings"]
    assert (entry["code"], entry["object"]) == ("SS603", "*" * len("'s3cret-Value'"))
    write(path, "CREATE ROLE app PASSWORD 's3cret-Value';\n".lower())
    assert lint("roles", "--baseline", "roles.json").exit_code == 1  # the literal changed: a new finding


# --- which entries a run can judge ------------------------------------------------------------------


def test_a_run_over_some_files_neither_drops_nor_counts_the_others(project: Path) -> None:
    write(project / "db/002_tickets.sql", "CREATE TABLE tickets (id bigint PRIMARY KEY, status text);\n")
    assert lint("db", "--write-baseline", "baseline.json").stderr == "wrote 3 findings to the baseline baseline.json\n"
    # Linting one file judges its entries only.
    result = lint("db/002_tickets.sql", "--baseline", "baseline.json")
    assert (result.exit_code, baseline_note(result)) == (0, "1 baselined finding hidden")
    # Rewriting from that run keeps the other file's entries.
    assert lint("db/002_tickets.sql", "--write-baseline", "baseline.json").stderr == "wrote 3 findings to the baseline baseline.json\n"
    # A deleted file's entries are gone, whatever the run covers, and a refresh drops them.
    (project / "db/001_schema.sql").unlink()
    result = lint("db/002_tickets.sql", "--baseline", "baseline.json")
    assert baseline_note(result) == "1 baselined finding hidden, 2 in the baseline no longer found (refresh with --write-baseline)"
    assert lint("db/002_tickets.sql", "--write-baseline", "baseline.json").stderr == "wrote 1 finding to the baseline baseline.json\n"


def test_a_finding_shown_in_its_pair_keeps_its_own_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Naming a down shows its up's findings in it (pre-commit, --changed-since): still baselined."""
    (tmp_path / ".git").mkdir()
    shutil.copytree(REPO / "examples/migrations", tmp_path / "migrations")
    monkeypatch.chdir(tmp_path)
    assert lint("migrations", "--write-baseline", "baseline.json").exit_code == 0
    down = "migrations/000004_add_order_tracking.down.sql"
    assert reported(lint(down, "--format", "json")) == [(down, "SS301", 1)]
    result = lint(down, "--baseline", "baseline.json", "--format", "json")
    assert (result.exit_code, reported(result)) == (0, [])
    assert baseline_note(result) == "1 baselined finding hidden"


# --- dialects ---------------------------------------------------------------------------------------


MYSQL_JOBS = "CREATE TABLE jobs (\n  id int PRIMARY KEY,\n  state varchar(50) DEFAULT 'new'\n);\n"
MYSQL_REFORMATTED = "create table `jobs` ( # background work\n  id INT primary key, state VARCHAR(50)\n  default 'new');\n"
SQLITE_JOBS = "CREATE TABLE jobs (id integer PRIMARY KEY, state text DEFAULT 'new');\n"
SQLITE_REFORMATTED = "-- jobs\ncreate table JOBS (\n  id INTEGER primary key, /* x */\n  state TEXT default 'new'\n);\n"


@pytest.mark.parametrize(
    ("name", "sql", "reformatted", "literal_changed"),
    [
        # Backquotes are kept as written: `jobs` only where the statement had it (here in both).
        ("001_jobs.mysql.sql", MYSQL_JOBS.replace("jobs", "`jobs`"), MYSQL_REFORMATTED, MYSQL_REFORMATTED.replace("'new'", "'old'")),
        ("001_jobs.sqlite.sql", SQLITE_JOBS, SQLITE_REFORMATTED, SQLITE_REFORMATTED.replace("'new'", "'old'")),
    ],
)
def test_other_dialects(project: Path, name: str, sql: str, reformatted: str, literal_changed: str) -> None:
    path = write(project / "other" / name, sql)
    assert reported(lint("other", "--format", "json")) == [(f"other/{name}", "SS102", 3 if "\n  state" in sql else 1)]
    assert lint("other", "--write-baseline", "other.json").exit_code == 0
    write(path, "\n\n" + reformatted)
    result = lint("other", "--baseline", "other.json")
    assert (result.exit_code, baseline_note(result)) == (0, "1 baselined finding hidden")
    write(path, literal_changed)
    assert lint("other", "--baseline", "other.json").exit_code == 1


@pytest.mark.parametrize(
    ("first", "second", "dialect"),
    [
        ("SELECT 'it''s' FROM t", "select   'it''s'\nfrom T -- why", "postgres"),
        ("SELECT $body$ x $body$", "select $body$ x $body$;", "postgres"),
        ("SELECT 1 /* a /* nested */ comment */ + 2", "SELECT 1 + 2", "postgres"),
        ("SELECT E'\\'' || x", "select e'\\'' || X", "postgres"),
        ("SELECT 'a\\'b' # note\n, c", "select 'a\\'b', C", "mysql"),
    ],
)
def test_the_statement_key_ignores_form(first: str, second: str, dialect: str) -> None:
    assert statement_hash(first, dialect) == statement_hash(second, dialect)


@pytest.mark.parametrize(
    ("first", "second", "dialect"),
    [
        ('SELECT "Col" FROM t', 'SELECT "col" FROM t', "postgres"),  # quoted identifiers keep their case
        ("SELECT $$ a $$", "SELECT $$ b $$", "postgres"),
        ("SELECT 'a' -- x\n", "SELECT 'a -- x\n'", "postgres"),  # a comment marker inside a string is text
        ("SELECT 1.5", "SELECT 1.50", "postgres"),
        ("SELECT 'a\\'b' # c\n", "SELECT 'a\\'b # c\n'", "mysql"),  # a backslash escapes in MySQL's strings
        ("SELECT a # b\n, c", "SELECT a, c", "postgres"),  # `#` is an operator in PostgreSQL
    ],
)
def test_the_statement_key_sees_every_change_of_meaning(first: str, second: str, dialect: str) -> None:
    assert statement_hash(first, dialect) != statement_hash(second, dialect)


# --- configuration and mistakes ---------------------------------------------------------------------


def test_baseline_from_the_config_is_relative_to_the_config_file(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (project / "ci").mkdir()
    (project / "baseline.json").rename(project / "ci/known.json")
    write(project / ".sqlsoul.yaml", "baseline: ci/known.json\n")
    monkeypatch.chdir(project / "db")
    result = lint(".")
    assert (result.exit_code, baseline_note(result)) == (0, "2 baselined findings hidden")
    # --baseline wins, relative to the working directory.
    write(project / "db/empty.json", '{"version": 1, "findings": []}')
    assert lint(".", "--baseline", "empty.json").exit_code == 1
    # Writing a baseline ignores the configured one.
    assert lint(".", "--write-baseline", "new.json").stderr == "wrote 2 findings to the baseline new.json\n"


def test_a_wrong_baseline_key_names_the_line(project: Path) -> None:
    write(project / ".sqlsoul.yaml", "fail_on: error\nbaseline: [a, b]\n")
    assert one_error_line(lint("db")) == f"{project / '.sqlsoul.yaml'}:2: baseline: expected a file path, got ['a', 'b']"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (None, "baseline file not found: missing.json (write it with --write-baseline missing.json)"),
        ('{"version": 1,\n "findings": [}', "missing.json:2: baseline is not valid JSON: Expecting value"),
        ('{"version": 2, "findings": []}', "missing.json: not a sqlsoul baseline of version 1 (write it with --write-baseline)"),
        ('{"version": 1, "findings": [{"code": "SS101"}]}', 'missing.json: baseline entry 1 is not {code, path, statement, object, ordinal}: {"code": "SS101"}'),
    ],
)
def test_a_bad_baseline_file_is_one_line_and_exit_2(project: Path, text: str | None, message: str) -> None:
    if text is not None:
        write(project / "missing.json", text)
    assert one_error_line(lint("db", "--baseline", "missing.json")) == message


def test_baseline_and_write_baseline_together_is_a_usage_error(project: Path) -> None:
    assert one_error_line(lint("db", "--baseline", "baseline.json", "--write-baseline", "b.json")) == (
        "use --baseline or --write-baseline, not both"
    )


# --- report formats ---------------------------------------------------------------------------------


def test_json_says_what_the_baseline_hid_in_a_documented_field(project: Path) -> None:
    write(project / "db/002_tickets.sql", "CREATE TABLE tickets (id bigint PRIMARY KEY, status text);\n")
    report = json.loads(lint("db", "--baseline", "baseline.json", "--format", "json").stdout)
    assert report["summary"] == {
        "files": 2, "statements": 4, "findings": 1, "parse_errors": 0, "baseline": {"hidden": 2, "gone": 0},
    }
    jsonschema.validate(report, JSON_SCHEMA)
    assert "baseline" not in json.loads(lint("db", "--format", "json").stdout)["summary"]
    broken = dict(report, summary=dict(report["summary"], baseline={"hidden": 2}))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, JSON_SCHEMA)


def sarif_results(*args: str) -> list[dict[str, Any]]:
    result = lint("--format", "sarif", "--quiet", *args)
    assert result.exit_code in (0, 1), result.stderr
    (run,) = json.loads(result.stdout)["runs"]
    return run["results"]  # type: ignore[no-any-return]


def test_sarif_leaves_baselined_findings_out_unless_asked(project: Path, tmp_path: Path) -> None:
    write(project / "db/002_tickets.sql", "CREATE TABLE tickets (id bigint PRIMARY KEY, status text);\n")
    plain = sarif_results("db")
    fingerprints = {(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"]): r["partialFingerprints"] for r in plain}
    assert "baselineState" not in json.dumps(plain)
    # By default the baselined findings are left out: GitHub would open an alert for each.
    (new,) = sarif_results("db", "--baseline", "baseline.json")
    assert (new["ruleId"], "baselineState" in new) == ("SS102", False)
    assert new["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "db/002_tickets.sql"
    # --include-baselined keeps them, marked; the fingerprints are those of a run without a baseline.
    every = sarif_results("db", "--baseline", "baseline.json", "--include-baselined")
    assert [(r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], r["baselineState"]) for r in every] == [
        ("SS101", "db/001_schema.sql", "unchanged"),
        ("SS102", "db/001_schema.sql", "unchanged"),
        ("SS102", "db/002_tickets.sql", "new"),
    ]
    assert {(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"]): r["partialFingerprints"] for r in every} == fingerprints


def test_sarif_with_baseline_states_is_valid(project: Path, tmp_path: Path) -> None:
    write(project / "db/002_tickets.sql", "CREATE TABLE tickets (id bigint PRIMARY KEY, status text);\n")
    result = lint("db", "--format", "sarif", "--quiet", "--baseline", "baseline.json", "--include-baselined")
    log = json.loads(result.stdout)
    if not SARIF_SCHEMA.is_file():
        pytest.skip(f"the SARIF 2.1.0 schema is not at {SARIF_SCHEMA}")
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.validators.validator_for(schema)(schema)
    assert [error.message for error in validator.iter_errors(log)] == []
    log["runs"][0]["results"][0]["baselineState"] = "old"
    assert len(list(validator.iter_errors(log))) == 1

    from test_sarif import multitool, multitool_problems

    saved = tmp_path / "baselined.sarif"
    saved.write_text(result.stdout, encoding="utf-8")
    serious, _ = multitool_problems(multitool(), [saved], tmp_path, "--rule-kind", "Gh;Sarif")
    assert serious == [], "\n".join(serious)


def test_sarif_fingerprints_do_not_shift_when_a_twin_is_baselined(project: Path) -> None:
    """The second of two identical grants is new: it keeps its own fingerprint, not its baselined twin's."""
    path = write(project / "grants/001.sql", "CREATE TABLE t (id bigint PRIMARY KEY);\n" + GRANT)
    assert lint("grants", "--write-baseline", "grants.json").exit_code == 0
    write(path, path.read_text(encoding="utf-8") + GRANT)
    first, second = sarif_results("grants")
    assert first["partialFingerprints"] != second["partialFingerprints"]
    (new,) = sarif_results("grants", "--baseline", "grants.json")
    assert new["partialFingerprints"] == second["partialFingerprints"]
