"""Run every unit of every history on a real PostgreSQL: up, down, up again, comparing catalogs.

Each chain gets its own scratch database. A unit's statements are sent one by one, so a failure
names the statement PostgreSQL refused; how they are grouped into transactions follows the unit's
mode (a framework's transaction, one implicit-transaction request, or statement by statement with
goose's StatementBegin/End requests as blocks).
When the down runs in one request or transaction, verify keeps a transaction open until it has compared the catalog with
the one before the up, and rolls it back when the down failed or did not restore it: the next unit
then starts from the schema its up left, as in production, and one bad down does not hide the rest.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import field, replace
from typing import Any

from sqlsoul.engine import LintResult, LintSettings
from sqlsoul.findings import Finding, Severity, Span
from sqlsoul.history import Chain, InputFile, Part, TransactionMode, Unit
from sqlsoul.model import Catalog
from sqlsoul.parsing import ParsedFile, Statement, parse
from sqlsoul.plpgsql import do_statements
from sqlsoul.records import record
from sqlsoul.registry import Registry
from sqlsoul.replay import Replayer
from sqlsoul.session import directed_mode
from sqlsoul.source import SourceFile
from sqlsoul.verify.crosscheck import cross_check
from sqlsoul.verify.server import Server, driver, scratch_database
from sqlsoul.verify.snapshot import differences, take_snapshot

UP_FAILS = "up-fails"
DOWN_FAILS = "down-fails"
DOWN_DOES_NOT_RESTORE = "down-does-not-restore"
REAPPLY_DIFFERS = "reapply-differs"
ENVIRONMENT_MISSING = "environment-missing"
SCHEMA_MODEL_MISMATCH = "schema-model-mismatch"
# Statements after which objects may exist that no statement names (dynamic SQL in a DO block or a function).
_RUNS_CODE = frozenset({"DoStmt", "SelectStmt", "CallStmt"})

_NOT_IN_A_TRANSACTION_BLOCK = "25001"  # active_sql_transaction: "cannot run inside a transaction block"
_LISTED = 12  # differences named in one message; the rest are counted
_EXTENSION_UNAVAILABLE = re.compile(r'^extension "(.+)" is not available|^could not open extension control file ".*/(.+)\.control"')
_ROLE_MISSING = re.compile(r'^role "(.+)" does not exist')
_SETTING_MISSING = re.compile(r'^unrecognized configuration parameter "(.+)"')


@record(frozen=True)
class VerifyOptions:
    settings: list[tuple[str, str]] = field(default_factory=list)  # --setting name=value
    skip_unavailable_extensions: bool = False
    progress: Callable[[int, int, str], None] | None = None  # (unit number, units, unit name)


@record
class _Located:
    file: int
    statement: Statement


@record
class VerifyOutcome:
    result: LintResult
    model_unknowns: int = 0  # objects sqlsoul's model marks unknown, in the last schema cross-checked


class _Stop(Exception):
    """The rest of the chain cannot be verified (an up failed, the database is not where the next unit expects)."""


class _Failure(Exception):
    def __init__(self, where: _Located, error: Any) -> None:
        super().__init__(str(error))
        self.where = where
        self.error = error


def verify(chains: list[Chain], server: Server, registry: Registry, settings: LintSettings, options: VerifyOptions) -> VerifyOutcome:
    result = LintResult()
    unknowns = 0
    total = sum(len(history.units) for chain in chains for history in chain.histories)
    done = 0
    for chain in chains:
        with scratch_database(server, options.settings) as database:
            psycopg = driver()
            connection = psycopg.connect(database.conninfo, autocommit=True)
            try:
                run = _ChainVerify(chain, connection, registry, settings, options, result, done, total)
                run.run()
                done = run.done
                unknowns += run.model_unknowns
            finally:
                # Closed, not rolled back: after Ctrl-C a statement may still be running, and the
                # scratch database is dropped with it anyway.
                connection.close()
    result.findings.sort(key=Finding.sort_key)
    return VerifyOutcome(result, unknowns)


class _ChainVerify:
    def __init__(self, chain: Chain, connection: Any, registry: Registry, settings: LintSettings,
                 options: VerifyOptions, result: LintResult, done: int, total: int) -> None:
        self.chain = chain
        self.connection = connection
        self.registry = registry
        self.settings = settings
        self.options = options
        self.result = result
        self.done = done
        self.total = total
        self.sources: list[SourceFile | None] = []
        self.parsed: list[ParsedFile | None] = []
        self.skipped_extensions: set[str] = set()
        self.remaining = 0  # units not yet run, for the message that stops the chain
        self.model = Catalog()  # sqlsoul's replayed model, checked against the database after each up
        self.replayer = Replayer(self.model)
        self.model_unknowns = 0
        self.mismatches: set[str] = set()  # reported once, where they first appear
        self.made_by_code: set[str] = set()  # objects dynamic SQL made: unknown to the model

    def run(self) -> None:
        self.remaining = sum(len(history.units) for history in self.chain.histories)
        try:
            if self.chain.base:
                base = [self._open(item, []) for item in self.chain.base]
                statements = [_Located(i, s) for i in base for s in self._statements(i, Part(i))]
                self._execute(statements, [], TransactionMode.AUTOCOMMIT)
                self._replay(statements)
            for history in self.chain.histories:
                first = len(self.sources)
                for migration_file in history.files:
                    self._open(migration_file.input, migration_file.edits)
                for unit in history.units:
                    self.done += 1
                    self.remaining -= 1
                    if self.options.progress:
                        self.options.progress(self.done, self.total, unit.name)
                    self._verify_unit(unit, first)
        except _Stop:
            self.done += self.remaining
        except _Failure as failure:  # the base schema did not apply: nothing after it can
            self._report_failure(UP_FAILS, failure, "the base schema fails", stopping=True)
            self.done += self.remaining

    # --- files ---------------------------------------------------------------------------------

    def _open(self, item: InputFile, edits: list[tuple[int, bytes]]) -> int:
        source = self.chain.sources.read(item).source
        if source is not None:
            source.rewrite(edits)
            self.result.sources[source.display_path] = source
            self.result.files += 1
        self.sources.append(source)
        self.parsed.append(None)
        return len(self.sources) - 1

    def _statements(self, index: int, part: Part) -> list[Statement]:
        source = self.sources[index]
        if source is None:
            return []
        if self.parsed[index] is None:
            self.parsed[index] = parse(source)
            self.result.statements += len(self.parsed[index].statements)  # type: ignore[union-attr]
        parsed = self.parsed[index]
        assert parsed is not None
        return [s for s in parsed.statements if s.inside is None and part.holds(s.span.start)]

    def _located(self, parts: list[Part], first: int) -> list[_Located]:
        return [_Located(first + part.file, s) for part in parts for s in self._statements(first + part.file, part)]

    def _unparsed(self, parts: list[Part], first: int, rule: str, what: str, stopping: bool) -> bool:
        """Report the first statement of the parts sqlsoul cannot parse (so cannot send on its
        own), if any: lint reports it too, as parse-error."""
        for part in parts:
            parsed = self.parsed[first + part.file]
            failure = next((f for f in parsed.failures if part.holds(f.span.start)), None) if parsed else None
            if failure is not None:
                stop = f"; {self._stopped()}" if stopping else ""
                self._report(rule, first + part.file, failure.span,
                             f"{what} cannot be run statement by statement: sqlsoul cannot parse it ({failure.message}){stop}")
                return True
        return False

    def _stopped(self) -> str:
        later = self.remaining
        if later == 0:
            return "verify stopped here"
        if later == 1:
            return "verify stopped here: the next unit depends on this one and was not run"
        return f"verify stopped here: the {later} later units depend on this one and were not run"

    def _text(self, where: _Located) -> str:
        source = self.sources[where.file]
        assert source is not None
        return source.sql[where.statement.span.start : where.statement.span.end].decode("utf-8")

    # --- one unit ------------------------------------------------------------------------------

    def _verify_unit(self, unit: Unit, first: int) -> None:
        mode = next(
            (directed for index in sorted(unit.files) if (directed := directed_mode(self.sources[first + index]))),
            unit.transaction,
        )
        requests = [Part(first + request.file, request.start, request.end) for request in unit.requests]
        up, down = self._located(unit.up, first), self._located(unit.down or [], first)
        if self._unparsed(unit.up, first, UP_FAILS, f"the up of {unit.name}", stopping=True):
            raise _Stop
        if self._unparsed(unit.down or [], first, DOWN_FAILS, f"the down of {unit.name}", stopping=False):
            unit = replace(unit, down=None)  # run the up alone: a down verify cannot read is not run
        before = take_snapshot(self.connection)
        try:
            self._execute(up, requests, mode)
        except _Failure as failure:
            self._report_failure(UP_FAILS, failure, f"the up of {unit.name} fails", stopping=True)
            raise _Stop from None
        self._replay(up)
        self._cross_check(unit, up)
        if not unit.down:  # the layout keeps no down, or it is missing (lint reports that)
            return
        after_up = take_snapshot(self.connection)
        guarded = len(self._blocks(down, requests, mode)) <= 1
        try:
            try:
                self._execute(down, requests, mode, keep_open=guarded)
            except _Failure as failure:
                if not (guarded and getattr(failure.error, "sqlstate", None) == _NOT_IN_A_TRANSACTION_BLOCK):
                    raise
                guarded = False  # a lone DROP INDEX CONCURRENTLY, say: run it as the framework does
                self._execute(down, requests, mode)
        except _Failure as failure:
            self._report_failure(DOWN_FAILS, failure, f"the down of {unit.name} fails", stopping=not guarded)
            if guarded:
                return  # rolled back: the schema is the up's, as the next unit expects
            raise _Stop from None
        left = differences(before, take_snapshot(self.connection))
        if left:
            self._report_at_down(unit, first, down, DOWN_DOES_NOT_RESTORE,
                                 f"the down of {unit.name} does not restore the schema from before its up: {_listing(left)}")
            if guarded:
                self.connection.execute("ROLLBACK")
                return
        elif guarded:
            self.connection.execute("COMMIT")
        try:
            self._execute(up, requests, mode)
        except _Failure as failure:
            self._report_failure(REAPPLY_DIFFERS, failure, f"the up of {unit.name} fails when applied again after its down",
                                 stopping=True)
            raise _Stop from None
        changed = differences(after_up, take_snapshot(self.connection))
        if changed:
            where = up[0] if up else None
            message = f"the up of {unit.name} applied again after its down gives a different schema: {_listing(changed)}"
            if where is not None:
                self._report(REAPPLY_DIFFERS, where.file, where.statement.span, message)
            else:
                self._report_at_down(unit, first, down, REAPPLY_DIFFERS, message)

    # --- the model -----------------------------------------------------------------------------

    def _replay(self, statements: list[_Located]) -> None:
        for where in statements:
            source = self.sources[where.file]
            assert source is not None
            self.replayer.apply(where.statement, source, where.file)
            if where.statement.kind == "DoStmt":
                for inner in do_statements(where.statement, source):
                    self.replayer.apply(inner, source, where.file)

    def _cross_check(self, unit: Unit, up: list[_Located]) -> None:
        if not up:
            return
        dynamic = any(where.statement.kind in _RUNS_CODE for where in up)
        check = cross_check(self.model, self.connection, dynamic, self.made_by_code)
        self.model_unknowns = check.unknown
        for mismatch in check.mismatches:
            said = f"{mismatch.key}: {mismatch.model} / {mismatch.real}"
            if said in self.mismatches:
                continue
            self.mismatches.add(said)
            self._report(SCHEMA_MODEL_MISMATCH, up[0].file, up[0].statement.span,
                         f"after the up of {unit.name}, sqlsoul's model and PostgreSQL disagree on {mismatch.key}: "
                         f"the model has {mismatch.model}, PostgreSQL has {mismatch.real}")

    # --- executing -----------------------------------------------------------------------------

    @staticmethod
    def _blocks(statements: list[_Located], requests: list[Part], mode: TransactionMode) -> list[tuple[list[_Located], bool]]:
        """The statements grouped as PostgreSQL runs them: (statements, whether in a transaction block)."""
        if mode is TransactionMode.TRANSACTION:
            return [(statements, True)] if statements else []
        if mode is TransactionMode.IMPLICIT:
            # One request: several statements form an implicit transaction block, one runs alone.
            return [(statements, len(statements) > 1)] if statements else []
        blocks: list[tuple[list[_Located], bool]] = []
        current: Part | None = None
        for where in statements:
            request = next((r for r in requests if r.file == where.file and r.holds(where.statement.span.start)), None)
            if request is not None and request == current:
                blocks[-1][0].append(where)
                continue
            current = request
            blocks.append(([where], False))
        return [(block, len(block) > 1) for block, _ in blocks]

    def _execute(self, statements: list[_Located], requests: list[Part], mode: TransactionMode, keep_open: bool = False) -> None:
        """Run the statements; raise _Failure at the first PostgreSQL refuses (its block rolled back).
        With keep_open, the statements run in one transaction left open for the caller to end."""
        psycopg = driver()
        blocks = self._blocks(statements, requests, mode)
        if keep_open:
            blocks = [([where for block, _ in blocks for where in block], True)]
        for block, in_block in blocks:
            if in_block:
                self.connection.execute("BEGIN")
            for where in block:
                if self._skipped(where):
                    continue
                try:
                    self.connection.execute(self._text(where), prepare=False)
                except psycopg.Error as error:
                    if in_block:
                        self.connection.execute("ROLLBACK")
                    raise _Failure(where, error) from None
            if in_block and not keep_open:
                self.connection.execute("COMMIT")

    def _skipped(self, where: _Located) -> bool:
        """With --skip-unavailable-extensions: CREATE EXTENSION of one the server lacks is reported
        and skipped, and so is the DROP EXTENSION that undoes it."""
        if not self.options.skip_unavailable_extensions:
            return False
        node = where.statement.node
        if where.statement.kind == "CreateExtensionStmt":
            name = node.get("extname", "")
            available = self.connection.execute("SELECT 1 FROM pg_available_extensions WHERE name = %s", (name,)).fetchone()
            if available is None:
                if name not in self.skipped_extensions:
                    self.skipped_extensions.add(name)
                    self._report(ENVIRONMENT_MISSING, where.file, where.statement.span,
                                 f"extension {name} is not available on this server; verify carried on without it "
                                 "(--skip-unavailable-extensions): statements that need it will fail",
                                 _extension_help(name), Severity.NOTE)
                return True
        if where.statement.kind == "DropStmt" and node.get("removeType") == "OBJECT_EXTENSION":
            names = {item.get("String", {}).get("sval") for item in node.get("objects") or ()}
            return bool(names) and names <= self.skipped_extensions
        return False

    # --- reporting -----------------------------------------------------------------------------

    def _report_failure(self, rule: str, failure: _Failure, what: str, stopping: bool) -> None:
        error = failure.error
        diag = getattr(error, "diag", None)
        message = (diag.message_primary if diag is not None else None) or str(error).strip().splitlines()[0]
        sqlstate = getattr(error, "sqlstate", None)
        missing = _environment(message)
        stop = f"; {self._stopped()}" if stopping else ""
        if missing is not None:
            kind, name, help_text = missing
            self._report(ENVIRONMENT_MISSING, failure.where.file, failure.where.statement.span,
                         f"{what}: the server has no {kind} {name} (PostgreSQL: {message}){stop}", help_text)
            return
        detail = f"{message} [SQLSTATE {sqlstate}]" if sqlstate else message
        self._report(rule, failure.where.file, failure.where.statement.span, f"{what}: {detail}{stop}")

    def _report_at_down(self, unit: Unit, first: int, down: list[_Located], rule: str, message: str) -> None:
        if down:
            self._report(rule, down[0].file, down[0].statement.span, message)
            return
        part = (unit.down or unit.up)[0]  # an empty down: its file's start
        self._report(rule, first + part.file, Span(part.start, part.start), message)

    def _report(self, rule: str, file: int, span: Span, message: str, help_text: str = "",
                severity: Severity | None = None) -> None:
        meta = self.registry.lookup(rule).meta  # type: ignore[union-attr]
        source = self.sources[file]
        if meta.code not in self.settings.enabled or source is None:
            return
        line, column = source.position(span.start)
        end_line, end_column = source.position(max(span.end, span.start))
        if (end_line, end_column) == (line, column):
            end_column += 1  # an empty span still marks one character
        self.result.findings.append(Finding(
            code=meta.code, rule=meta.name, severity=severity or self.settings.severity.get(meta.code, meta.severity),
            path=source.display_path, root_path=source.root_path, line=line, column=column,
            end_line=end_line, end_column=end_column, message=message, help=help_text or meta.fix.strip(),
        ))


def _listing(items: list[str]) -> str:
    shown = "; ".join(items[:_LISTED])
    return shown + (f"; and {len(items) - _LISTED} more" if len(items) > _LISTED else "")


def _extension_help(name: str) -> str:
    return (f"Install the extension {name} on the server verify uses (its package for the PostgreSQL version), or run "
            f"verify --database-url against a server that has it; --skip-unavailable-extensions carries on without it.")


def _environment(message: str) -> tuple[str, str, str] | None:
    """(kind, name, how to provide it) when PostgreSQL refused for lack of something the server
    should have been given rather than for a fault of the migration."""
    if found := _EXTENSION_UNAVAILABLE.match(message):
        name = found.group(1) or found.group(2)
        return "extension", name, _extension_help(name)
    if found := _ROLE_MISSING.match(message):
        name = found.group(1)
        return "role", name, (f"Create the role before verify runs (CREATE ROLE {name};) on the server given with "
                              "--database-url, or create it in an earlier migration if the application needs it.")
    if found := _SETTING_MISSING.match(message):
        name = found.group(1)
        return "setting", name, f"Give the setting its value with --setting {name}=VALUE."
    return None
