"""`--format gitlab`: a GitLab Code Quality report, for `artifacts: reports: codequality:`.

A JSON array with one issue per finding, holding exactly the properties GitLab reads (the Code
Climate specification it borrows from has more, which GitLab ignores): `description`, `check_name`,
`fingerprint`, `severity`, `location.path` and `location.lines.begin`. The path is relative to the
project root, which GitLab resolves against the repository root.
"""

from __future__ import annotations

import json
from typing import Any

from sqlsoul.engine import LintResult
from sqlsoul.findings import Finding, Severity
from sqlsoul.reporters import ReportContext
from sqlsoul.reporters.fingerprint import reported_fingerprints
from sqlsoul.reporters.text import one_line

# GitLab's scale is info, minor, major, critical, blocker, which its pages show as the icons info,
# low, medium, high and critical. sqlsoul's levels take the same tiers as SARIF's security-severity
# (high, medium, low): an error fails or destroys when the migration runs (critical), a warning locks
# or rewrites a live table (major), a note is advice (minor). `blocker` is left to the pipeline's own
# gate (--fail-on), and `info` would say a note is no problem at all.
SEVERITIES = {Severity.ERROR: "critical", Severity.WARNING: "major", Severity.NOTE: "minor"}


def _issue(finding: Finding, fingerprint: str) -> dict[str, Any]:
    return {
        # Code Climate descriptions are one line of text.
        "description": one_line(finding.message),
        "check_name": f"{finding.code} {finding.rule}",
        # GitLab shows findings with one fingerprint as one entry: this one is unique in the report
        # and the same from run to run (and the same as the finding's SARIF fingerprint).
        "fingerprint": fingerprint,
        "severity": SEVERITIES[finding.severity],
        "location": {"path": finding.root_path, "lines": {"begin": finding.line}},
    }


def render(result: LintResult, context: ReportContext) -> str:
    issues = [
        _issue(finding, fingerprint)
        for finding, fingerprint in zip(result.findings, reported_fingerprints(result, context), strict=True)
    ]
    # GitLab's parser refuses a byte order mark; json.dumps writes none.
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"
