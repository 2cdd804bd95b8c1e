"""`--format github`: one GitHub Actions workflow command per finding, which the runner turns into an
annotation on the workflow run and on the changed line of a pull request.

    ::warning file=db/1_orders.sql,line=4,col=5,endLine=4,endColumn=16,title=SS101 missing-foreign-key::message

The file is the root-relative path: GitHub resolves a relative annotation path against the repository
root (the workspace), which is the project root when the config file, or none, sits at the top of the
repository. Values are escaped exactly as @actions/core does (packages/core/src/command.ts).
"""

from __future__ import annotations

from sqlsoul.engine import LintResult
from sqlsoul.findings import Finding, Severity
from sqlsoul.reporters import ReportContext

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "notice"}


def escape_data(value: str) -> str:
    """The message after `::` (@actions/core `escapeData`): `%` first, so no escape is escaped twice."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """A `key=value` property (@actions/core `escapeProperty`): also `:` and `,`, which end a value."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def render_finding(finding: Finding) -> str:
    properties = {"file": finding.root_path, "line": str(finding.line)}
    if finding.end_line == finding.line:
        # GitHub accepts columns only on a one-line annotation; end columns are exclusive, as in
        # the JSON and SARIF output.
        properties |= {"col": str(finding.column), "endLine": str(finding.end_line), "endColumn": str(finding.end_column)}
    else:
        properties["endLine"] = str(finding.end_line)
    properties["title"] = f"{finding.code} {finding.rule}"
    message = finding.message
    if finding.help.strip():
        # The annotation box keeps line breaks, so the fix reads as its own paragraph under the message.
        message += "\n\n" + finding.help.strip()
    rendered = ",".join(f"{key}={escape_property(value)}" for key, value in properties.items())
    return f"::{COMMANDS[finding.severity]} {rendered}::{escape_data(message)}"


def render(result: LintResult, context: ReportContext) -> str:
    return "".join(render_finding(finding) + "\n" for finding in result.findings)
