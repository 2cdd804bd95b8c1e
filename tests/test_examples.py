"""The shipped examples: examples/bad makes every rule fire exactly where expected, examples/good is clean."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sqlsoul.registry import Registry

from conftest import REPO

BAD = "examples/bad"
GOOD = "examples/good"

# (path, code, line, column) of every finding in examples/bad, each reasoned from the files.
EXPECTED_BAD = {
    # 001: `    tags text  -- e.g. 'sale,summer'` on line 29: a text column named `tags` (a structured name);
    # findings point at the column name, after four spaces of indent.
    (f"{BAD}/001_create_customers.sql", "SS104", 29, 5),
    # 002, table orders (lines 12-19). Line 14 `    customer_id bigint NOT NULL,`: customers exists and no
    # foreign key is ever added.
    (f"{BAD}/002_create_orders.sql", "SS101", 14, 5),
    # Line 15 `    status varchar(20) ...`: a status column of a text type, no CHECK, enum or lookup table.
    (f"{BAD}/002_create_orders.sql", "SS102", 15, 5),
    # Line 16 `    customer_email text NOT NULL,  -- sqlsoul: ignore[denormalised-user-field] ...`:
    # customer is a person entity and email a personal attribute. The suppression misspells the rule,
    # so it silences nothing and is itself reported where the comment starts: 4 + len("customer_email")
    # + len(" text NOT NULL,") + 2 spaces = 35 characters before it, so column 36.
    (f"{BAD}/002_create_orders.sql", "SS103", 16, 5),
    (f"{BAD}/002_create_orders.sql", "SS904", 16, 36),
    # Line 21: `-- sqlsoul: ignore[missing-foreign-key] ...` above order_items, whose *_id columns all have
    # foreign keys: nothing to silence, reported at the start of the comment.
    (f"{BAD}/002_create_orders.sql", "SS903", 21, 1),
    # (payments.provider_payload on line 34 is silenced by a used same-line suppression: no finding.)
    # 003: the ALTER TABLE on lines 11-13 misses a comma; PostgreSQL's parser stops at the second
    # `    ADD COLUMN` on line 13.
    (f"{BAD}/003_add_shipping.sql", "SS900", 13, 5),
    # The CREATE TABLE after the broken statement is still checked. Line 17 `    order_id bigint NOT NULL,`:
    # orders exists, no foreign key.
    (f"{BAD}/003_add_shipping.sql", "SS101", 17, 5),
    # Line 19 `    delivery_state text,`: matches *_state, text, unconstrained (no address columns beside it).
    (f"{BAD}/003_add_shipping.sql", "SS102", 19, 5),
    # Line 20 `    parcel_ids text`: matches *_ids.
    (f"{BAD}/003_add_shipping.sql", "SS104", 20, 5),
    # 004, line 2: `INSERT INTO products (sku, title, price_cents) VALUES ('CAFE-1', 'Caf` is 69 characters,
    # then the Latin-1 byte 0xE9: the first invalid UTF-8 sequence, column 70.
    (f"{BAD}/004_seed_products.sql", "SS901", 2, 70),
}


def run_sqlsoul(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sqlsoul", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


def lint_json(*paths: str) -> tuple[int, list[dict]]:
    # --no-plugins: third-party rule packs installed next to sqlsoul must not change the examples.
    process = run_sqlsoul("lint", "--no-plugins", "--format", "json", "--quiet", *paths)
    assert process.returncode in (0, 1), process.stderr
    return process.returncode, json.loads(process.stdout)["findings"]


def as_set(findings: list[dict]) -> set[tuple[str, str, int, int]]:
    return {(finding["path"], finding["code"], finding["line"], finding["column"]) for finding in findings}


@pytest.fixture(scope="module")
def bad() -> tuple[int, list[dict]]:
    return lint_json(BAD)


def test_bad_findings_are_exactly_the_expected_ones(bad) -> None:
    code, findings = bad
    assert code == 1
    assert as_set(findings) == EXPECTED_BAD
    assert len(findings) == len(EXPECTED_BAD)  # no duplicates hiding behind the set


def test_bad_makes_every_rule_fire_except_unreadable_file(bad, registry: Registry) -> None:
    # SS902 needs a file that cannot be read, which git cannot ship; its spec covers it.
    assert {finding["code"] for finding in bad[1]} == set(registry.rules) - {"SS902"}


def test_each_bad_file_lists_its_findings_in_its_header(bad) -> None:
    for path in sorted((REPO / BAD).glob("*.sql")):
        if path.name.startswith("004"):
            continue  # the Latin-1 file is kept to two lines
        relative = f"{BAD}/{path.name}"
        header = path.read_bytes().decode("utf-8", "replace").split("\n\n", 1)[0]
        listed = sorted(re.findall(r"^--\s+(SS\d{3}) ", header, re.MULTILINE))
        fired = sorted(code for where, code, _, _ in EXPECTED_BAD if where == relative)
        assert listed == fired, relative


def test_latin1_example_is_really_not_utf8() -> None:
    data = (REPO / BAD / "004_seed_products.sql").read_bytes()
    assert b"Caf\xe9 beans" in data
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")


def test_good_has_no_findings() -> None:
    code, findings = lint_json(GOOD)
    assert findings == []
    assert code == 0


def test_good_relies_on_the_final_state_of_its_history(tmp_path: Path) -> None:
    # Without the later migrations that add and validate it, the missing foreign key is reported.
    for path in (REPO / GOOD).glob("00[123]_*.sql"):
        shutil.copy(path, tmp_path / path.name)
    _, findings = lint_json(str(tmp_path))
    assert {(Path(path).name, code, line, column) for path, code, line, column in as_set(findings)} == {
        ("003_add_shipping.sql", "SS101", 15, 5)
    }
    # Named on its own (as pre-commit does), 003 is linted inside its whole history: no finding.
    _, findings = lint_json(f"{GOOD}/003_add_shipping.sql")
    assert findings == []


def test_linting_examples_replays_bad_then_good_without_interference() -> None:
    code, findings = lint_json("examples/")
    assert code == 1
    assert as_set(findings) == EXPECTED_BAD


def test_lint_examples_text_output_exits_1() -> None:
    process = run_sqlsoul("lint", "--no-plugins", "examples/")
    assert process.returncode == 1
    assert "examples/bad/002_create_orders.sql:14:5: warning SS101 missing-foreign-key:" in process.stdout
    assert process.stderr.strip().startswith("9 files, ")
