"""`sqlsoul schema`: the schema a migration history builds, written as documentation.

The engine replays each history with no rule enabled and keeps its final catalog (see
`LintSettings.keep_catalogs` and `stop_at`); the renderers here turn catalogs into text and are
pure: the same catalog always gives the same bytes. Tables are sorted by schema and name,
columns stay in table order.

- `markdown`: a data dictionary (`schemadoc.markdown`);
- `mermaid`: an `erDiagram` of the tables, their key columns and the foreign keys (`schemadoc.mermaid`);
- `json`: the model itself, described by docs/schema-model.schema.json (`schemadoc.json_model`).
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable
from typing import TypeVar

from sqlsoul.dialects import POSTGRES, DialectChoice, engine_in_name
from sqlsoul.engine import chain_inputs, unit_matches
from sqlsoul.findings import Finding
from sqlsoul.history import Chain, Unit
from sqlsoul.model import Catalog
from sqlsoul.records import record
from sqlsoul.rules.labels import written_as

T = TypeVar("T")

FORMATS = ("markdown", "mermaid", "json")


class SchemaDocError(Exception):
    """What the user asked for cannot be documented (an unknown --at version, a diagram of two histories)."""


@record(frozen=True)
class SchemaDoc:
    """One history's final schema and what the documentation says about where it comes from."""

    label: str  # the history's folder as the user spelled it (several, comma-separated, for a chained history)
    layouts: tuple[str, ...]  # the layout of each of its folders (plain, golang-migrate, diesel ...)
    units: int  # units replayed
    catalog: Catalog
    at: str | None = None  # --at: the name of the last unit replayed
    dialect: str = POSTGRES  # how its types are written: the dialect most of its files are in


def history_label(chain: Chain) -> str:
    """The folders of a chain's histories, as the user spelled them."""
    folders = []
    for history in chain.histories:
        items = [file.input for file in history.files]
        if len(items) == 1 and items[0].path is None:
            folders.append(items[0].display_path)  # standard input
            continue
        parents = [os.path.dirname(item.display_path.replace(os.sep, "/")) or "." for item in items]
        try:
            common = os.path.commonpath(parents) if parents else "."
        except ValueError:  # absolute and relative spellings mixed
            common = parents[0]
        folders.append(common.replace(os.sep, "/"))
    return ", ".join(folders) or "(no files)"


def _engines(chain: Chain) -> list[str]:
    found = {engine_in_name(file.input.root_path) for history in chain.histories for file in history.files}
    return sorted(engine for engine in found if engine)


def labels(chains: list[Chain]) -> list[str]:
    """Each chain's label; a folder split into one history per engine (discovery) names the engine."""
    plain = [history_label(chain) for chain in chains]
    shown = []
    for chain, label in zip(chains, plain, strict=True):
        engines = _engines(chain)
        shown.append(f"{label} ({', '.join(engines)})" if plain.count(label) > 1 and engines else label)
    return shown


def unit_name(unit: Unit) -> str:
    """How the documentation names a unit: as its framework does, or by its file in a plain folder."""
    return unit.label or (unit.version if unit.title == unit.version else unit.name)


def stop_unit(chain: Chain, version: str) -> tuple[Unit, int] | None:
    """The unit `--at version` stops after, and how many units run up to it; None when no unit matches.

    The engine stops at the same unit (the last unit the version names, in the first history that
    has one; see `engine.unit_matches`)."""
    replayed = 0
    for history in chain.histories:
        matching = [at for at, unit in enumerate(history.units) if unit_matches(unit, version)]
        if matching:
            return history.units[matching[-1]], replayed + matching[-1] + 1
        replayed += len(history.units)
    return None


def unknown_version(chain: Chain, version: str, label: str) -> SchemaDocError:
    units = [unit for history in chain.histories for unit in history.units]
    span = f"; its units run from {unit_name(units[0])} to {unit_name(units[-1])}" if units else "; it has no units"
    return SchemaDocError(f"--at {version}: no unit of the history in {label} has this version or name{span}")


@record(frozen=True)
class Planned:
    label: str
    stop: tuple[str, int] | None  # --at: the last unit's name and how many units run


def plan(chains: list[Chain], output_format: str, at: str | None) -> list[Planned]:
    """What will be documented, checked before anything is replayed: a diagram and --at need one
    history, and --at a version that names one of its units."""
    shown = labels(chains)
    for needs_one, what in ((output_format == "mermaid", "a diagram shows one history"), (at is not None, "--at needs one history")):
        if needs_one and len(chains) > 1:
            raise SchemaDocError(f"{what}, and these paths hold {len(chains)}: {', '.join(shown)}; name one folder")
    if at is None:
        return [Planned(label, None) for label in shown]
    found = stop_unit(chains[0], at)
    if found is None:
        raise unknown_version(chains[0], at, shown[0])
    return [Planned(shown[0], (unit_name(found[0]), found[1]))]


def documents(chains: list[Chain], planned: list[Planned], catalogs: list[Catalog], dialects: DialectChoice) -> list[SchemaDoc]:
    """Each history's documentation, from the catalogs the engine kept (LintResult.catalogs)."""
    return [
        SchemaDoc(
            entry.label,
            tuple(history.layout for history in chain.histories),
            entry.stop[1] if entry.stop else sum(len(history.units) for history in chain.histories),
            catalog,
            entry.stop[0] if entry.stop else None,
            _dialect(chain, dialects),
        )
        for chain, entry, catalog in zip(chains, planned, catalogs, strict=True)
    ]


def _dialect(chain: Chain, dialects: DialectChoice) -> str:
    of_files = Counter(dialects.of_history([item.root_path for item in chain_inputs(chain)]).values())
    return of_files.most_common(1)[0][0] if of_files else POSTGRES


def rendered(doc: SchemaDoc, render: Callable[[SchemaDoc], T]) -> T:
    """`render(doc)` with types and names written the way the history's dialect writes them."""
    with written_as(doc.dialect):
        return render(doc)


# What keeps a schema from being whole: the rules the engine reports it with, and how to say so.
GAPS = (("parse-error", "statement", "could not be parsed"), ("unreadable-file", "file", "could not be read"),
        ("unsupported-statement", "statement", "is not modelled"))


def warnings(findings: list[Finding]) -> list[str]:
    """One line per kind of gap: how many, and the first place."""
    lines = []
    for rule, noun, verb in GAPS:
        found = [finding for finding in findings if finding.rule == rule]
        if found:
            first, many = found[0], len(found) > 1
            said = f"{len(found)} {noun}s {verb.replace('is ', 'are ')}" if many else f"1 {noun} {verb}"
            lines.append(f"{said}, so the schema lacks what {'they do' if many else 'it does'} "
                         f"(first: {first.path}:{first.line}:{first.column})")
    return lines


def renderer(output_format: str) -> Callable[[list[SchemaDoc]], str]:
    if output_format == "markdown":
        from sqlsoul.schemadoc.markdown import render
    elif output_format == "mermaid":
        from sqlsoul.schemadoc.mermaid import render
    elif output_format == "json":
        from sqlsoul.schemadoc.json_model import render
    else:
        raise SchemaDocError(f"unknown schema format {output_format!r}")
    return render
