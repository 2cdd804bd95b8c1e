"""`--format json`: a stable contract, described by docs/json-output.schema.json."""

from __future__ import annotations

import json

from sqlsoul.engine import LintResult

JSON_FORMAT_VERSION = 1


def render(result: LintResult, tool_version: str) -> str:
    document = {
        "version": JSON_FORMAT_VERSION,
        "tool": {"name": "sqlsoul", "version": tool_version},
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
            for finding in result.findings
        ],
        "summary": {
            "files": result.files,
            "statements": result.statements,
            "findings": len(result.findings),
            "parse_errors": result.parse_errors,
        },
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
