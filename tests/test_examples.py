"""The shipped examples: examples/bad and examples/migrations make every rule fire exactly where expected,
examples/safety makes the migration-safety rules fire, examples/mysql, sqlite and sqlite-schema the
rules of other dialects, examples/good is clean, and each folder is a history of its own."""

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
SAFETY = "examples/safety"
MYSQL = "examples/mysql"
SQLITE = "examples/sqlite"
SQLITE_SCHEMA = "examples/sqlite-schema"

# (path, code, line, column) of every finding in examples/bad, each reasoned from the files.
EXPECTED_BAD = {
    # 001: `    tags text  -- e.g. 'sale,summer'` on line 31: a text column named `tags` (a structured name);
    # findings point at the column name, after four spaces of indent.
    (f"{BAD}/001_create_customers.sql", "SS104", 31, 5),
    # Line 18 `    customer_id bigint NOT NULL REFERENCES customers (id) ON DELETE CASCADE,`: no index on
    # customer_addresses starts with customer_id; reported at REFERENCES (4 + 28 characters before it).
    (f"{BAD}/001_create_customers.sql", "SS502", 18, 33),
    # Line 23 `    country char(2) NOT NULL`: a blank-padded char column (a note).
    (f"{BAD}/001_create_customers.sql", "SS405", 23, 5),
    # 002, table orders (lines 14-21). Line 16 `    customer_id bigint NOT NULL,`: customers exists and no
    # foreign key is ever added.
    (f"{BAD}/002_create_orders.sql", "SS101", 16, 5),
    # Line 17 `    status varchar(20) ...`: a status column of a text type, no CHECK, enum or lookup table.
    (f"{BAD}/002_create_orders.sql", "SS102", 17, 5),
    # Line 18 `    customer_email text NOT NULL,  -- sqlsoul: ignore[denormalised-user-field] ...`:
    # customer is a person entity and email a personal attribute. The suppression misspells the rule,
    # so it silences nothing and is itself reported where the comment starts: 4 + len("customer_email")
    # + len(" text NOT NULL,") + 2 spaces = 35 characters before it, so column 36.
    (f"{BAD}/002_create_orders.sql", "SS103", 18, 5),
    (f"{BAD}/002_create_orders.sql", "SS904", 18, 36),
    # Line 23: `-- sqlsoul: ignore[missing-foreign-key] ...` above order_items, whose *_id columns all have
    # foreign keys: nothing to silence, reported at the start of the comment.
    (f"{BAD}/002_create_orders.sql", "SS903", 23, 1),
    # Line 26 `    product_id bigint NOT NULL REFERENCES products (id),`: the primary key (order_id,
    # product_id) serves order_id, not product_id. Line 34 `    order_id bigint NOT NULL REFERENCES orders (id),`
    # in payments: no index at all.
    (f"{BAD}/002_create_orders.sql", "SS502", 26, 32),
    (f"{BAD}/002_create_orders.sql", "SS502", 34, 30),
    # (payments.provider_payload on line 36 is silenced by a used same-line suppression: no finding.)
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
    # 005: the column findings point at the column names of daily_sales (lines 19-24, four spaces in);
    # line 19 `    id serial PRIMARY KEY,` gives two: an integer key and a serial column.
    (f"{BAD}/005_reporting_and_access.sql", "SS401", 19, 5),
    (f"{BAD}/005_reporting_and_access.sql", "SS402", 19, 5),
    (f"{BAD}/005_reporting_and_access.sql", "SS403", 21, 5),
    (f"{BAD}/005_reporting_and_access.sql", "SS406", 22, 5),
    (f"{BAD}/005_reporting_and_access.sql", "SS407", 23, 5),
    (f"{BAD}/005_reporting_and_access.sql", "SS408", 24, 5),
    # Line 27 `CREATE TABLE page_views (`: at the table name. Line 32: the index whose (path) leads
    # page_views_path_viewed_at_idx, at its ON clause's table.
    (f"{BAD}/005_reporting_and_access.sql", "SS501", 27, 14),
    (f"{BAD}/005_reporting_and_access.sql", "SS503", 32, 37),
    # Line 35 `CREATE ROLE reporting SUPERUSER LOGIN PASSWORD 'Winter2024!';`: at SUPERUSER and at the
    # password literal (which every output masks).
    (f"{BAD}/005_reporting_and_access.sql", "SS605", 35, 23),
    (f"{BAD}/005_reporting_and_access.sql", "SS603", 35, 48),
    # Line 36 `GRANT SELECT ON daily_sales TO PUBLIC;`: at PUBLIC. Line 37: GRANT ALL (a note).
    (f"{BAD}/005_reporting_and_access.sql", "SS601", 36, 32),
    (f"{BAD}/005_reporting_and_access.sql", "SS602", 37, 1),
    # Line 40 `    LANGUAGE sql SECURITY DEFINER`: at SECURITY DEFINER, with no SET search_path.
    (f"{BAD}/005_reporting_and_access.sql", "SS604", 40, 18),
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
    # 000011 renames a column of a live table, and its down renames it back: renaming-column on both,
    # at the statement after each file's header.
    (f"{MIGRATIONS}/000011_rename_customer_full_name.up.sql", "SS212", 9, 1),
    (f"{MIGRATIONS}/000011_rename_customer_full_name.down.sql", "SS212", 6, 1),
}

# (path, code, line, column) of every finding in examples/safety, a goose folder: each file's up runs in
# a transaction unless it says `-- +goose NO TRANSACTION`. Each file's header lists its findings; the
# columns are those of the column name (ADD COLUMN, ALTER COLUMN TYPE), of the constraint (ADD
# CONSTRAINT) or of the statement's start.
EXPECTED_SAFETY = {
    (f"{SAFETY}/00002_add_order_columns.sql", "SS201", 10, 31),
    (f"{SAFETY}/00002_add_order_columns.sql", "SS202", 11, 31),
    (f"{SAFETY}/00002_add_order_columns.sql", "SS203", 12, 1),
    (f"{SAFETY}/00003_add_order_constraints.sql", "SS204", 11, 26),
    (f"{SAFETY}/00003_add_order_constraints.sql", "SS205", 12, 24),
    (f"{SAFETY}/00003_add_order_constraints.sql", "SS206", 13, 27),
    (f"{SAFETY}/00004_index_orders.sql", "SS208", 13, 1),
    (f"{SAFETY}/00004_index_orders.sql", "SS207", 14, 30),
    (f"{SAFETY}/00004_index_orders.sql", "SS209", 15, 1),
    (f"{SAFETY}/00004_index_orders.sql", "SS221", 16, 1),
    (f"{SAFETY}/00004_index_orders.sql", "SS208", 19, 1),  # the down
    (f"{SAFETY}/00004_index_orders.sql", "SS209", 21, 1),
    (f"{SAFETY}/00005_index_concurrently.sql", "SS210", 10, 1),
    (f"{SAFETY}/00005_index_concurrently.sql", "SS209", 13, 1),
    (f"{SAFETY}/00006_rename_and_retype.sql", "SS212", 14, 1),
    (f"{SAFETY}/00006_rename_and_retype.sql", "SS213", 15, 1),
    (f"{SAFETY}/00006_rename_and_retype.sql", "SS211", 16, 33),
    (f"{SAFETY}/00006_rename_and_retype.sql", "SS211", 19, 33),  # the down
    (f"{SAFETY}/00006_rename_and_retype.sql", "SS213", 20, 1),
    (f"{SAFETY}/00006_rename_and_retype.sql", "SS212", 21, 1),
    (f"{SAFETY}/00007_maintenance.sql", "SS228", 16, 1),
    (f"{SAFETY}/00007_maintenance.sql", "SS225", 20, 16),
    (f"{SAFETY}/00007_maintenance.sql", "SS223", 24, 1),
    (f"{SAFETY}/00007_maintenance.sql", "SS216", 25, 1),
    (f"{SAFETY}/00007_maintenance.sql", "SS302", 25, 1),
    (f"{SAFETY}/00007_maintenance.sql", "SS214", 26, 1),
    (f"{SAFETY}/00008_refunds.sql", "SS224", 11, 1),
    (f"{SAFETY}/00008_refunds.sql", "SS301", 12, 1),
    (f"{SAFETY}/00008_refunds.sql", "SS226", 13, 28),
    (f"{SAFETY}/00009_backfill.sql", "SS219", 9, 1),
    (f"{SAFETY}/00010_archive.sql", "SS220", 8, 1),
    (f"{SAFETY}/00011_detach_old_archive.sql", "SS222", 8, 1),
}


# (path, code, line, column) of every finding in the other dialects' folders, whose file names carry
# the dialect. mysql/: a plain folder; the inline REFERENCES MySQL 8.4 ignores (at REFERENCES) leaves
# reviews.customer_id without a key (at the column); the table's utf8 default is at the charset name;
# the trigger is a note at CREATE (the procedure, called, is read). sqlite/: a goose folder; ADD COLUMN ... UNIQUE at the
# column, the down's DROP COLUMN at the statement (libpg_query's shape has no location for it), each
# PRAGMA inside goose's transaction at its statement. sqlite-schema/: one script whose only foreign
# key is at product_id, without an index and with enforcement never turned on.
EXPECTED_DIALECTS = {
    (f"{MYSQL}/001_create_shop.mysql.sql", "SS101", 16, 5),
    (f"{MYSQL}/001_create_shop.mysql.sql", "SS702", 16, 42),
    (f"{MYSQL}/001_create_shop.mysql.sql", "SS705", 18, 25),
    (f"{MYSQL}/002_backfill_review_counts.mysql.sql", "SS905", 17, 1),
    (f"{SQLITE}/00002_add_customer_login.sqlite.sql", "SS704", 5, 34),
    (f"{SQLITE}/00002_add_customer_login.sqlite.sql", "SS704", 8, 1),
    (f"{SQLITE}/00003_require_order_total.sqlite.sql", "SS706", 8, 1),
    (f"{SQLITE}/00003_require_order_total.sqlite.sql", "SS706", 18, 1),
    (f"{SQLITE_SCHEMA}/schema.sqlite.sql", "SS502", 15, 33),
    (f"{SQLITE_SCHEMA}/schema.sqlite.sql", "SS703", 15, 33),
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
    # The folder is there for the migration rules (and the one rename the safety rules see).
    assert {finding["code"] for finding in migrations[1]} == {"SS301", "SS302", "SS303", "SS304", "SS212"}


@pytest.fixture(scope="module")
def safety() -> tuple[int, list[dict]]:
    return lint_json(SAFETY)


def test_safety_findings_are_exactly_the_expected_ones(safety) -> None:
    code, findings = safety
    assert code == 1
    assert as_set(findings) == EXPECTED_SAFETY
    assert len(findings) == len(EXPECTED_SAFETY)


def test_every_rule_on_by_default_fires_somewhere_under_examples(everything, registry: Registry) -> None:
    # SS902 needs a file that cannot be read, which git cannot ship; syntax-newer-than-target needs a
    # target older than the default (18, the newest the parser knows), and check-ignored a MySQL older
    # than the default (8.4, which enforces CHECK). Their specs cover them, and the
    # opt-in rules' specs cover them.
    # verify's rules are reported by `sqlsoul verify` only
    on_by_default = {code for code, rule in registry.rules.items() if rule.meta.enabled and rule.scope != "verify"}
    assert {finding["code"] for finding in everything[1]} == on_by_default - {"SS902", "SS229", "SS701"}


def test_other_dialects_findings_are_exactly_the_expected_ones() -> None:
    code, findings = lint_json(MYSQL, SQLITE, SQLITE_SCHEMA)
    assert code == 1
    assert as_set(findings) == EXPECTED_DIALECTS
    assert len(findings) == len(EXPECTED_DIALECTS)


@pytest.mark.parametrize("folder", [BAD, MIGRATIONS, SAFETY, MYSQL, SQLITE, SQLITE_SCHEMA])
def test_each_file_lists_its_findings_in_its_header(folder: str) -> None:
    expected = EXPECTED_BAD | EXPECTED_MIGRATIONS | EXPECTED_SAFETY | EXPECTED_DIALECTS
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
    # Each folder is a history of its own: each gives exactly what it gives alone.
    code, findings = everything
    assert code == 1
    assert as_set(findings) == EXPECTED_BAD | EXPECTED_MIGRATIONS | EXPECTED_SAFETY | EXPECTED_DIALECTS
    assert len(findings) == len(EXPECTED_BAD) + len(EXPECTED_MIGRATIONS) + len(EXPECTED_SAFETY) + len(EXPECTED_DIALECTS)


def test_lint_examples_text_output_exits_1() -> None:
    process = run_sqlsoul("lint", "--no-plugins", "examples/")
    assert process.returncode == 1
    assert "examples/bad/002_create_orders.sql:16:5: warning SS101 missing-foreign-key:" in process.stdout
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
        assert len(later) == 6
