"""The lint pipeline: read, parse, replay the history, run rules, apply suppressions.

The engine owns traversal and ordering: rules never walk files themselves. Statement rules are
dispatched by statement kind with the catalog as it stood before the statement; history rules
run once on the final catalog and report at the statement that introduced what they judge.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import field, replace
from fnmatch import fnmatchcase
from typing import Any

from sqlsoul.dialects import DEFAULT_MARIADB_VERSION, DEFAULT_MYSQL_VERSION, POSTGRES, DialectChoice
from sqlsoul.findings import Finding, Related, Severity, Span
from sqlsoul.history import Chain, History, InputFile, Part, TransactionMode, Unit
from sqlsoul.ordering import natural_key
from sqlsoul.model import Catalog, Origin
from sqlsoul.parse_ahead import ParseAhead
from sqlsoul.parsing import ParsedFile, Statement, parse
from sqlsoul.plpgsql import FUNCTION_BODY_CATEGORIES, do_statements, function_statements, leading_words
from sqlsoul.records import record
from sqlsoul.registry import Registry
from sqlsoul.replay import Replayer
from sqlsoul.rules.base import Rule, RuleMeta
from sqlsoul.rules.labels import written_as
from sqlsoul.session import Session, directed_mode
from sqlsoul.source import SourceFile
from sqlsoul.suppress import apply_suppressions

PARSE_ERROR = "parse-error"
INVALID_ENCODING = "invalid-encoding"
UNREADABLE_FILE = "unreadable-file"
UNSUPPORTED_STATEMENT = "unsupported-statement"




@record
class LintSettings:
    """What a lint run checks and how: enabled rules, severities, options and targets."""

    enabled: set[str]
    severity: dict[str, Severity] = field(default_factory=dict)
    rule_options: dict[str, dict[str, Any]] = field(default_factory=dict)
    per_path_ignores: list[tuple[str, set[str]]] = field(default_factory=list)
    pg_version: int = 18
    dialects: DialectChoice = field(default_factory=DialectChoice)  # which dialect each file is in
    mysql_version: tuple[int, int, int] = DEFAULT_MYSQL_VERSION
    mariadb_version: tuple[int, int, int] = DEFAULT_MARIADB_VERSION
    keep_catalogs: bool = False  # keep each chain's final catalog in LintResult.catalogs (sqlsoul schema)
    stop_at: str | None = None  # replay no unit after the one this version names (see unit_matches)


@record
class LintResult:
    """What a lint run found, with the counts of files and statements."""

    findings: list[Finding] = field(default_factory=list)
    files: int = 0
    statements: int = 0
    sources: dict[str, SourceFile] = field(default_factory=dict)  # by display path, for reporters
    # Where each statement of a reported file is, by display path (what a finding's `statement`
    # indexes): baseline keys hash the statement's text.
    statement_spans: dict[str, list[Span]] = field(default_factory=dict)
    catalogs: list[Catalog] = field(default_factory=list)  # each chain's final schema, in order (keep_catalogs)

    @property
    def parse_errors(self) -> int:
        return sum(1 for finding in self.findings if finding.rule == PARSE_ERROR)

    @property
    def unsupported(self) -> int:
        return sum(1 for finding in self.findings if finding.rule == UNSUPPORTED_STATEMENT)


class Reporter:
    """Turns what rules say into findings with the rule's code, name and effective severity."""

    def __init__(self, linter: Linter, source: SourceFile, sink: list[Finding]) -> None:
        self.linter = linter
        self.source = source
        self.sink = sink

    def add(self, rule: str, span: Span, message: str, help_text: str = "", statement: int | None = None) -> None:
        reported = self.linter.reported_as(rule)
        if reported is None or self.source.dialect not in reported.dialects:
            return  # not enabled, or not about this file: a rule speaks only of the dialects it declares
        source = self.source
        line, column = source.position(span.start)
        end_line, end_column = source.position(span.end) if span.end > span.start else (line, column)
        if (end_line, end_column) == (line, column):
            end_column += 1  # an empty span still marks one character
        self.sink.append(
            Finding(
                reported.code, reported.name, reported.severity, source.display_path, source.root_path, line, column,
                end_line, end_column, message, help_text or reported.fix, statement,
            )
        )


class _Reported:
    """How a rule's findings are stamped in this run: code, name, severity, dialects, default help."""

    __slots__ = ("code", "name", "severity", "dialects", "fix")

    def __init__(self, meta: RuleMeta, severity: Severity) -> None:
        self.code, self.name, self.severity, self.dialects, self.fix = (
            meta.code, meta.name, severity, meta.dialects, meta.fix.strip(),
        )


@record
class StatementContext:
    """What a statement rule sees: the statement, its file, the catalog just before it, and the
    session of its migration so far (transaction, timeouts, tables created in it)."""

    rule: Rule
    statement: Statement
    source: SourceFile
    catalog: Catalog
    settings: LintSettings
    reporter: Reporter
    session: Session

    def report(self, span: Span, message: str, help_text: str = "") -> None:
        self.reporter.add(self.rule.meta.name, span, message, help_text, self.statement.index)

    def redact(self, span: Span) -> None:
        """Keep a secret in the statement (a password literal) out of every output: reporters show
        the file's lines with it masked, and SARIF fingerprints hash the masked line."""
        self.source.redact(span)


@record
class HistoryContext:
    """What a history rule sees: the final catalog and the files that built it."""

    rule: Rule
    catalog: Catalog
    sources: list[SourceFile]
    settings: LintSettings
    reporters: list[Reporter]

    def report(self, origin: Origin, message: str, help_text: str = "") -> None:
        self.reporters[origin.file].add(self.rule.meta.name, origin.span, message, help_text, origin.statement)


class Linter:
    def __init__(self, registry: Registry, settings: LintSettings) -> None:
        self.registry = registry
        self.settings = settings
        rules = [
            rule(settings.rule_options.get(code)) for code, rule in sorted(registry.rules.items())
            if rule.scope not in ("meta", "verify") and (code in settings.enabled or rule.guards_secrets)
        ]
        self.history_rules = [rule for rule in rules if rule.scope == "history"]
        self.unit_rules = [rule for rule in rules if rule.scope == "unit"]
        self.statement_rules: dict[str, list[Rule]] = defaultdict(list)
        # The rules that also judge the statements of function bodies, and the words those
        # statements can start with (bodies without any are not parsed).
        self.body_rules: dict[str, list[Rule]] = defaultdict(list)
        for rule in rules:
            if rule.scope == "statement":
                for kind in rule.targets:
                    self.statement_rules[kind].append(rule)
                    if rule.meta.category in FUNCTION_BODY_CATEGORIES:
                        self.body_rules[kind].append(rule)
        self.body_words = leading_words(self.body_rules)
        self._statement_rules_by_dialect: dict[str, dict[str, list[Rule]]] = {}
        self._applying: dict[tuple[str, frozenset[str]], list[Rule]] = {}
        self._reported: dict[str, _Reported | None] = {}
        self._judging: dict[tuple[int, frozenset[str]], list[Rule]] = {}

    def judging_subcommands(self, rules: list[Rule], present: frozenset[str]) -> list[Rule]:
        """Those of an ALTER TABLE's rules that judge one of its subcommands (most migrations repeat
        a few combinations: the answer is kept)."""
        key = (id(rules), present)  # `rules` is one of the lists this linter keeps for the whole run
        found = self._judging.get(key)
        if found is None:
            found = self._judging[key] = [
                rule for rule in rules if not rule.subcommands or not rule.subcommands.isdisjoint(present)
            ]
        return found

    def reported_as(self, rule: str) -> _Reported | None:
        """How findings of a rule (by name or code) are stamped; None when the rule is not enabled."""
        if rule not in self._reported:
            meta = self.registry.lookup(rule).meta  # type: ignore[union-attr]
            severity = self.settings.severity.get(meta.code, meta.severity)
            self._reported[rule] = _Reported(meta, severity) if meta.code in self.settings.enabled else None
        return self._reported[rule]

    def statement_rules_for(self, dialect: str) -> dict[str, list[Rule]]:
        """The statement rules by kind for files of a dialect. A rule that guards secrets runs on
        every dialect: what it redacts must stay out of every other finding's line."""
        found = self._statement_rules_by_dialect.get(dialect)
        if found is None:
            found = self._statement_rules_by_dialect[dialect] = {
                kind: kept
                for kind, rules in self.statement_rules.items()
                if (kept := [rule for rule in rules if rule.guards_secrets or dialect in rule.meta.dialects])
            }
        return found

    def applying(self, scope: str, dialects: frozenset[str]) -> list[Rule]:
        """The unit or history rules that can report in a file of one of `dialects` (Reporter
        drops what they say about files of other dialects in a mixed unit or history)."""
        key = (scope, dialects)
        found = self._applying.get(key)
        if found is None:
            rules = self.unit_rules if scope == "unit" else self.history_rules
            found = self._applying[key] = [rule for rule in rules if not dialects.isdisjoint(rule.meta.dialects)]
        return found

    def lint(self, chains: Iterable[Chain | list[InputFile]]) -> LintResult:
        """Lint each chain (a list of files is a plain folder: one unit per file)."""
        result = LintResult()
        # Parse trees and the catalog hold no reference cycles, so the cyclic garbage collector
        # only costs time here (a fifth of a large run, walking every live tree); refcounting
        # still frees each file's tree as soon as the file is done.
        collecting = gc.isenabled()
        gc.disable()
        linted: set[str] = set()  # root paths, to spot a file that several chains share
        shared = False
        try:
            for chain in chains:
                run = _ChainRun(self, chain if isinstance(chain, Chain) else Chain.plain(chain), result)
                shared = shared or not linted.isdisjoint(run.dialects)
                linted.update(run.dialects)
                run.run()
                if self.settings.keep_catalogs:
                    result.catalogs.append(run.catalog)
        finally:
            if collecting:
                gc.enable()
        findings = result.findings
        findings.sort(key=Finding.sort_key)
        if shared:
            # A file that the histories of several engines share (see discovery) is linted once per
            # engine: what those runs say alike is shown once.
            result.findings = [finding for at, finding in enumerate(findings) if not at or finding != findings[at - 1]]
        return result

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


@record
class UnitContext:
    """What a unit rule sees: one migration, the schema before it, after its up, after its down.

    `after_down` is None when the layout keeps no down for the unit; the catalogs are snapshots
    that share unchanged tables, so comparing them is cheap where nothing changed. In `up` and
    `down` the statements a DO block (or a MySQL CALL) runs follow it (their `Statement.inside` is "do").
    """

    rule: Rule
    unit: Unit
    mode: TransactionMode  # the unit's, or what its file directs (-- sqlsoul: assume-in-transaction=...)
    up: list[tuple[int, Statement]]  # (file index, statement) in the order they run
    down: list[tuple[int, Statement]]
    before: Catalog
    after_up: Catalog
    after_down: Catalog | None
    down_problems: list[tuple[int, Statement, str]]  # what the down could not apply to `after_up`
    down_unparsed: bool  # part of the down did not parse (its statements are missing from `down`)
    sources: list[SourceFile | None]
    settings: LintSettings
    reporters: list[Reporter | None]

    def report(self, file: int, span: Span, message: str, help_text: str = "", statement: int | None = None) -> None:
        reporter = self.reporters[file]
        if reporter is not None:
            reporter.add(self.rule.meta.name, span, message, help_text, statement)


@record
class _FileState:
    """One file of a chain run: its source, statements, reporter and findings."""

    item: InputFile
    source: SourceFile | None = None
    parsed: ParsedFile | None = None
    reporter: Reporter | None = None
    findings: list[Finding] = field(default_factory=list)
    replayed: bool = True
    statement_rules: dict[str, list[Rule]] = field(default_factory=dict)  # the rules of the file's dialect, by kind


def unit_matches(unit: Unit, version: str) -> bool:
    """Whether a version names a unit: its version as written or in natural order (4 is 000004), its
    name (000004_add_order_tracking, a sqitch change, a Liquibase author:id); a unit named after its
    file (plain folders: 002_posts.sql) also by the name without .sql and by its leading number (2)."""
    if version in (unit.version, unit.name) or natural_key(unit.version) == natural_key(version):
        return True
    if not unit.version.lower().endswith(".sql"):
        return False
    wanted, stem = natural_key(version), natural_key(unit.version[: -len(".sql")].rsplit("/", 1)[-1])
    return wanted == stem or (len(wanted) == 1 and wanted[0][0] == 0 and wanted == stem[:1])


def chain_inputs(chain: Chain) -> list[InputFile]:
    """Every file a chain reads: its base schema, then its histories' files."""
    return [*chain.base, *(file.input for history in chain.histories for file in history.files)]


def naming_dialect(sources: Iterable[SourceFile | None]) -> str:
    """The dialect whose spelling of names and types the findings about these files take (see
    `labels.written_as`): theirs when they share one, else PostgreSQL's."""
    dialects = {source.dialect for source in sources if source is not None}
    return dialects.pop() if len(dialects) == 1 else POSTGRES


class _ChainRun:
    """One chain through the pipeline: every unit's up replayed in order into one catalog."""

    def __init__(self, linter: Linter, chain: Chain, result: LintResult) -> None:
        self.linter = linter
        self.chain = chain
        self.result = result
        self.catalog = Catalog()
        self.replayer = Replayer(self.catalog, versions=linter.settings)
        # One replayer for every down, each time on that unit's snapshot (a replayer refers to
        # itself through its handlers: one per unit would be garbage only the cyclic GC frees).
        self.down_replayer = Replayer(Catalog(), known=self.replayer.known, versions=linter.settings)
        self.files: list[_FileState] = []
        self.sources: list[SourceFile | None] = []  # by file index, kept in step with self.files
        self.reporters: list[Reporter | None] = []
        self.quiet: set[int] = set()  # files whose findings are never shown (base schema, before lint_from)
        self.partners: list[set[int]] = []  # the files of each unit whose up and down are apart
        self.stopped = False  # the unit settings.stop_at names has run: replay nothing after it
        self.dialects = linter.settings.dialects.of_history([item.root_path for item in chain_inputs(chain)])
        self.parse_ahead = ParseAhead(())  # the trees of the history at hand, parsed in another process

    def run(self) -> None:
        for item in self.chain.base:
            index = self._open(item, edits=[])
            self.quiet.add(index)
            for _, statement in self._run_order([(index, s) for s in self._statements(index)]):
                self._replay(self.replayer, index, statement)
        for history in self.chain.histories:
            if not self.stopped:
                self._run_history(history)
        history_rules = self.linter.history_rules
        if history_rules:
            dialects = frozenset(source.dialect for source in self.sources if source is not None)
            with written_as(naming_dialect(self.sources)):
                for rule in self.linter.applying("history", dialects):
                    rule.check_history(HistoryContext(rule, self.catalog, self.sources, self.linter.settings, self.reporters))  # type: ignore[arg-type]
        self._finish()

    # --- files ---------------------------------------------------------------------------------

    def _open(self, item: InputFile, edits: list[tuple[int, bytes]], replayed: bool = True) -> int:
        state = _FileState(item, replayed=replayed)
        self.files.append(state)
        self.result.files += 1
        dialect = self.dialects[item.root_path]
        read = self.chain.sources.read(item, dialect)
        state.source = read.source
        if read.source is None:
            placeholder = SourceFile(item.display_path, item.root_path, "", dialect)
            Reporter(self.linter, placeholder, state.findings).add(UNREADABLE_FILE, Span(0, 0), f"cannot read file: {read.error}")
        else:
            state.statement_rules = self.linter.statement_rules_for(state.source.dialect)
            state.source.rewrite(edits)
            state.reporter = Reporter(self.linter, state.source, state.findings)
            if read.invalid_at is not None:
                # Everything before the first bad byte decoded as is, so its offset carries over.
                state.reporter.add(
                    INVALID_ENCODING,
                    Span(read.invalid_at, read.invalid_at + 3),
                    "file is not valid UTF-8; invalid bytes were read as U+FFFD. Save it as UTF-8",
                )
        self.sources.append(state.source)
        self.reporters.append(state.reporter)
        return len(self.files) - 1

    def _parsed(self, index: int) -> ParsedFile | None:
        """The file's statements, parsed when a unit first needs them: only the trees of the
        migration at hand are alive at once, not those of the whole history."""
        state = self.files[index]
        if state.parsed is None and state.source is not None and state.reporter is not None:
            if state.source.dialect == POSTGRES:
                state.parsed = parse(state.source, self.parse_ahead.take(index))
            else:
                state.parsed = _parse_foreign(state.source)
            for failure in state.parsed.failures:
                state.reporter.add(PARSE_ERROR, failure.span, f"cannot parse: {failure.message}")
            for failure in state.parsed.unsupported:
                state.reporter.add(UNSUPPORTED_STATEMENT, failure.span, failure.message)  # the front end says what and why
            self.result.statements += len(state.parsed.statements)
        return state.parsed

    def _statements(self, index: int, start: int = 0, end: int | None = None) -> list[Statement]:
        parsed = self._parsed(index)
        if parsed is None:
            return []
        if start == 0 and end is None:
            return parsed.statements  # the whole file, as most layouts have it
        return [s for s in parsed.statements if start <= s.span.start and (end is None or s.span.start < end)]

    # --- units ---------------------------------------------------------------------------------

    def _run_history(self, history: History) -> None:
        first = len(self.files)
        for migration_file in history.files:
            self._open(migration_file.input, migration_file.edits, migration_file.replayed)
        for problem in history.problems:
            reporter = self.files[first + problem.file].reporter
            if reporter is not None:
                reporter.add(problem.rule, Span(problem.offset, problem.offset), problem.message)
        lint_from = self.chain.lint_from
        stop_at = self.linter.settings.stop_at
        # --at: the last unit the version names (duplicate versions run together); -1 for none.
        last = max((at for at, unit in enumerate(history.units) if unit_matches(unit, stop_at)), default=-1) if stop_at else -1
        # A version that names a unit (a sqitch change, a Liquibase author:id) starts there; others
        # (timestamps, numbers) compare in natural order.
        named_unit = lint_from is not None and any(unit.version == lint_from for unit in history.units)
        reached = lint_from is None
        with self._parse_ahead(history, first):
            for at, unit in enumerate(history.units):
                if named_unit:
                    reached = reached or unit.version == lint_from
                else:
                    reached = reached or natural_key(unit.version) >= natural_key(lint_from or "")
                if not reached:
                    self.quiet.update(first + index for index in unit.files)
                self._run_unit(unit, first)
                if at == last:
                    self.stopped = True  # later units and histories are neither replayed nor parsed
                    return
            for index in range(first, len(self.files)):  # files no unit ran (verify scripts, strays) still get parsed
                parsed = self._parsed(index)
                for statement in parsed.statements if parsed else ():
                    statement.node = {}

    def _parse_ahead(self, history: History, first: int) -> ParseAhead:
        """Start parsing the history's PostgreSQL files in the order its units need them."""
        order = dict.fromkeys(first + part.file for unit in history.units for part in (*unit.up, *(unit.down or ())))
        order.update(dict.fromkeys(range(first, len(self.files))))
        texts = [
            (index, source.sql_text)
            for index in order
            if (source := self.files[index].source) is not None and source.dialect == POSTGRES
        ]
        self.parse_ahead = ParseAhead(texts)
        return self.parse_ahead

    def _run_unit(self, unit: Unit, first: int) -> None:
        if len(unit.files) > 1:
            self.partners.append({first + index for index in unit.files})
        written_up = [
            (first + part.file, s) for part in unit.up for s in self._statements(first + part.file, part.start, part.end)
        ]
        written_down = [
            (first + part.file, s) for part in unit.down or () for s in self._statements(first + part.file, part.start, part.end)
        ]
        up, down = self._run_order(written_up), self._run_order(written_down)
        unit_rules = self.linter.unit_rules
        if unit_rules:
            sources = (self.sources[first + index] for index in unit.files)
            unit_rules = self.linter.applying("unit", frozenset(source.dialect for source in sources if source is not None))
        mode = next(
            (directed for index in sorted(unit.files) if (directed := directed_mode(self.sources[first + index]))),
            unit.transaction,
        )
        before = self.catalog.snapshot() if unit_rules else self.catalog
        session = Session(mode, len(written_up))
        request_sizes = self._request_sizes(unit, first, written_up)
        position = -1
        for index, statement in up:
            position += statement.inside is None  # a DO block's statements stand where the block is
            if self.files[index].replayed:
                session.position = position
                session.request_size = request_sizes.get(position, 1)
                self._check(self.catalog, index, statement, session)
                self._replay(self.replayer, index, statement)
                session.step(statement)
        after_down: Catalog | None = None
        problems: list[tuple[int, Statement, str]] = []
        if unit.down is not None:
            # The down runs against the state after the up, on a snapshot: the history goes on from
            # the up's result, as the framework's next migration would.
            after_down = self.catalog.snapshot()
            self.down_replayer.catalog = after_down
            session = Session(mode, len(written_down), down=True)
            request_sizes = self._request_sizes(unit, first, written_down)
            position = -1
            for index, statement in down:
                position += statement.inside is None
                session.position = position
                session.request_size = request_sizes.get(position, 1)
                self._check(after_down, index, statement, session)
                problem = self._replay(self.down_replayer, index, statement)
                if problem:
                    problems.append((index, statement, problem))
                session.step(statement)
        with written_as(naming_dialect(self.sources[first + index] for index in unit.files)):
            for rule in unit_rules:
                rule.check_unit(
                    UnitContext(
                        rule, unit, mode, up, down, before, self.catalog, after_down, problems,
                        self._unparsed(unit.down, first), self.sources, self.linter.settings, self.reporters,
                    )
                )
        for _, statement in (*up, *down):
            statement.node = {}  # the tree is no longer needed; keep the run's memory small

    @staticmethod
    def _request_sizes(unit: Unit, first: int, statements: list[tuple[int, Statement]]) -> dict[int, int]:
        """For each statement (by position) that shares its request with others: how many it holds."""
        if not unit.requests:
            return {}
        members: dict[int, list[int]] = {}
        for position, (index, statement) in enumerate(statements):
            for number, request in enumerate(unit.requests):
                if first + request.file == index and request.holds(statement.span.start):
                    members.setdefault(number, []).append(position)
        return {position: len(held) for held in members.values() for position in held}

    def _unparsed(self, parts: list[Part] | None, first: int) -> bool:
        for part in parts or ():
            parsed = self.files[first + part.file].parsed
            if parsed is not None and any(part.holds(failure.span.start) for failure in parsed.failures):
                return True
        return False

    def _run_order(self, statements: list[tuple[int, Statement]]) -> list[tuple[int, Statement]]:
        """The statements in the order they run: after a DO block, the statements of its body; after
        a MySQL CALL, those of the procedure's body (see sqlsoul.dialects.front)."""
        ordered = []
        for index, statement in statements:
            ordered.append((index, statement))
            if statement.kind == "CallStmt":
                parsed = self.files[index].parsed
                if parsed is not None and parsed.called:
                    ordered.extend((index, inner) for inner in parsed.called.get(statement.index, ()))
            elif statement.kind == "DoStmt":
                source = self.files[index].source
                assert source is not None
                if source.dialect == POSTGRES:  # a DO block's body is PL/pgSQL
                    ordered.extend((index, inner) for inner in do_statements(statement, source))
        return ordered

    def _check(self, catalog: Catalog, index: int, statement: Statement, session: Session) -> None:
        state = self.files[index]
        self._run_rules(state.statement_rules.get(statement.kind), catalog, index, statement, session)
        if statement.kind == "CreateFunctionStmt" and self.linter.body_rules and state.source.dialect == POSTGRES:  # type: ignore[union-attr]
            # A function's body does not run with the migration: only design and security rules
            # judge its statements, which are never replayed. Bodies are read as PL/pgSQL or SQL.
            for inner in function_statements(statement, state.source, self.linter.body_words):  # type: ignore[arg-type]
                self._run_rules(self.linter.body_rules.get(inner.kind), catalog, index, inner, session)

    def _run_rules(
        self, rules: list[Rule] | None, catalog: Catalog, index: int, statement: Statement, session: Session
    ) -> None:
        if not rules:
            return
        if statement.kind == "AlterTableStmt":
            present = frozenset(
                item["AlterTableCmd"].get("subtype") for item in statement.node.get("cmds") or () if "AlterTableCmd" in item
            )
            rules = self.linter.judging_subcommands(rules, present)
            if not rules:
                return
        state = self.files[index]
        # One context for every rule of the statement, told which rule is asking: an ALTER TABLE
        # goes to a dozen rules, and a context each cost more than most of their checks.
        context = StatementContext(rules[0], statement, state.source, catalog, self.linter.settings, state.reporter, session)  # type: ignore[arg-type]
        with written_as(state.source.dialect):  # type: ignore[union-attr]
            for rule in rules:
                context.rule = rule
                rule.check_statement(context)

    def _replay(self, replayer: Replayer, index: int, statement: Statement) -> str | None:
        return replayer.apply(statement, self.files[index].source, index)  # type: ignore[arg-type]

    # --- reporting -----------------------------------------------------------------------------

    def _finish(self) -> None:
        named = self.chain.named
        # An up and its down form one unit: when only one of the two files is named (pre-commit
        # passes changed files), the other's findings are shown in the named one.
        shown_in: dict[int, int] = {}
        for index, state in enumerate(self.files):
            if index not in self.quiet and (named is None or state.item.root_path in named):
                shown_in[index] = index
        for partners in self.partners:
            named_files = [index for index in partners if shown_in.get(index) == index]
            for index in partners:
                if named_files and index not in shown_in and index not in self.quiet:
                    shown_in[index] = named_files[0]
        for index, state in enumerate(self.files):
            target = shown_in.get(index)
            if target is None:
                continue
            kept = state.findings
            if state.parsed is not None:
                kept, problems = apply_suppressions(state.parsed, state.findings, self.linter.registry, self.linter.settings.enabled)
                assert state.reporter is not None
                state.reporter.sink = kept
                for rule, span, message in problems:
                    state.reporter.add(rule, span, message)
                self.result.sources[state.item.display_path] = state.source  # type: ignore[assignment]
                self.result.statement_spans[state.item.display_path] = [s.span for s in state.parsed.statements]
            kept = self.linter._drop_path_ignored(kept)
            if target != index:
                kept = [self._moved(finding, self.files[target]) for finding in kept]
            self.result.findings.extend(kept)

    def _moved(self, finding: Finding, target: _FileState) -> Finding:
        """The finding shown at the top of the named file, pointing at where it really is."""
        where = Related(finding.path, finding.root_path, finding.line, finding.column, "the finding is here")
        return replace(
            finding,
            path=target.item.display_path,
            root_path=target.item.root_path,
            line=1,
            column=1,
            end_line=1,
            end_column=1,
            message=f"{finding.message} (in {finding.path}:{finding.line}:{finding.column}, its pair)",
            statement=None,
            related=(where, *finding.related),
            origin=finding,
        )


def _parse_foreign(source: SourceFile) -> ParsedFile:
    # sqlglot is imported only for a file that needs it: a PostgreSQL run keeps its start-up time.
    from sqlsoul.dialects.front import parse_foreign

    return parse_foreign(source, source.dialect)
