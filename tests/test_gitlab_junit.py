"""`--format gitlab` (a GitLab Code Quality report) and `--format junit` (JUnit XML), through the real
command line: the shapes GitLab and Jenkins document, fingerprints shared with SARIF, and XML escaping."""

from __future__ import annotations

import json
import re
import shlex
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner, Result

from sqlsoul.cli import main
from sqlsoul.engine import LintResult
from sqlsoul.findings import Finding, Severity
from sqlsoul.reporters import ReportContext, renderer
from sqlsoul.source import SourceFile

from conftest import ORDERS_SQL, REPO
from test_startup import loaded_modules

CLEAN_SQL = "CREATE TABLE audit_log (id bigint PRIMARY KEY, body text);\n"

# GitLab's "Implement a custom tool" section (doc/ci/testing/code_quality.md): an array of objects
# with these properties; the line may also come as location.positions.begin.line, which sqlsoul
# does not use. Anything else is ignored by GitLab, so sqlsoul writes nothing else.
CODE_QUALITY_SCHEMA: dict[str, Any] = {
    "type": "array",
    "items": {
        "type": "object",
        "additionalProperties": False,
        "required": ["description", "check_name", "fingerprint", "severity", "location"],
        "properties": {
            "description": {"type": "string", "minLength": 1, "pattern": "^[^\n]*$"},
            "check_name": {"type": "string", "minLength": 1},
            "fingerprint": {"type": "string", "minLength": 1},
            "severity": {"enum": ["info", "minor", "major", "critical", "blocker"]},
            "location": {
                "type": "object",
                "additionalProperties": False,
                "required": ["path", "lines"],
                "properties": {
                    # Relative to the repository: no leading slash, forward slashes only.
                    "path": {"type": "string", "pattern": r"^[^/\\][^\\]*$"},
                    "lines": {
                        "type": "object",
                        "additionalProperties": False,
                        "required": ["begin"],
                        "properties": {"begin": {"type": "integer", "minimum": 1}},
                    },
                },
            },
        },
    },
}


def run(*args: str) -> Result:
    return CliRunner().invoke(main, ["lint", "--no-plugins", "--quiet", *args], prog_name="sqlsoul")


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def report(output_format: str, *args: str) -> str:
    result = run("--format", output_format, *args)
    assert result.exit_code in (0, 1), (result.exit_code, result.stdout, result.stderr)
    return result.stdout


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project (a git work tree, so its root is this folder) with one file with findings and one without."""
    (tmp_path / ".git").mkdir()
    write(tmp_path / "db/001_orders.sql", ORDERS_SQL)
    write(tmp_path / "db/002_audit.sql", CLEAN_SQL)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def make_finding(line: int, message: str, severity: Severity = Severity.WARNING, path: str = "x.sql") -> Finding:
    return Finding("SS102", "unchecked-status-column", severity, path, path, line, 5, line, 11, message, "Add a CHECK.")


def render(output_format: str, result: LintResult) -> str:
    return renderer(output_format)(result, ReportContext("1.0.0", (), Path("/tmp")))


# --- GitLab Code Quality --------------------------------------------------------------------------


def test_gitlab_report_has_one_issue_per_finding_in_the_documented_shape(project: Path) -> None:
    output = report("gitlab", "db")
    assert not output.startswith("\ufeff")  # GitLab's parser refuses a byte order mark
    issues = json.loads(output)
    jsonschema.validate(issues, CODE_QUALITY_SCHEMA)
    assert [{key: value for key, value in issue.items() if key != "fingerprint"} for issue in issues] == [
        {
            "description": "orders.customer_id refers to customers by name but has no foreign key, so rows can point at nothing",
            "check_name": "SS101 missing-foreign-key",
            "severity": "major",
            "location": {"path": "db/001_orders.sql", "lines": {"begin": 4}},
        },
        {
            "description": "orders.status is a status column of type text with no CHECK constraint or enum, so any value can be stored",
            "check_name": "SS102 unchecked-status-column",
            "severity": "major",
            "location": {"path": "db/001_orders.sql", "lines": {"begin": 5}},
        },
        {
            "description": issues[2]["description"],  # the char-column message is long; its start is enough
            "check_name": "SS405 char-column",
            "severity": "minor",
            "location": {"path": "db/001_orders.sql", "lines": {"begin": 6}},
        },
    ]
    assert issues[2]["description"].startswith("orders.country is char(2): ")


def test_gitlab_paths_are_relative_to_the_project_root_wherever_it_runs(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project / "db")
    issues = json.loads(report("gitlab", "001_orders.sql"))
    assert {issue["location"]["path"] for issue in issues} == {"db/001_orders.sql"}


def test_gitlab_fingerprints_are_the_sarif_fingerprints(project: Path) -> None:
    issues = json.loads(report("gitlab", "db"))
    sarif = json.loads(report("sarif", "db"))
    assert [issue["fingerprint"] for issue in issues] == [
        result["partialFingerprints"]["sqlsoul/v1"] for result in sarif["runs"][0]["results"]
    ]
    assert len({issue["fingerprint"] for issue in issues}) == 3


def test_gitlab_fingerprints_with_a_baseline_are_those_without_it(project: Path) -> None:
    written = run("--write-baseline", "baseline.json", "db")
    assert written.exit_code == 0, written.output
    write(project / "db/003_codes.sql", "CREATE TABLE codes (id bigint PRIMARY KEY, code char(2));\n")
    without = {issue["location"]["path"]: issue["fingerprint"] for issue in json.loads(report("gitlab", "db"))}
    issues = json.loads(report("gitlab", "--baseline", "baseline.json", "db"))
    assert [(issue["location"]["path"], issue["fingerprint"]) for issue in issues] == [("db/003_codes.sql", without["db/003_codes.sql"])]
    sarif = json.loads(report("sarif", "--baseline", "baseline.json", "db"))
    assert [result["partialFingerprints"]["sqlsoul/v1"] for result in sarif["runs"][0]["results"]] == [issues[0]["fingerprint"]]


def test_gitlab_fingerprints_survive_lines_inserted_above(project: Path) -> None:
    before = json.loads(report("gitlab", "db"))
    write(project / "db/001_orders.sql", "-- orders\n\nCREATE TABLE notes (id bigint PRIMARY KEY);\n" + ORDERS_SQL)
    after = json.loads(report("gitlab", "db"))
    assert [issue["fingerprint"] for issue in after] == [issue["fingerprint"] for issue in before]
    assert [issue["location"]["lines"]["begin"] for issue in after] == [7, 8, 9]


def test_gitlab_severity_follows_the_configured_severity(project: Path) -> None:
    write(project / ".sqlsoul.yaml", "severity:\n  SS102: error\n")
    issues = json.loads(report("gitlab", "db"))
    assert [(issue["check_name"], issue["severity"]) for issue in issues] == [
        ("SS101 missing-foreign-key", "major"),
        ("SS102 unchecked-status-column", "critical"),
        ("SS405 char-column", "minor"),
    ]


def test_gitlab_identical_findings_on_identical_lines_get_distinct_fingerprints() -> None:
    source = SourceFile("x.sql", "x.sql", "    status text,\n    status text,\n")
    result = LintResult(findings=[make_finding(1, "same"), make_finding(2, "same")], files=1, sources={"x.sql": source})
    issues = json.loads(render("gitlab", result))
    assert issues[0]["fingerprint"] != issues[1]["fingerprint"]


def test_gitlab_description_stays_one_line() -> None:
    result = LintResult(findings=[make_finding(1, 'column "a\nb" of t')], files=1)
    [issue] = json.loads(render("gitlab", result))
    assert issue["description"] == 'column "a\\nb" of t'


def test_gitlab_report_without_findings_is_an_empty_array(project: Path) -> None:
    assert report("gitlab", "db/002_audit.sql") == "[]\n"


def test_readme_gitlab_ci_job_writes_the_report_it_declares(project: Path) -> None:
    from ruamel.yaml import YAML

    text = (REPO / "README.md").read_text(encoding="utf-8")
    [block] = [body for body in re.findall(r"^```yaml\n(.*?)^```$", text, re.DOTALL | re.MULTILINE)
               if body.startswith("# .gitlab-ci.yml\n")]
    job = YAML(typ="safe").load(block)["sqlsoul"]
    assert job["artifacts"]["when"] == "always"  # the report is kept when the job fails by --fail-on
    [install, lint] = job["script"]
    assert install.startswith("pip install ")
    command = shlex.split(lint)
    assert command[:2] == ["sqlsoul", "lint"]
    write(project / "migrations/001_orders.sql", ORDERS_SQL)
    result = CliRunner().invoke(main, [*command[1:], "--no-plugins"], prog_name="sqlsoul")
    assert result.exit_code == 1, result.output
    issues = json.loads((project / job["artifacts"]["reports"]["codequality"]).read_text(encoding="utf-8"))
    jsonschema.validate(issues, CODE_QUALITY_SCHEMA)
    assert [issue["check_name"] for issue in issues] == ["SS101 missing-foreign-key", "SS102 unchecked-status-column", "SS405 char-column"]


# --- JUnit XML ------------------------------------------------------------------------------------


def test_junit_has_one_case_per_file_and_one_failure_per_finding(project: Path) -> None:
    output = report("junit", "db")
    assert output.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites ')
    suites = ET.fromstring(output)
    assert suites.tag == "testsuites"
    assert suites.attrib == {"name": "sqlsoul", "tests": "2", "failures": "1", "errors": "0"}
    [suite] = suites
    assert suite.tag == "testsuite"
    assert suite.attrib == {"name": "sqlsoul", "tests": "2", "failures": "1", "errors": "0"}
    assert [(case.tag, case.attrib) for case in suite] == [
        ("testcase", {"classname": "sqlsoul", "name": "db/001_orders.sql"}),
        ("testcase", {"classname": "sqlsoul", "name": "db/002_audit.sql"}),
    ]
    failing, passing = suite
    assert list(passing) == []  # a file without findings passes
    assert [(failure.tag, failure.get("type"), failure.get("message")) for failure in failing] == [
        ("failure", "missing-foreign-key", "SS101: orders.customer_id refers to customers by name but has no foreign key, so rows can point at nothing"),
        ("failure", "unchecked-status-column",
         "SS102: orders.status is a status column of type text with no CHECK constraint or enum, so any value can be stored"),
        ("failure", "char-column", failing[2].get("message")),
    ]
    assert failing[2].get("message", "").startswith("SS405: orders.country is char(2): ")
    # The text is the finding as the text format prints it: location, message, line, caret and help.
    text = failing[0].text or ""
    assert text.split("\n")[:3] == [
        "db/001_orders.sql:4:5: warning SS101 missing-foreign-key: orders.customer_id refers to customers by name but has no foreign key, so rows can point at nothing",
        "      customer_id bigint NOT NULL,",
        "      ^~~~~~~~~~~",
    ]
    assert text.split("\n")[3].startswith("  help: ")


def test_junit_escapes_markup_quotes_and_characters_xml_cannot_hold() -> None:
    message = 'table "a<b" & \'c\' → naïve\x0cend\nnext'
    source = SourceFile("x.sql", "x.sql", "\x0cCREATE TABLE \"a<b\" (status text);\n")
    result = LintResult(findings=[make_finding(1, message)], files=1, sources={"x.sql": source})
    output = render("junit", result)
    assert "&lt;" in output and "&amp;" in output and "&quot;" in output and "naïve" in output
    [failure] = ET.fromstring(output).iter("failure")  # well-formed: it parses
    assert failure.get("message") == 'SS102: table "a<b" & \'c\' → naïve\\x0cend\nnext'
    assert (failure.text or "").split("\n")[:2] == [
        "x.sql:1:5: warning SS102 unchecked-status-column: table \"a<b\" & 'c' → naïve\\x0cend\\nnext",
        '  \\x0cCREATE TABLE "a<b" (status text);',
    ]


def test_junit_lists_a_file_that_could_not_be_read(project: Path) -> None:
    (project / "db/003_broken.sql").symlink_to(project / "db/missing.sql")
    suite = ET.fromstring(report("junit", "db"))[0]
    assert [case.get("name") for case in suite] == ["db/001_orders.sql", "db/002_audit.sql", "db/003_broken.sql"]
    assert [failure.get("type") for failure in suite[2]] == ["unreadable-file"]
    assert suite.get("tests") == "3" and suite.get("failures") == "2"


def test_junit_without_files_is_an_empty_suite() -> None:
    suites = ET.fromstring(render("junit", LintResult()))
    assert suites.attrib == {"name": "sqlsoul", "tests": "0", "failures": "0", "errors": "0"}
    assert [child.tag for child in suites] == ["testsuite"] and list(suites[0]) == []


def test_fail_on_decides_the_exit_code_whatever_the_format(project: Path) -> None:
    assert run("--format", "junit", "--fail-on", "warning", "db").exit_code == 1
    assert run("--format", "gitlab", "--fail-on", "error", "db").exit_code == 0


# --- loading ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("output_format", ["gitlab", "junit"])
def test_each_new_format_loads_only_its_own_reporter(project: Path, output_format: str) -> None:
    reporters = {f"sqlsoul.reporters.{name}" for name in ("json_format", "sarif", "github", "gitlab", "junit")}
    modules = loaded_modules("lint", "--format", output_format, "db", cwd=project)
    assert reporters & modules == {f"sqlsoul.reporters.{output_format}"}


def test_a_text_run_loads_neither_new_format(project: Path) -> None:
    modules = loaded_modules("lint", "db", cwd=project)
    assert "sqlsoul.engine" in modules
    assert {"sqlsoul.reporters.gitlab", "sqlsoul.reporters.junit", "sqlsoul.reporters.fingerprint", "xml.etree.ElementTree"} & modules == set()
