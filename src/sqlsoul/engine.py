"""The lint pipeline: read, parse, replay the history, run rules, apply suppressions.

The engine owns traversal and ordering: rules never walk files themselves. Statement rules are
dispatched by statement kind with the catalog as it stood before the statement; history rules
run once on the final catalog and report at the statement that introduced what they judge.
"""

from __future__ import annotations

import codecs
import gc
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from sqlsoul.findings import Finding, Severity, Span
from sqlsoul.model import Catalog, Origin
from sqlsoul.parsing import ParsedFile, Statement, parse
from sqlsoul.registry import Registry
from sqlsoul.replay import Replayer
from sqlsoul.rules.base import Rule
from sqlsoul.source import SourceFile
from sqlsoul.suppress import apply_suppressions

PARSE_ERROR = "parse-error"
INVALID_ENCODING = "invalid-encoding"
UNREADABLE_FILE = "unreadable-file"


@dataclass(frozen=True, slots=True)
class InputFile:
    display_path: str  # as the user gave it
    root_path: str  # relative to the project root, forward slashes
    path: Path | None  # None for standard input
    data: bytes | None = None  # already read (standard input)


@dataclass(slots=True)
class LintSettings:
    enabled: set[str]
    severity: dict[str, Severity] = field(default_factory=dict)
    rule_options: dict[str, dict[str, Any]] = field(default_factory=dict)
    per_path_ignores: list[tuple[str, set[str]]] = field(default_factory=list)
    pg_version: int = 17


@dataclass(slots=True)
class LintResult:
    findings: list[Finding] = field(default_factory=list)
    files: int = 0
    statements: int = 0
    sources: dict[str, SourceFile] = field(default_factory=dict)  # by display path, for reporters

    @property
    def parse_errors(self) -> int:
        return sum(1 for finding in self.findings if finding.rule == PARSE_ERROR)


class Reporter:
    """Turns what rules say into findings with the rule's code, name and effective severity."""

    def __init__(self, linter: Linter, source: SourceFile, sink: list[Finding]) -> None:
        self.linter = linter
        self.source = source
        self.sink = sink

    def add(self, rule: str, span: Span, message: str, help_text: str = "", statement: int | None = None) -> None:
        meta = self.linter.registry.lookup(rule).meta  # type: ignore[union-attr]
        if meta.code not in self.linter.settings.enabled:
            return
        line, column = self.source.position(span.start)
        end_line, end_column = self.source.position(max(span.end, span.start))
        if (end_line, end_column) == (line, column):
            end_column += 1  # an empty span still marks one character
        self.sink.append(
            Finding(
                code=meta.code,
                rule=meta.name,
                severity=self.linter.settings.severity.get(meta.code, meta.severity),
                path=self.source.display_path,
                root_path=self.source.root_path,
                line=line,
                column=column,
                end_line=end_line,
                end_column=end_column,
                message=message,
                help=help_text or meta.fix.strip(),
                statement=statement,
            )
        )


@dataclass(slots=True)
class StatementContext:
    """What a statement rule sees: the statement, its file, and the catalog just before it."""

    rule: Rule
    statement: Statement
    source: SourceFile
    catalog: Catalog
    settings: LintSettings
    reporter: Reporter

    def report(self, span: Span, message: str, help_text: str = "") -> None:
        self.reporter.add(self.rule.meta.name, span, message, help_text, self.statement.index)


@dataclass(slots=True)
class HistoryContext:
    """What a history rule sees: the final catalog and the files that built it."""

    rule: Rule
    catalog: Catalog
    sources: list[SourceFile]
    settings: LintSettings
    reporters: list[Reporter]

    def report(self, origin: Origin, message: str, help_text: str = "") -> None:
        self.reporters[origin.file].add(self.rule.meta.name, origin.span, message, help_text, origin.statement)


def decode(data: bytes) -> tuple[str, int | None]:
    """Text of a file, and the byte offset of its first invalid UTF-8 sequence if any."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as error:
        return data.decode("utf-8", "replace"), error.start


class Linter:
    def __init__(self, registry: Registry, settings: LintSettings) -> None:
        self.registry = registry
        self.settings = settings
        rules = [
            registry.rules[code](settings.rule_options.get(code)) for code in sorted(settings.enabled)
            if registry.rules[code].scope != "meta"
        ]
        self.history_rules = [rule for rule in rules if rule.scope == "history"]
        self.statement_rules: dict[str, list[Rule]] = defaultdict(list)
        for rule in rules:
            if rule.scope == "statement":
                for kind in rule.targets:
                    self.statement_rules[kind].append(rule)

    def lint(self, histories: Iterable[list[InputFile]]) -> LintResult:
        result = LintResult()
        # Parse trees and the catalog hold no reference cycles, so the cyclic garbage collector
        # only costs time here (a fifth of a large run, walking every live tree); refcounting
        # still frees each file's tree as soon as the file is done.
        collecting = gc.isenabled()
        gc.disable()
        try:
            for inputs in histories:
                self._lint_history(inputs, result)
        finally:
            if collecting:
                gc.enable()
        result.findings.sort(key=Finding.sort_key)
        return result

    def _lint_history(self, inputs: list[InputFile], result: LintResult) -> None:
        catalog = Catalog()
        replayer = Replayer(catalog)
        sources: list[SourceFile] = []
        parsed_files: list[ParsedFile] = []
        reporters: list[Reporter] = []
        per_file: list[list[Finding]] = []
        for item in inputs:
            findings: list[Finding] = []
            source = self._read(item, findings)
            result.files += 1
            if source is None:
                result.findings.extend(findings)
                continue
            reporter = Reporter(self, source, findings)
            parsed = parse(source)
            for failure in parsed.failures:
                reporter.add(PARSE_ERROR, failure.span, f"cannot parse: {failure.message}")
            file_index = len(sources)
            for statement in parsed.statements:
                for rule in self.statement_rules.get(statement.kind, ()):
                    rule.check_statement(StatementContext(rule, statement, source, catalog, self.settings, reporter))
                replayer.apply(statement, source, file_index)
                statement.node = {}  # the tree is no longer needed; keep the file's memory small
            result.statements += len(parsed.statements)
            sources.append(source)
            parsed_files.append(parsed)
            reporters.append(reporter)
            per_file.append(findings)
        for rule in self.history_rules:
            rule.check_history(HistoryContext(rule, catalog, sources, self.settings, reporters))
        for parsed, reporter, findings in zip(parsed_files, reporters, per_file, strict=True):
            kept, problems = apply_suppressions(parsed, findings, self.registry, self.settings.enabled)
            reporter.sink = kept
            for rule, span, message in problems:
                reporter.add(rule, span, message)
            result.findings.extend(self._drop_path_ignored(kept))
            result.sources[parsed.source.display_path] = parsed.source

    def _read(self, item: InputFile, findings: list[Finding]) -> SourceFile | None:
        data = item.data
        if data is None:
            assert item.path is not None
            try:
                data = item.path.read_bytes()
            except OSError as error:
                placeholder = SourceFile(item.display_path, item.root_path, "")
                reason = error.strerror or type(error).__name__
                Reporter(self, placeholder, findings).add(UNREADABLE_FILE, Span(0, 0), f"cannot read file: {reason}")
                return None
        text, bad_byte = decode(data)
        source = SourceFile(item.display_path, item.root_path, text)
        if bad_byte is not None:
            # Everything before the first bad byte decoded as is, so its offset carries over.
            Reporter(self, source, findings).add(
                INVALID_ENCODING,
                Span(bad_byte, bad_byte + 3),
                "file is not valid UTF-8; invalid bytes were read as U+FFFD. Save it as UTF-8",
            )
        return source

    def _drop_path_ignored(self, findings: list[Finding]) -> list[Finding]:
        if not self.settings.per_path_ignores:
            return findings
        return [
            finding
            for finding in findings
            if not any(
                finding.code in codes and fnmatchcase(finding.root_path, pattern)
                for pattern, codes in self.settings.per_path_ignores
            )
        ]
