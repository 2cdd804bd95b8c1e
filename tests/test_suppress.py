"""Inline suppressions: `-- sqlsoul: ignore[...]`, `ignore-file[...]`, and the findings about them."""

from __future__ import annotations

from sqlsoul.engine import InputFile, Linter, LintResult, LintSettings
from sqlsoul.registry import Registry

Seen = tuple[str, int, int]  # rule, line, column

CUSTOMERS = "CREATE TABLE customers (id bigint PRIMARY KEY);\n"
# "CREATE TABLE orders (id bigint PRIMARY KEY, " is 44 characters: customer_id starts at column 45.
ORDERS = "CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL);"


def lint(registry: Registry, text: str, enabled: set[str] | None = None) -> LintResult:
    settings = LintSettings(enabled=registry.select(None, []) if enabled is None else enabled)
    return Linter(registry, settings).lint([[InputFile("case.sql", "case.sql", None, text.encode("utf-8"))]])


def seen(registry: Registry, text: str, enabled: set[str] | None = None) -> list[Seen]:
    return [(f.rule, f.line, f.column) for f in lint(registry, text, enabled).findings]


def test_without_a_suppression_the_finding_is_reported(registry) -> None:
    assert seen(registry, CUSTOMERS + ORDERS) == [("missing-foreign-key", 2, 45)]


def test_directive_on_the_line_before_the_statement(registry) -> None:
    text = CUSTOMERS + "-- sqlsoul: ignore[missing-foreign-key] customers are archived\n" + ORDERS
    assert seen(registry, text) == []


def test_directive_with_other_comments_and_blank_lines_before_the_statement(registry) -> None:
    text = (
        CUSTOMERS
        + "-- sqlsoul: ignore[SS101] customers are archived\n"
        + "-- Orders keep the id of an archived customer.\n"
        + "\n"
        + "/* one more\n   comment */\n"
        + ORDERS
    )
    assert seen(registry, text) == []


def test_directive_on_the_last_line_after_the_semicolon(registry) -> None:
    assert seen(registry, CUSTOMERS + ORDERS + " -- sqlsoul: ignore[missing-foreign-key]\n") == []
    multi_line = CUSTOMERS + "CREATE TABLE orders (\n    id bigint PRIMARY KEY,\n    customer_id bigint\n); -- sqlsoul: ignore[SS101]\n"
    assert seen(registry, multi_line) == []


def test_c_style_directive(registry) -> None:
    assert seen(registry, CUSTOMERS + "/* sqlsoul: ignore[SS101] archived */\n" + ORDERS) == []
    assert seen(registry, CUSTOMERS + ORDERS + " /* sqlsoul: ignore[missing-foreign-key] */") == []


def test_codes_and_names_in_any_case(registry) -> None:
    text = CUSTOMERS + "-- SQLSOUL: IGNORE[ss101]\n" + ORDERS + "\n" + "CREATE TABLE jobs (id bigint PRIMARY KEY, status text); -- sqlsoul: ignore[Unchecked-Status-Column]\n"
    assert seen(registry, text) == []


def test_a_directive_speaks_for_one_statement_only(registry) -> None:
    text = (
        CUSTOMERS
        + "-- sqlsoul: ignore[SS101]\n"
        + "CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint);\n"
        + "CREATE TABLE invoices (id bigint PRIMARY KEY, customer_id bigint);\n"
    )
    # "CREATE TABLE invoices (id bigint PRIMARY KEY, " is 46 characters.
    assert seen(registry, text) == [("missing-foreign-key", 4, 47)]


def test_directive_on_an_inner_line_silences_only_that_line(registry) -> None:
    text = (
        "CREATE TABLE jobs (\n"
        "    id bigint PRIMARY KEY,\n"
        "    status text, -- sqlsoul: ignore[unchecked-status-column] set by the scheduler only\n"
        "    run_state text\n"
        ");\n"
    )
    assert seen(registry, text) == [("unchecked-status-column", 4, 5)]


def test_directive_on_the_first_line_of_a_multi_line_statement_is_an_inner_line(registry) -> None:
    text = CUSTOMERS + "CREATE TABLE orders ( -- sqlsoul: ignore[SS101]\n    id bigint PRIMARY KEY,\n    customer_id bigint\n);\n"
    # "CREATE TABLE orders ( " is 22 characters: the comment starts at column 23 of line 2.
    assert seen(registry, text) == [("unused-suppression", 2, 23), ("missing-foreign-key", 4, 5)]


def test_ignore_file_anywhere_silences_the_whole_file(registry) -> None:
    body = CUSTOMERS + ORDERS + "\nCREATE TABLE jobs (id bigint PRIMARY KEY, status text);\n"
    assert seen(registry, "-- sqlsoul: ignore-file[SS101, unchecked-status-column]\n" + body) == []
    assert seen(registry, body + "/* sqlsoul: ignore-file[missing-foreign-key] */\n") == [("unchecked-status-column", 3, 43)]


def test_unused_suppression_is_reported_at_the_comment(registry) -> None:
    comment = "-- sqlsoul: ignore[missing-foreign-key] customers live in another service"
    result = lint(registry, comment + "\nCREATE TABLE orders (id bigint PRIMARY KEY, total_cents bigint NOT NULL);\n")
    assert [(f.rule, f.line, f.column, f.end_line, f.end_column) for f in result.findings] == [
        ("unused-suppression", 1, 1, 1, len(comment) + 1)
    ]
    assert "missing-foreign-key" in result.findings[0].message


def test_unused_entries_are_reported_by_the_name_written(registry) -> None:
    text = CUSTOMERS + ORDERS + " -- sqlsoul: ignore[SS101, SS102]\n"
    result = lint(registry, text)
    # ORDERS is 73 characters (44 + "customer_id bigint NOT NULL" 27 + ");" 2), then a space.
    assert [(f.rule, f.line, f.column) for f in result.findings] == [("unused-suppression", 2, 75)]
    assert "SS102" in result.findings[0].message and "SS101" not in result.findings[0].message


def test_unused_ignore_file_is_reported(registry) -> None:
    assert seen(registry, "SELECT 1;\n-- sqlsoul: ignore-file[unchecked-status-column]\n") == [("unused-suppression", 2, 1)]


def test_unused_suppression_only_for_rules_enabled_in_the_run(registry) -> None:
    text = "-- sqlsoul: ignore[missing-foreign-key]\nCREATE TABLE orders (id bigint PRIMARY KEY, total_cents bigint);\n"
    assert seen(registry, text, enabled={"SS102", "SS903", "SS904"}) == []
    assert seen(registry, text, enabled={"SS101", "SS903", "SS904"}) == [("unused-suppression", 1, 1)]


def test_unknown_rule_names_and_bare_ignores(registry) -> None:
    text = (
        "-- sqlsoul: ignore[missing-foriegn-key]\n"
        "SELECT 1; -- sqlsoul: ignore\n"
        "SELECT 2; /* sqlsoul: ignore[] */\n"
        "-- sqlsoul: ignore-file\n"
    )
    assert seen(registry, text) == [
        ("unknown-rule-in-suppression", 1, 1),
        ("unknown-rule-in-suppression", 2, 11),
        ("unknown-rule-in-suppression", 3, 11),
        ("unknown-rule-in-suppression", 4, 1),
    ]


def test_known_entries_still_work_beside_an_unknown_one(registry) -> None:
    text = CUSTOMERS + ORDERS + " -- sqlsoul: ignore[nope, missing-foreign-key]\n"
    assert seen(registry, text) == [("unknown-rule-in-suppression", 2, 75)]


def test_directive_text_inside_strings_does_not_count(registry) -> None:
    text = (
        CUSTOMERS
        + "CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint,\n"
        + "    note text DEFAULT '-- sqlsoul: ignore[SS101]',\n"
        + "    memo text DEFAULT $$ /* sqlsoul: ignore-file[SS101] */ $$);\n"
    )
    assert seen(registry, text) == [("missing-foreign-key", 2, 45)]


def test_a_directive_before_no_statement_silences_nothing(registry) -> None:
    # Regression: a directive that spoke for no statement silenced every finding without one
    # (parse errors, invalid encoding) anywhere in the file.
    text = "selec 1;\nSELECT 2;\n-- sqlsoul: ignore[parse-error]\n"
    assert seen(registry, text) == [("parse-error", 1, 1), ("unused-suppression", 3, 1)]


def test_a_parse_error_is_silenced_only_file_wide(registry) -> None:
    assert seen(registry, "-- sqlsoul: ignore[parse-error]\nSELECT 'oops\n") == [
        ("unused-suppression", 1, 1),
        ("parse-error", 2, 8),
    ]
    assert seen(registry, "-- sqlsoul: ignore-file[parse-error]\nSELECT 'oops\n") == []


def test_directives_before_an_unterminated_quote_still_work(registry) -> None:
    # Regression: reading comments crashed when the scanner stopped at an unterminated quote.
    text = CUSTOMERS + "-- sqlsoul: ignore[SS101]\n" + ORDERS + "\nSELECT 'oops\n"
    assert seen(registry, text) == [("parse-error", 4, 8)]
