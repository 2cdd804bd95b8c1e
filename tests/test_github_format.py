"""`--format github`: GitHub Actions workflow commands, one line per finding, escaped like @actions/core."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from sqlsoul.cli import main
from sqlsoul.findings import Finding, Severity
from sqlsoul.reporters.github import escape_data, escape_property, render_finding

# `    customer_id bigint NOT NULL` on line 4: customers exists, no foreign key; 11 letters from column 5.
FK_SQL = "CREATE TABLE customers (id bigint PRIMARY KEY);\nCREATE TABLE orders (\n    id bigint PRIMARY KEY,\n    customer_id bigint NOT NULL\n);\n"
# Three findings of three rules, one per line: SS101 on line 3, SS102 on line 4, SS104 on line 5.
THREE_SQL = (
    "CREATE TABLE customers (id bigint PRIMARY KEY);\n"
    "CREATE TABLE orders (id bigint PRIMARY KEY,\n"
    "    customer_id bigint,\n"
    "    status text,\n"
    "    tags text);\n"
)
CLEAN_SQL = "CREATE TABLE jobs (\n    id bigint PRIMARY KEY,\n    status text NOT NULL CHECK (status IN ('new', 'done'))\n);\n"


def run(*args: str) -> Result:
    return CliRunner().invoke(main, ["lint", "--no-plugins", *args], prog_name="sqlsoul")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty project folder (a git work tree, so its root never depends on the folders above it)."""
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))  # bytes: a \r in the text stays a \r on every platform
    return path


def json_findings(*args: str) -> list[dict[str, object]]:
    return json.loads(run("--format", "json", *args).stdout)["findings"]  # type: ignore[no-any-return]


def test_one_finding_is_one_exact_line(project: Path) -> None:
    write(project / "db/1_orders.sql", FK_SQL)
    [finding] = json_findings("db")
    result = run("--format", "github", "db")
    assert result.exit_code == 1
    # The help text follows the message after a blank line; nothing in this one needs escaping but
    # the line breaks.
    expected = (
        "::warning file=db/1_orders.sql,line=4,col=5,endLine=4,endColumn=16,title=SS101 missing-foreign-key::"
        f"{finding['message']}%0A%0A{finding['help']}"
    )
    assert "orders.customer_id" in str(finding["message"]) and "%" not in str(finding["help"]) + str(finding["message"])
    assert result.stdout == expected + "\n"


def test_path_is_relative_to_the_project_root_not_to_the_working_directory(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # GitHub resolves annotation paths against the repository root, wherever the lint ran from.
    write(project / "db/1_orders.sql", FK_SQL)
    monkeypatch.chdir(project / "db")
    result = run("--format", "github", "1_orders.sql")
    assert result.stdout.startswith("::warning file=db/1_orders.sql,line=4,")
    assert json_findings("1_orders.sql")[0]["path"] == "1_orders.sql"  # text and JSON keep the user's path


def test_percent_cr_lf_colon_and_comma_are_escaped_in_the_path_and_the_message(project: Path) -> None:
    # A quoted column name may hold anything: %, a CRLF, a comma and a colon, in a file named likewise.
    # The name ends in _status, so SS102 reports it; its span runs over two lines.
    write(project / "a,b:c%.sql", 'CREATE TABLE t (\n    id bigint PRIMARY KEY,\n    "a%\r\nb,c:d_status" text\n);\n')
    [finding] = json_findings("a,b:c%.sql")
    assert finding["message"].startswith('t."a%\r\nb,c:d_status" is a status column')  # type: ignore[union-attr]
    result = run("--format", "github", "a,b:c%.sql")
    [line] = result.stdout.splitlines()
    head, message = line.split("::", 2)[1:]
    # A span over two lines has no columns: GitHub accepts them only when line == endLine.
    assert head == "warning file=a%2Cb%3Ac%25.sql,line=3,endLine=4,title=SS102 unchecked-status-column"
    # In the message only %, CR and LF are escaped (as escapeData does); the runner ends the
    # properties at the first `::`, so ':' and ',' are safe there.
    assert message.startswith('t."a%25%0D%0Ab,c:d_status" is a status column')
    assert message == escape_data(f"{finding['message']}\n\n{finding['help']}")
    assert "\r" not in result.stdout and result.stdout.count("\n") == 1


def make_finding(**changes: object) -> Finding:
    values: dict[str, object] = dict(
        code="SS102", rule="unchecked-status-column", severity=Severity.WARNING, path="x.sql", root_path="x.sql",
        line=1, column=1, end_line=1, end_column=2, message="m", help="",
    )
    return Finding(**(values | changes))  # type: ignore[arg-type]


def test_escaping_matches_the_actions_toolkit() -> None:
    # @actions/core command.ts: escapeData replaces % (first), \r and \n; escapeProperty also : and ,.
    assert escape_data("100% done\r\nnext: a, b %0A") == "100%25 done%0D%0Anext: a, b %250A"
    assert escape_property("100% done\r\nnext: a, b %0A") == "100%25 done%0D%0Anext%3A a%2C b %250A"
    line = render_finding(
        make_finding(root_path="dir,1/x:y%.sql", line=2, column=3, end_line=2, end_column=9,
                     rule="odd:rule,name", message="50%: a,b\nc\rd", help="fix::it\n  indented")
    )
    assert line == (
        "::warning file=dir%2C1/x%3Ay%25.sql,line=2,col=3,endLine=2,endColumn=9,title=SS102 odd%3Arule%2Cname"
        "::50%25: a,b%0Ac%0Dd%0A%0Afix::it%0A  indented"
    )


def test_a_finding_without_help_is_the_message_alone() -> None:
    assert render_finding(make_finding(help="  \n")) == (
        "::warning file=x.sql,line=1,col=1,endLine=1,endColumn=2,title=SS102 unchecked-status-column::m"
    )


def test_severities_map_to_error_warning_and_notice(project: Path) -> None:
    write(project / ".sqlsoul.yaml", "severity:\n  missing-foreign-key: error\n  unchecked-status-column: note\n")
    write(project / "orders.sql", THREE_SQL)
    result = run("--format", "github", "--fail-on", "never", "orders.sql")
    assert result.exit_code == 0
    heads = [line.split(",title=")[0] for line in result.stdout.splitlines()]
    assert heads == [
        "::error file=orders.sql,line=3,col=5,endLine=3,endColumn=16",
        "::notice file=orders.sql,line=4,col=5,endLine=4,endColumn=11",
        "::warning file=orders.sql,line=5,col=5,endLine=5,endColumn=9",
    ]
    titles = [line.split(",title=")[1].split("::")[0] for line in result.stdout.splitlines()]
    assert titles == ["SS101 missing-foreign-key", "SS102 unchecked-status-column", "SS104 text-for-structured-data"]
    assert run("--format", "github", "orders.sql").exit_code == 1  # the format does not change the exit status


def test_lines_follow_the_sorted_findings(project: Path) -> None:
    write(project / "db/2_orders.sql", FK_SQL)
    write(project / "db/10_more.sql", THREE_SQL.replace("customers", "clients").replace("orders", "baskets"))
    expected = [(f["path"], f["line"], f["column"]) for f in json_findings("db")]
    lines = run("--format", "github", "db").stdout.splitlines()
    got = [
        (head.split("file=")[1].split(",")[0], int(head.split(",line=")[1].split(",")[0]), int(head.split(",col=")[1].split(",")[0]))
        for head in lines
    ]
    assert got == expected and len(got) == 4
    assert run("--format", "github", "db").stdout == "\n".join(lines) + "\n"  # deterministic


def test_clean_input_prints_nothing_and_exits_0(project: Path) -> None:
    write(project / "jobs.sql", CLEAN_SQL)
    result = run("--format", "github", "jobs.sql")
    assert result.exit_code == 0
    assert result.stdout == ""
