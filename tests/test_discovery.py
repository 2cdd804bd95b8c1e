"""Which files are linted, in which order, under which project root, and how their paths are shown."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from sqlsoul.discovery import DiscoveryError, discover, find_project_root
from sqlsoul.history import Chain, InputFile
from sqlsoul.ordering import natural_key

from conftest import SHARED

CORPORA = SHARED / "corpora"
MARQUEZ = CORPORA / "marquez" / "api/src/main/resources/marquez/db/migration"
LEMMY = CORPORA / "lemmy"


def write(path: Path, text: str = "SELECT 1;\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def files(chain: Chain) -> list[InputFile]:
    return [migration.input for history in chain.histories for migration in history.files]


def display_paths(chains: list[Chain]) -> list[list[str]]:
    return [[item.display_path for item in files(chain)] for chain in chains]


def root_paths(chains: list[Chain]) -> list[list[str]]:
    return [[item.root_path for item in files(chain)] for chain in chains]


def chain_files(chains: list[Chain]) -> list[list[InputFile]]:
    return [files(chain) for chain in chains]


# --- natural order ------------------------------------------------------------------------------


def test_natural_order_puts_2_before_10_and_ignores_case() -> None:
    names = ["10_b.sql", "2_a.sql", "1_c.sql", "B.sql", "a.sql", "100.sql", "020.sql"]
    assert sorted(names, key=natural_key) == ["1_c.sql", "2_a.sql", "10_b.sql", "020.sql", "100.sql", "a.sql", "B.sql"]


def test_natural_order_of_dotted_flyway_versions() -> None:
    # Flyway applies V2 before V2.1 before V3, and V1.10 after V1.9.
    names = ["V3__c.sql", "V2.1__b.sql", "V2__a.sql", "V1.10__y.sql", "V1.9__x.sql", "V10__d.sql"]
    assert sorted(names, key=natural_key) == [
        "V1.9__x.sql", "V1.10__y.sql", "V2__a.sql", "V2.1__b.sql", "V3__c.sql", "V10__d.sql",
    ]


def test_directory_order_is_natural_and_does_not_depend_on_the_file_system(tmp_path: Path) -> None:
    for name in ["10_x.sql", "2_x.sql", "1_x.sql", "sub/3.sql", "sub/1.sql", "Sub2/1.sql", "001_x.sql"]:
        write(tmp_path / name)
    # 001_x and 1_x are the same number: the spelling breaks the tie, so the order is reproducible.
    # Each folder is a history of its own, and the histories come in the same natural order.
    assert root_paths(discover([str(tmp_path)], tmp_path, [])) == [
        ["001_x.sql", "1_x.sql", "2_x.sql", "10_x.sql"], ["sub/1.sql", "sub/3.sql"], ["Sub2/1.sql"],
    ]


def test_marquez_flyway_migrations_are_read_in_version_order() -> None:
    [names] = root_paths(discover([str(MARQUEZ)], MARQUEZ, []))
    assert len(names) == len(list(MARQUEZ.glob("*.sql"))) == 84
    versions = [
        tuple(int(part) for part in match.group(1).split("."))
        for name in names
        if (match := re.match(r"V([\d.]+)__", name))
    ]
    assert len(versions) == 81  # plus three repeatable R__ migrations
    assert versions == sorted(versions)
    # The case a plain natural sort gets wrong: V2.1 alters what V2 created.
    assert names.index("V2__add_job_contexts.sql") + 1 == names.index("V2.1__alter_job_versions_to_add_job_context_uuid.sql")
    assert names.index("V9__alter_sources_to_drop_composite_unique_constraint.sql") < names.index(
        "V10__drop_unique_constraint_on_job_name.sql"
    )


def test_lemmy_diesel_folders_are_read_in_timestamp_order() -> None:
    [names] = root_paths(discover([str(LEMMY)], LEMMY, []))
    folders = [name.split("/")[1] for name in names]
    # Each folder holds down.sql and up.sql; the timestamps have a fixed width, so plain sorting of the
    # folder names is the chronological order discovery must follow.
    assert len(folders) == 684
    unique = list(dict.fromkeys(folders))
    assert unique == sorted(unique)
    assert all(folders.count(folder) == 2 for folder in unique[:5])


# --- what is skipped ----------------------------------------------------------------------------


def test_skipped_directories_and_non_sql_files(tmp_path: Path) -> None:
    write(tmp_path / "db/001.sql")
    for folder in [".git", "node_modules", ".venv", "venv", "build", "dist", "target", "__pycache__"]:
        write(tmp_path / "db" / folder / "x.sql")
        write(tmp_path / folder / "nested/y.sql")
    write(tmp_path / "db/notes.txt")
    write(tmp_path / "db/002.sql.bak")
    write(tmp_path / "db/builds/003.sql")  # only exact names are skipped
    assert root_paths(discover([str(tmp_path)], tmp_path, [])) == [["db/001.sql"], ["db/builds/003.sql"]]


def test_exclude_globs_are_relative_to_the_project_root(tmp_path: Path) -> None:
    write(tmp_path / "migrations/001_up.sql")
    write(tmp_path / "migrations/001.down.sql")
    write(tmp_path / "migrations/legacy/old.sql")
    write(tmp_path / "seeds/data.sql")
    exclude = ["migrations/legacy", "*.down.sql", "seeds/"]
    assert root_paths(discover([str(tmp_path)], tmp_path, exclude)) == [["migrations/001_up.sql"]]
    # Relative to the root, not to the directory argument: "legacy" alone matches nothing here.
    assert root_paths(discover([str(tmp_path / "migrations")], tmp_path, ["legacy"])) == [
        ["migrations/001.down.sql", "migrations/001_up.sql"], ["migrations/legacy/old.sql"]
    ]


def test_a_file_named_directly_is_linted_even_if_excluded(tmp_path: Path) -> None:
    write(tmp_path / "legacy/old.sql")
    assert root_paths(discover([str(tmp_path / "legacy/old.sql")], tmp_path, ["legacy"])) == [["legacy/old.sql"]]
    assert discover([str(tmp_path)], tmp_path, ["legacy"]) == []


def test_missing_path_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(DiscoveryError, match=r"^path does not exist: nope\.sql$"):
        discover(["nope.sql"], tmp_path, [])


def test_a_broken_symlink_is_kept_so_it_can_be_reported(tmp_path: Path) -> None:
    (tmp_path / "gone.sql").symlink_to(tmp_path / "missing-target.sql")
    assert root_paths(discover([str(tmp_path / "gone.sql")], tmp_path, [])) == [["gone.sql"]]


# --- histories and display paths ----------------------------------------------------------------


def test_one_history_per_folder_in_natural_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ["a/2.sql", "a/10.sql", "b/1.sql", "c/1.sql", "c/2.sql"]:
        write(tmp_path / name)
    chains = discover(["a", "c/2.sql", "b/1.sql", "c/1.sql"], tmp_path, [])
    assert display_paths(chains) == [["a/2.sql", "a/10.sql"], ["b/1.sql"], ["c/1.sql", "c/2.sql"]]
    assert [chain.named for chain in chains] == [None, None, None]  # every file of each was asked for


def test_a_named_file_is_linted_inside_its_history(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ["db/1.sql", "db/2.sql", "db/3.sql", "db/sub/9.sql"]:
        write(tmp_path / name)
    [chain] = discover(["db/2.sql"], tmp_path, [])
    assert display_paths([chain]) == [["db/1.sql", "db/2.sql", "db/3.sql"]]  # not db/sub: another folder
    assert chain.named == {"db/2.sql"}


def test_a_file_named_twice_is_linted_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "m/1.sql")
    write(tmp_path / "m/2.sql")
    assert display_paths(discover(["m", "m/1.sql", "./m/2.sql", "m"], tmp_path, [])) == [["m/1.sql", "m/2.sql"]]
    chains = discover(["m/1.sql", "m/../m/1.sql", "m/1.sql"], tmp_path, [])
    assert (display_paths(chains), chains[0].named) == ([["m/1.sql", "m/2.sql"]], {"m/1.sql"})


def test_display_paths_are_as_given_and_root_paths_relative_to_the_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "db/migrations/001.sql")
    monkeypatch.chdir(tmp_path / "db")
    [[relative]] = chain_files(discover(["../db/migrations"], tmp_path, []))
    assert (relative.display_path, relative.root_path) == ("../db/migrations/001.sql", "db/migrations/001.sql")
    [[from_dot]] = chain_files(discover(["."], tmp_path, []))
    assert (from_dot.display_path, from_dot.root_path) == ("migrations/001.sql", "db/migrations/001.sql")
    [[absolute]] = chain_files(discover([str(tmp_path / "db" / "migrations")], tmp_path, []))
    assert absolute.display_path == os.path.join(str(tmp_path), "db", "migrations", "001.sql")
    [[named]] = chain_files(discover(["./migrations/001.sql"], tmp_path, []))
    assert named.display_path == "migrations/001.sql"


def test_stdin_is_one_history_named_by_stdin_filename(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    [[item]] = chain_files(discover(["-"], tmp_path, [], "db/001.sql", b"SELECT 1;"))
    assert (item.display_path, item.root_path, item.path, item.data) == ("db/001.sql", "db/001.sql", None, b"SELECT 1;")
    [[unnamed]] = chain_files(discover(["-"], tmp_path, [], None, b""))
    assert (unnamed.display_path, unnamed.root_path) == ("stdin.sql", "stdin.sql")


# --- project root -------------------------------------------------------------------------------


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """project/db/migrations/001.sql with the cwd at project/."""
    project = tmp_path / "project"
    write(project / "db/migrations/001.sql")
    monkeypatch.chdir(project)
    return project


def test_root_is_the_folder_of_the_nearest_sqlsoul_yaml(tree: Path) -> None:
    write(tree / ".sqlsoul.yaml", "fail_on: error\n")
    write(tree / "db/.sqlsoul.yaml", "fail_on: note\n")
    write(tree / ".git/HEAD")
    root = find_project_root(["db/migrations"])
    assert (root.path, root.config, root.how) == (tree / "db", tree / "db/.sqlsoul.yaml", ".sqlsoul.yaml found")
    # The walk starts at the common parent of all inputs.
    write(tree / "other/x.sql")
    assert find_project_root(["db/migrations/001.sql", "other/x.sql"]).config == tree / ".sqlsoul.yaml"


def test_root_from_pyproject_only_with_a_tool_sqlsoul_table(tree: Path) -> None:
    write(tree / "db/pyproject.toml", '[project]\nname = "db"\n')  # no [tool.sqlsoul]: passed by
    write(tree / "pyproject.toml", '[project]\nname = "x"\n\n[tool.sqlsoul]\nfail_on = "error"\n')
    root = find_project_root(["db/migrations/001.sql"])
    assert (root.path, root.config) == (tree, tree / "pyproject.toml")
    assert root.how == "pyproject.toml with [tool.sqlsoul] found"


def test_a_broken_pyproject_that_configures_sqlsoul_is_not_skipped(tree: Path) -> None:
    # Skipping it would lint with the defaults as if the file did not exist.
    write(tree / "pyproject.toml", '[tool.sqlsoul]\nselect = ["SS101"\n')
    assert find_project_root(["db"]).config == tree / "pyproject.toml"
    write(tree / "pyproject.toml", '[project\nname = "x"\n')  # broken, but says nothing about sqlsoul
    write(tree / ".git/HEAD")
    assert find_project_root(["db"]).config is None


def test_root_falls_back_to_the_git_top_level(tree: Path) -> None:
    write(tree / ".git/HEAD")
    root = find_project_root(["db/migrations"])
    assert (root.path, root.config, root.how) == (tree, None, "git top level")


def test_root_is_the_work_tree_the_environment_names(tree: Path, tmp_path_factory: pytest.TempPathFactory,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    # No .git above the files: git finds the repository only through GIT_DIR and GIT_WORK_TREE.
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    if any((folder / ".git").exists() for folder in tree.parents):
        pytest.skip("the temporary folder is inside a git work tree")
    git_dir = tmp_path_factory.mktemp("elsewhere") / "repo.git"
    subprocess.run(["git", "init", "-q", "--bare", str(git_dir)], check=True)
    monkeypatch.setenv("GIT_DIR", str(git_dir))
    monkeypatch.setenv("GIT_WORK_TREE", str(tree))
    root = find_project_root(["db/migrations"])
    assert (root.path, root.how) == (tree, "git top level")


def test_root_falls_back_to_the_cwd(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if any((folder / ".git").exists() or (folder / ".sqlsoul.yaml").exists() for folder in tree.parents):
        pytest.skip("the temporary folder is inside a git work tree or a configured project")
    monkeypatch.chdir(tree / "db")
    root = find_project_root(["migrations/001.sql"])
    assert (root.path, root.config, root.how) == (tree / "db", None, "current directory")


def test_root_for_stdin_walks_up_from_the_stdin_filename(tree: Path) -> None:
    write(tree / "db/.sqlsoul.yaml", "fail_on: error\n")
    write(tree / ".git/HEAD")
    assert find_project_root(["-"], "db/migrations/new.sql").config == tree / "db/.sqlsoul.yaml"
    # Without a name, standard input sits in the cwd, above db/: its config does not apply.
    root = find_project_root(["-"])
    assert (root.path, root.config) == (tree, None)
