from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from sqlsoul.cli import main
from sqlsoul.registry import Registry, load_registry

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"

# Line 4: orders.customer_id has no foreign key (SS101, a warning); line 5: orders.status is an
# unchecked status column (SS102, a warning); line 6: orders.country is char(2) (SS405, a note).
ORDERS_SQL = (
    "CREATE TABLE customers (id bigint PRIMARY KEY);\n"
    "CREATE TABLE orders (\n"
    "    id bigint PRIMARY KEY,\n"
    "    customer_id bigint NOT NULL,\n"
    "    status text,\n"
    "    country char(2)\n"
    ");\n"
)


@pytest.fixture(scope="session")
def registry() -> Registry:
    return load_registry(plugins=False)


def run(*args: str, input: str | bytes | None = None) -> Result:
    """`sqlsoul ARGS` in this process, stdout and stderr apart."""
    return CliRunner().invoke(main, list(args), input=input, prog_name="sqlsoul")


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def findings(result: Result) -> list[tuple[str, str, int, int]]:
    """(path, code, line, column) of a --format json run."""
    return [(f["path"], f["code"], f["line"], f["column"]) for f in json.loads(result.stdout)["findings"]]


def one_error_line(result: Result) -> str:
    """The single line a failed run prints on stderr, after checking there is exactly one."""
    assert result.exit_code == 2, (result.exit_code, result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert lines[0].startswith("sqlsoul: error: ")
    return lines[0].removeprefix("sqlsoul: error: ")
