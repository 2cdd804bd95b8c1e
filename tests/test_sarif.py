"""`--format sarif` and `--sarif-output`: SARIF 2.1.0 that the official schema and Microsoft's SARIF
Multitool accept, with root-relative locations and fingerprints that survive unrelated edits."""

from __future__ import annotations

import json
import os
import re
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner, Result

from sqlsoul import __version__
from sqlsoul.cli import main
from sqlsoul.engine import LintResult
from sqlsoul.findings import Finding, Severity
from sqlsoul.registry import Registry
from sqlsoul.reporters import ReportContext, renderer
from sqlsoul.reporters import sarif
from sqlsoul.rules.base import RuleMeta
from sqlsoul.source import SourceFile

from conftest import REPO, SHARED

SARIF_SCHEMA = SHARED / "schemas" / "sarif-schema-2.1.0.json"
MULTITOOL_IN_REPO = REPO / "node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"
PROJECT_URLS = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["urls"]

# `    status VARCHAR(50)` on line 3: one unchecked-status-column finding at column 5.
STATUS_SQL = "CREATE TABLE events (\n    id bigint PRIMARY KEY,\n    status VARCHAR(50)\n);\n"
# Two findings: orders.customer_id (line 4, missing-foreign-key) and orders.state (line 5, unchecked-status-column).
TWO_SQL = (
    "CREATE TABLE customers (id bigint PRIMARY KEY);\n"
    "CREATE TABLE orders (\n"
    "    id bigint PRIMARY KEY,\n"
    "    customer_id bigint NOT NULL,\n"
    "    state text\n"
    ");\n"
)
# Non-ASCII identifiers: commande."café_id" refers to café (line 2, column 35 in code points).
CAFE_SQL = "CREATE TABLE café (id bigint PRIMARY KEY, nom text);\nCREATE TABLE commande (id bigint PRIMARY KEY, café_id bigint);\n"


def run(*args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(main, ["lint", "--no-plugins", *args], input=input, prog_name="sqlsoul")


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def lint_sarif(*args: str) -> dict[str, Any]:
    result = run("--format", "sarif", "--quiet", *args)
    assert result.exit_code in (0, 1), (result.exit_code, result.stdout, result.stderr)
    return json.loads(result.stdout)


def the_run(log: dict[str, Any]) -> dict[str, Any]:
    assert len(log["runs"]) == 1
    return log["runs"][0]


def location(result: dict[str, Any]) -> dict[str, Any]:
    (only,) = result["locations"]
    return only["physicalLocation"]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty project folder (a git work tree, so its root never depends on the folders above it)."""
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def in_repo(monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(REPO)
    return REPO


# --- the logs every validation below checks -------------------------------------------------------


@pytest.fixture
def logs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """SARIF files for: examples/ (every rule fires), non-ASCII paths and text, no findings, --select ALL."""
    out = tmp_path / "logs"
    out.mkdir()
    made = {}

    def save(name: str, *args: str) -> None:
        result = run("--format", "sarif", "--quiet", *args)
        assert result.exit_code in (0, 1), (name, result.stdout, result.stderr)
        made[name] = out / f"{name}.sarif"
        made[name].write_text(result.stdout, encoding="utf-8")

    monkeypatch.chdir(REPO)
    save("examples", "examples")
    save("select-all", "--select", "ALL", "examples/bad")
    project = tmp_path / "prøject"
    (project / ".git").mkdir(parents=True)
    write(project / "db migrations/001_café #1 [ü].sql", CAFE_SQL)
    write(project / "db migrations/002_événements.sql", STATUS_SQL.replace("events", "événements"))
    write(project / "clean/ok.sql", "CREATE TABLE t (id bigint PRIMARY KEY);\n")
    monkeypatch.chdir(project)
    save("non-ascii", "db migrations")
    save("empty", "clean")
    return made


def test_logs_cover_what_they_claim(logs: dict[str, Path], registry: Registry) -> None:
    loaded = {name: json.loads(path.read_text(encoding="utf-8")) for name, path in logs.items()}
    example_codes = {result["ruleId"] for result in the_run(loaded["examples"])["results"]}
    # The examples make every rule that is on by default fire, but three (see tests/test_examples.py).
    # verify's rules are reported by `sqlsoul verify` only
    on_by_default = {code for code, rule in registry.rules.items() if rule.meta.enabled and rule.scope != "verify"}
    assert example_codes == on_by_default - {"SS902", "SS229", "SS701"}
    uris = {location(result)["artifactLocation"]["uri"] for result in the_run(loaded["non-ascii"])["results"]}
    assert uris == {"db%20migrations/001_caf%C3%A9%20%231%20%5B%C3%BC%5D.sql", "db%20migrations/002_%C3%A9v%C3%A9nements.sql"}
    assert the_run(loaded["empty"])["results"] == []
    assert len(the_run(loaded["empty"])["tool"]["driver"]["rules"]) > 0


def test_logs_match_the_official_schema(logs: dict[str, Path]) -> None:
    if not SARIF_SCHEMA.is_file():
        pytest.skip(f"the SARIF 2.1.0 schema is not at {SARIF_SCHEMA}")
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)
    for name, path in logs.items():
        errors = [f"{'/'.join(map(str, error.absolute_path))}: {error.message}" for error in validator.iter_errors(json.loads(path.read_text(encoding="utf-8")))]
        assert errors == [], (name, errors)
    # The validator does catch a broken log.
    broken = json.loads(logs["examples"].read_text(encoding="utf-8"))
    the_run(broken)["results"][0]["level"] = "fatal"
    del the_run(broken)["tool"]["driver"]["name"]
    assert len(list(validator.iter_errors(broken))) == 2


# --- Microsoft's SARIF Multitool ------------------------------------------------------------------


def multitool() -> Path:
    """The Multitool binary: $SARIF_MULTITOOL, else node_modules/ in the repository; skip (or fail in CI) without it."""
    configured = os.environ.get("SARIF_MULTITOOL")
    path = Path(configured) if configured else MULTITOOL_IN_REPO
    if path.is_file() and os.access(path, os.X_OK):
        return path
    why = f"SARIF Multitool not found at {path} (set SARIF_MULTITOOL, or npm install @microsoft/sarif-multitool)"
    if os.environ.get("SQLSOUL_REQUIRE_SARIF_MULTITOOL") == "1":
        pytest.fail(why)
    pytest.skip(why)


def multitool_env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("DOTNET_CLI_TELEMETRY_OPTOUT", "1")
    if not any(Path(folder).glob("libicuuc.so*") for folder in ("/lib", "/usr/lib", "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu")):
        env.setdefault("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT", "1")  # .NET needs ICU unless told not to
    return env


def strict_config(binary: Path, folder: Path) -> Path:
    """A Multitool policy with every GitHub rule (GH....) switched on: they are off by default, even
    with --rule-kind Gh, in recent Multitool versions."""
    exported = folder / "exported-config.xml"
    completed = subprocess.run(
        [str(binary), "export-validation-config", str(exported)],
        capture_output=True, text=True, timeout=300, env=multitool_env(), cwd=folder, stdin=subprocess.DEVNULL,
    )
    assert completed.returncode == 0 and exported.is_file(), completed.stdout + completed.stderr
    text = exported.read_text(encoding="utf-8-sig")
    pattern = r'(<Properties Key="GH\d+\.[A-Za-z]+\.Options">\s*<Property Key="RuleEnabled" Value=")Default(")'
    text, enabled = re.subn(pattern, r"\1Error\2", text)
    assert enabled >= 5, f"expected GH rules in the exported Multitool config, switched on {enabled}"
    config = folder / "strict-config.xml"
    config.write_text(text, encoding="utf-8")
    return config


def multitool_problems(binary: Path, logs: list[Path], folder: Path, *extra: str) -> tuple[list[str], list[str]]:
    """(errors and warnings, every result) of `Sarif.Multitool validate` over the logs.

    The Multitool exits 0 whatever it finds: its own SARIF output says what it found.
    """
    out = folder / "multitool-out.sarif"
    command = [str(binary), "validate", *extra, "--output", str(out), *map(str, logs), "--log", "ForceOverwrite"]
    completed = subprocess.run(
        command, capture_output=True, text=True, timeout=600, env=multitool_env(), cwd=folder, stdin=subprocess.DEVNULL
    )
    assert completed.returncode == 0, (command, completed.stdout, completed.stderr)
    report = json.loads(out.read_text(encoding="utf-8-sig"))
    (run_,) = report["runs"]
    assert run_["tool"]["driver"]["name"] == "Sarif.Multitool"
    described = []
    serious = []
    for result in run_["results"]:
        level = result.get("level", "warning")
        where = result.get("locations", [{}])[0].get("physicalLocation", {})
        text = result["message"].get("text") or " | ".join(result["message"].get("arguments", []))
        line = f"{level} {result['ruleId']} {where.get('artifactLocation', {}).get('uri', '')}:{where.get('region', {}).get('startLine', '')}: {text}"
        described.append(line)
        if level in ("error", "warning"):
            serious.append(line)
    for invocation in run_.get("invocations", []):
        if not invocation.get("executionSuccessful", True):
            serious.append(f"the Multitool's run failed: {completed.stdout}")
        for notification in invocation.get("toolExecutionNotifications", []):
            if notification.get("level", "warning") in ("error", "warning"):
                serious.append(f"notification: {notification['message']}")
    return serious, described


def test_multitool_finds_no_error_or_warning(logs: dict[str, Path], tmp_path: Path) -> None:
    binary = multitool()
    paths = list(logs.values())
    # The command as documented: validate with the GitHub and SARIF rule kinds.
    serious, _ = multitool_problems(binary, paths, tmp_path, "--rule-kind", "Gh;Sarif")
    assert serious == [], "\n".join(serious)
    # Stricter: every GitHub (code scanning) rule switched on as well.
    config = strict_config(binary, tmp_path)
    serious, _ = multitool_problems(binary, paths, tmp_path, "--config", str(config), "--rule-kind", "Gh;Ghas;Sarif")
    assert serious == [], "\n".join(serious)


def test_multitool_check_reports_what_it_should(logs: dict[str, Path], tmp_path: Path) -> None:
    """The check above could pass by reading the wrong file: a broken log must fail it."""
    binary = multitool()
    log = json.loads(logs["examples"].read_text(encoding="utf-8"))
    results = the_run(log)["results"]
    results[0]["ruleIndex"] = 99  # no such rule: SARIF1009
    artifact = location(results[1])["artifactLocation"]
    artifact["uri"] = "https://example.com/x.sql"  # not a file: GH1005
    del artifact["uriBaseId"]
    broken = tmp_path / "broken.sarif"
    broken.write_text(json.dumps(log, indent=2), encoding="utf-8")
    serious, _ = multitool_problems(binary, [broken], tmp_path, "--rule-kind", "Gh;Sarif")
    assert any(" SARIF1009 " in line for line in serious), serious
    config = strict_config(binary, tmp_path)
    serious, _ = multitool_problems(binary, [broken], tmp_path, "--config", str(config), "--rule-kind", "Gh;Ghas;Sarif")
    assert any(" GH1005 " in line for line in serious), serious


# --- the log's shape ------------------------------------------------------------------------------


def test_tool_and_rules(in_repo: Path, registry: Registry) -> None:
    log = lint_sarif("--select", "ALL", "examples/bad")
    assert log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert log["version"] == "2.1.0"
    run_ = the_run(log)
    driver = run_["tool"]["driver"]
    assert driver["name"] == "sqlsoul"
    assert driver["semanticVersion"] == __version__
    assert driver["informationUri"] == PROJECT_URLS["Homepage"]
    # Every rule lint can run (verify's findings need a server: a lint run never lists them).
    metas = [rule.meta for rule in registry.rules.values() if rule.scope != "verify"]
    assert [rule["id"] for rule in driver["rules"]] == [meta.code for meta in metas]
    for meta, rule in zip(metas, driver["rules"], strict=True):
        assert rule["name"] == "".join(part.capitalize() for part in meta.name.split("-"))
        assert re.fullmatch(r"[A-Z][A-Za-z0-9]*", rule["name"])
        assert rule["shortDescription"]["text"] == sarif._sentence(" ".join(meta.summary.split()))
        assert rule["fullDescription"]["text"].startswith(meta.rationale.split()[0])
        for text in (rule["shortDescription"]["text"], rule["fullDescription"]["text"], rule["help"]["text"]):
            assert text.endswith(".") and text == text.strip()
        help_text = rule["help"]["text"]
        assert "Why: " in help_text and "How to fix: " in help_text and f"ignore[{meta.name}]" in help_text
        if meta.bad_example:
            assert meta.bad_example.strip().splitlines()[0] in help_text
            assert meta.bad_example.strip().splitlines()[0] in rule["help"]["markdown"]
        assert "## Why" in rule["help"]["markdown"] and "## How to fix" in rule["help"]["markdown"]
        # The rule's page in docs/rules/, as a GitHub file (blob) URL under the Documentation URL.
        page = f"{meta.code}-{meta.name}.md"
        assert (REPO / "docs/rules" / page).is_file()
        documentation = PROJECT_URLS["Documentation"].replace("/tree/", "/blob/", 1)
        assert rule["helpUri"] == f"{documentation}/rules/{page}"
        assert rule["defaultConfiguration"] == {"level": meta.severity.label}
        properties = rule["properties"]
        assert properties["tags"] == [meta.category] + (["security"] if meta.security and meta.category != "security" else [])
        assert properties["precision"] in ("very-high", "high")
        assert properties["problem.severity"] == {"error": "error", "warning": "warning", "note": "recommendation"}[meta.severity.label]
        # GitHub ranks security alerts by this score: only rules marked as security rules carry it.
        expected_score = {"error": "8.0", "warning": "5.5", "note": "2.0"}[meta.severity.label] if meta.security else None
        assert properties.get("security-severity") == expected_score


def test_only_enabled_rules_are_described_and_rule_index_points_at_them(in_repo: Path) -> None:
    run_ = the_run(lint_sarif("--select", "SS102,SS104", "examples/bad"))
    rules = run_["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules] == ["SS102", "SS104"]
    assert {result["ruleId"] for result in run_["results"]} == {"SS102", "SS104"}
    for result in run_["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    run_ = the_run(lint_sarif("examples/bad"))
    rules = run_["tool"]["driver"]["rules"]
    as_json = json.loads(run("--format", "json", "--quiet", "examples/bad").stdout)["findings"]
    assert len(run_["results"]) == len(as_json) > 20
    for result in run_["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


def test_results(project: Path) -> None:
    write(project / "db/orders.sql", TWO_SQL)
    run_ = the_run(lint_sarif("db"))
    assert run_["columnKind"] == "unicodeCodePoints"
    assert run_["automationDetails"] == {"id": "sqlsoul/"}
    assert run_["originalUriBaseIds"] == {"%SRCROOT%": {"uri": project.resolve().as_uri() + "/"}}
    first, second = run_["results"]
    assert first["ruleId"] == "SS101" and first["level"] == "warning"
    assert first["message"]["text"].startswith("orders.customer_id ")
    assert first["message"]["text"].endswith(".") and not first["message"]["text"].endswith("..")
    assert location(first) == {
        "artifactLocation": {"uri": "db/orders.sql", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 4, "startColumn": 5, "endLine": 4, "endColumn": 16},
    }
    assert second["ruleId"] == "SS102" and second["message"]["text"].startswith("orders.state ")
    assert location(second)["region"] == {"startLine": 5, "startColumn": 5, "endLine": 5, "endColumn": 10}
    for result in (first, second):
        assert set(result) == {"ruleId", "ruleIndex", "level", "message", "locations", "partialFingerprints"}
        assert list(result["partialFingerprints"]) == ["sqlsoul/v1"]
        assert re.fullmatch(r"[0-9a-f]{64}", result["partialFingerprints"]["sqlsoul/v1"])


def test_every_message_ends_with_a_period(in_repo: Path) -> None:
    # The engine's own messages end without one ("cannot parse: syntax error at or near "ADD"").
    for result in the_run(lint_sarif("--select", "ALL", "examples/bad"))["results"]:
        assert result["message"]["text"].endswith("."), result


def test_non_ascii_columns_count_code_points(project: Path) -> None:
    write(project / "café.sql", CAFE_SQL)
    (result,) = the_run(lint_sarif("café.sql"))["results"]
    assert location(result)["artifactLocation"]["uri"] == "caf%C3%A9.sql"
    assert location(result)["region"] == {"startLine": 2, "startColumn": 47, "endLine": 2, "endColumn": 54}
    assert 'commande."café_id"' in result["message"]["text"]


def test_output_is_deterministic_pretty_utf8(project: Path) -> None:
    write(project / "db/orders.sql", TWO_SQL)
    write(project / "db/café.sql", CAFE_SQL)
    first = run("--format", "sarif", "--quiet", "db")
    second = run("--format", "sarif", "--quiet", "db")
    assert first.stdout == second.stdout
    assert first.stdout.endswith("}\n") and not first.stdout.endswith("\n\n")
    assert '\n  "version": "2.1.0",\n' in first.stdout  # indent 2
    assert "café" in first.stdout and "\\u00e9" not in first.stdout  # UTF-8, not escaped
    assert json.dumps(json.loads(first.stdout), indent=2, ensure_ascii=False) + "\n" == first.stdout


def test_no_suppressions_and_no_line_hash(in_repo: Path) -> None:
    text = run("--format", "sarif", "--quiet", "examples/bad").stdout
    assert '"suppressions":' not in text and "primaryLocationLineHash" not in text
    for result in the_run(json.loads(text))["results"]:
        assert "suppressions" not in result and list(result["partialFingerprints"]) == ["sqlsoul/v1"]
    # examples/bad/002 has a used suppression (payments.provider_payload): its finding is simply absent.
    messages = [result["message"]["text"] for result in the_run(json.loads(text))["results"]]
    assert not any("provider_payload" in message for message in messages)


# --- --sarif-output -------------------------------------------------------------------------------


def test_sarif_output_beside_text_output(project: Path) -> None:
    write(project / "db/orders.sql", TWO_SQL)
    result = run("--sarif-output", "report.sarif", "db")
    assert result.exit_code == 1
    assert result.stdout.startswith("db/orders.sql:4:5: warning SS101 missing-foreign-key: ")
    assert "db/orders.sql:5:5: warning SS102 unchecked-status-column: " in result.stdout
    log = json.loads((project / "report.sarif").read_text(encoding="utf-8"))
    found = [(r["ruleId"], location(r)["region"]["startLine"]) for r in the_run(log)["results"]]
    assert found == [("SS101", 4), ("SS102", 5)]
    # The same bytes as --format sarif.
    assert (project / "report.sarif").read_text(encoding="utf-8") == run("--format", "sarif", "-q", "db").stdout


def test_sarif_output_beside_json_output_to_a_file(project: Path) -> None:
    write(project / "events.sql", STATUS_SQL)
    result = run("--format", "json", "--output", "report.json", "--sarif-output", "out/report.sarif", "events.sql")
    assert result.exit_code == 2  # out/ does not exist: one clear line
    assert "cannot write out/report.sarif" in result.stderr
    (project / "out").mkdir()
    result = run("--format", "json", "--output", "report.json", "--sarif-output", "out/report.sarif", "events.sql")
    assert result.exit_code == 1 and result.stdout == ""
    assert len(json.loads((project / "report.json").read_text(encoding="utf-8"))["findings"]) == 1
    assert len(the_run(json.loads((project / "out/report.sarif").read_text(encoding="utf-8")))["results"]) == 1


# --- paths ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cwd", "path"),
    [
        ("elsewhere", "../project/db/sub dir/events.sql"),
        ("elsewhere", "{project}/db/sub dir/events.sql"),
        ("project/db", "../db/sub dir"),
        ("project/db/sub dir", "{project}/db/sub dir/../sub dir/events.sql"),
    ],
)
def test_uris_are_root_relative_whatever_the_input_spelling(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cwd: str, path: str
) -> None:
    project = tmp_path / "project"
    write(project / ".sqlsoul.yaml", "fail_on: warning\n")
    write(project / "db/sub dir/events.sql", STATUS_SQL)
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / cwd)
    run_ = the_run(lint_sarif(path.format(project=project)))
    (result,) = run_["results"]
    assert location(result)["artifactLocation"] == {"uri": "db/sub%20dir/events.sql", "uriBaseId": "%SRCROOT%"}
    assert run_["originalUriBaseIds"]["%SRCROOT%"]["uri"] == project.resolve().as_uri() + "/"


def test_artifact_uri_encoding() -> None:
    assert sarif.artifact_uri("db/001_init.sql") == "db/001_init.sql"
    assert sarif.artifact_uri("a b/c#d?.sql") == "a%20b/c%23d%3F.sql"
    assert sarif.artifact_uri("naïve/ü.sql") == "na%C3%AFve/%C3%BC.sql"
    assert sarif.artifact_uri("x:y/100%.sql") == "x%3Ay/100%25.sql"  # never read as a scheme or an escape


# --- fingerprints -----------------------------------------------------------------------------------


def fingerprints(log: dict[str, Any]) -> dict[tuple[str, str], tuple[str, int]]:
    """(rule, message) -> (fingerprint, line) of each result."""
    found = {}
    for result in the_run(log)["results"]:
        key = (result["ruleId"], result["message"]["text"])
        assert key not in found
        found[key] = (result["partialFingerprints"]["sqlsoul/v1"], location(result)["region"]["startLine"])
    return found


def test_fingerprints_survive_edits_above_a_finding(project: Path) -> None:
    path = write(project / "db/orders.sql", TWO_SQL)
    before = fingerprints(lint_sarif("db"))
    path.write_text("\n\n-- a comment\nCREATE TABLE audit_log (id bigint PRIMARY KEY, body text);\n\n" + TWO_SQL, encoding="utf-8")
    after = fingerprints(lint_sarif("db"))
    assert before.keys() == after.keys() and len(before) == 2
    for key in before:
        assert before[key][0] == after[key][0]
        assert after[key][1] == before[key][1] + 5
    # Two different findings never share one.
    assert len({value[0] for value in after.values()}) == 2


def test_fingerprints_change_when_the_finding_does(project: Path) -> None:
    path = write(project / "db/orders.sql", TWO_SQL)
    before = fingerprints(lint_sarif("db"))
    path.write_text(TWO_SQL.replace("    state text", "    state varchar(10)"), encoding="utf-8")
    after = fingerprints(lint_sarif("db"))
    fk = [key for key in before if key[0] == "SS101"][0]
    assert before[fk][0] == after[fk][0]  # the line with the foreign key finding did not change
    status_before = [value for key, value in before.items() if key[0] == "SS102"][0]
    status_after = [value for key, value in after.items() if key[0] == "SS102"][0]
    assert status_before[0] != status_after[0]


def finding(line: int, message: str = "t.status is a status column with no CHECK constraint") -> Finding:
    return Finding("SS102", "unchecked-status-column", Severity.WARNING, "x.sql", "x.sql", line, 5, line, 11, message, "")


def test_identical_findings_on_identical_lines_get_ordinals() -> None:
    source = SourceFile("x.sql", "x.sql", "    status text,\n    status text,\n\n    status text,\n")
    result = LintResult(findings=[finding(1), finding(2), finding(4)], files=1, sources={"x.sql": source})
    meta = sarif_meta()
    context = ReportContext("1.0.0", (meta,), Path("/tmp"))
    prints = [r["partialFingerprints"]["sqlsoul/v1"] for r in sarif.build_log(result, context)["runs"][0]["results"]]
    assert len(set(prints)) == 3
    # Blank lines inserted above keep every one of them: the ordinal counts in file order, not lines.
    moved_source = SourceFile("x.sql", "x.sql", "\n\n    status text,\n    status text,\n\n    status text,\n")
    moved = LintResult(findings=[finding(3), finding(4), finding(6)], files=1, sources={"x.sql": moved_source})
    assert [r["partialFingerprints"]["sqlsoul/v1"] for r in sarif.build_log(moved, context)["runs"][0]["results"]] == prints


# --- levels and security metadata ----------------------------------------------------------------


def test_level_follows_the_configured_severity(project: Path) -> None:
    write(project / ".sqlsoul.yaml", "severity:\n  SS102: error\n  missing-foreign-key: note\n")
    write(project / "db/orders.sql", TWO_SQL)
    run_ = the_run(lint_sarif("db"))
    levels = {result["ruleId"]: result["level"] for result in run_["results"]}
    assert levels == {"SS101": "note", "SS102": "error"}
    # The descriptors keep the rules' own defaults; each result carries its effective level.
    defaults = {rule["id"]: rule["defaultConfiguration"]["level"] for rule in run_["tool"]["driver"]["rules"]}
    assert defaults["SS101"] == "warning" and defaults["SS102"] == "warning"


def sarif_meta(**changes: Any) -> RuleMeta:
    base = dict(
        code="SS102", name="unchecked-status-column", category="design", severity=Severity.WARNING, enabled=True,
        summary="A status column accepts any value.", rationale="Typos stay forever", fix="Add a CHECK.",
    )
    return RuleMeta(**{**base, **changes})


def test_security_rules_get_a_security_severity() -> None:
    plain = sarif_meta()
    secure = sarif_meta(code="ABC123", name="plaintext-password", category="safety", severity=Severity.ERROR, security=True)
    note = sarif_meta(code="ABC124", name="weak-hash", category="safety", severity=Severity.NOTE, security=True)
    context = ReportContext("1.0.0", (plain, secure, note), Path("/tmp"))
    rules = sarif.build_log(LintResult(), context)["runs"][0]["tool"]["driver"]["rules"]
    assert "security-severity" not in rules[0]["properties"]
    assert rules[0]["properties"]["tags"] == ["design"]
    assert rules[1]["properties"]["tags"] == ["safety", "security"]
    assert rules[1]["properties"]["problem.severity"] == "error"
    assert 7.0 <= float(rules[1]["properties"]["security-severity"]) <= 8.9  # GitHub: high
    assert 0.1 <= float(rules[2]["properties"]["security-severity"]) <= 3.9  # GitHub: low
    assert rules[2]["properties"]["problem.severity"] == "recommendation"
    assert rules[2]["defaultConfiguration"] == {"level": "note"}
    # A plugin rule has no page in sqlsoul's docs; a built-in one does. Descriptions end with a period.
    assert "helpUri" not in rules[1]
    assert rules[0]["fullDescription"]["text"] == "Typos stay forever."


def test_metadata_fallbacks(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.metadata

    def missing(name: str) -> Any:
        raise importlib.metadata.PackageNotFoundError(name)

    sarif._project_urls.cache_clear()
    monkeypatch.setattr(importlib.metadata, "metadata", missing)
    try:
        assert sarif.homepage() == sarif.FALLBACK_HOMEPAGE == PROJECT_URLS["Homepage"]
        assert sarif.rule_help_uri(sarif_meta()) == (
            "https://github.com/sqlsoul/sqlsoul/blob/main/docs/rules/SS102-unchecked-status-column.md"
        )
        assert sarif.FALLBACK_DOCUMENTATION == PROJECT_URLS["Documentation"]
    finally:
        sarif._project_urls.cache_clear()


def test_renderer_finds_the_sarif_module() -> None:
    assert renderer("sarif") is sarif.render
    text = sarif.render(LintResult(), ReportContext("1.0.0", (), Path("/")))
    log = json.loads(text)
    assert the_run(log)["results"] == [] and the_run(log)["tool"]["driver"]["rules"] == []
    assert the_run(log)["originalUriBaseIds"]["%SRCROOT%"]["uri"] == "file:///"
