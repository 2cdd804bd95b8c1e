from __future__ import annotations

from pathlib import Path

import pytest

from sqlsoul.registry import Registry, load_registry

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def registry() -> Registry:
    return load_registry(plugins=False)
