"""A test-only unit rule that says where each statement runs, for the layout tests."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sqlsoul.engine import Linter, LintResult, LintSettings, UnitContext
from sqlsoul.findings import Severity, Span
from sqlsoul.history import Chain
from sqlsoul.registry import Registry, load_registry
from sqlsoul.rules.base import Rule, RuleMeta

from conftest import REPO

PROBE_CODE = "TST001"


class UnitProbe(Rule):
    """One note per statement: which unit runs it, on which side, in which transaction mode."""

    meta = RuleMeta(code=PROBE_CODE, name="unit-probe", category="test", severity=Severity.NOTE, enabled=True,
                    summary="where each statement runs")
    scope = "unit"

    def check_unit(self, ctx: UnitContext) -> None:
        for side, statements in (("up", ctx.up), ("down", ctx.down)):
            for file, statement in statements:
                ctx.report(file, Span(statement.span.start, statement.span.start),
                           f"{ctx.unit.version} {side} {ctx.unit.transaction.value} {statement.kind}", statement=statement.index)


def probe_registry() -> Registry:
    base = load_registry(plugins=False)
    return Registry({**base.rules, PROBE_CODE: UnitProbe}, {**base.names, "unit-probe": PROBE_CODE})


def lint(chains: list[Chain], enabled: Iterable[str] | None = None) -> LintResult:
    """Lint with the probe and the named rules (when None, the rules about histories: migration and meta)."""
    registry = probe_registry()
    if enabled is None:
        codes = {code for code, rule in registry.rules.items() if rule.meta.category in ("migration", "meta")}
        codes.add(PROBE_CODE)
    else:
        codes = {registry.names[name] for name in enabled}
    return Linter(registry, LintSettings(enabled=codes)).lint(chains)


def placed(result: LintResult) -> list[tuple[str, int, int, str]]:
    """Where each statement runs, as the probe reports it: (file, line, column, "unit side mode kind")."""
    return [(f.root_path, f.line, f.column, f.message) for f in result.findings if f.code == PROBE_CODE]


def others(result: LintResult) -> list[tuple[str, str, int, int]]:
    return [(f.rule, f.root_path, f.line, f.column) for f in result.findings if f.code != PROBE_CODE]


def lint_corpus_from_the_command_line(folder: Path, cwd: Path) -> dict[str, Any]:
    """`sqlsoul lint --format json <folder>` in a real process; checks it ended cleanly, returns the report."""
    environment = dict(os.environ, NO_COLOR="1")
    environment["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO / "src"), environment.get("PYTHONPATH")]))
    command = [sys.executable, "-m", "sqlsoul", "lint", "--no-plugins", "--format", "json", str(folder)]
    run = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=300, env=environment)
    assert run.returncode in (0, 1), run.stderr
    assert "Traceback" not in run.stderr, run.stderr
    report: dict[str, Any] = json.loads(run.stdout)
    assert run.returncode == (1 if report["findings"] else 0)
    assert report["summary"]["files"] == sum(1 for _ in folder.rglob("*.sql"))
    return report
