"""`--changed-since REF`: lint only the migrations changed since a git ref.

Changed means what a pull request check and a local run both expect: committed since the branch
left REF (the merge base of REF and HEAD, as `git diff REF...HEAD` counts), plus what is staged,
modified or untracked (and not ignored) in the working tree. Deleted files are left out: there is
nothing to lint. Exclude patterns and the paths given still apply. The histories are found and replayed in full as usual; only the changed files are
reported, as when they are named on the command line (an up and its down stay one unit).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from sqlsoul.discovery import root_relative
from sqlsoul.engine import chain_inputs
from sqlsoul.history import Chain

_TIMEOUT = 60  # seconds for one git command: a huge repository's diff still takes far less


class ChangedFilesError(Exception):
    """No git, no repository, an unknown ref: one line, exit 2."""


def _git(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # GIT_OPTIONAL_LOCKS=0: a read-only question must not take the index lock (a concurrent
    # `git commit` in an editor or a hook would fail on it).
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0"}
    try:
        return subprocess.run(
            ["git", *args], cwd=folder, capture_output=True, text=True, timeout=_TIMEOUT, env=env,
            stdin=subprocess.DEVNULL,
        )
    except FileNotFoundError:
        raise ChangedFilesError("--changed-since needs git, which is not on PATH") from None
    except (OSError, subprocess.SubprocessError) as error:
        raise ChangedFilesError(f"--changed-since: git {args[0]} failed: {error}") from None


def _names(output: str) -> list[str]:
    return [name for name in output.split("\0") if name]


def changed_files(root: Path, ref: str) -> set[str]:
    """Paths relative to the project root (forward slashes) of the files changed since `ref` in the
    git work tree that holds the root."""
    top = _git(root, "rev-parse", "--show-toplevel")
    if top.returncode != 0 or not top.stdout.strip():
        raise ChangedFilesError(f"--changed-since needs a git repository: {root} is not in one")
    work_tree = Path(top.stdout.strip())
    if ref.startswith("-") or _git(work_tree, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").returncode != 0:
        raise ChangedFilesError(f"--changed-since: unknown git ref {ref!r}")
    base = _git(work_tree, "merge-base", ref, "HEAD")
    if base.returncode != 0:
        raise ChangedFilesError(
            f"--changed-since: {ref!r} and HEAD have no common commit (a shallow clone? fetch the full history)"
        )
    # The merge base against the working tree: commits since, staged and unstaged changes at once
    # (a renamed file under its new name). A deleted file is listed too, but discovery finds no such
    # file, so it is never among the files reported.
    diff = _git(work_tree, "diff", "--name-only", "-z", base.stdout.strip(), "--")
    untracked = _git(work_tree, "ls-files", "--others", "--exclude-standard", "-z")
    for done in (diff, untracked):
        if done.returncode != 0:
            raise ChangedFilesError(f"--changed-since: git failed: {done.stderr.strip() or done.returncode}")
    # Both list paths relative to the top of the work tree.
    return {root_relative(work_tree / name, root) for name in (*_names(diff.stdout), *_names(untracked.stdout))}


def only_changed(chains: list[Chain], changed: set[str]) -> list[Chain]:
    """The chains with a changed file, each reporting only its changed files (of those it reported)."""
    kept = []
    for chain in chains:
        files = {item.root_path for item in chain_inputs(chain)} - {item.root_path for item in chain.base}
        reported = files if chain.named is None else chain.named
        named = reported & changed
        if named:
            chain.named = named
            kept.append(chain)
    return kept
