"""Entry points of one group, read straight from the installed distributions' metadata folders.

`importlib.metadata` does the same but costs about 25 ms to import (it pulls in email, zipfile and
socket), a sixth of a whole run on a small file, and a pre-commit hook pays it on every commit.
This reads only `*.dist-info/entry_points.txt` and `*.egg-info/entry_points.txt` on `sys.path`,
with the same precedence: the first distribution of a name on the path wins.
"""

from __future__ import annotations

import os
import re
import sys
from importlib import import_module
from typing import Any

from sqlsoul.records import record

_METADATA_SUFFIXES = (".dist-info", ".egg-info")


@record(frozen=True)
class EntryPoint:
    """An installed distribution's entry point, read from its metadata."""

    distribution: str
    name: str
    value: str  # "package.module:attribute"

    def load(self) -> Any:
        module_name, _, attribute = self.value.partition(":")
        loaded: Any = import_module(module_name.strip())
        for part in attribute.strip().split(".") if attribute.strip() else ():
            loaded = getattr(loaded, part)
        return loaded


def _normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _project_name(folder: str, fallback: str) -> str:
    """The `Name:` of a distribution's metadata (METADATA or PKG-INFO), else its folder's name."""
    for filename in ("METADATA", "PKG-INFO"):
        try:
            with open(os.path.join(folder, filename), encoding="utf-8", errors="replace") as metadata:
                for line in metadata:
                    if line.lower().startswith("name:"):
                        return line.split(":", 1)[1].strip()
                    if not line.strip():
                        break  # the headers end at the first blank line
        except OSError:
            continue
    return fallback


def _group_entries(text: str, group: str) -> list[tuple[str, str]]:
    entries, inside = [], False
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            inside = line == f"[{group}]"
        elif inside and "=" in line:
            name, value = line.split("=", 1)
            entries.append((name.strip(), value.strip()))
    return entries


def entry_points(group: str) -> list[EntryPoint]:
    found: list[EntryPoint] = []
    seen: set[str] = set()
    for path_entry in sys.path:
        try:
            names = sorted(os.listdir(path_entry or "."))
        except OSError:
            continue
        for folder_name in names:
            if not folder_name.endswith(_METADATA_SUFFIXES):
                continue
            stem = folder_name.rsplit(".", 1)[0]
            distribution = _normalized(stem.split("-", 1)[0])
            if distribution in seen:
                continue
            seen.add(distribution)
            folder = os.path.join(path_entry or ".", folder_name)
            try:
                with open(os.path.join(folder, "entry_points.txt"), encoding="utf-8", errors="replace") as file:
                    text = file.read()
            except OSError:
                continue
            if f"[{group}]" not in text:
                continue
            project = _project_name(folder, stem.split("-", 1)[0])
            found.extend(EntryPoint(project, name, value) for name, value in _group_entries(text, group))
    return found
