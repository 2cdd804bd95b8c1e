"""diesel, dbmate and goose folders: the units they hold, how each runs, which statements are its up and its down."""

from __future__ import annotations

from pathlib import Path

import pytest

from sqlsoul.discovery import HistorySettings, discover
from sqlsoul.engine import LintResult
from sqlsoul.history import Chain, History, LayoutOptions, Unit

from layout_probe import lint as probe_lint
from layout_probe import lint_corpus_from_the_command_line, others, placed
from conftest import SHARED

FIXTURES = Path(__file__).parent / "fixtures" / "layouts"
CORPORA = SHARED / "corpora"
LEMMY = CORPORA / "lemmy" / "migrations"
HATCHET = CORPORA / "hatchet" / "cmd" / "hatchet-migrate" / "migrate" / "migrations"
SUPABASE = CORPORA / "supabase-postgres" / "migrations" / "db"


# The probe, what the layouts report, and one design rule that points at a column; rules that judge
# units (irreversible-migration, say) have tests of their own.
ENABLED = ("unit-probe", "duplicate-migration-version", "unpaired-migration", "parse-error", "invalid-encoding",
           "unreadable-file", "text-for-structured-data")


def lint(chains: list[Chain]) -> LintResult:
    return probe_lint(chains, ENABLED)


def only_history(chains: list[Chain]) -> History:
    [chain] = chains
    [history] = chain.histories
    return history


def down_state(unit: Unit) -> str:
    return "none" if unit.down is None else "missing" if unit.down == [] else "present"


def summary(history: History) -> list[tuple[str, str, str, str]]:
    return [(unit.version, unit.title, down_state(unit), unit.transaction.value) for unit in history.units]


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def corpus(folder: Path) -> Path:
    if not folder.is_dir():
        pytest.skip(f"corpus not available at {folder}")
    return folder


# --- diesel --------------------------------------------------------------------------------------

DIESEL = FIXTURES / "diesel"


def test_diesel_folders_are_units_in_version_order_with_their_transaction() -> None:
    history = only_history(discover([str(DIESEL)], DIESEL, []))
    assert history.layout == "diesel"
    assert summary(history) == [
        ("2024-01-10-120000", "create_users", "present", "transaction"),
        ("2024-01-11-090000", "add_users_tags", "present", "transaction"),
        # metadata.toml: run_in_transaction = false, so the file goes in one batch_execute.
        ("2024-01-12-080000", "index_users_email", "present", "implicit"),
        ("2024-01-13-070000", "backfill_bio", "missing", "transaction"),
    ]
    assert history.problems == []


def test_diesel_up_sql_runs_forward_and_down_sql_runs_back() -> None:
    result = lint(discover([str(DIESEL)], DIESEL, []))
    base = "migrations/"
    assert placed(result) == sorted([
        (base + "2024-01-10-120000_create_users/down.sql", 1, 1, "2024-01-10-120000 down transaction DropStmt"),
        (base + "2024-01-10-120000_create_users/up.sql", 1, 1, "2024-01-10-120000 up transaction CreateStmt"),
        (base + "2024-01-11-090000_add_users_tags/down.sql", 1, 1, "2024-01-11-090000 down transaction AlterTableStmt"),
        (base + "2024-01-11-090000_add_users_tags/down.sql", 2, 1, "2024-01-11-090000 down transaction AlterTableStmt"),
        (base + "2024-01-11-090000_add_users_tags/up.sql", 1, 1, "2024-01-11-090000 up transaction AlterTableStmt"),
        (base + "2024-01-11-090000_add_users_tags/up.sql", 2, 1, "2024-01-11-090000 up transaction AlterTableStmt"),
        (base + "2024-01-12-080000_index_users_email/down.sql", 1, 1, "2024-01-12-080000 down implicit DropStmt"),
        (base + "2024-01-12-080000_index_users_email/up.sql", 1, 1, "2024-01-12-080000 up implicit IndexStmt"),
        (base + "2024-01-13-070000_backfill_bio/up.sql", 2, 1, "2024-01-13-070000 up transaction UpdateStmt"),
    ])
    assert others(result) == [
        ("text-for-structured-data", base + "2024-01-11-090000_add_users_tags/up.sql", 2, 30),
    ]
    assert result.statements == 9


def test_diesel_down_without_up_and_a_version_used_twice_are_reported(tmp_path: Path) -> None:
    write(tmp_path / "migrations/2024-01-10-120000_create_users/up.sql", "CREATE TABLE users (id int);\n")
    write(tmp_path / "migrations/2024-01-10-120000_create_users/down.sql", "DROP TABLE users;\n")
    # The same version once the dashes are gone: diesel keeps only one of the two.
    write(tmp_path / "migrations/20240110120000_create_teams/up.sql", "CREATE TABLE teams (id int);\n")
    write(tmp_path / "migrations/2024-02-01-000000_orphan/down.sql", "DROP TABLE nothing;\n")
    chains = discover([str(tmp_path)], tmp_path, [])
    assert [(unit.version, unit.title) for unit in only_history(chains).units] == [
        ("2024-01-10-120000", "create_users"), ("20240110120000", "create_teams"),
    ]
    assert others(lint(chains)) == [
        ("unpaired-migration", "migrations/2024-02-01-000000_orphan/down.sql", 1, 1),
        ("duplicate-migration-version", "migrations/20240110120000_create_teams/up.sql", 1, 1),
    ]


@pytest.mark.parametrize(("metadata", "mode"), [
    ("run_in_transaction = true\n", "transaction"),
    ("run_in_transaction = false\n", "implicit"),
    # diesel declares the key `#[serde(default)] bool`: a file that parses without it means false.
    ("# nothing here\n", "implicit"),
    # A file that does not parse (or a value of the wrong type) falls back to diesel's default.
    ("run_in_transaction = \"false\"\n", "transaction"),
    ("run_in_transaction = \n", "transaction"),
])
def test_diesel_metadata_toml_decides_the_transaction(tmp_path: Path, metadata: str, mode: str) -> None:
    write(tmp_path / "migrations/1_index/up.sql", "CREATE INDEX CONCURRENTLY i ON t (c);\n")
    write(tmp_path / "migrations/1_index/metadata.toml", metadata)
    [unit] = only_history(discover([str(tmp_path)], tmp_path, [])).units
    assert unit.transaction.value == mode


@pytest.mark.parametrize("names", [["1_init/up.sql", "seed.sql"], ["1_init/down.sql"]], ids=["loose file", "downs only"])
def test_a_folder_is_diesel_only_when_it_holds_nothing_but_migration_folders_with_an_up(tmp_path: Path, names: list[str]) -> None:
    for name in names:
        write(tmp_path / "db" / name, "SELECT 1;\n")
    assert only_history(discover([str(tmp_path)], tmp_path, [])).layout == "plain"


# --- dbmate --------------------------------------------------------------------------------------

DBMATE = FIXTURES / "dbmate"


def test_dbmate_files_are_units_with_their_transaction_option() -> None:
    history = only_history(discover([str(DBMATE)], DBMATE, []))
    assert history.layout == "dbmate"
    assert summary(history) == [
        ("20240110120000", "create_users", "present", "transaction"),
        ("20240111090000", "add_users_tags", "present", "transaction"),
        ("20240112080000", "index_users_email", "present", "implicit"),  # -- migrate:up transaction:false
        ("20240113070000", "backfill_bio", "missing", "transaction"),
    ]


def test_dbmate_sections_run_on_their_side_and_a_missing_semicolon_stops_at_the_marker() -> None:
    result = lint(discover([str(DBMATE)], DBMATE, []))
    base = "db/migrations/"
    assert placed(result) == sorted([
        (base + "20240110120000_create_users.sql", 2, 1, "20240110120000 up transaction CreateStmt"),
        (base + "20240110120000_create_users.sql", 9, 1, "20240110120000 down transaction DropStmt"),
        (base + "20240111090000_add_users_tags.sql", 2, 1, "20240111090000 up transaction AlterTableStmt"),
        # No `;` before `-- migrate:down`: dbmate sends the up block alone, so the statement ends there.
        (base + "20240111090000_add_users_tags.sql", 3, 1, "20240111090000 up transaction AlterTableStmt"),
        (base + "20240111090000_add_users_tags.sql", 5, 1, "20240111090000 down transaction AlterTableStmt"),
        (base + "20240111090000_add_users_tags.sql", 6, 1, "20240111090000 down transaction AlterTableStmt"),
        (base + "20240112080000_index_users_email.sql", 2, 1, "20240112080000 up implicit IndexStmt"),
        (base + "20240112080000_index_users_email.sql", 5, 1, "20240112080000 down implicit DropStmt"),
        (base + "20240113070000_backfill_bio.sql", 3, 1, "20240113070000 up transaction UpdateStmt"),
    ])
    # The column of the statement without `;` reached the schema model, where it was added.
    assert others(result) == [("text-for-structured-data", base + "20240111090000_add_users_tags.sql", 3, 30)]


def test_dbmate_several_sections_in_one_file_are_units_of_their_own(tmp_path: Path) -> None:
    write(tmp_path / "db/migrations/20240101000000_colors.sql", (
        "-- migrate:up transaction:false\n"
        "ALTER TYPE color ADD VALUE 'orange'\n"
        "-- migrate:down\n"
        "-- migrate:up\n"
        "CREATE TABLE paints (id int);\n"
        "-- migrate:down\n"
        "DROP TABLE paints;\n"
    ))
    chains = discover([str(tmp_path)], tmp_path, [])
    assert summary(only_history(chains)) == [
        ("20240101000000", "colors", "present", "implicit"),
        ("20240101000000", "colors (section 2)", "present", "transaction"),
    ]
    result = lint(chains)
    assert placed(result) == [
        ("db/migrations/20240101000000_colors.sql", 2, 1, "20240101000000 up implicit AlterEnumStmt"),
        ("db/migrations/20240101000000_colors.sql", 5, 1, "20240101000000 up transaction CreateStmt"),
        ("db/migrations/20240101000000_colors.sql", 7, 1, "20240101000000 down transaction DropStmt"),
    ]
    assert others(result) == []


def test_dbmate_needs_a_marker_in_every_file_unless_the_layout_is_configured(tmp_path: Path) -> None:
    write(tmp_path / "db/1_a.sql", "-- migrate:up\nCREATE TABLE a (id int);\n-- migrate:down\nDROP TABLE a;\n")
    write(tmp_path / "db/2_b.sql", "CREATE TABLE b (id int);\n")
    assert only_history(discover([str(tmp_path)], tmp_path, [])).layout == "plain"
    # Configured as dbmate, the file without markers (which dbmate refuses) is still its SQL, with no down.
    settings = HistorySettings(layouts=(("db", "dbmate"),))
    history = only_history(discover([str(tmp_path)], tmp_path, [], settings=settings))
    assert summary(history) == [("1", "a", "present", "transaction"), ("2", "b", "none", "transaction")]


def test_dbmate_version_used_twice_is_reported(tmp_path: Path) -> None:
    write(tmp_path / "db/20240101000000_a.sql", "-- migrate:up\nSELECT 1;\n-- migrate:down\n")
    write(tmp_path / "db/20240101000000_b.sql", "-- migrate:up\nSELECT 2;\n-- migrate:down\n")
    assert others(lint(discover([str(tmp_path)], tmp_path, []))) == [
        ("duplicate-migration-version", "db/20240101000000_b.sql", 1, 1),
    ]


# --- goose ---------------------------------------------------------------------------------------

GOOSE = FIXTURES / "goose"


def test_goose_files_are_units_and_no_transaction_runs_statement_by_statement() -> None:
    history = only_history(discover([str(GOOSE)], GOOSE, []))
    assert history.layout == "goose"
    assert summary(history) == [
        ("00001", "create_users", "present", "transaction"),
        ("00002", "add_users_tags", "present", "transaction"),
        ("00003", "index_users_email", "present", "autocommit"),  # -- +goose NO TRANSACTION
        ("00004", "backfill_bio", "missing", "transaction"),
    ]


def test_goose_statement_end_ends_a_statement_without_its_semicolon() -> None:
    result = lint(discover([str(GOOSE)], GOOSE, []))
    base = "migrations/"
    assert placed(result) == sorted([
        (base + "00001_create_users.sql", 2, 1, "00001 up transaction CreateStmt"),
        (base + "00001_create_users.sql", 9, 1, "00001 up transaction CreateFunctionStmt"),  # its body's `;` stay inside
        (base + "00001_create_users.sql", 18, 1, "00001 up transaction CreateTrigStmt"),
        (base + "00001_create_users.sql", 22, 1, "00001 down transaction DropStmt"),
        (base + "00001_create_users.sql", 23, 1, "00001 down transaction DropStmt"),
        (base + "00001_create_users.sql", 24, 1, "00001 down transaction DropStmt"),
        (base + "00002_add_users_tags.sql", 3, 1, "00002 up transaction AlterTableStmt"),
        (base + "00002_add_users_tags.sql", 4, 1, "00002 up transaction AlterTableStmt"),  # no `;`
        (base + "00002_add_users_tags.sql", 9, 1, "00002 down transaction AlterTableStmt"),
        (base + "00002_add_users_tags.sql", 10, 1, "00002 down transaction AlterTableStmt"),  # no `;`
        (base + "00003_index_users_email.sql", 3, 1, "00003 up autocommit IndexStmt"),
        (base + "00003_index_users_email.sql", 6, 1, "00003 down autocommit DropStmt"),
        (base + "00004_backfill_bio.sql", 3, 1, "00004 up transaction UpdateStmt"),
    ])
    assert others(result) == [("text-for-structured-data", base + "00002_add_users_tags.sql", 4, 30)]


def test_goose_annotations_are_case_insensitive_lines_without_leading_whitespace(tmp_path: Path) -> None:
    write(tmp_path / "db/1_a.sql", (
        "-- +goose no transaction\n"
        "-- +goose UP\n"  # the annotation is case-insensitive, `+goose` is not (parser.go)
        "CREATE TABLE a (id int)\n"
        "--+goose down\n"
        "DROP TABLE a;\n"
        "  -- +goose StatementEnd\n"  # indented: goose refuses it; here it stays a comment
    ))
    chains = discover([str(tmp_path)], tmp_path, [])
    assert summary(only_history(chains)) == [("1", "a", "present", "autocommit")]
    assert placed(lint(chains)) == [
        ("db/1_a.sql", 3, 1, "1 up autocommit CreateStmt"),
        ("db/1_a.sql", 5, 1, "1 down autocommit DropStmt"),
    ]


def test_goose_version_used_twice_is_reported(tmp_path: Path) -> None:
    write(tmp_path / "db/001_a.sql", "-- +goose Up\nSELECT 1;\n")
    write(tmp_path / "db/1_b.sql", "-- +goose Up\nSELECT 2;\n")
    assert others(lint(discover([str(tmp_path)], tmp_path, []))) == [
        ("duplicate-migration-version", "db/1_b.sql", 1, 1),
    ]


# --- all three ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("files", "accepted"), [
    ({"db/1_a/up.sql": "SELECT 1;\n", "db/2_b/up.sql": "SELECT 2;\n"}, "db/1_a/up.sql"),
    ({"db/1_a.sql": "-- migrate:up\nSELECT 1;\n", "db/2_b.sql": "-- migrate:up\nSELECT 2;\n"}, "db/1_a.sql"),
    ({"db/1_a.sql": "-- +goose Up\nSELECT 1;\n", "db/2_b.sql": "-- +goose Up\nSELECT 2;\n"}, "db/1_a.sql"),
], ids=["diesel", "dbmate", "goose"])
def test_a_missing_down_that_is_known_is_no_down_at_all(tmp_path: Path, files: dict[str, str], accepted: str) -> None:
    for name, text in files.items():
        write(tmp_path / name, text)
    settings = HistorySettings(options=LayoutOptions(ignore_unpaired=(accepted,)))
    history = only_history(discover([str(tmp_path)], tmp_path, [], settings=settings))
    assert [down_state(unit) for unit in history.units] == ["none", "missing"]


# --- real corpora --------------------------------------------------------------------------------


def test_lemmy_is_a_diesel_history_of_342_migrations() -> None:
    folder = corpus(LEMMY)
    history = only_history(discover([str(folder)], folder, []))
    assert history.layout == "diesel"
    assert len(history.units) == 342 == sum(1 for _ in folder.glob("*/up.sql"))
    assert {down_state(unit) for unit in history.units} == {"present"}
    assert {unit.transaction.value for unit in history.units} == {"transaction"}  # no metadata.toml in the copy
    assert history.units[0].version == "00000000000000" and history.problems == []


def test_hatchet_is_a_goose_history_and_its_statement_end_blocks_parse() -> None:
    folder = corpus(HATCHET)
    chains = discover([str(folder)], folder, [])
    history = only_history(chains)
    assert history.layout == "goose"
    assert len(history.units) == 224
    states = [down_state(unit) for unit in history.units]
    assert (states.count("missing"), states.count("present")) == (88, 136)  # 88 files have no Down
    assert sum(unit.transaction.value == "autocommit" for unit in history.units) == 33
    result = lint(chains)
    assert [f for f in result.findings if f.rule == "parse-error"] == []
    ran = placed(result)
    # Each of the 12 Down sections that hold only comments is a down without statements.
    downs = {message.split()[0] for _, _, _, message in ran if " down " in message}
    assert len([state for state in states if state == "present"]) - len(downs) == 12
    # Its StatementEnd ends the ALTER TABLE that has no `;` (a parse error at line 14 before).
    assert [row for row in ran if row[0].endswith("20250519145912_v1_0_21.sql")] == [
        ("20250519145912_v1_0_21.sql", 3, 1, "20250519145912 up transaction CreateEnumStmt"),
        ("20250519145912_v1_0_21.sql", 8, 1, "20250519145912 up transaction AlterTableStmt"),
        ("20250519145912_v1_0_21.sql", 14, 1, "20250519145912 down transaction AlterTableStmt"),
        ("20250519145912_v1_0_21.sql", 17, 1, "20250519145912 down transaction DropStmt"),
    ]


def test_supabase_migrations_and_init_scripts_are_dbmate_folders() -> None:
    folder = corpus(SUPABASE)
    chains = discover([str(folder)], folder, [])
    histories = {chain.histories[0].files[0].input.root_path.split("/")[0]: chain.histories[0] for chain in chains}
    assert sorted(histories) == ["init-scripts", "migrations"]
    # migrate.sh runs both folders with dbmate when USE_DBMATE is set (psql -f otherwise), and the
    # init scripts carry the same markers, each with an empty down section.
    for name, count in (("init-scripts", 4), ("migrations", 30)):
        history = histories[name]
        assert history.layout == "dbmate"
        assert len(history.units) == count
        assert {(down_state(unit), unit.transaction.value) for unit in history.units} == {("present", "transaction")}
    assert [f for f in lint(chains).findings if f.rule == "parse-error"] == []


@pytest.mark.parametrize("folder", [LEMMY, HATCHET, SUPABASE], ids=["lemmy", "hatchet", "supabase"])
def test_linting_each_corpus_from_the_command_line_finishes_without_parse_errors(folder: Path, tmp_path: Path) -> None:
    corpus(folder)
    report = lint_corpus_from_the_command_line(folder, tmp_path)
    assert report["summary"]["parse_errors"] == 0
