"""Third-party rule packs, end to end: a fake installed distribution on PYTHONPATH, sqlsoul in a subprocess.

A pack is a distribution with an entry point in the `sqlsoul.rules` group naming a zero-argument
callable that returns Rule subclasses. Here the distribution is a bare `<name>-1.0.dist-info/` folder
(METADATA and entry_points.txt) beside the pack's module, which is all importlib.metadata needs.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

WORKING_PACK = '''
from sqlsoul.findings import Severity
from sqlsoul.rules.base import Rule, RuleMeta


class TableNeedsOwner(Rule):
    meta = RuleMeta(
        code="{code}",
        name="{name}",
        category="acme",
        severity=Severity.WARNING,
        enabled=True,
        summary="Every table must say which team owns it.",
        rationale="Tables nobody owns are never cleaned up.",
        fix="Add COMMENT ON TABLE ... IS 'owner: team'.",
    )
    targets = frozenset({{"CreateStmt"}})

    def check_statement(self, ctx):
        ctx.report(ctx.statement.span, "table has no owner")


def rules():
    return [TableNeedsOwner]
'''

BROKEN_PACK = '''
raise RuntimeError("acme rules need acme-core")


def rules():
    return []
'''

SQL = "-- one table\nCREATE TABLE widgets (id bigint PRIMARY KEY);\n"


def make_pack(site: Path, distribution: str, module: str, source: str) -> None:
    info = site / f"{distribution}-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {distribution}\nVersion: 1.0\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(f"[sqlsoul.rules]\nrules = {module}:rules\n", encoding="utf-8")
    (site / f"{module}.py").write_text(textwrap.dedent(source), encoding="utf-8")


def working(site: Path, distribution: str = "mypack", code: str = "ACM001", name: str = "table-needs-owner") -> None:
    module = distribution.replace("-", "_") + "_rules"
    make_pack(site, distribution, module, WORKING_PACK.format(code=code, name=name))


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "001_create_widgets.sql").write_text(SQL, encoding="utf-8")
    return folder


@pytest.fixture()
def site(tmp_path: Path) -> Path:
    folder = tmp_path / "site"
    folder.mkdir()
    return folder


def sqlsoul(site: Path, cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {key: value for key, value in os.environ.items() if key != "SQLSOUL_DISABLE_PLUGINS"}
    environment["PYTHONPATH"] = os.pathsep.join(filter(None, [str(site), os.environ.get("PYTHONPATH")]))
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-m", "sqlsoul", *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


def rule_codes(listing: str) -> list[str]:
    return [line.split()[0] for line in listing.splitlines()[1:]]


def test_a_working_pack_is_listed_and_reports(site: Path, project: Path) -> None:
    working(site)
    listing = sqlsoul(site, project, "rules")
    assert listing.returncode == 0, listing.stderr
    assert "ACM001" in rule_codes(listing.stdout)
    assert "SS101" in rule_codes(listing.stdout)  # the built-ins are still there
    row = next(line for line in listing.stdout.splitlines() if line.startswith("ACM001"))
    assert row.split()[1:5] == ["table-needs-owner", "acme", "warning", "on"]

    lint = sqlsoul(site, project, "lint", "001_create_widgets.sql")
    assert lint.returncode == 1, lint.stderr
    assert "001_create_widgets.sql:2:1: warning ACM001 table-needs-owner: table has no owner" in lint.stdout


def test_a_pack_rule_works_with_selection_config_and_explain(site: Path, project: Path) -> None:
    working(site)
    only = sqlsoul(site, project, "lint", "--select", "acme", "--format", "json", "-q", ".")
    assert only.returncode == 1, only.stderr
    assert '"code": "ACM001"' in only.stdout
    ignored = sqlsoul(site, project, "lint", "--ignore", "table-needs-owner", ".")
    assert ignored.returncode == 0, ignored.stdout + ignored.stderr
    (project / ".sqlsoul.yaml").write_text("severity:\n  ACM001: error\n", encoding="utf-8")
    configured = sqlsoul(site, project, "lint", ".")
    assert "error ACM001 table-needs-owner" in configured.stdout
    explained = sqlsoul(site, project, "explain", "ACM001")
    assert explained.returncode == 0, explained.stderr
    assert explained.stdout.startswith("# table-needs-owner (ACM001)\n")


def test_a_pack_that_fails_to_import_stops_the_run(site: Path, project: Path) -> None:
    make_pack(site, "mypack", "mypack_rules", BROKEN_PACK)
    for args in (["lint", "."], ["rules"], ["explain", "SS101"]):
        result = sqlsoul(site, project, *args)
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        assert result.stdout == ""
        lines = result.stderr.splitlines()
        assert len(lines) == 1, result.stderr
        assert "mypack" in lines[0] and "acme rules need acme-core" in lines[0]
        assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("SS101", "table-needs-owner"),  # the code of a built-in rule
        ("SS999", "table-needs-owner"),  # a free code, but SS is sqlsoul's prefix
        ("ACM001", "missing-foreign-key"),  # the name of a built-in rule
    ],
)
def test_a_pack_clashing_with_the_builtins_stops_the_run_naming_both(site: Path, project: Path, code: str, name: str) -> None:
    working(site, code=code, name=name)
    result = sqlsoul(site, project, "lint", ".")
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert "'mypack'" in lines[0] and "'sqlsoul'" in lines[0]
    assert code in lines[0]


def test_two_packs_with_the_same_code_stop_the_run_naming_both(site: Path, project: Path) -> None:
    working(site, "mypack")
    working(site, "otherpack", name="other-rule")
    result = sqlsoul(site, project, "rules")
    assert result.returncode == 2
    assert "'mypack'" in result.stderr and "'otherpack'" in result.stderr and "ACM001" in result.stderr


@pytest.mark.parametrize("pack", ["working", "broken"])
@pytest.mark.parametrize("how", ["--no-plugins", "SQLSOUL_DISABLE_PLUGINS=1"])
def test_plugins_can_be_skipped(site: Path, project: Path, pack: str, how: str) -> None:
    if pack == "working":
        working(site)
    else:
        make_pack(site, "mypack", "mypack_rules", BROKEN_PACK)
    flags, env = ([how], {}) if how.startswith("--") else ([], {"SQLSOUL_DISABLE_PLUGINS": "1"})
    listing = sqlsoul(site, project, "rules", *flags, **env)
    assert listing.returncode == 0, listing.stderr
    assert "ACM001" not in rule_codes(listing.stdout) and "SS101" in rule_codes(listing.stdout)
    lint = sqlsoul(site, project, "lint", *flags, ".", **env)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    assert "ACM001" not in lint.stdout


def test_disable_plugins_zero_means_enabled(site: Path, project: Path) -> None:
    working(site)
    result = sqlsoul(site, project, "rules", SQLSOUL_DISABLE_PLUGINS="0")
    assert "ACM001" in rule_codes(result.stdout)


def test_a_pack_returning_something_that_is_not_a_rule_stops_the_run(site: Path, project: Path) -> None:
    make_pack(site, "mypack", "mypack_rules", "def rules():\n    return [object]\n")
    result = sqlsoul(site, project, "rules")
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1 and "mypack" in result.stderr


def test_builtins_load_without_installed_metadata(monkeypatch: pytest.MonkeyPatch) -> None:
    # Run from a source tree (PYTHONPATH=src) there is no `sqlsoul` distribution and no entry point:
    # the built-in rules must still be there.
    from sqlsoul import registry

    monkeypatch.setattr(registry, "entry_points", lambda group: [])
    loaded = registry.load_registry()
    assert "SS101" in loaded.rules and "SS904" in loaded.rules
