"""Entry points read from installed metadata folders, as importlib.metadata would find them."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from sqlsoul.entrypoints import entry_points


def _dist(folder: Path, name: str, entry_points_txt: str | None, metadata_name: str | None = None) -> None:
    folder.mkdir(parents=True)
    if entry_points_txt is not None:
        (folder / "entry_points.txt").write_text(entry_points_txt, encoding="utf-8")
    (folder / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {metadata_name or name}\n\nbody\n", encoding="utf-8")


def test_entries_of_the_group_with_their_distribution(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    _dist(first / "acme_rules-1.0.dist-info", "acme_rules", "# comment\n[console_scripts]\nx = a:b\n[sqlsoul.rules]\npack = acme.rules:get_rules\n", "acme-rules")
    _dist(first / "other-2.0.dist-info", "other", "[console_scripts]\nother = other:main\n")
    _dist(first / "legacy.egg-info", "legacy", "[sqlsoul.rules]\n  old = legacy.rules:rules  \n")
    # A second copy of acme-rules later on the path is shadowed, as with importlib.metadata.
    _dist(second / "acme_rules-0.9.dist-info", "acme_rules", "[sqlsoul.rules]\nstale = acme.old:rules\n")
    monkeypatch.setattr(sys, "path", [str(first), str(second), str(tmp_path / "missing")])
    found = sorted((e.distribution, e.name, e.value) for e in entry_points("sqlsoul.rules"))
    assert found == [("acme-rules", "pack", "acme.rules:get_rules"), ("legacy", "old", "legacy.rules:rules")]


def test_load_resolves_module_and_attribute_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "epmod_under_test.py").write_text("class Holder:\n    value = 42\n", encoding="utf-8")
    _dist(tmp_path / "epmod-1.0.dist-info", "epmod", "[sqlsoul.rules]\nv = epmod_under_test:Holder.value\n")
    monkeypatch.setattr(sys, "path", [str(tmp_path)])
    (entry,) = entry_points("sqlsoul.rules")
    assert entry.load() == 42


def test_the_installed_package_registers_its_builtin_rules() -> None:
    assert any(e.distribution == "sqlsoul" and e.value == "sqlsoul.rules:builtin_rules" for e in entry_points("sqlsoul.rules"))
