"""The command line: a thin layer that maps options to the engine and results to exit codes.

Exit codes: 0 nothing at or above --fail-on; 1 findings at or above it; 2 usage, config, plugin
or internal error (one line on stderr; the traceback only with --debug).
"""

from __future__ import annotations

import gc
import os
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from sqlsoul import __version__
from sqlsoul.config import (
    CONFIG_FILE,
    DEFAULT_PG_VERSION,
    FAIL_ON_CHOICES,
    PG_VERSIONS,
    Config,
    ConfigError,
    history_settings,
    lint_settings,
    load_config,
)
from sqlsoul.dialects import DIALECTS, LABELS, POSTGRES, short_list
from sqlsoul.discovery import STDIN, DiscoveryError, ProjectRoot, discover, find_project_root
from sqlsoul.engine import Linter, LintResult, LintSettings, chain_inputs
from sqlsoul.history import Chain
from sqlsoul.findings import Severity
from sqlsoul.registry import PluginError, Registry, load_registry, plugins_disabled
from sqlsoul.reporters import FORMATS, ReportContext, renderer

if TYPE_CHECKING:
    from sqlsoul.baseline import BaselineMatch

F = TypeVar("F", bound=Callable[..., Any])


class UsageProblem(Exception):
    """A problem with what the user asked for: exit 2 with one line."""


def _fail(message: str) -> None:
    click.echo(f"sqlsoul: error: {message}", err=True)
    sys.exit(2)


# What a shell reports for a process that a closed pipe stopped: 128 + SIGPIPE.
BROKEN_PIPE_EXIT = 141


def _reader_gone() -> None:
    """The reader of the output went away (`sqlsoul rules | head`): stop quietly, as shell tools do.
    Standard output now goes nowhere, so that flushing what is left cannot fail again."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    sys.exit(BROKEN_PIPE_EXIT)


def _guarded(command: F) -> F:
    """Turn known problems into one-line errors with exit 2, and unknown ones too unless --debug."""

    @wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        debug = kwargs.get("debug", False)
        try:
            return command(*args, **kwargs)
        except (UsageProblem, ConfigError, PluginError, DiscoveryError) as error:
            _fail(str(error))
        except BrokenPipeError:
            _reader_gone()
        except Exception as error:  # the promise is one clear line, never a traceback
            if debug:
                raise
            _fail(f"internal error: {type(error).__name__}: {error} (rerun with --debug for the traceback)")

    return run  # type: ignore[return-value]


def _without_cycle_collection(command: F) -> F:
    """Run a command with the cyclic garbage collector off. A lint makes next to no reference
    cycles (see Linter.lint), and each collection would walk every object the run keeps: about
    10 ms on a large history. What the run made is frozen before the collector is back on, so
    that its first collection does not walk it all anyway (the process ends right after)."""

    @wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        collecting = gc.isenabled()
        gc.disable()
        try:
            return command(*args, **kwargs)
        finally:
            if collecting:
                gc.freeze()
                gc.enable()

    return run  # type: ignore[return-value]


def _split(values: tuple[str, ...]) -> list[str]:
    return [item.strip() for value in values for item in value.split(",") if item.strip()]


def _registry(no_plugins: bool) -> Registry:
    return load_registry(plugins=not (no_plugins or plugins_disabled()))


class _OneLineUsageError(click.ClickException):
    """A command-line mistake, shown like every other error: one line on stderr, exit 2."""

    exit_code = 2

    def __init__(self, error: click.UsageError) -> None:
        super().__init__(error.format_message())
        self.command_path = error.ctx.command_path if error.ctx is not None else "sqlsoul"

    def show(self, file: Any = None) -> None:
        message = " ".join(self.format_message().split())
        click.echo(f"sqlsoul: error: {message} (see '{self.command_path} --help')", err=True)


class _Group(click.Group):
    """Click prints usage errors as a usage block and a message; sqlsoul prints one line instead."""

    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        try:
            return super().make_context(*args, **kwargs)
        except click.exceptions.NoArgsIsHelpError:
            raise
        except click.UsageError as error:
            raise _OneLineUsageError(error) from None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.exceptions.NoArgsIsHelpError:
            raise
        except click.UsageError as error:
            raise _OneLineUsageError(error) from None


def _options(*options: Callable[[F], F]) -> Callable[[F], F]:
    """Several click options as one decorator, in the order given: for options commands share."""
    def apply(command: F) -> F:
        for option in reversed(options):
            command = option(command)
        return command

    return apply


# Where lint's and verify's reports go and what fails the run ...
_report_options = _options(
    click.option("--format", "output_format", type=click.Choice(list(FORMATS)), default=None, help="Output format.  [default: text]"),
    click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), help="Write the report to FILE instead of stdout."),
    click.option("--sarif-output", type=click.Path(dir_okay=False), help="Also write SARIF to FILE (for code scanning), whatever --format is."),
    click.option("--fail-on", type=click.Choice(FAIL_ON_CHOICES), default=None, help="Lowest severity that makes the exit code 1.  [default: warning]"),
    click.option("--config", "config_path", type=click.Path(dir_okay=False), help="Config file (.sqlsoul.yaml or pyproject.toml)."),
    click.option("--dialect", type=click.Choice(DIALECTS), default=None, help="Read every file as this dialect (default: the config's `dialect`, a dialect part in the file name, else postgres)."),
)
# ... and how they run.
_run_options = _options(
    click.option("--no-color", is_flag=True, help="Never colour the output (NO_COLOR works too)."),
    click.option("--no-plugins", is_flag=True, help="Do not load third-party rule packs (SQLSOUL_DISABLE_PLUGINS=1 works too)."),
    click.option("--debug", is_flag=True, help="Show tracebacks for internal errors."),
)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", prog_name="sqlsoul", message="%(prog)s %(version)s")
def main() -> None:
    """sqlsoul: a static analyzer for SQL DDL and migrations."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@_report_options
@click.option("--select", multiple=True, help="Rules to run: codes, names, categories or ALL (comma-separated, repeatable).")
@click.option("--ignore", multiple=True, help="Rules to skip, same forms as --select; ignore wins.")
@click.option("--pg-version", type=click.IntRange(min(PG_VERSIONS), max(PG_VERSIONS)), default=None, help=f"Target PostgreSQL major version.  [default: {DEFAULT_PG_VERSION}]")
@click.option("--stdin-filename", help="Name to report for input read from '-'.")
@click.option("--assume-in-transaction", is_flag=True, default=None, help="Plain folders: the runner wraps each file in a transaction.")
@click.option("--from", "lint_from", metavar="VERSION", help="Report nothing in migrations before VERSION (they have run; they still build the schema).")
@click.option("--changed-since", metavar="REF", help="Report only files changed since git REF: committed since, staged, modified or untracked (histories still replay in full).")
@click.option("--baseline", "baseline_path", type=click.Path(dir_okay=False), help="Hide the findings recorded in FILE (default: the config's `baseline`); the exit status counts only the others.")
@click.option("--write-baseline", type=click.Path(dir_okay=False), help="Record the findings in FILE as the baseline instead of reporting them, and exit 0.")
@click.option("--include-baselined", is_flag=True, help="SARIF: keep the baselined findings too, marked baselineState unchanged (new ones: new).")
@click.option("--quiet", "-q", is_flag=True, help="Print findings only: no summary line.")
@click.option("--verbose", "-v", is_flag=True, help="Also print the project root and the config used.")
@_run_options
@_guarded
@_without_cycle_collection
def lint(
    paths: tuple[str, ...],
    output_format: str | None,
    output: str | None,
    sarif_output: str | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    fail_on: str | None,
    config_path: str | None,
    dialect: str | None,
    pg_version: int | None,
    stdin_filename: str | None,
    assume_in_transaction: bool | None,
    lint_from: str | None,
    changed_since: str | None,
    baseline_path: str | None,
    write_baseline: str | None,
    include_baselined: bool,
    no_color: bool,
    quiet: bool,
    verbose: bool,
    no_plugins: bool,
    debug: bool,
) -> None:
    """Lint SQL files and directories (default: the current directory; '-' reads stdin)."""
    started = time.perf_counter()
    inputs = list(paths) or ["."]
    registry = _registry(no_plugins)
    root, config = _project(config_path, inputs, registry, stdin_filename)
    if verbose:
        click.echo(f"project root: {root.path} ({root.how})", err=True)
        click.echo(f"config: {root.config if root.config else 'none (defaults)'}", err=True)

    if assume_in_transaction:
        config.assume_in_transaction = True
    settings = _settings(registry, config, select, ignore, pg_version, dialect)
    stdin_data = _read_stdin() if STDIN in inputs else None
    if baseline_path and write_baseline:
        raise UsageProblem("use --baseline or --write-baseline, not both")
    histories = discover(inputs, root.path, config.exclude, stdin_filename, stdin_data, history_settings(config, lint_from))
    if changed_since is not None:
        histories = _changed_only(histories, changed_since, root, STDIN in inputs, verbose)
    result = Linter(registry, settings).lint(histories)
    if write_baseline:
        _write_baseline(result, Path(write_baseline), root)
        sys.exit(0)  # recording the findings is the point: none of them fails the run
    baseline = _match_baseline(result, baseline_path or config.baseline, root)
    if baseline is not None:
        result.findings = baseline.new

    threshold = fail_on or config.fail_on
    _report(result, registry, settings.enabled, root, output_format, output, sarif_output, no_color, baseline,
            include_baselined)
    if not quiet:
        from sqlsoul.reporters.text import baseline_line, summary_line

        click.echo(summary_line(result, time.perf_counter() - started), err=True)
        if baseline is not None:
            click.echo(baseline_line(baseline), err=True)
    sys.exit(_exit_code(result, threshold))


def _changed_only(chains: list[Chain], ref: str, root: ProjectRoot, stdin: bool, verbose: bool) -> list[Chain]:
    """The chains narrowed to the files git says changed since `ref` (see sqlsoul.changed)."""
    from sqlsoul.changed import ChangedFilesError, changed_files, only_changed

    if stdin:
        raise UsageProblem("--changed-since asks git which files to lint: it does not read standard input")
    try:
        kept = only_changed(chains, changed_files(root.path, ref))
    except ChangedFilesError as error:
        raise UsageProblem(str(error)) from None
    if verbose:
        count = sum(len(chain.named or ()) for chain in kept)
        click.echo(f"changed since {ref}: {count} file{'' if count == 1 else 's'} to report", err=True)
    return kept


def _write_baseline(result: LintResult, path: Path, root: ProjectRoot) -> None:
    from sqlsoul.baseline import BaselineError, write

    try:
        count = write(path, result, root.path)
    except BaselineError as error:
        raise UsageProblem(str(error)) from None
    click.echo(f"wrote {count} finding{'' if count == 1 else 's'} to the baseline {path}", err=True)


def _match_baseline(result: LintResult, path: str | Path | None, root: ProjectRoot) -> BaselineMatch | None:
    if path is None:
        return None
    from sqlsoul.baseline import BaselineError, match, read

    try:
        return match(result, read(Path(path)), root.path)
    except BaselineError as error:
        raise UsageProblem(str(error)) from None


def _report(result: LintResult, registry: Registry, enabled: set[str], root: ProjectRoot, output_format: str | None,
            output: str | None, sarif_output: str | None, no_color: bool, baseline: BaselineMatch | None = None,
            include_baselined: bool = False) -> None:
    """Print (or write) the report in the format asked for, and SARIF beside it when asked."""
    rules = tuple(registry.rules[code].meta for code in sorted(enabled))
    context = ReportContext(__version__, rules, root.path, color=_use_color(no_color, output), baseline=baseline,
                            include_baselined=include_baselined)
    report = renderer(output_format or "text")(result, context)
    if output:
        _write_report(report, output)
    else:
        click.echo(report, nl=False)
    if sarif_output:
        _write_report(renderer("sarif")(result, replace(context, color=False)), sarif_output)


def _project(config_path: str | None, inputs: list[str], registry: Registry,
             stdin_filename: str | None = None) -> tuple[ProjectRoot, Config]:
    """The project root and its configuration: --config's, else the nearest config file's."""
    if config_path:
        if not Path(config_path).is_file():
            raise UsageProblem(f"config file does not exist: {config_path}")
        # exclude and per_path_ignores are written relative to the config file, so it sets the root.
        root = ProjectRoot(Path(config_path).resolve().parent, "--config", Path(config_path))
    else:
        root = find_project_root(inputs, stdin_filename)
    return root, load_config(root.config, registry) if root.config else Config()


def _read_stdin() -> bytes:
    # The bytes, not text: decoding (and reporting invalid UTF-8) is the engine's job.
    stream = getattr(sys.stdin, "buffer", sys.stdin)
    data = stream.read()
    return data.encode("utf-8") if isinstance(data, str) else data


def _settings(
    registry: Registry, config: Config, select: tuple[str, ...], ignore: tuple[str, ...], pg_version: int | None,
    dialect: str | None,
) -> LintSettings:
    chosen_select = _split(select) or config.select
    chosen_ignore = _split(ignore) if ignore else config.ignore
    try:
        enabled = registry.select(chosen_select, chosen_ignore)
    except KeyError as error:
        raise UsageProblem(f"unknown rule, category or selector {error.args[0]!r} (see 'sqlsoul rules')") from None
    # What verify reports needs a server: lint neither runs nor lists those rules.
    enabled = {code for code in enabled if registry.rules[code].scope != "verify"}
    return lint_settings(config, enabled, pg_version, dialect)


def _use_color(no_color: bool, output: str | None) -> bool:
    if no_color or output or os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()


def _write_report(report: str, output: str) -> None:
    try:
        Path(output).write_text(report, encoding="utf-8")
    except OSError as error:
        raise UsageProblem(f"cannot write {output}: {error.strerror or error}") from None


def _exit_code(result: LintResult, fail_on: str) -> int:
    if fail_on == "never":
        return 0
    threshold = Severity.parse(fail_on)
    return 1 if any(finding.severity >= threshold for finding in result.findings) else 0


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--database-url", metavar="URL", help="Verify on this existing server (in a scratch database it creates and drops; needs CREATEDB).")
@click.option("--postgres-bin", type=click.Path(file_okay=False), help="Start the throwaway server from this installation's initdb and pg_ctl.")
@click.option("--setting", "custom_settings", multiple=True, metavar="NAME=VALUE", help="A setting migrations read with current_setting() (repeatable).")
@click.option("--skip-unavailable-extensions", is_flag=True, help="Carry on without an extension the server lacks (a note) instead of stopping.")
@_report_options
@click.option("--select", multiple=True, help="Verify findings to report (codes or names, comma-separated, repeatable).  [default: all]")
@click.option("--ignore", multiple=True, help="Verify findings not to report (codes or names, comma-separated, repeatable).")
@click.option("--quiet", "-q", is_flag=True, help="Print findings only: no progress or summary line.")
@_run_options
@_guarded
def verify(
    paths: tuple[str, ...],
    database_url: str | None,
    postgres_bin: str | None,
    custom_settings: tuple[str, ...],
    skip_unavailable_extensions: bool,
    output_format: str | None,
    output: str | None,
    sarif_output: str | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    fail_on: str | None,
    config_path: str | None,
    dialect: str | None,
    no_color: bool,
    quiet: bool,
    no_plugins: bool,
    debug: bool,
) -> None:
    """Apply, revert and re-apply every migration on a real PostgreSQL (default: a throwaway embedded server)."""
    from contextlib import nullcontext

    from sqlsoul.verify.run import VerifyOptions
    from sqlsoul.verify.run import verify as run_verify
    from sqlsoul.verify.server import Server, VerifyError, cleanup_on_signals, driver, embedded_bin_dir, setting_pair, throwaway_server

    started = time.perf_counter()
    inputs = list(paths) or ["."]
    registry = _registry(no_plugins)
    if database_url and postgres_bin:
        raise UsageProblem("use --database-url or --postgres-bin, not both")
    if STDIN in inputs:
        raise UsageProblem("verify runs migration folders and files, not standard input")
    if dialect not in (None, POSTGRES):
        raise UsageProblem(f"verify runs migrations on PostgreSQL only, not {dialect}; use 'sqlsoul lint --dialect {dialect}'")
    root, config = _project(config_path, inputs, registry)
    verify_codes = [code for code, rule in registry.rules.items() if rule.scope == "verify"]
    try:
        chosen = registry.select(_split(select) or verify_codes, _split(ignore) if ignore else config.ignore)
    except KeyError as error:
        raise UsageProblem(f"unknown rule, category or selector {error.args[0]!r} (see 'sqlsoul rules')") from None
    enabled = chosen & set(verify_codes)  # lint's rules are lint's: verify reports what the server did
    settings = lint_settings(config, enabled, dialect=dialect)
    chains = discover(inputs, root.path, config.exclude, settings=history_settings(config))
    _only_postgres(chains, settings)
    progress = _Progress(started) if not quiet and sys.stderr.isatty() else None
    try:
        options = VerifyOptions([setting_pair(item) for item in custom_settings], skip_unavailable_extensions, progress)
        driver()
        server = nullcontext(Server(database_url)) if database_url else throwaway_server(
            Path(postgres_bin) if postgres_bin else embedded_bin_dir())
        with cleanup_on_signals(), server as running:
            outcome = run_verify(chains, running, registry, settings, options)
    except VerifyError as error:
        raise UsageProblem(str(error)) from None
    except KeyboardInterrupt:
        click.echo("sqlsoul: interrupted; the scratch database and the throwaway server are gone", err=True)
        sys.exit(130)
    finally:
        if progress:
            progress.clear()

    result = outcome.result
    _report(result, registry, enabled, root, output_format, output, sarif_output, no_color)
    if not quiet:
        from sqlsoul.reporters.text import summary_line

        click.echo(f"model cross-check: {outcome.model_unknowns} objects sqlsoul's model marks unknown", err=True)
        click.echo(summary_line(result, time.perf_counter() - started), err=True)
    sys.exit(_exit_code(result, fail_on or config.fail_on))


def _only_postgres(chains: list[Chain], settings: LintSettings) -> None:
    """Stop verify at the first file that is not PostgreSQL: it runs migrations on a PostgreSQL server."""
    for chain in chains:
        items = chain_inputs(chain)
        dialects = settings.dialects.of_history([item.root_path for item in items])
        for item in items:
            found = dialects[item.root_path]
            if found != POSTGRES:
                raise UsageProblem(
                    f"verify runs migrations on PostgreSQL only: {item.display_path} is {LABELS[found]}; "
                    f"check it with 'sqlsoul lint' (or give --dialect postgres)"
                )


class _Progress:
    """One line on a terminal, rewritten in place: which unit verify is at and for how long."""

    def __init__(self, started: float) -> None:
        self.started = started

    def __call__(self, number: int, total: int, name: str) -> None:
        line = f"verify: unit {number} of {total}, {time.perf_counter() - self.started:.1f}s: {name}"
        width = max(20, min(os.get_terminal_size(sys.stderr.fileno()).columns, 200) - 1)
        sys.stderr.write("\r" + line[:width].ljust(width))
        sys.stderr.flush()

    def clear(self) -> None:
        sys.stderr.write("\r\033[K")
        sys.stderr.flush()


@main.command("rules")
@click.option("--no-plugins", is_flag=True, help="Do not load third-party rule packs.")
@click.option("--debug", is_flag=True, help="Show tracebacks for internal errors.")
@_guarded
def list_rules(no_plugins: bool, debug: bool) -> None:
    """List every rule: code, name, category, severity, default state, dialects and summary.

    Dialects: `all`, or some of pg (PostgreSQL), my (MySQL), ma (MariaDB) and lite (SQLite)."""
    registry = _registry(no_plugins)
    rows = [
        (meta.code, meta.name, meta.category, meta.severity.label, "on" if meta.enabled else "opt-in",
         short_list(meta.dialects), meta.summary.strip())
        for meta in (rule.meta for rule in registry.rules.values())
    ]
    header = ("CODE", "NAME", "CATEGORY", "SEVERITY", "DEFAULT", "DIALECTS", "SUMMARY")
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header) - 1)]
    for row in (header, *rows):
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row[:-1], widths, strict=True)) + "  " + row[-1])


@main.command()
@click.argument("rule")
@click.option("--no-plugins", is_flag=True, help="Do not load third-party rule packs.")
@click.option("--debug", is_flag=True, help="Show tracebacks for internal errors.")
@_guarded
def explain(rule: str, no_plugins: bool, debug: bool) -> None:
    """Print a rule's documentation (by code or name)."""
    from sqlsoul.ruledoc import render_rule_doc

    found = _registry(no_plugins).lookup(rule)
    if found is None:
        raise UsageProblem(f"unknown rule {rule!r} (see 'sqlsoul rules')")
    click.echo(render_rule_doc(found.meta), nl=False)


@main.command()
@click.option("--path", "target", type=click.Path(dir_okay=False), default=CONFIG_FILE, show_default=True, help="Where to write the config.")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@click.option("--debug", is_flag=True, help="Show tracebacks for internal errors.")
@_guarded
def init(target: str, force: bool, debug: bool) -> None:
    """Write a commented config file with every option at its default."""
    from sqlsoul.init_config import render_default_config

    path = Path(target)
    if path.exists() and not force:
        raise UsageProblem(f"{target} already exists; use --force to overwrite it")
    try:
        path.write_text(render_default_config(load_registry(plugins=False)), encoding="utf-8")
    except OSError as error:
        raise UsageProblem(f"cannot write {target}: {error.strerror or error}") from None
    click.echo(f"wrote {target}", err=True)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--format", "output_format", type=click.Choice(["markdown", "mermaid", "json"]), default="markdown", show_default=True,
              help="markdown: a data dictionary; mermaid: an erDiagram; json: the model (docs/schema-model.schema.json).")
@click.option("--at", "at", metavar="VERSION", help="The schema as of this unit (its version or name): later units are not replayed.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), help="Write to FILE instead of stdout.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help="Config file (.sqlsoul.yaml or pyproject.toml).")
@click.option("--dialect", type=click.Choice(DIALECTS), default=None, help="Read every file as this dialect (default: as lint decides).")
@click.option("--no-plugins", is_flag=True, help="Do not load third-party rule packs (SQLSOUL_DISABLE_PLUGINS=1 works too).")
@click.option("--debug", is_flag=True, help="Show tracebacks for internal errors.")
@_guarded
def schema(paths: tuple[str, ...], output_format: str, at: str | None, output: str | None, config_path: str | None,
           dialect: str | None, no_plugins: bool, debug: bool) -> None:
    """Write the schema a migration history builds (default: the current directory; '-' reads stdin).

    One section per history (markdown, json); a diagram needs one history, and so does --at."""
    from sqlsoul import schemadoc

    inputs = list(paths) or ["."]
    registry = _registry(no_plugins)
    root, config = _project(config_path, inputs, registry)
    # No rule runs: only what keeps the schema from being whole is reported (on stderr).
    enabled = {rule.meta.code for name, *_ in schemadoc.GAPS if (rule := registry.lookup(name))}
    settings = replace(lint_settings(config, enabled, dialect=dialect), keep_catalogs=True, stop_at=at)
    stdin_data = _read_stdin() if STDIN in inputs else None
    # Every unit is replayed and its parse errors count, whatever the config's lint_from says.
    chains = discover(inputs, root.path, config.exclude, None, stdin_data, replace(history_settings(config), lint_from=None))
    if not chains:
        raise UsageProblem(f"no SQL files found in {', '.join(inputs)}")
    try:
        planned = schemadoc.plan(chains, output_format, at)
        result = Linter(registry, settings).lint(chains)
        text = schemadoc.renderer(output_format)(schemadoc.documents(chains, planned, result.catalogs, settings.dialects))
    except schemadoc.SchemaDocError as error:
        raise UsageProblem(str(error)) from None
    for line in schemadoc.warnings(result.findings):
        click.echo(f"sqlsoul: warning: {line}", err=True)
    if output:
        _write_report(text, output)
    else:
        click.echo(text, nl=False)


def run() -> None:
    """The `sqlsoul` command: `main`, then an exit that skips freeing the run's objects one by one
    (a large history leaves millions; the operating system reclaims them at once, 50 ms sooner)."""
    try:
        main()
        code: object = 0
    except SystemExit as stop:
        code = stop.code
    if isinstance(code, str):
        click.echo(code, err=True)
        code = 1
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        code = BROKEN_PIPE_EXIT
    sys.stderr.flush()
    os._exit(code if isinstance(code, int) else 0)
