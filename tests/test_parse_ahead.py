"""A large history is parsed ahead in a forked child process: whatever happens to the child, the
findings are those of parsing in the process itself."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from sqlsoul import parse_ahead
from sqlsoul.cli import main

PAIRS = 30  # 60 files, 30 of them about 8 KiB: above both thresholds


def lint(folder: Path) -> list[dict[str, object]]:
    result = CliRunner().invoke(main, ["lint", "--format", "json", "--no-plugins", "--select", "ALL", str(folder)])
    assert result.exit_code == 1, result.output
    return json.loads(result.stdout)["findings"]


def write_history(folder: Path, pairs: int) -> Path:
    folder.mkdir()
    padding = "-- " + "x" * 76 + "\n"
    for number in range(1, pairs + 1):
        columns = ",\n".join(f"    c{column} text" for column in range(40))
        up = f"CREATE TABLE t{number} (\n    id serial PRIMARY KEY,\n{columns}\n);\n{padding * 90}"
        if number > 1:
            up += f"ALTER TABLE t{number - 1} ADD COLUMN extra integer NOT NULL;\nCREATE INDEX ON t{number - 1} (c1);\n"
        if number == pairs // 2:
            up += "CREATE TABLE broken (id integer,;\nALTER TABLE t1 DROP COLUMN c2;\n"  # piecewise parse
        (folder / f"{number}_t{number}.up.sql").write_text(up, encoding="utf-8")
        (folder / f"{number}_t{number}.down.sql").write_text(f"DROP TABLE t{number};\n", encoding="utf-8")
    return folder


@pytest.fixture
def forks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The ids of the children the run forks (0 in the children themselves)."""
    started: list[int] = []
    real_fork = os.fork

    def fork() -> int:
        pid = real_fork()
        started.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", fork)
    return started


@pytest.fixture
def in_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[Path], list[dict[str, object]]]:
    def run(folder: Path) -> list[dict[str, object]]:
        with monkeypatch.context() as patch:
            patch.setattr(parse_ahead, "MIN_FILES", 10**9)
            return lint(folder)

    return run


def assert_reaped(pid: int) -> None:
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def test_a_large_history_parsed_ahead_gives_the_findings_of_parsing_in_process(
    tmp_path: Path, forks: list[int], in_process: Callable[[Path], list[dict[str, object]]]
) -> None:
    folder = write_history(tmp_path / "db", PAIRS)
    expected = in_process(folder)
    assert forks == []
    assert any(finding["rule"] == "parse-error" for finding in expected)
    assert lint(folder) == expected
    [child] = forks
    assert_reaped(child)


@pytest.mark.parametrize("death", ["exit", "exception"])
def test_a_child_that_dies_midway_leaves_the_rest_to_the_process_itself(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forks: list[int], death: str,
    in_process: Callable[[Path], list[dict[str, object]]],
) -> None:
    folder = write_history(tmp_path / "db", PAIRS)
    expected = in_process(folder)
    parent = os.getpid()
    real_parse = parse_ahead.pg.parse_sql_json
    parsed = 0

    def parse_then_die(text: str) -> str:
        nonlocal parsed
        parsed += 1
        if os.getpid() != parent and parsed > 7:
            if death == "exit":
                os._exit(3)
            raise RuntimeError("the child fails")
        return real_parse(text)

    monkeypatch.setattr(parse_ahead.pg, "parse_sql_json", parse_then_die)
    assert lint(folder) == expected
    [child] = forks
    assert_reaped(child)


def test_a_small_history_is_parsed_in_process(tmp_path: Path, forks: list[int]) -> None:
    folder = write_history(tmp_path / "db", 3)
    assert lint(folder)
    assert forks == []


@pytest.mark.parametrize("mapped", [None, 1 << 14])
def test_trees_are_decoded_where_the_child_wrote_them_or_read_past_the_mapped_part(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forks: list[int], mapped: int | None,
    in_process: Callable[[Path], list[dict[str, object]]],
) -> None:
    folder = write_history(tmp_path / "db", PAIRS)
    expected = in_process(folder)
    if mapped is not None:
        monkeypatch.setattr(parse_ahead, "_MAPPED", mapped)
    taken: list[str] = []
    real_take = parse_ahead.ParseAhead.take

    def take_once_all_are_announced(self: parse_ahead.ParseAhead, index: int) -> object:
        while self._pipe >= 0:  # wait for the child to finish, so that every tree it parsed is taken from it
            self._receive()
            time.sleep(0.001)
        tree = real_take(self, index)
        taken.append(type(tree).__name__)
        return tree

    monkeypatch.setattr(parse_ahead.ParseAhead, "take", take_once_all_are_announced)
    assert lint(folder) == expected
    assert taken.count("NoneType") == 1  # the broken file, which the engine parses piece by piece
    if mapped is None:
        assert set(taken) == {"memoryview", "NoneType"}
    else:  # the first trees lie in the mapped part, the others are read from the file
        assert {"memoryview", "bytes"} <= set(taken)
