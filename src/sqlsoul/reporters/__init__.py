"""Reporters are pure functions of a lint result and a report context: they read no config,
print nothing and import nothing they do not need, so each format loads only when asked for."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING

from sqlsoul.engine import LintResult
from sqlsoul.records import record
from sqlsoul.rules.base import RuleMeta

if TYPE_CHECKING:
    from sqlsoul.baseline import BaselineMatch

# format name -> module under sqlsoul.reporters with a `render(result, context) -> str`
FORMATS = {
    "text": "text", "json": "json_format", "sarif": "sarif", "github": "github", "gitlab": "gitlab", "junit": "junit",
}


@record(frozen=True)
class ReportContext:
    """What every output format needs beside the findings."""

    version: str  # sqlsoul's version
    rules: tuple[RuleMeta, ...]  # the rules enabled in the run, in code order
    root: Path  # the project root that root-relative paths are relative to
    color: bool = False
    # With a baseline, the result holds only the new findings; this says what the baseline hid.
    baseline: BaselineMatch | None = None
    include_baselined: bool = False  # SARIF: keep baselined findings, marked unchanged


def renderer(output_format: str) -> Callable[[LintResult, ReportContext], str]:
    return import_module(f"sqlsoul.reporters.{FORMATS[output_format]}").render  # type: ignore[no-any-return]
