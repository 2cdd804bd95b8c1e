"""Migration layouts: recognise a folder's framework and turn its files into ordered units.

Each layout is a module with NAME, `detect(folder, files, names, loader)` and
`build(folder, files, names, loader, options)`; `names` are the files' paths relative to the
history's folder, with forward slashes, in natural order. A layout reads a file's text through
`loader`, which reads it once for the whole run (the engine gets the same copy). Detection goes from the most specific
layout to the plain folder, which takes anything.
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path
from types import ModuleType

from sqlsoul.history import History, InputFile, LayoutOptions, Loader

# Most specific first: a sqitch project has a plan; file markers (dbmate, goose, Liquibase) beat
# file names; diesel and migrate-style are named pairs; Flyway is named singles; plain takes the rest.
# Each name is its module's: a layout is imported when detection gets to it (most runs stop early).
LAYOUTS = ("sqitch", "dbmate", "goose", "liquibase", "diesel", "migrate", "flyway", "plain")


def _module(name: str) -> ModuleType:
    return import_module(f"{__name__}.{name}")


def detect(folder: Path, files: list[InputFile], names: list[str], loader: Loader) -> str:
    return next(name for name in LAYOUTS if _module(name).detect(folder, files, names, loader))


def build(layout: str, folder: Path, files: list[InputFile], names: list[str], loader: Loader, options: LayoutOptions) -> History:
    return _module(layout).build(folder, files, names, loader, options)  # type: ignore[no-any-return]
