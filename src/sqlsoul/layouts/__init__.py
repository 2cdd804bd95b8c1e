"""Migration layouts: recognise a folder's framework and turn its files into ordered units.

Each layout is a module with NAME, `detect(folder, files, names, loader)` and
`build(folder, files, names, loader, options)`; `names` are the files' paths relative to the
history's folder, with forward slashes, in natural order. A layout reads a file's text through
`loader`, which reads it once for the whole run (the engine gets the same copy). Detection goes from the most specific
layout to the plain folder, which takes anything.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

from sqlsoul.history import History, InputFile, LayoutOptions, Loader
from sqlsoul.layouts import dbmate, diesel, flyway, goose, liquibase, migrate, plain, sqitch

# Most specific first: a sqitch project has a plan; file markers (dbmate, goose, Liquibase) beat
# file names; diesel and migrate-style are named pairs; Flyway is named singles; plain takes the rest.
LAYOUTS: dict[str, ModuleType] = {
    module.NAME: module for module in (sqitch, dbmate, goose, liquibase, diesel, migrate, flyway, plain)
}


def detect(folder: Path, files: list[InputFile], names: list[str], loader: Loader) -> str:
    return next(name for name, module in LAYOUTS.items() if module.detect(folder, files, names, loader))


def build(layout: str, folder: Path, files: list[InputFile], names: list[str], loader: Loader, options: LayoutOptions) -> History:
    return LAYOUTS[layout].build(folder, files, names, loader, options)  # type: ignore[no-any-return]
