"""Which files to lint, in which order, and where the project root is."""

from __future__ import annotations

import os
from dataclasses import field
from fnmatch import fnmatchcase
from functools import cache
from pathlib import Path

from sqlsoul.config import CONFIG_FILE, PYPROJECT, has_tool_section
from sqlsoul.dialects import engine_in_name
from sqlsoul.history import Chain, History, HistorySettings, InputFile, SourceCache
from sqlsoul.ordering import path_key
from sqlsoul.records import record

SKIPPED_DIRECTORIES = frozenset({".git", "node_modules", ".venv", "venv", "build", "dist", "target", "__pycache__"})
STDIN = "-"


class DiscoveryError(Exception):
    """A path the user named does not exist."""


@record(frozen=True)
class ProjectRoot:
    """The folder that root-relative paths start from, and the config found there."""

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
    if "GIT_DIR" not in os.environ and "GIT_WORK_TREE" not in os.environ:
        return None  # git finds a work tree only through a .git above it or these variables
    import subprocess  # rarely needed: a repository that the environment names

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
    if not patterns:
        return False
    parts = relative.split("/")
    prefixes = ["/".join(parts[: index + 1]) for index in range(len(parts))]
    return any(fnmatchcase(prefix, pattern.rstrip("/")) for pattern in patterns for prefix in prefixes)


# Paths are plain strings here, absolute ones (os.path.abspath: the same file however it was
# spelled, symbolic links not followed) telling files and folders apart: building a Path per file
# cost more than parsing the file.


@record
class _Found:
    """A file found under the inputs, with the history folder it belongs to."""

    absolute: str
    history: str  # the absolute folder of the history it belongs to
    item: InputFile


@record
class _Folder:
    """A history folder and the files found in it."""

    path: str  # absolute
    files: dict[str, InputFile] = field(default_factory=dict)  # by absolute path
    reported: set[str] = field(default_factory=set)

    def add(self, found: _Found) -> str:
        """Add a file (once, however often it is named) and return its absolute path."""
        self.files.setdefault(found.absolute, found.item)
        return found.absolute


def history_root(path: str) -> str:
    """The folder whose history a migration file belongs to."""
    folder, name = os.path.split(path)
    if name.lower() in _DIESEL_FILES:
        return os.path.dirname(folder) or "."  # diesel: <version>_<name>/up.sql
    return _sqitch_project(folder or ".") or folder or "."


_DIESEL_FILES = ("up.sql", "down.sql")


@cache
def _sqitch_project(folder: str) -> str | None:
    """The sqitch project above a deploy/, revert/ or verify/ folder (where sqitch.plan is)."""
    ancestor = folder
    for _ in range(4):
        parent = os.path.dirname(ancestor)
        if os.path.basename(ancestor) in ("deploy", "revert", "verify") and os.path.isfile(
            os.path.join(parent or ".", "sqitch.plan")
        ):
            return parent or "."
        if parent == ancestor:
            break
        ancestor = parent
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
            for found in _walk(str(path), root, exclude):
                folder = _folder(folders, found.history)
                folder.reported.add(folder.add(found))
        else:
            spelled = history_root(str(path))  # as the user spells it, so that sibling paths read alike
            folder = _folder(folders, os.path.abspath(spelled))
            # A file named on the command line is linted even if an exclude pattern matches it.
            folder.reported.add(folder.add(_Found(os.path.abspath(path), folder.path, _input(path, str(path), root))))
            for found in _folder_files(spelled, root, exclude):
                folder.add(found)
    for key in [key for key, folder in folders.items() if not folder.files]:
        del folders[key]
    chains.extend(_chains(folders, root, exclude, settings, sources))
    return chains


def _folder(folders: dict[str, _Folder], absolute: str) -> _Folder:
    if absolute not in folders:
        folders[absolute] = _Folder(absolute)
    return folders[absolute]


def _folder_files(folder: str, root: Path, exclude: list[str]) -> list[_Found]:
    """The files of the history rooted at `folder`, without walking anything else below it."""
    absolute = os.path.abspath(folder)
    return [found for found in _walk(folder, root, exclude) if found.history == absolute]


def _chains(folders: dict[str, _Folder], root: Path, exclude: list[str], settings: HistorySettings,
            sources: SourceCache) -> list[Chain]:
    chained = [os.path.abspath(root / folder) for folder in settings.chained]
    base = [_input(root / settings.base_schema, settings.base_schema, root)] if settings.base_schema else []
    groups: list[list[_Folder]] = []
    if any(path in folders for path in chained):
        # The configured folders form one history, in their order, whichever of them was given.
        group = [folders.pop(path) if path in folders else _Folder(path) for path in chained]
        for folder in group:
            if not folder.files and os.path.isdir(folder.path):
                for found in _folder_files(folder.path, root, exclude):
                    folder.add(found)
        groups.append(group)
    groups += [
        [one_engine]
        for _, folder in sorted(folders.items(), key=lambda pair: path_key(pair[0].replace(os.sep, "/")))
        for one_engine in _by_engine(folder)
    ]
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


def _by_engine(folder: _Folder) -> list[_Folder]:
    """A folder that keeps several engines' migrations side by side (`1_init.mysql.up.sql` beside
    `1_init.sqlite3.up.sql`, as ory's popx does) as one history per engine: the engine's own files
    and those that name no engine, which every engine runs. Replayed together, each engine's
    CREATE TABLE would meet the table another engine's file made. An engine none of whose files
    is reported (pre-commit named another engine's file) is left out."""
    engines: dict[str | None, dict[str, InputFile]] = {}
    for absolute, item in folder.files.items():
        engines.setdefault(engine_in_name(item.root_path), {})[absolute] = item
    shared = engines.pop(None, {})
    if len(engines) < 2:
        return [folder]
    split = []
    for engine in sorted(engines):
        files = {**engines[engine], **shared}
        reported = folder.reported & files.keys()
        if reported:
            split.append(_Folder(folder.path, files, reported))
    return split


def _history(folder: _Folder, root: Path, settings: HistorySettings, sources: SourceCache) -> History:
    from sqlsoul import layouts  # the layouts are needed only once files are found

    prefix = folder.path.rstrip(os.sep) + os.sep
    named = sorted(
        ((path_key(name), name, item) for absolute, item in folder.files.items()
         for name in [absolute.removeprefix(prefix).replace(os.sep, "/")]),
        key=lambda entry: entry[0],
    )
    files = [item for _, _, item in named]
    names = [name for _, name, _ in named]
    path = Path(folder.path)
    relative_folder = root_relative(path, root)
    layout = next(
        (name for pattern, name in settings.layouts if fnmatchcase(relative_folder, pattern.rstrip("/"))), None
    ) or layouts.detect(path, files, names, sources)
    return layouts.build(layout, path, files, names, sources, settings.options)


def _input(path: Path, display: str, root: Path) -> InputFile:
    return InputFile(display, root_relative(path, root), str(path))


def _walk(top: str, root: Path, exclude: list[str]) -> list[_Found]:
    found: list[_Found] = []  # in no particular order: each history sorts its own files
    top = str(Path(top))  # spelled as a Path spells it (no ./ or trailing slash): display paths follow
    # Resolve the top once; paths below it are joined as text (resolving each file costs more
    # than parsing it).
    base = root_relative(Path(top), root)
    prefix = "" if base == "." else base + "/"
    for folder, subfolders, names in os.walk(top):
        # os.walk spells every folder below the top as the top joined with the names between.
        inner = "" if folder == top else folder[len(top):].lstrip(os.sep).replace(os.sep, "/") + "/"
        subfolders[:] = [
            name for name in subfolders
            if name not in SKIPPED_DIRECTORIES and not _excluded(prefix + inner + name, exclude)
        ]
        sql_files = [name for name in names if name.lower().endswith(".sql")]
        if not sql_files:
            continue
        # Under the directory as the user named it (../db/x.sql stays so), without a leading ./
        shown = folder[len(os.curdir + os.sep):] if top == os.curdir and folder != os.curdir else folder
        shown = "" if shown == os.curdir else shown + os.sep
        absolute = os.path.abspath(folder)
        plain_history = _sqitch_project(absolute) or absolute
        diesel_history = os.path.dirname(absolute)
        for name in sql_files:
            relative = prefix + inner + name
            if _excluded(relative, exclude):
                continue
            history = diesel_history if name.lower() in _DIESEL_FILES else plain_history
            path = shown + name
            found.append(_Found(os.path.join(absolute, name), history, InputFile(path, relative, path)))
    return found
