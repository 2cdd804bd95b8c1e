"""`--format text`: `path:line:col: severity CODE name: message`, the source line and a caret."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlsoul.engine import LintResult
from sqlsoul.findings import Finding, Severity
from sqlsoul.reporters import ReportContext

if TYPE_CHECKING:
    from sqlsoul.baseline import BaselineMatch

_COLORS = {Severity.ERROR: "\033[31m", Severity.WARNING: "\033[33m", Severity.NOTE: "\033[36m"}
_BOLD, _DIM, _RESET = "\033[1m", "\033[2m", "\033[0m"


def _paint(text: str, style: str, color: bool) -> str:
    return f"{style}{text}{_RESET}" if color else text


_LABELS = {severity: severity.label for severity in Severity}


def one_line(message: str) -> str:
    """A message with its line breaks shown escaped: a quoted identifier may hold one, and a heading
    must stay one line (nor start a line of its own that a CI log would read as a command)."""
    return message.replace("\r", "\\r").replace("\n", "\\n")


def render_finding(finding: Finding, source_line: str | None, color: bool) -> str:
    location = _paint(f"{finding.path}:{finding.line}:{finding.column}:", _BOLD, color)
    severity = _paint(_LABELS[finding.severity], _COLORS[finding.severity], color)
    lines = [f"{location} {severity} {finding.code} {finding.rule}: {one_line(finding.message)}"]
    if source_line is not None:
        # One column per character keeps the caret aligned.
        display = source_line.expandtabs(1) if "\t" in source_line else source_line
        start = finding.column - 1
        width = (finding.end_column - finding.column) if finding.end_line == finding.line else len(display) - start
        marker = " " * start + "^" + "~" * max(width - 1, 0)
        lines += [f"  {display}", "  " + _paint(marker, _COLORS[finding.severity], color)]
    for related in finding.related:
        lines.append(f"  related: {related.path}:{related.line}:{related.column}: {related.message}")
    if finding.help.strip():
        # A help text of several lines stays inside the finding's block: later lines line up under
        # the first, and blank lines are dropped, since a blank line is what separates findings.
        first, *rest = [line for line in finding.help.split("\n") if line.strip()]
        lines.append("  " + _paint(f"help: {first}", _DIM, color))
        lines += ["  " + _paint(f"      {line}", _DIM, color) for line in rest]
    return "\n".join(lines)


def flagged_line(result: LintResult, finding: Finding) -> str | None:
    """The finding's first line as the file has it, a secret on it masked (SourceFile.redact);
    None when the file was not read or has no such line."""
    source = result.sources.get(finding.path)
    if source is None or not 1 <= finding.line <= len(source.line_starts):
        return None
    return source.line_text(finding.line)


def render(result: LintResult, context: ReportContext) -> str:
    color = context.color
    blocks = []
    for finding in result.findings:
        blocks.append(render_finding(finding, flagged_line(result, finding) or None, color))
    return "\n\n".join(blocks) + ("\n" if blocks else "")


def summary_line(result: LintResult, seconds: float) -> str:
    counts = {severity: 0 for severity in Severity}
    for finding in result.findings:
        counts[finding.severity] += 1
    detail = ", ".join(f"{counts[s]} {s.label}{'s' if counts[s] != 1 else ''}" for s in sorted(Severity, reverse=True))
    plural = lambda n, word: f"{n} {word}{'' if n == 1 else 's'}"  # noqa: E731
    return (
        f"{plural(result.files, 'file')}, {plural(result.statements, 'statement')}, "
        f"{plural(len(result.findings), 'finding')} ({detail}) in {seconds:.2f}s"
    )


def baseline_line(match: BaselineMatch) -> str:
    """What a baseline hid, and how many of its entries no finding matches any more."""
    line = f"{len(match.baselined)} baselined finding{'' if len(match.baselined) == 1 else 's'} hidden"
    if match.gone:
        line += f", {match.gone} in the baseline no longer found (refresh with --write-baseline)"
    return line
