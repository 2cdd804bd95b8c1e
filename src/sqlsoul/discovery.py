"""Which files to lint, in which order, and where the project root is."""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from fnmatch import fnmatchcase
from functools import cache
from pathlib import Path

from sqlsoul.config import CONFIG_FILE, PYPROJECT, has_tool_section
from sqlsoul.engine import InputFile

SKIPPED_DIRECTORIES = frozenset({".git", "node_modules", ".venv", "venv", "build", "dist", "target", "__pycache__"})
STDIN = "-"
_DIGITS = re.compile(r"(\d+)")


class DiscoveryError(Exception):
    """A path the user named does not exist."""


@dataclass(frozen=True, slots=True)
class ProjectRoot:
    path: Path
    how: str  # what decided it, for -v
    config: Path | None


def natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key that orders 2 before 10 and compares words case-insensitively."""
    return tuple((1, int(part)) if part.isdigit() else (0, part.lower()) for part in _DIGITS.split(text) if part)


def path_key(relative: str) -> tuple[tuple[tuple[int, int | str], ...], ...]:
    return tuple(natural_key(part) for part in relative.split("/"))


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
    for item in inputs:
        if item == STDIN:
            name = stdin_filename or "stdin.sql"
            histories.append([InputFile(name, root_relative(Path(name), root), None, stdin_data or b"")])
            continue
        path = Path(item)
        if not path.exists() and not path.is_symlink():
            raise DiscoveryError(f"path does not exist: {item}")
        if path.is_dir():
            files = _walk(path, root, exclude)
            if files:
                histories.append(files)
        else:
            # A file named on the command line is linted even if an exclude pattern matches it.
            loose.setdefault(path.parent.resolve(), []).append(_input(path, str(path), root))
    for files in loose.values():
        files.sort(key=lambda f: path_key(f.root_path))
        histories.append(files)
    return histories


def _input(path: Path, display: str, root: Path) -> InputFile:
    return InputFile(display, root_relative(path, root), path)


def _walk(top: Path, root: Path, exclude: list[str]) -> list[InputFile]:
    found: list[tuple[tuple[tuple[tuple[int, int | str], ...], ...], InputFile]] = []
    for folder, subfolders, names in os.walk(top):
        folder_path = Path(folder)
        subfolders[:] = [
            name for name in subfolders
            if name not in SKIPPED_DIRECTORIES and not _excluded(root_relative(folder_path / name, root), exclude)
        ]
        for name in names:
            if not name.lower().endswith(".sql"):
                continue
            path = folder_path / name
            relative = root_relative(path, root)
            if _excluded(relative, exclude):
                continue
            display = os.path.normpath(path) if top.is_absolute() else os.path.relpath(path)
            found.append((path_key(path.relative_to(top).as_posix()), _input(path, display, root)))
    found.sort(key=lambda pair: pair[0])
    return [item for _, item in found]
