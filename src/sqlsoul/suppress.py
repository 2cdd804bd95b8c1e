"""Inline suppressions: `-- sqlsoul: ignore[rule, ...] reason` and `-- sqlsoul: ignore-file[...]`.

Any comment of the file's dialect can hold one: `/* sqlsoul: ... */` too, and in MySQL
`# sqlsoul: ...`.

A directive on the line(s) just before a statement, or on the statement's last line, silences
those rules for the whole statement; one on an inner line of a statement silences findings that
start on that line (a column definition, say). Directives that silence nothing are reported.

The statements inside a DO block or a function body count as the DO or CREATE FUNCTION statement
(their findings carry its index), so write the directive before the DO / CREATE FUNCTION, or after
the semicolon on its last line:

    -- sqlsoul: ignore[renaming-table] nothing reads the old name any more
    DO $$ BEGIN ALTER TABLE users RENAME TO accounts; END $$;

A comment inside the body is part of the body's string literal, not a comment of the file, so a
directive written there is not read.

The statements of a MySQL procedure count as each CALL of it that runs them (see
sqlsoul.dialects.front): a directive above the CALL speaks for all of them, and one above (or on
the last line of) a statement inside the procedure's body speaks for that statement wherever it
is called; on an inner line of it, for the line of code below, as above.

A statement that the front end reads but does not model (an `unsupported-statement` note: a MySQL
stored procedure, an OPTIMIZE TABLE) has no statement of its own; a directive above it, or after
it on its first line, speaks for the findings on that first line:

    # sqlsoul: ignore[unsupported-statement] reviewed by hand
    CREATE PROCEDURE purge_sessions() BEGIN DELETE FROM sessions; END $$
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import field

from sqlsoul.findings import Finding, Span
from sqlsoul.parsing import ParsedFile
from sqlsoul.records import record
from sqlsoul.registry import Registry
from sqlsoul.source import Comment, SourceFile

UNUSED_SUPPRESSION = "unused-suppression"
UNKNOWN_RULE_IN_SUPPRESSION = "unknown-rule-in-suppression"

# The comment may be any the file's dialect has: `#` is one only in MySQL files (SourceFile.comments).
_DIRECTIVE = re.compile(r"^(?:--+|/\*+|\#+)\s*sqlsoul:\s*(ignore-file|ignore)\b\s*(?:\[([^\]]*)\])?", re.IGNORECASE)

Problem = tuple[str, Span, str]  # (rule name, where, message)


@record
class _Directive:
    """One suppression comment: the codes it names and whether it covers the whole file."""

    comment: Comment
    codes: dict[str, str]  # code -> as written
    file_wide: bool
    statement: int | None = None
    line: int | None = None  # limits an inner-line directive to findings on that line
    unmodelled: bool = False  # speaks for a statement the front end does not model (first line: `line`)
    calls: frozenset[int] = frozenset()  # speaks for a statement of a procedure's body, run by these CALLs
    lines: tuple[int, int] = (0, 0)  # ... whose findings start on these lines
    used: set[str] = field(default_factory=set)

    def covers(self, finding: Finding) -> bool:
        if finding.code not in self.codes:
            return False
        if self.file_wide:
            return True
        if self.calls:
            return finding.statement in self.calls and self.lines[0] <= finding.line <= self.lines[1]
        if self.unmodelled:  # its findings (notes) belong to no statement
            return finding.statement is None and finding.line == self.line
        if self.statement is None:  # speaks for no statement (none follows it, or the next one did not parse)
            return False
        return finding.statement == self.statement and (self.line is None or finding.line == self.line)


def apply_suppressions(
    parsed: ParsedFile, findings: list[Finding], registry: Registry, enabled: set[str]
) -> tuple[list[Finding], list[Problem]]:
    """Findings that no directive silences, and the problems with the directives themselves."""
    source = parsed.source
    if b"sqlsoul:" not in source.data:
        return findings, []
    problems: list[Problem] = []
    directives = [d for c in source.comments if (d := _read_directive(c, registry, problems))]
    if not directives:
        return findings, problems
    starts = [statement.span.start for statement in parsed.statements]
    for directive in directives:
        if not directive.file_wide:
            _attach(directive, parsed, starts)
    kept = []
    for finding in findings:
        silencer = next((d for d in directives if d.covers(finding)), None)
        if silencer is None:
            kept.append(finding)
        else:
            silencer.used.add(finding.code)
    for directive in directives:
        for code, written in directive.codes.items():
            if code in enabled and code not in directive.used:
                scope = "in this file" if directive.file_wide else "in this statement"
                if directive.line is not None:
                    scope = f"on line {directive.line}"
                if not directive.file_wide and directive.statement is None and not directive.unmodelled and not directive.calls:
                    scope = "in any statement (no statement that parses follows it)"
                problems.append(
                    (UNUSED_SUPPRESSION, directive.comment.span, f"suppression of {written} matches no finding {scope}; remove it")
                )
    return kept, problems


def _read_directive(comment: Comment, registry: Registry, problems: list[Problem]) -> _Directive | None:
    match = _DIRECTIVE.match(comment.text)
    if match is None:
        return None
    kind, listed = match.groups()
    entries = [entry.strip() for entry in (listed or "").split(",") if entry.strip()]
    if not entries:
        problems.append(
            (UNKNOWN_RULE_IN_SUPPRESSION, comment.span, f"sqlsoul: {kind} names no rule; write {kind}[rule-name, ...]")
        )
        return None
    codes: dict[str, str] = {}
    for entry in entries:
        rule = registry.lookup(entry)
        if rule is None:
            problems.append((UNKNOWN_RULE_IN_SUPPRESSION, comment.span, f"suppression names unknown rule {entry!r}"))
        else:
            codes[rule.meta.code] = entry
    return _Directive(comment, codes, file_wide=kind.lower() == "ignore-file") if codes else None


def _attach(directive: _Directive, parsed: ParsedFile, starts: list[int]) -> None:
    """Find the statement (and line) a directive speaks for, from where its comment sits."""
    source, comment, statements = parsed.source, directive.comment, parsed.statements
    at = bisect_right(starts, comment.span.start) - 1
    if at >= 0:
        statement = statements[at]
        last_line = source.line_of(max(statement.span.start, statement.span.end - 1))
        if comment.span.start < statement.span.end:
            directive.statement = at
            if comment.own_line:
                # On a line of its own inside a statement it speaks for the next line of code
                # (the column definition below it), like a suppression above a statement.
                code = _first_code(source, comment.span.end, statement.span.end)
                directive.line = source.line_of(code) if code is not None else comment.line
            else:
                directive.line = None if comment.line == last_line else comment.line
            return
        if comment.line == last_line:  # after the semicolon, on the statement's last line
            directive.statement = at
            return
    following = at + 1
    if (
        comment.own_line
        and following < len(statements)
        and _first_code(source, comment.span.end, statements[following].span.start) is None
    ):
        directive.statement = following
        return
    if parsed.called and _attach_to_body(directive, parsed):
        return
    _attach_to_unmodelled(directive, parsed)


def _attach_to_body(directive: _Directive, parsed: ParsedFile) -> bool:
    """Let a directive speak for the statement of a called procedure's body it is above, in, or
    after on its last line (for every CALL that runs it)."""
    source, comment = parsed.source, directive.comment
    inner = sorted((s for statements in parsed.called.values() for s in statements), key=lambda s: s.span.start)
    for statement in inner:
        last_line = source.line_of(max(statement.span.start, statement.span.end - 1))
        inside = statement.span.start <= comment.span.start < statement.span.end
        above = comment.span.start < statement.span.start and comment.own_line and (
            _first_code(source, comment.span.end, statement.span.start) is None
        )
        after = comment.span.start >= statement.span.end and comment.line == last_line
        if not (inside or above or after):
            continue
        directive.calls = frozenset(s.index for s in inner if s.span == statement.span)
        directive.lines = (source.line_of(statement.span.start), last_line)
        if inside and comment.own_line:
            code = _first_code(source, comment.span.end, statement.span.end)
            line = source.line_of(code) if code is not None else comment.line
            directive.lines = (line, line)
        elif inside and comment.line != last_line:
            directive.lines = (comment.line, comment.line)
        return True
    return False


def _attach_to_unmodelled(directive: _Directive, parsed: ParsedFile) -> None:
    """Let a directive speak for the statement the front end does not model just below it (nothing
    but white space and comments between), or on whose first line it follows."""
    source, comment = parsed.source, directive.comment
    for note in parsed.unsupported:
        line = source.line_of(note.span.start)
        if note.span.start < comment.span.start:
            if line == comment.line and not comment.own_line:
                directive.unmodelled, directive.line = True, line
                return
            continue
        if comment.own_line and _first_code(source, comment.span.end, note.span.start) is None:
            directive.unmodelled, directive.line = True, line
        return


def _first_code(source: SourceFile, start: int, stop: int) -> int | None:
    """Offset of the first byte in [start, stop) that is neither white space nor inside a comment."""
    position = start
    for span in [c.span for c in source.comments if start <= c.span.start < stop] + [Span(stop, stop)]:
        chunk = source.sql[position : span.start]
        blank = len(chunk) - len(chunk.lstrip())
        if blank < len(chunk):
            return position + blank
        position = max(position, span.end)
    return None
