"""Which files to lint, in which order, and where the project root is."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from functools import cache
from pathlib import Path

from sqlsoul.config import CONFIG_FILE, PYPROJECT, has_tool_section
from sqlsoul.history import Chain, History, HistorySettings, InputFile, SourceCache
from sqlsoul.ordering import path_key

SKIPPED_DIRECTORIES = frozenset({".git", "node_modules", ".venv", "venv", "build", "dist", "target", "__pycache__"})
STDIN = "-"


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


@dataclass(slots=True)
class _Folder:
    path: Path
    files: dict[Path, InputFile] = field(default_factory=dict)  # by identity
    reported: set[Path] = field(default_factory=set)

    def add(self, item: InputFile) -> Path:
        """Add a file (once, however often it is named) and return its identity."""
        identity = _identity(item.path)  # type: ignore[arg-type]
        self.files.setdefault(identity, item)
        return identity


def history_root(path: Path) -> Path:
    """The folder whose history a migration file belongs to."""
    if path.name.lower() in ("up.sql", "down.sql"):
        return path.parent.parent  # diesel: <version>_<name>/up.sql
    return _sqitch_project(str(path.parent)) or path.parent


@cache
def _sqitch_project(folder: str) -> Path | None:
    """The sqitch project above a deploy/, revert/ or verify/ folder (where sqitch.plan is)."""
    for ancestor in (Path(folder), *list(Path(folder).parents)[:3]):
        if ancestor.name in ("deploy", "revert", "verify") and (ancestor.parent / "sqitch.plan").is_file():
            return ancestor.parent
    return None


def discover(inputs: list[str], root: Path, exclude: list[str], stdin_filename: str | None = None,
             stdin_data: bytes | None = None, settings: HistorySettings | None = None) -> list[Chain]:
    """The histories to lint. A directory argument lints every history found in it; a file named
    directly (what pre-commit passes) is linted inside its history: the other files of the history
    are replayed, only the named ones are reported."""
    settings = settings or HistorySettings()
    sources = SourceCache()
    chains: list[Chain] = []
    folders: dict[Path, _Folder] = {}
    for item in inputs:
        if item == STDIN:
            name = stdin_filename or "stdin.sql"
            chain = Chain.plain([InputFile(name, root_relative(Path(name), root), None, stdin_data or b"")])
            chain.sources = sources
            chains.append(chain)
            continue
        path = Path(item)
        if not path.exists() and not path.is_symlink():
            raise DiscoveryError(f"path does not exist: {item}")
        if path.is_dir():
            for found in _walk(path, root, exclude):
                folder = _folder(folders, history_root(found.path))  # type: ignore[arg-type]
                folder.reported.add(folder.add(found))
        else:
            spelled = history_root(path)  # as the user spells it, so that sibling paths read alike
            folder = _folder(folders, spelled)
            # A file named on the command line is linted even if an exclude pattern matches it.
            folder.reported.add(folder.add(_input(path, str(path), root)))
            for found in _folder_files(spelled, root, exclude):
                folder.add(found)
    for key in [key for key, folder in folders.items() if not folder.files]:
        del folders[key]
    chains.extend(_chains(folders, root, exclude, settings, sources))
    return chains


def _folder(folders: dict[Path, _Folder], path: Path) -> _Folder:
    key = _identity(path)
    if key not in folders:
        folders[key] = _Folder(key)
    return folders[key]


def _folder_files(folder: Path, root: Path, exclude: list[str]) -> list[InputFile]:
    """The files of the history rooted at `folder`, without walking anything else below it."""
    identity = _identity(folder)
    return [found for found in _walk(folder, root, exclude) if _identity(history_root(found.path)) == identity]  # type: ignore[arg-type]


def _chains(folders: dict[Path, _Folder], root: Path, exclude: list[str], settings: HistorySettings,
            sources: SourceCache) -> list[Chain]:
    chained = [_identity(root / folder) for folder in settings.chained]
    base = [_input(root / settings.base_schema, settings.base_schema, root)] if settings.base_schema else []
    groups: list[list[_Folder]] = []
    if any(path in folders for path in chained):
        # The configured folders form one history, in their order, whichever of them was given.
        group = [folders.pop(path) if path in folders else _Folder(path) for path in chained]
        for folder in group:
            if not folder.files and folder.path.is_dir():
                for found in _folder_files(folder.path, root, exclude):
                    folder.add(found)
        groups.append(group)
    groups += [[folder] for _, folder in sorted(folders.items(), key=lambda pair: path_key(pair[0].as_posix()))]
    chains = []
    for group in groups:
        histories = [_history(folder, root, settings, sources) for folder in group if folder.files]
        every = [identity for folder in group for identity in folder.files]
        reported = {identity for folder in group for identity in folder.reported}
        named = None if set(every) <= reported else {
            folder.files[identity].root_path for folder in group for identity in folder.reported
        }
        chains.append(Chain(histories, base, named, settings.lint_from, sources))
    return chains


def _history(folder: _Folder, root: Path, settings: HistorySettings, sources: SourceCache) -> History:
    from sqlsoul import layouts  # the layouts are needed only once files are found

    prefix = str(folder.path) + os.sep
    named = sorted(
        ((path_key(name), name, item) for identity, item in folder.files.items()
         for name in [str(identity).removeprefix(prefix).replace(os.sep, "/")]),
        key=lambda entry: entry[0],
    )
    files = [item for _, _, item in named]
    names = [name for _, name, _ in named]
    relative_folder = root_relative(folder.path, root)
    layout = next(
        (name for pattern, name in settings.layouts if fnmatchcase(relative_folder, pattern.rstrip("/"))), None
    ) or layouts.detect(folder.path, files, names, sources)
    return layouts.build(layout, folder.path, files, names, sources, settings.options)


def _identity(path: Path) -> Path:
    # The same path however it was spelled (./a.sql, a.sql, dir/../a.sql); symbolic links are not
    # followed, so a link and its target both stay.
    return Path(os.path.abspath(path))


def _input(path: Path, display: str, root: Path) -> InputFile:
    return InputFile(display, root_relative(path, root), path)


def _walk(top: Path, root: Path, exclude: list[str]) -> list[InputFile]:
    found: list[InputFile] = []  # in no particular order: each history sorts its own files
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
            found.append(InputFile(display, relative, path))
    return found
