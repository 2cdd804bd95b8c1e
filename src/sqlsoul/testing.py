"""Run the cases of a rule spec (`rules/<CODE>.yaml`): for sqlsoul's own tests and for plugin authors.

A case is `sql:` (one file) or `files: {path: sql}` (a history; a null body stands for a file that
cannot be read), optional `config:` (the `.sqlsoul.yaml` keys), optional `encoding:` for the bytes
of a `sql:` case, and `expect:` — the findings of the rule under test as `{line, column}`
(plus `path` for multi-file cases), empty for a passing case.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from sqlsoul.config import Config, _Checker, history_settings, lint_settings
from sqlsoul.discovery import discover
from sqlsoul.engine import Linter
from sqlsoul.findings import Finding
from sqlsoul.registry import Registry, load_registry

SINGLE_FILE = "case.sql"


def write_case_files(case: dict[str, Any], folder: Path) -> None:
    if "sql" in case:
        (folder / SINGLE_FILE).write_bytes(str(case["sql"]).encode(case.get("encoding", "utf-8")))
        return
    for name, body in case["files"].items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if body is None:
            path.symlink_to(folder / f"{name}.missing-target")
        else:
            path.write_text(str(body), encoding="utf-8")


def case_config(case: dict[str, Any], registry: Registry) -> Config:
    data = case.get("config") or {}
    return _Checker(Path("<case config>"), registry, lambda keys: 1).config(dict(data))


def run_case(code: str, case: dict[str, Any], registry: Registry | None = None) -> list[Finding]:
    """Lint a case as a project folder, with the rule under test enabled; return that rule's findings."""
    registry = registry or load_registry()
    config = case_config(case, registry)
    settings = lint_settings(config, registry.select(config.select, config.ignore) | {code})
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        write_case_files(case, root)
        chains = discover([folder], root, config.exclude, settings=history_settings(config))
        result = Linter(registry, settings).lint(chains)
    return [finding for finding in result.findings if finding.code == code]


def observed(findings: list[Finding], multi_file: bool) -> list[dict[str, Any]]:
    """Findings in the shape of a case's `expect:` list."""
    return [
        ({"path": finding.root_path} if multi_file else {}) | {"line": finding.line, "column": finding.column}
        for finding in findings
    ]


def expected(case: dict[str, Any]) -> list[dict[str, Any]]:
    return sorted(
        (dict(item) for item in case["expect"]),
        key=lambda item: (item.get("path", ""), item["line"], item["column"]),
    )
