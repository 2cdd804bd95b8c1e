"""The shipped examples: examples/bad and examples/migrations make every rule fire exactly where expected,
examples/good is clean, and each folder is a history of its own."""

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
MIGRATIONS = "examples/migrations"

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

# (path, code, line, column) of every finding in examples/migrations, a golang-migrate folder: each
# `<version>_<title>.up.sql` and its `.down.sql` are one unit (the up replayed, then the down on a copy of
# the schema, and the two schemas compared). Each file has a four- or five-line header and a blank line.
EXPECTED_MIGRATIONS = {
    # 000001-000003 invert cleanly: their downs drop the tables (children first) and the enum type.
    # 000004: line 8 `ALTER TABLE orders ADD COLUMN tracking_number text;`. The down drops shipped_at
    # only, so tracking_number is still there after it: reported at its column definition, after the
    # 30 characters of `ALTER TABLE orders ADD COLUMN `, column 31.
    (f"{MIGRATIONS}/000004_add_order_tracking.up.sql", "SS301", 8, 31),
    # 000005: line 7 `ALTER TYPE order_status ADD VALUE 'refunded' AFTER 'delivered';`, whose down is a
    # comment only: an enum value cannot be dropped, reported at the statement that adds it.
    (f"{MIGRATIONS}/000005_add_refunded_order_status.up.sql", "SS301", 7, 1),
    # 000006 has no .down.sql: "no down migration", reported at the up's first statement, the
    # `CREATE TYPE payment_state` on line 6.
    (f"{MIGRATIONS}/000006_create_payments.up.sql", "SS301", 6, 1),
    # 000007: line 7 `ALTER TABLE customers DROP COLUMN fax;` loses the column's values (the column was
    # created in 000001, not in this migration). Its down adds `fax text` back exactly as 000001 made it
    # (nullable, no default), so SS301 is quiet: the structure is restored, only the data is gone.
    (f"{MIGRATIONS}/000007_drop_customer_fax.up.sql", "SS302", 7, 1),
    # 000008 twice: reported on both ups, at the start of each file (a layout problem has no statement),
    # so that a pre-commit hook given either pair reports it. Both pairs still run as units (each pairs
    # with the down of its own title), and both invert cleanly.
    (f"{MIGRATIONS}/000008_add_product_weight.up.sql", "SS303", 1, 1),
    (f"{MIGRATIONS}/000008_create_shipments.up.sql", "SS303", 1, 1),
    # 000009 has a .down.sql and no .up.sql: reported at the start of the down. It belongs to no unit, so
    # its DROP COLUMN is never replayed (gift_wrap, added by 000010, stays).
    (f"{MIGRATIONS}/000009_add_gift_wrap.down.sql", "SS304", 1, 1),
    # 000010 (two columns in one ALTER TABLE, both dropped by the down) and 000011 (a column renamed and
    # renamed back) invert cleanly. No design rule fires anywhere: every *_id column has a foreign key,
    # statuses and states are enum types or CHECKed, structured data is jsonb or an array.
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


@pytest.fixture(scope="module")
def migrations() -> tuple[int, list[dict]]:
    return lint_json(MIGRATIONS)


@pytest.fixture(scope="module")
def everything() -> tuple[int, list[dict]]:
    return lint_json("examples/")


def test_migrations_findings_are_exactly_the_expected_ones(migrations) -> None:
    code, findings = migrations
    assert code == 1
    assert as_set(findings) == EXPECTED_MIGRATIONS
    assert len(findings) == len(EXPECTED_MIGRATIONS)


def test_migrations_show_the_migration_rules_only(migrations) -> None:
    # The folder is there for the migration rules: no design or meta rule fires in it.
    assert {finding["code"] for finding in migrations[1]} == {"SS301", "SS302", "SS303", "SS304"}


def test_every_rule_fires_somewhere_under_examples_except_unreadable_file(everything, registry: Registry) -> None:
    # SS902 needs a file that cannot be read, which git cannot ship; its spec covers it.
    assert {finding["code"] for finding in everything[1]} == set(registry.rules) - {"SS902"}


@pytest.mark.parametrize("folder", [BAD, MIGRATIONS])
def test_each_file_lists_its_findings_in_its_header(folder: str) -> None:
    expected = EXPECTED_BAD | EXPECTED_MIGRATIONS
    for path in sorted((REPO / folder).glob("*.sql")):
        if path.name == "004_seed_products.sql":
            continue  # the Latin-1 file is kept to two lines
        relative = f"{folder}/{path.name}"
        text = path.read_bytes().decode("utf-8", "replace")
        assert text.startswith("-- "), relative  # every example says what it demonstrates
        header = text.split("\n\n", 1)[0]
        listed = sorted(re.findall(r"^--\s+(SS\d{3}) ", header, re.MULTILINE))
        fired = sorted(code for where, code, _, _ in expected if where == relative)
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


def test_linting_examples_lints_each_folder_as_its_own_history(everything) -> None:
    # bad/, good/ and migrations/ are three histories: each gives exactly what it gives alone.
    code, findings = everything
    assert code == 1
    assert as_set(findings) == EXPECTED_BAD | EXPECTED_MIGRATIONS
    assert len(findings) == len(EXPECTED_BAD) + len(EXPECTED_MIGRATIONS)


def test_lint_examples_text_output_exits_1() -> None:
    process = run_sqlsoul("lint", "--no-plugins", "examples/")
    assert process.returncode == 1
    assert "examples/bad/002_create_orders.sql:14:5: warning SS101 missing-foreign-key:" in process.stdout
    assert "examples/migrations/000007_drop_customer_fax.up.sql:7:1: warning SS302 destructive-migration:" in process.stdout
    files = len(list((REPO / "examples").rglob("*.sql")))
    assert process.stderr.strip().startswith(f"{files} files, ")


def test_a_named_down_shows_the_finding_of_its_up() -> None:
    # Named alone (as pre-commit passes a changed file), the down is linted inside its history, and the
    # finding in its up is shown at the top of the down with the up's location as related.
    _, findings = lint_json(f"{MIGRATIONS}/000004_add_order_tracking.down.sql")
    [finding] = findings
    assert (finding["path"], finding["code"], finding["line"], finding["column"]) == (
        f"{MIGRATIONS}/000004_add_order_tracking.down.sql", "SS301", 1, 1
    )
    assert finding["related"] == [
        {"path": f"{MIGRATIONS}/000004_add_order_tracking.up.sql", "line": 8, "column": 31, "message": "the finding is here"}
    ]


def test_migrations_from_a_version_report_only_it_and_later_ones() -> None:
    # 000001-000006 are replayed (000007 drops a column 000001 created) but reported no more.
    for version in ("000007", "7"):
        process = run_sqlsoul("lint", "--no-plugins", "--format", "json", "--quiet", "--from", version, MIGRATIONS)
        assert process.returncode == 1, process.stderr
        later = {entry for entry in EXPECTED_MIGRATIONS if Path(entry[0]).name >= "000007"}
        assert as_set(json.loads(process.stdout)["findings"]) == later
        assert len(later) == 4
