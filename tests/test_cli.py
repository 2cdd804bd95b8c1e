"""The command line as users meet it: what it prints, where, and with which exit code."""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from sqlsoul import __version__
from sqlsoul.dialects import short_list
from sqlsoul.engine import Linter
from sqlsoul.findings import Finding, Severity
from sqlsoul.registry import PluginError, Registry
from sqlsoul.reporters.text import render_finding

from conftest import REPO, SHARED, findings, one_error_line, run, write

SCHEMA = json.loads((REPO / "docs/json-output.schema.json").read_text(encoding="utf-8"))
CORPORA = SHARED / "corpora"

# One finding each, positions reasoned from the text (columns are 1-based, end columns exclusive):
# `    status VARCHAR(50)` on line 3: the column name starts after four spaces (column 5), six letters.
STATUS_SQL = "CREATE TABLE events (\n    id bigint PRIMARY KEY,\n    status VARCHAR(50)\n);\n"
# `    customer_id bigint NOT NULL` on line 4: customers exists, no foreign key; 11 letters from column 5.
FK_SQL = "CREATE TABLE customers (id bigint PRIMARY KEY);\nCREATE TABLE orders (\n    id bigint PRIMARY KEY,\n    customer_id bigint NOT NULL\n);\n"
# `    tags text`: a text column with a name that says list.
TAGS_SQL = "CREATE TABLE products (\n    id bigint PRIMARY KEY,\n    tags text\n);\n"
# `    user_email text`: a copy of a user's email.
USER_SQL = "CREATE TABLE tickets (\n    id bigint PRIMARY KEY,\n    user_email text\n);\n"
# The second statement does not parse: `selec` starts at character 11. The other two still count.
PARSE_SQL = "select 1; selec 2; select 3;\n"
# A status column with a CHECK: nothing to say.
CLEAN_SQL = "CREATE TABLE jobs (\n    id bigint PRIMARY KEY,\n    status text NOT NULL CHECK (status IN ('new', 'done'))\n);\n"

SUMMARY = re.compile(r"^(\d+) files?, (\d+) statements?, (\d+) findings? \((\d+) errors?, (\d+) warnings?, (\d+) notes?\) in \d+\.\d\ds$")

# (path, code, line, column) of the mixed project below.
MIXED = [
    ("db/1_orders.sql", "SS101", 4, 5),
    ("db/2_events.sql", "SS102", 3, 5),
    ("db/3_products.sql", "SS104", 3, 5),
    ("db/4_tickets.sql", "SS103", 3, 5),
    ("db/5_broken.sql", "SS900", 1, 11),
]



@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty project folder (a git work tree, so its root never depends on the folders above it)."""
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def mixed(project: Path) -> Path:
    write(project / "db/1_orders.sql", FK_SQL)
    write(project / "db/2_events.sql", STATUS_SQL)
    write(project / "db/3_products.sql", TAGS_SQL)
    write(project / "db/4_tickets.sql", USER_SQL)
    write(project / "db/5_broken.sql", PARSE_SQL)
    return project


# --- text output --------------------------------------------------------------------------------


def test_text_output_of_one_finding(project: Path) -> None:
    write(project / "events.sql", STATUS_SQL)
    as_json = json.loads(run("lint", "--format", "json", "events.sql").stdout)["findings"][0]
    result = run("lint", "events.sql")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == f"events.sql:3:5: warning SS102 unchecked-status-column: {as_json['message']}"
    assert "events.status" in as_json["message"]
    assert lines[1] == "      status VARCHAR(50)"
    assert lines[2] == "      ^~~~~~"  # under `status`: columns 5 to 10
    assert lines[3] == f"  help: {as_json['help'].splitlines()[0]}"
    assert result.stdout.endswith("\n") and "\x1b[" not in result.stdout
    assert SUMMARY.match(result.stderr.strip()).groups() == ("1", "1", "1", "0", "1", "0")


def test_text_output_of_a_parse_error_read_from_stdin(project: Path) -> None:
    result = run("lint", "-", input=PARSE_SQL)
    assert result.exit_code == 1  # a parse error is an error, above the default --fail-on warning
    lines = result.stdout.splitlines()
    assert lines[0] == 'stdin.sql:1:11: error SS900 parse-error: cannot parse: syntax error at or near "selec"'
    assert lines[1:3] == ["  select 1; selec 2; select 3;", "            ^~~~~"]
    assert SUMMARY.match(result.stderr.strip()).groups() == ("1", "2", "1", "1", "0", "0")


def test_text_blocks_are_sorted_separated_and_indented(mixed: Path) -> None:
    result = run("lint", "db")
    assert result.exit_code == 1
    blocks = result.stdout.rstrip("\n").split("\n\n")
    heads = [block.splitlines()[0] for block in blocks]
    assert [head.split(": ")[0] for head in heads] == [
        "db/1_orders.sql:4:5", "db/2_events.sql:3:5", "db/3_products.sql:3:5", "db/4_tickets.sql:3:5", "db/5_broken.sql:1:11",
    ]
    assert [head.split(": ")[1].split()[:3] for head in heads] == [
        ["warning", "SS101", "missing-foreign-key"],
        ["warning", "SS102", "unchecked-status-column"],
        ["warning", "SS104", "text-for-structured-data"],
        ["warning", "SS103", "denormalized-user-field"],
        ["error", "SS900", "parse-error"],
    ]
    # Inside a block, every line after the first is indented, help texts of several lines included,
    # so no line can be mistaken for the start of another finding.
    for block in blocks:
        assert all(line.startswith("  ") or not line for line in block.splitlines()[1:]), block
    assert SUMMARY.match(result.stderr.strip()).groups() == ("5", "7", "5", "1", "4", "0")


def test_caret_stays_under_the_span_with_tabs_and_non_ascii_text(project: Path) -> None:
    # A tab counts as one column and é as one character: the caret must still sit under `status`.
    write(project / "t.sql", 'CREATE TABLE "café" (\n\tid bigint PRIMARY KEY, status text\n);\n')
    result = run("lint", "t.sql")
    head, source, caret = result.stdout.splitlines()[:3]
    assert head.startswith("t.sql:2:25: warning SS102 ")  # a tab, then `id bigint PRIMARY KEY, ` (23): column 25
    assert source == "   id bigint PRIMARY KEY, status text"
    assert caret == "  " + " " * 24 + "^~~~~~"
    write(project / "u.sql", '-- naïve café\nCREATE TABLE "événements" (id bigint PRIMARY KEY, état_status text);\n')
    head, source, caret = run("lint", "u.sql").stdout.splitlines()[:3]
    column = len('CREATE TABLE "événements" (id bigint PRIMARY KEY, ') + 1  # characters, not bytes
    assert head.startswith(f"u.sql:2:{column}: warning SS102 ")
    assert caret.index("^") == source.index("état_status") and caret.endswith("^" + "~" * 10)


def test_unreadable_and_badly_encoded_files_are_findings(project: Path) -> None:
    (project / "gone.sql").symlink_to(project / "nowhere.sql")
    (project / "latin1.sql").write_bytes(b"-- caf\xe9\nSELECT 1;\n")  # the bad byte follows six good ones
    result = run("lint", "--format", "json")
    assert result.exit_code == 1
    assert findings(result) == [("gone.sql", "SS902", 1, 1), ("latin1.sql", "SS901", 1, 7)]
    assert json.loads(result.stdout)["summary"] == {"files": 2, "statements": 1, "findings": 2, "parse_errors": 0}
    blocks = run("lint").stdout.rstrip("\n").split("\n\n")
    # No source line to show for a file that could not be read: the help follows the heading.
    assert blocks[0].splitlines()[0].startswith("gone.sql:1:1: error SS902 unreadable-file: ")
    assert blocks[0].splitlines()[1].startswith("  help: ")
    assert blocks[1].splitlines()[1:3] == ["  -- caf\ufffd", "        ^"]
    assert run("lint", "--fail-on", "error", "latin1.sql").exit_code == 0  # invalid encoding is a warning


def test_help_of_several_lines_stays_inside_its_block() -> None:
    # Rule packs may write help with paragraphs and indented examples; a blank line would read as
    # the end of the finding, and a line at column 1 as the start of another.
    finding = Finding(
        "SS101", "missing-foreign-key", Severity.WARNING, "a.sql", "a.sql", 1, 8, 1, 10, "orders.x has no key",
        "Add the key.\n\n    ALTER TABLE orders\n        ADD FOREIGN KEY (x) REFERENCES xs;\n",
    )
    assert render_finding(finding, "SELECT x FROM orders", color=False).splitlines() == [
        "a.sql:1:8: warning SS101 missing-foreign-key: orders.x has no key",
        "  SELECT x FROM orders",
        "         ^~",
        "  help: Add the key.",
        "            ALTER TABLE orders",
        "                ADD FOREIGN KEY (x) REFERENCES xs;",
    ]
    finding.help = " \n"
    assert render_finding(finding, None, color=False) == "a.sql:1:8: warning SS101 missing-foreign-key: orders.x has no key"


def test_clean_input_prints_nothing_on_stdout_and_exits_0(project: Path) -> None:
    write(project / "jobs.sql", CLEAN_SQL)
    result = run("lint", "jobs.sql")
    assert (result.exit_code, result.stdout) == (0, "")
    assert SUMMARY.match(result.stderr.strip()).groups() == ("1", "1", "0", "0", "0", "0")


def test_quiet_drops_the_summary_only(project: Path) -> None:
    write(project / "events.sql", STATUS_SQL)
    loud, quiet = run("lint", "events.sql"), run("lint", "--quiet", "events.sql")
    assert (quiet.exit_code, quiet.stdout, quiet.stderr) == (1, loud.stdout, "")
    assert run("lint", "-q", "events.sql").stderr == ""


# --- inputs -------------------------------------------------------------------------------------


def test_default_path_is_the_current_directory(mixed: Path) -> None:
    result = run("lint", "--format", "json")
    assert result.exit_code == 1
    assert findings(result) == MIXED


def test_directories_are_walked_in_natural_order(project: Path) -> None:
    # The ALTER only counts once the CREATE has run: 2 must come before 10 (and V2 before V2.1).
    write(project / "a/2_create.sql", "CREATE TABLE orders (id bigint PRIMARY KEY);\n")
    write(project / "a/10_add_status.sql", "ALTER TABLE orders ADD COLUMN status text;\n")
    write(project / "b/V2__create.sql", "CREATE TABLE payments (id bigint PRIMARY KEY);\n")
    write(project / "b/V2.1__add_state.sql", "ALTER TABLE payments ADD COLUMN state text;\n")
    result = run("lint", "--format", "json", "a", "b")
    # `ALTER TABLE orders ADD COLUMN ` is 30 characters: the column name starts at 31.
    assert findings(result) == [("a/10_add_status.sql", "SS102", 1, 31), ("b/V2.1__add_state.sql", "SS102", 1, 33)]


def test_skipped_folders_and_non_sql_files_are_not_linted(project: Path) -> None:
    write(project / "db/001.sql", STATUS_SQL)
    for folder in [".git", "node_modules", ".venv", "venv", "build", "dist", "target", "__pycache__"]:
        write(project / folder / "x.sql", STATUS_SQL)
        write(project / "db" / folder / "y.sql", STATUS_SQL)
    write(project / "db/deep/er/002.sql", USER_SQL)
    write(project / "db/notes.txt", STATUS_SQL)
    result = run("lint", "--format", "json")
    assert findings(result) == [("db/001.sql", "SS102", 3, 5), ("db/deep/er/002.sql", "SS103", 3, 5)]
    assert json.loads(result.stdout)["summary"]["files"] == 2


def test_stdin_with_a_filename(project: Path) -> None:
    result = run("lint", "--format", "json", "-", "--stdin-filename", "db/migrations/001.sql", input=STATUS_SQL)
    assert findings(result) == [("db/migrations/001.sql", "SS102", 3, 5)]
    text = run("lint", "-", "--stdin-filename", "db/migrations/001.sql", input=STATUS_SQL)
    assert text.stdout.startswith("db/migrations/001.sql:3:5: warning SS102 ")


def test_stdin_filename_places_the_input_in_the_project(project: Path) -> None:
    # per_path_ignores match the name given for standard input, relative to the project root.
    write(project / ".sqlsoul.yaml", 'per_path_ignores:\n  "legacy/**": [unchecked-status-column]\n')
    ignored = run("lint", "-", "--stdin-filename", "legacy/001.sql", input=STATUS_SQL)
    assert (ignored.exit_code, ignored.stdout) == (0, "")
    kept = run("lint", "--format", "json", "-", "--stdin-filename", "current/001.sql", input=STATUS_SQL)
    assert findings(kept) == [("current/001.sql", "SS102", 3, 5)]


def test_stdin_in_a_real_process(project: Path) -> None:
    process = subprocess.run(
        [sys.executable, "-m", "sqlsoul", "lint", "--format", "json", "-", "--stdin-filename", "x.sql"],
        input=PARSE_SQL.encode(), capture_output=True, cwd=project, timeout=60,
    )
    assert process.returncode == 1, process.stderr
    report = json.loads(process.stdout)
    assert [(f["path"], f["code"], f["line"], f["column"], f["end_column"]) for f in report["findings"]] == [("x.sql", "SS900", 1, 11, 16)]
    assert report["summary"] == {"files": 1, "statements": 2, "findings": 1, "parse_errors": 1}


def test_missing_path_is_one_line_and_exit_2(project: Path) -> None:
    write(project / "events.sql", STATUS_SQL)
    result = run("lint", "events.sql", "nope.sql")
    assert one_error_line(result) == "path does not exist: nope.sql"
    assert result.stdout == ""


def test_paths_are_shown_as_given_relative_to_the_cwd(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(project / "db/migrations/001.sql", STATUS_SQL)
    write(project / "app/readme.txt", "")
    monkeypatch.chdir(project / "app")
    assert findings(run("lint", "--format", "json", "../db/migrations")) == [("../db/migrations/001.sql", "SS102", 3, 5)]
    assert findings(run("lint", "--format", "json", "../db/migrations/001.sql")) == [("../db/migrations/001.sql", "SS102", 3, 5)]
    absolute = str(project / "db")
    assert findings(run("lint", "--format", "json", absolute)) == [(os.path.join(absolute, "migrations", "001.sql"), "SS102", 3, 5)]
    monkeypatch.chdir(project)
    assert run("lint", "db").stdout.startswith("db/migrations/001.sql:3:5: ")


def test_a_file_named_twice_is_reported_once(project: Path) -> None:
    write(project / "events.sql", STATUS_SQL)
    result = run("lint", "--format", "json", ".", "events.sql", "./events.sql")
    assert findings(result) == [("events.sql", "SS102", 3, 5)]
    assert json.loads(result.stdout)["summary"]["files"] == 1


def test_exclude_from_the_config(project: Path) -> None:
    write(project / ".sqlsoul.yaml", 'exclude: ["db/legacy", "*.down.sql"]\n')
    write(project / "db/001.up.sql", STATUS_SQL)
    write(project / "db/001.down.sql", STATUS_SQL)
    write(project / "db/legacy/000.sql", STATUS_SQL)
    result = run("lint", "--format", "json")
    assert findings(result) == [("db/001.up.sql", "SS102", 3, 5)]
    # Naming a file overrides the exclusion.
    assert findings(run("lint", "--format", "json", "db/legacy/000.sql")) == [("db/legacy/000.sql", "SS102", 3, 5)]


# --- rule selection -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "codes"),
    [
        ([], ["SS101", "SS102", "SS104", "SS103", "SS900"]),
        (["--select", "SS102"], ["SS102"]),
        (["--select", "unchecked-status-column"], ["SS102"]),
        (["--select", "ss102"], ["SS102"]),
        (["--select", "SS101,text-for-structured-data", "--select", "SS900"], ["SS101", "SS104", "SS900"]),
        (["--select", "design"], ["SS101", "SS102", "SS104", "SS103"]),
        (["--select", "ALL", "--ignore", "design,types,security"], ["SS900"]),
        (["--ignore", "meta"], ["SS101", "SS102", "SS104", "SS103"]),
        (["--ignore", "SS101", "--ignore", "denormalized-user-field,SS900"], ["SS102", "SS104"]),
        # ignore wins over select, whatever the order and form
        (["--select", "SS102", "--ignore", "SS102"], []),
        (["--ignore", "unchecked-status-column", "--select", "SS102,SS101"], ["SS101"]),
        (["--select", "design", "--ignore", "ALL"], []),
    ],
)
def test_select_and_ignore(mixed: Path, options: list[str], codes: list[str]) -> None:
    result = run("lint", "--format", "json", *options)
    assert [code for _, code, _, _ in findings(result)] == codes
    assert result.exit_code == (1 if codes else 0)


@pytest.mark.parametrize("option", ["--select", "--ignore"])
def test_unknown_selector_is_one_line_and_exit_2(mixed: Path, option: str) -> None:
    result = run("lint", option, "SS102,no-such-rule")
    assert one_error_line(result) == "unknown rule, category or selector 'no-such-rule' (see 'sqlsoul rules')"
    assert result.stdout == ""


# --- fail-on and exit codes ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sql", "fail_on", "code"),
    [
        (STATUS_SQL, None, 1),  # default: warning
        (STATUS_SQL, "error", 0),
        (STATUS_SQL, "warning", 1),
        (STATUS_SQL, "note", 1),
        (STATUS_SQL, "never", 0),
        (PARSE_SQL, "error", 1),
        (PARSE_SQL, "never", 0),
        (CLEAN_SQL, "note", 0),
    ],
)
def test_fail_on(project: Path, sql: str, fail_on: str | None, code: int) -> None:
    write(project / "x.sql", sql)
    result = run("lint", "x.sql", *(["--fail-on", fail_on] if fail_on else []))
    assert result.exit_code == code
    # The report does not depend on the threshold.
    assert result.stdout == run("lint", "x.sql").stdout


def test_internal_error_is_one_line_without_traceback(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(project / "x.sql", STATUS_SQL)

    def boom(self, histories):
        raise RuntimeError("boom")

    monkeypatch.setattr(Linter, "lint", boom)
    assert one_error_line(run("lint", "x.sql")) == "internal error: RuntimeError: boom (rerun with --debug for the traceback)"
    debug = run("lint", "--debug", "x.sql")
    assert isinstance(debug.exception, RuntimeError)


def test_plugin_error_is_one_line(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(project / "x.sql", STATUS_SQL)

    def broken(plugins: bool = True) -> Registry:
        raise PluginError("rule pack 'acme-rules' failed to load: RuntimeError: acme rules need acme-core")

    monkeypatch.setattr("sqlsoul.cli.load_registry", broken)
    for args in (["lint", "x.sql"], ["rules"], ["explain", "SS101"]):
        assert one_error_line(run(*args)) == "rule pack 'acme-rules' failed to load: RuntimeError: acme rules need acme-core"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["lint", "--format", "xml"], "Invalid value for '--format': 'xml' is not one of 'text', 'json', 'sarif', 'github', 'gitlab', 'junit'. (see 'sqlsoul lint --help')"),
        (["lint", "--fail-on", "fatal"], "Invalid value for '--fail-on': 'fatal' is not one of 'error', 'warning', 'note', 'never'. (see 'sqlsoul lint --help')"),
        (["lint", "--pg-version", "9"], "Invalid value for '--pg-version': 9 is not in the range 10<=x<=18. (see 'sqlsoul lint --help')"),
        (["lint", "--pg-version", "19"], "Invalid value for '--pg-version': 19 is not in the range 10<=x<=18. (see 'sqlsoul lint --help')"),
        (["explain"], "Missing argument 'RULE'. (see 'sqlsoul explain --help')"),
    ],
)
def test_usage_errors_are_one_line_and_exit_2(project: Path, args: list[str], message: str) -> None:
    assert one_error_line(run(*args)) == message


@pytest.mark.parametrize("args", [["lint", "--no-such-option"], ["lnt"], ["--no-such-option"]])
def test_unknown_options_and_commands_are_one_line(project: Path, args: list[str]) -> None:
    message = one_error_line(run(*args))
    assert message.startswith(("No such option", "No such command"))


@pytest.mark.parametrize("version", ["10", "17", "18"])
def test_pg_version_in_range_is_accepted(project: Path, version: str) -> None:
    write(project / "x.sql", STATUS_SQL)
    result = run("lint", "--format", "json", "--pg-version", version, "x.sql")
    assert (result.exit_code, findings(result)) == (1, [("x.sql", "SS102", 3, 5)])


def test_unwritable_output_is_one_line(project: Path) -> None:
    write(project / "x.sql", STATUS_SQL)
    assert one_error_line(run("lint", "x.sql", "--output", "no/such/dir/report.txt")).startswith(
        "cannot write no/such/dir/report.txt: "
    )


# --- json ---------------------------------------------------------------------------------------


def test_json_report(project: Path) -> None:
    write(project / "events.sql", STATUS_SQL)
    result = run("lint", "--format", "json", "events.sql")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    [finding] = report["findings"]
    assert {key: value for key, value in finding.items() if key not in ("message", "help")} == {
        "rule": "unchecked-status-column",
        "code": "SS102",
        "severity": "warning",
        "path": "events.sql",
        "line": 3,
        "column": 5,
        "end_line": 3,
        "end_column": 11,
    }
    assert finding["message"] and finding["help"]
    assert report["version"] == 1
    assert report["tool"] == {"name": "sqlsoul", "version": __version__}
    assert report["summary"] == {"files": 1, "statements": 1, "findings": 1, "parse_errors": 0}
    assert list(report) == ["version", "tool", "findings", "summary"]
    jsonschema.validate(report, SCHEMA)
    # The summary line goes to stderr, so stdout is JSON and nothing else.
    assert SUMMARY.match(result.stderr.strip())


def test_json_of_a_mixed_project_is_sorted_and_counts_parse_errors(mixed: Path) -> None:
    report = json.loads(run("lint", "--format", "json", "db").stdout)
    assert findings_of(report) == MIXED
    assert [(f["end_line"], f["end_column"], f["severity"]) for f in report["findings"]] == [
        (4, 16, "warning"), (3, 11, "warning"), (3, 9, "warning"), (3, 15, "warning"), (1, 16, "error"),
    ]
    assert report["summary"] == {"files": 5, "statements": 7, "findings": 5, "parse_errors": 1}
    jsonschema.validate(report, SCHEMA)


def findings_of(report: dict) -> list[tuple[str, str, int, int]]:
    return [(f["path"], f["code"], f["line"], f["column"]) for f in report["findings"]]


@pytest.mark.parametrize("corpus", ["marquez", "pagila", "supabase-postgres", "zotero-sqlite"])
def test_json_of_real_corpora_matches_the_schema_and_is_stable(corpus: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(CORPORA / corpus)
    first, second = run("lint", "--format", "json"), run("lint", "--format", "json")
    assert first.exit_code in (0, 1), first.stderr
    assert first.stdout == second.stdout  # byte for byte
    report = json.loads(first.stdout)
    jsonschema.validate(report, SCHEMA)
    keys = [(f["path"], f["line"], f["column"]) for f in report["findings"]]
    assert keys == sorted(keys)
    assert report["summary"]["findings"] == len(report["findings"])
    assert report["summary"]["parse_errors"] == sum(f["code"] == "SS900" for f in report["findings"])
    assert report["summary"]["files"] == sum(1 for _ in Path(".").rglob("*.sql"))
    assert first.exit_code == (1 if report["findings"] else 0)


def test_the_schema_rejects_what_the_format_does_not_allow(project: Path) -> None:
    write(project / "events.sql", STATUS_SQL)
    good = json.loads(run("lint", "--format", "json", "events.sql").stdout)
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    mutations = [
        lambda r: r["findings"][0].update(severity="fatal"),
        lambda r: r["findings"][0].update(extra=1),
        lambda r: r["findings"][0].pop("end_column"),
        lambda r: r["findings"][0].update(line="3"),
        lambda r: r["findings"][0].update(column=0),
        lambda r: r["summary"].pop("parse_errors"),
        lambda r: r.update(version=2),
        lambda r: r.update(generated_at="now"),
        lambda r: r["tool"].update(name="other"),
    ]
    for mutate in mutations:
        bad = json.loads(json.dumps(good))
        mutate(bad)
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, SCHEMA)


@pytest.mark.parametrize("output_format", ["text", "json"])
def test_output_file_gets_the_report_and_stdout_nothing(project: Path, output_format: str) -> None:
    write(project / "events.sql", STATUS_SQL)
    expected = run("lint", "--format", output_format, "events.sql").stdout
    result = run("lint", "--format", output_format, "--output", "report.out", "events.sql")
    assert (result.exit_code, result.stdout) == (1, "")
    assert (project / "report.out").read_text(encoding="utf-8") == expected
    assert SUMMARY.match(result.stderr.strip())
    assert run("lint", "-o", "short.out", "events.sql").stdout == ""
    assert (project / "short.out").read_text(encoding="utf-8") == run("lint", "events.sql").stdout


# --- colour -------------------------------------------------------------------------------------


def run_on_terminal(project: Path, *args: str, env: dict[str, str] | None = None) -> tuple[str, str, int]:
    """Run sqlsoul with stdout on a pseudo-terminal; return (stdout, stderr, exit code)."""
    environment = {key: value for key, value in os.environ.items() if key not in ("NO_COLOR", "FORCE_COLOR")}
    environment.update(env or {})
    leader, follower = pty.openpty()
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "sqlsoul", *args], cwd=project, env=environment,
            stdin=subprocess.DEVNULL, stdout=follower, stderr=subprocess.PIPE,
        )
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal is closed once the process is gone
                break
            if not chunk:
                break
            chunks.append(chunk)
        stderr = process.stderr.read() if process.stderr else b""
        code = process.wait(timeout=60)
    finally:
        os.close(leader)
    return b"".join(chunks).decode().replace("\r\n", "\n"), stderr.decode(), code


def test_colour_only_on_a_terminal(project: Path) -> None:
    write(project / "events.sql", STATUS_SQL)
    coloured, _, code = run_on_terminal(project, "lint", "events.sql")
    assert code == 1
    assert coloured.startswith("\x1b[1mevents.sql:3:5:\x1b[0m \x1b[33mwarning\x1b[0m SS102 unchecked-status-column: ")
    plain = re.sub(r"\x1b\[[0-9;]*m", "", coloured)
    assert plain == run("lint", "events.sql").stdout  # the same report, only painted
    piped = subprocess.run(
        [sys.executable, "-m", "sqlsoul", "lint", "events.sql"], cwd=project, capture_output=True, text=True, timeout=60,
        env={key: value for key, value in os.environ.items() if key != "NO_COLOR"},
    )
    assert piped.stdout == plain


@pytest.mark.parametrize(("args", "env"), [(["--no-color"], {}), ([], {"NO_COLOR": "1"}), (["--output", "r.txt"], {})])
def test_no_colour_on_a_terminal_when_asked(project: Path, args: list[str], env: dict[str, str]) -> None:
    write(project / "events.sql", STATUS_SQL)
    stdout, _, code = run_on_terminal(project, "lint", "events.sql", *args, env=env)
    assert code == 1
    report = (project / "r.txt").read_text(encoding="utf-8") if "--output" in args else stdout
    assert report.startswith("events.sql:3:5: warning SS102 ")
    assert "\x1b[" not in report


def test_empty_no_color_does_not_disable_colour(project: Path) -> None:
    # no-color.org: NO_COLOR counts when it is set to a non-empty value.
    write(project / "events.sql", STATUS_SQL)
    stdout, _, _ = run_on_terminal(project, "lint", "events.sql", env={"NO_COLOR": ""})
    assert "\x1b[33mwarning\x1b[0m" in stdout


# --- verbose ------------------------------------------------------------------------------------


def test_verbose_names_the_project_root_and_the_config(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(project / "db/events.sql", STATUS_SQL)
    result = run("lint", "-v", "-q", "db")
    assert result.stderr.splitlines() == [f"project root: {project.resolve()} (git top level)", "config: none (defaults)"]
    write(project / "db/.sqlsoul.yaml", "fail_on: error\n")
    monkeypatch.chdir(project / "db")
    result = run("lint", "--verbose", "events.sql")
    root = (project / "db").resolve()
    assert result.stderr.splitlines()[:2] == [f"project root: {root} (.sqlsoul.yaml found)", f"config: {root / '.sqlsoul.yaml'}"]
    assert SUMMARY.match(result.stderr.splitlines()[2])
    assert result.exit_code == 0  # fail_on: error from that config
    explicit = run("lint", "-v", "-q", "--config", ".sqlsoul.yaml", "events.sql")
    assert explicit.stderr.splitlines()[1] == "config: .sqlsoul.yaml"


# --- configuration through the command line -----------------------------------------------------


def test_config_file_is_found_above_the_inputs(mixed: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(mixed / ".sqlsoul.yaml", "select: [SS102, SS101]\n")
    write(mixed / "elsewhere/readme.txt", "")
    monkeypatch.chdir(mixed / "elsewhere")
    assert [code for _, code, _, _ in findings(run("lint", "--format", "json", "../db"))] == ["SS101", "SS102"]


def test_pyproject_tool_section_is_a_config(mixed: Path) -> None:
    write(mixed / "pyproject.toml", '[project]\nname = "shop"\n\n[tool.sqlsoul]\nignore = ["design"]\n')
    assert [code for _, code, _, _ in findings(run("lint", "--format", "json"))] == ["SS900"]


def test_cli_beats_config(mixed: Path) -> None:
    write(mixed / ".sqlsoul.yaml", "select: [SS101]\nignore: [SS900]\nfail_on: never\n")
    from_config = run("lint", "--format", "json")
    assert (from_config.exit_code, [c for _, c, _, _ in findings(from_config)]) == (0, ["SS101"])
    # --select replaces the config's select; the config's ignore still applies.
    selected = run("lint", "--format", "json", "--select", "SS102,SS900", "--fail-on", "warning")
    assert (selected.exit_code, [c for _, c, _, _ in findings(selected)]) == (1, ["SS102"])
    # --ignore replaces the config's ignore.
    ignored = run("lint", "--format", "json", "--select", "SS102,SS900", "--ignore", "SS102")
    assert (ignored.exit_code, [c for _, c, _, _ in findings(ignored)]) == (0, ["SS900"])


def test_config_severity_changes_the_report_and_the_exit_code(project: Path) -> None:
    write(project / "events.sql", STATUS_SQL)
    before = run("lint", "--fail-on", "error", "events.sql")
    assert before.exit_code == 0
    assert before.stdout.startswith("events.sql:3:5: warning SS102 ")
    write(project / ".sqlsoul.yaml", "severity:\n  unchecked-status-column: error\n")
    after = run("lint", "--fail-on", "error", "events.sql")
    assert after.exit_code == 1
    assert after.stdout.startswith("events.sql:3:5: error SS102 unchecked-status-column: ")
    assert json.loads(run("lint", "--format", "json", "events.sql").stdout)["findings"][0]["severity"] == "error"
    write(project / ".sqlsoul.yaml", "severity:\n  SS900: note\n")
    write(project / "broken.sql", PARSE_SQL)
    assert run("lint", "--fail-on", "warning", "broken.sql").exit_code == 0
    assert run("lint", "--fail-on", "note", "broken.sql").exit_code == 1


def test_config_fail_on_and_cli_override(project: Path) -> None:
    write(project / "events.sql", STATUS_SQL)
    write(project / ".sqlsoul.yaml", "fail_on: error\n")
    assert run("lint", "events.sql").exit_code == 0
    assert run("lint", "--fail-on", "warning", "events.sql").exit_code == 1
    write(project / ".sqlsoul.yaml", "fail_on: never\n")
    assert run("lint", "events.sql").exit_code == 0


def test_rule_options_from_the_config(project: Path) -> None:
    write(project / "db.sql", FK_SQL + "CREATE TABLE phases (id bigint PRIMARY KEY, phase text, status text);\n")
    assert [c for _, c, _, _ in findings(run("lint", "--format", "json", "db.sql"))] == ["SS101", "SS102"]
    write(
        project / ".sqlsoul.yaml",
        "rules:\n  missing-foreign-key:\n    ignore_columns: [customer_*]\n  SS102:\n    patterns: [phase]\n",
    )
    # `CREATE TABLE phases (id bigint PRIMARY KEY, ` is 44 characters: `phase` starts at 45.
    assert findings(run("lint", "--format", "json", "db.sql")) == [("db.sql", "SS102", 6, 45)]


def test_per_path_ignores(project: Path) -> None:
    write(project / "legacy/001.sql", STATUS_SQL)
    # (Other table names than legacy's: one history, and a table is created once.)
    write(project / "current/001.sql", STATUS_SQL.replace("events", "tasks") + TAGS_SQL)
    write(project / ".sqlsoul.yaml", 'per_path_ignores:\n  "legacy/**": [design]\n  "current/*.sql": [SS104]\n')
    assert findings(run("lint", "--format", "json")) == [("current/001.sql", "SS102", 3, 5)]


def test_explicit_config_file(mixed: Path) -> None:
    write(mixed / ".sqlsoul.yaml", "select: [SS101]\n")
    write(mixed / "ci/strict.yaml", "select: [SS103]\nfail_on: note\n")
    result = run("lint", "--format", "json", "--config", "ci/strict.yaml")
    assert (result.exit_code, [c for _, c, _, _ in findings(result)]) == (1, ["SS103"])
    assert one_error_line(run("lint", "--config", "ci/missing.yaml")) == "config file does not exist: ci/missing.yaml"


def test_config_error_stops_the_run_with_file_line_and_key(project: Path) -> None:
    write(project / "events.sql", STATUS_SQL)
    write(project / ".sqlsoul.yaml", "fail_on: warning\nseverity:\n  unchecked-status-column: fatal\n")
    message = one_error_line(run("lint", "events.sql"))
    assert message == (
        f"{project.resolve() / '.sqlsoul.yaml'}:3: severity.unchecked-status-column: "
        "expected one of error, warning, note, got 'fatal'"
    )


# --- rules, explain, init, version ------------------------------------------------------------


def test_rules_lists_every_rule(registry: Registry) -> None:
    result = run("rules")
    assert result.exit_code == 0
    header, *rows = result.stdout.splitlines()
    assert header.split() == ["CODE", "NAME", "CATEGORY", "SEVERITY", "DEFAULT", "DIALECTS", "SUMMARY"]
    assert len(rows) == len(registry.rules)
    for row, rule in zip(rows, registry.rules.values(), strict=True):
        meta = rule.meta
        cells = re.split(r"\s{2,}", row, maxsplit=6)
        assert cells == [
            meta.code, meta.name, meta.category, meta.severity.label, "on" if meta.enabled else "opt-in",
            short_list(meta.dialects), meta.summary.strip(),
        ]
    by_code = {re.split(r"\s{2,}", row)[0]: re.split(r"\s{2,}", row)[1:6] for row in rows}
    assert by_code["SS102"] == ["unchecked-status-column", "design", "warning", "on", "all"]
    assert by_code["SS900"] == ["parse-error", "meta", "error", "on", "all"]
    assert by_code["SS201"] == ["adding-column-with-volatile-default", "safety", "warning", "on", "pg"]
    assert [code for code in by_code] == sorted(by_code)


def test_explain_by_code_or_name() -> None:
    by_code, by_name, lower = run("explain", "SS102"), run("explain", "unchecked-status-column"), run("explain", "ss102")
    assert by_code.exit_code == by_name.exit_code == lower.exit_code == 0
    assert by_code.stdout == by_name.stdout == lower.stdout
    assert by_code.stdout.startswith("# unchecked-status-column (SS102)\n")
    assert "## How to fix" in by_code.stdout and "patterns" in by_code.stdout
    assert by_code.stdout == (REPO / "docs/rules/SS102-unchecked-status-column.md").read_text(encoding="utf-8")


def test_explain_unknown_rule() -> None:
    result = run("explain", "SS999")
    assert one_error_line(result) == "unknown rule 'SS999' (see 'sqlsoul rules')"
    assert result.stdout == ""


def test_init_writes_a_config_and_refuses_to_overwrite(project: Path) -> None:
    result = run("init")
    assert (result.exit_code, result.stderr) == (0, "wrote .sqlsoul.yaml\n")
    written = (project / ".sqlsoul.yaml").read_text(encoding="utf-8")
    assert written.startswith("#")
    (project / ".sqlsoul.yaml").write_text("fail_on: error\n", encoding="utf-8")
    refused = run("init")
    assert one_error_line(refused) == ".sqlsoul.yaml already exists; use --force to overwrite it"
    assert (project / ".sqlsoul.yaml").read_text(encoding="utf-8") == "fail_on: error\n"
    forced = run("init", "--force")
    assert forced.exit_code == 0
    assert (project / ".sqlsoul.yaml").read_text(encoding="utf-8") == written
    elsewhere = run("init", "--path", "conf/sqlsoul.yaml")
    assert one_error_line(elsewhere).startswith("cannot write conf/sqlsoul.yaml: ")
    (project / "conf").mkdir()
    assert run("init", "--path", "conf/sqlsoul.yaml").exit_code == 0
    assert (project / "conf/sqlsoul.yaml").read_text(encoding="utf-8") == written


def test_init_config_changes_nothing(mixed: Path) -> None:
    before = run("lint", "--format", "json")
    assert run("init").exit_code == 0
    after = run("lint", "--format", "json", "-v")
    assert after.stdout == before.stdout
    assert f"config: {mixed.resolve() / '.sqlsoul.yaml'}" in after.stderr.splitlines()


def test_version() -> None:
    result = run("--version")
    assert (result.exit_code, result.stdout) == (0, f"sqlsoul {__version__}\n")
    assert re.fullmatch(r"\d+\.\d+\.\d+.*", __version__)


def test_explicit_config_file_sets_the_root_for_its_globs(mixed: Path) -> None:
    # The config lives in settings/, so its exclude and per-path globs are relative to settings/.
    write(mixed / "settings/sqlsoul.yaml", 'exclude: ["../db/2_*"]\nper_path_ignores:\n  "../db/3_*": [SS104]\n')
    result = run("lint", "--format", "json", "--config", "settings/sqlsoul.yaml", "-v", "db")
    assert findings(result) == [MIXED[0], MIXED[3], MIXED[4]]
    assert f"project root: {mixed / 'settings'} (--config)" in result.stderr


def test_a_line_break_in_an_identifier_stays_escaped_in_the_heading(project: Path) -> None:
    write(project / "t.sql", 'CREATE TABLE t (id bigint PRIMARY KEY, "x\n::error file=a.sql::y_status" text);\n')
    result = run("lint", "--no-color", "t.sql")
    heading = result.stdout.splitlines()[0]
    assert heading.startswith("t.sql:1:40: warning SS102 unchecked-status-column: t.\"x\\n::error file=a.sql::y_status\" ")
    assert not any(line.startswith("::") for line in result.stdout.splitlines())


@pytest.mark.parametrize("args", [("explain", "SS101"), ("rules",), ("lint", "examples/bad")])
def test_a_reader_that_went_away_stops_the_command_quietly(args: tuple[str, ...]) -> None:
    # `sqlsoul rules | head -1`: once the reader has closed the pipe, writing fails; the command stops
    # with the shell's broken-pipe status and no error message, not an "internal error".
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        process = subprocess.run(
            [sys.executable, "-m", "sqlsoul", *args], stdout=write_end, stderr=subprocess.PIPE, cwd=REPO,
            text=True, timeout=60, stdin=subprocess.DEVNULL,
        )
    finally:
        os.close(write_end)
    assert process.returncode == 141
    assert "error" not in process.stderr
