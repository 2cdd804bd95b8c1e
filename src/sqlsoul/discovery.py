"""Which files to lint, in which order, and where the project root is."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from fnmatch import fnmatchcase
from functools import cache
from pathlib import Path

from sqlsoul.config import CONFIG_FILE, PYPROJECT, has_tool_section
from sqlsoul.history import InputFile
from sqlsoul.ordering import SortKey, natural_key, path_key

SKIPPED_DIRECTORIES = frozenset({".git", "node_modules", ".venv", "venv", "build", "dist", "target", "__pycache__"})
STDIN = "-"
# A number, or a dotted version such as 2.1 or 3.2.0 (Flyway's V2.1 comes after V2 and before V3).



class DiscoveryError(Exception):
    """A path the user named does not exist."""


@dataclass(frozen=True, slots=True)
class ProjectRoot:
    path: Path
    how: str  # what decided it, for -v
    config: Path | None


def find_project_root(inputs: list[str], stdin_filename: str | None = None) -> ProjectRoot:
    """The folder of the nearest config file above the inputs, else the git top level, else the cwd."""
    cwd = Path.cwd()
    paths = [cwd / (stdin_filename or "stdin.sql") if item == STDIN else cwd / item for item in inputs] or [cwd]
    common = Path(os.path.commonpath([str(path.resolve()) for path in paths]))
    if common.is_file() or not common.exists():
        common = common.parent
    for folder in (common, *common.parents):
        if (folder / CONFIG_FILE).is_file():
            return ProjectRoot(folder, f"{CONFIG_FILE} found", folder / CONFIG_FILE)
        if (folder / PYPROJECT).is_file() and has_tool_section(folder / PYPROJECT):
            return ProjectRoot(folder, f"{PYPROJECT} with [tool.sqlsoul] found", folder / PYPROJECT)
    top = _git_top_level(common)
    if top is not None:
        return ProjectRoot(top, "git top level", None)
    return ProjectRoot(cwd, "current directory", None)


@cache
def _git_top_level(folder: Path) -> Path | None:
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():
            return candidate
    import subprocess  # rarely needed: only when no .git is found above the inputs

    try:
        output = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"], cwd=folder, capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return Path(output.stdout.strip()) if output.returncode == 0 and output.stdout.strip() else None


def root_relative(path: Path, root: Path) -> str:
    resolved = path.resolve() if path.exists() else path.absolute()
    try:
        return resolved.relative_to(root.resolve()).as_posix()
    except ValueError:
        return Path(os.path.relpath(resolved, root.resolve())).as_posix()


def _excluded(relative: str, patterns: list[str]) -> bool:
    # A pattern excludes a file when it matches its path or any folder above it.
    parts = relative.split("/")
    prefixes = ["/".join(parts[: index + 1]) for index in range(len(parts))]
    return any(fnmatchcase(prefix, pattern.rstrip("/")) for pattern in patterns for prefix in prefixes)


def discover(inputs: list[str], root: Path, exclude: list[str], stdin_filename: str | None = None,
             stdin_data: bytes | None = None) -> list[list[InputFile]]:
    """Histories to lint: one per directory argument, and one per folder of the files named directly."""
    histories: list[list[InputFile]] = []
    loose: dict[Path, list[InputFile]] = {}
    named: list[Path] = []
    for item in inputs:
        if item == STDIN:
            name = stdin_filename or "stdin.sql"
            histories.append([InputFile(name, root_relative(Path(name), root), None, stdin_data or b"")])
            continue
        path = Path(item)
        if not path.exists() and not path.is_symlink():
            raise DiscoveryError(f"path does not exist: {item}")
        if path.is_dir():
            histories.append(_walk(path, root, exclude))
        else:
            named.append(path)
    # A file is linted once however often it is named: in the first directory that holds it, else
    # with the other files named in its folder. Linting it twice would report everything twice.
    seen: set[Path] = set()
    for index, files in enumerate(histories):
        kept = []
        for file in files:
            if file.path is not None:
                identity = _identity(file.path)
                if identity in seen:
                    continue
                seen.add(identity)
            kept.append(file)
        histories[index] = kept
    for path in named:
        if _identity(path) in seen:
            continue
        seen.add(_identity(path))
        # A file named on the command line is linted even if an exclude pattern matches it.
        loose.setdefault(path.parent.resolve(), []).append(_input(path, str(path), root))
    for files in loose.values():
        files.sort(key=lambda f: path_key(f.root_path))
        histories.append(files)
    return [files for files in histories if files]


def _identity(path: Path) -> Path:
    # The same path however it was spelled (./a.sql, a.sql, dir/../a.sql); symbolic links are not
    # followed, so a link and its target both stay.
    return Path(os.path.abspath(path))


def _input(path: Path, display: str, root: Path) -> InputFile:
    return InputFile(display, root_relative(path, root), path)


def _walk(top: Path, root: Path, exclude: list[str]) -> list[InputFile]:
    found: list[tuple[tuple[tuple[SortKey, ...], str], InputFile]] = []
    # Resolve the top once; paths below it are joined as text (resolving each file costs more
    # than parsing it).
    base = root_relative(top, root)
    prefix = "" if base == "." else base + "/"
    for folder, subfolders, names in os.walk(top):
        inner = os.path.relpath(folder, top).replace(os.sep, "/")
        inner = "" if inner == "." else inner + "/"
        subfolders[:] = [
            name for name in subfolders
            if name not in SKIPPED_DIRECTORIES and not _excluded(prefix + inner + name, exclude)
        ]
        for name in names:
            if not name.lower().endswith(".sql"):
                continue
            relative = prefix + inner + name
            if _excluded(relative, exclude):
                continue
            path = Path(folder, name)
            display = str(path)  # under the directory as the user named it: ../db/x.sql stays so
            found.append((path_key(inner + name), InputFile(display, relative, path)))
    found.sort(key=lambda pair: pair[0])
    return [item for _, item in found]
