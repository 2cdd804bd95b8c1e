"""`--format json`: a stable contract, described by docs/json-output.schema.json."""

from __future__ import annotations

import json
from typing import Any

from sqlsoul.engine import LintResult
from sqlsoul.reporters import ReportContext

JSON_FORMAT_VERSION = 1


def render(result: LintResult, context: ReportContext) -> str:
    summary: dict[str, Any] = {
        "files": result.files,
        "statements": result.statements,
        "findings": len(result.findings),
        "parse_errors": result.parse_errors,
    }
    if context.baseline is not None:
        summary["baseline"] = {"hidden": len(context.baseline.baselined), "gone": context.baseline.gone}
    document = {
        "version": JSON_FORMAT_VERSION,
        "tool": {"name": "sqlsoul", "version": context.version},
        "findings": [
            {
                "rule": finding.rule,
                "code": finding.code,
                "severity": finding.severity.label,
                "path": finding.path,
                "line": finding.line,
                "column": finding.column,
                "end_line": finding.end_line,
                "end_column": finding.end_column,
                "message": finding.message,
                "help": finding.help,
            }
            | (
                {"related": [
                    {"path": r.path, "line": r.line, "column": r.column, "message": r.message} for r in finding.related
                ]}
                if finding.related
                else {}
            )
            for finding in result.findings
        ],
        "summary": summary,
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
