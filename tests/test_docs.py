"""Generated documentation and the shipped rule index stay in step with rules/*.yaml, and the docs with the tool."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from click.testing import CliRunner

from sqlsoul import devtools
from sqlsoul.cli import main
from sqlsoul.registry import Registry
from sqlsoul.ruledoc import doc_filename, render_rule_doc, rule_table
from sqlsoul.rules.base import RuleMeta, spec_index

from conftest import REPO

DOCS = REPO / "docs" / "rules"
RULE_PAGES = sorted(path for path in DOCS.glob("*.md") if path.name != "index.md")
SECTIONS = ["## Why", "## Flagged", "## Not flagged", "## How to fix"]
VERIFY_SECTIONS = ["## Why", "## How to fix"]


def test_generated_files_are_up_to_date() -> None:
    stale = devtools.stale_files(REPO)
    assert stale == [], "run `python -m sqlsoul.devtools build`: stale " + ", ".join(
        str(path.relative_to(REPO)) for path in stale
    )


def test_build_check_command_passes() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "sqlsoul.devtools", "build", "--check", "--root", str(REPO)],
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, result.stderr


def test_build_check_notices_a_stale_page(tmp_path) -> None:
    # A copy of the project with one page edited by hand: --check must fail and name it.
    for folder in ("rules", "docs/rules", "src/sqlsoul/data"):
        (tmp_path / folder).mkdir(parents=True)
    for path in (REPO / "rules").glob("*.yaml"):
        (tmp_path / "rules" / path.name).write_bytes(path.read_bytes())
    for path in DOCS.glob("*.md"):
        (tmp_path / "docs/rules" / path.name).write_bytes(path.read_bytes())
    (tmp_path / "src/sqlsoul/data/rules.json").write_bytes((REPO / "src/sqlsoul/data/rules.json").read_bytes())
    assert devtools.main(["build", "--check", "--root", str(tmp_path)]) == 0
    page = tmp_path / "docs/rules" / RULE_PAGES[0].name
    page.write_text(page.read_text(encoding="utf-8") + "edited by hand\n", encoding="utf-8")
    (tmp_path / "docs/rules/SS000-orphan.md").write_text("# no spec\n", encoding="utf-8")
    assert devtools.stale_files(tmp_path) == sorted([page, tmp_path / "docs/rules/SS000-orphan.md"])
    devtools.main(["build", "--root", str(tmp_path)])
    assert devtools.stale_files(tmp_path) == []
    assert not (tmp_path / "docs/rules/SS000-orphan.md").exists()


def test_shipped_index_matches_the_specs() -> None:
    compiled = json.loads(devtools.compile_index(devtools.load_specs(REPO / "rules")))["rules"]
    assert spec_index() == compiled  # what the installed package reads at run time


def test_registered_builtins_carry_the_spec_metadata(registry: Registry) -> None:
    for code, entry in spec_index().items():
        assert registry.rules[code].meta == RuleMeta.from_dict(entry), code


def test_every_rule_has_exactly_one_page(registry: Registry) -> None:
    expected = sorted(doc_filename(rule.meta) for rule in registry.rules.values())
    assert [path.name for path in RULE_PAGES] == expected


@pytest.mark.parametrize("page", RULE_PAGES, ids=[path.stem for path in RULE_PAGES])
def test_page_has_the_sections_in_order(page) -> None:
    headings = re.findall(r"^## .+$", page.read_text(encoding="utf-8"), re.MULTILINE)
    # Verify's rules have no lint cases, so no flagged and not-flagged examples.
    sections = VERIFY_SECTIONS if "Category: **verify**" in page.read_text(encoding="utf-8") else SECTIONS
    present = [heading for heading in headings if heading in SECTIONS]
    assert present == sections, f"{page.name}: sections {headings}"
    for section in sections:
        body = page.read_text(encoding="utf-8").split(section + "\n", 1)[1].split("\n## ", 1)[0]
        assert body.strip(), f"{page.name}: {section} is empty"


def test_index_links_every_page() -> None:
    index = (DOCS / "index.md").read_text(encoding="utf-8")
    linked = sorted(re.findall(r"\]\(([^)]+\.md)\)", index))
    assert linked == [path.name for path in RULE_PAGES]


@pytest.mark.parametrize("page", RULE_PAGES, ids=[path.stem for path in RULE_PAGES])
def test_explain_prints_the_generated_page(page) -> None:
    code, name = page.stem.split("-", 1)
    runner = CliRunner()
    for key in (code, name, code.lower()):
        result = runner.invoke(main, ["explain", "--no-plugins", key])
        assert result.exit_code == 0, result.output
        assert result.output == page.read_text(encoding="utf-8"), key


def test_explain_renders_from_the_registry(registry: Registry) -> None:
    for rule in registry.rules.values():
        assert render_rule_doc(rule.meta) == (DOCS / doc_filename(rule.meta)).read_text(encoding="utf-8")


def test_explain_unknown_rule_is_a_usage_error() -> None:
    result = CliRunner().invoke(main, ["explain", "--no-plugins", "no-such-rule"])
    assert result.exit_code == 2


# README.md and examples/README.md: links resolve, every rule is listed, and the sample output is real.

READMES = [REPO / "README.md", REPO / "examples" / "README.md"]


@pytest.mark.parametrize("readme", READMES, ids=["README", "examples-README"])
def test_relative_links_resolve(readme) -> None:
    text = readme.read_text(encoding="utf-8")
    for target in re.findall(r"\]\((?!https?://|#)([^)#\s]+)", text):
        assert (readme.parent / target).exists(), f"{readme.name}: broken link {target}"


def test_readme_quick_start_commands() -> None:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    assert "python3 -m venv .venv && .venv/bin/pip install . && .venv/bin/sqlsoul lint examples/\n" in text
    assert "python3 -m venv .venv && .venv/bin/pip install -e '.[test]' && .venv/bin/python -m pytest\n" in text


def test_readme_sample_output_is_what_the_tool_prints() -> None:
    # The sample is the start of the real output, a line "...", and the summary line (timing aside).
    text = (REPO / "README.md").read_text(encoding="utf-8")
    match = re.search(r"```console\n\$ sqlsoul lint (examples/\S+)\n(.*?)\n\.\.\.\n\n(.*?)\n```", text, re.DOTALL)
    assert match, "README.md: no ```console sample of `$ sqlsoul lint examples/...`"
    target, head, summary = match.groups()
    result = subprocess.run(
        [sys.executable, "-m", "sqlsoul", "lint", "--no-plugins", target],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert result.stdout.startswith(head), f"README sample is stale; the output now starts:\n{result.stdout[: len(head)]}"
    pattern = re.escape(summary).replace(r"0\.01s", r"[0-9.]+s")
    assert re.fullmatch(pattern, result.stderr.strip()), f"README summary line is stale: {result.stderr}"


def _readme_block(start: str) -> str:
    """The fenced block of README.md whose first line is `start`."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = [body for body in re.findall(r"^```[a-z]*\n(.*?)^```$", text, re.DOTALL | re.MULTILINE) if body.startswith(start + "\n")]
    assert len(blocks) == 1, f"README.md: expected one block starting with {start!r}, found {len(blocks)}"
    return blocks[0]


def test_readme_github_format_sample_is_what_the_tool_prints() -> None:
    # The sample is the command and the start of the first line of its output, cut at " ...".
    command, sample = _readme_block("$ sqlsoul lint examples/bad --format github").splitlines()
    assert sample.endswith(" ...")
    result = subprocess.run(
        [sys.executable, "-m", "sqlsoul", *command.split()[2:], "--no-plugins", "--quiet"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 1, result.stderr
    first = result.stdout.splitlines()[0]
    assert first.startswith(sample.removesuffix(" ...")), f"README github sample is stale; the output now starts:\n{first}"


def test_readme_pre_commit_snippet_names_the_hook() -> None:
    from ruamel.yaml import YAML

    config = YAML(typ="safe").load(_readme_block("# .pre-commit-config.yaml"))
    [repo] = config["repos"]
    hooks = YAML(typ="safe").load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert repo["repo"] == "https://github.com/sqlsoul/sqlsoul"
    assert [hook["id"] for hook in repo["hooks"]] == [hook["id"] for hook in hooks] == ["sqlsoul"]


def test_readme_shows_the_generated_rules_table(registry: Registry) -> None:
    # Between its markers, rebuilt by `devtools build` (the stale-file test keeps it current).
    text = (REPO / "README.md").read_text(encoding="utf-8")
    table = "\n".join(rule_table([rule.meta for rule in registry.rules.values()], "docs/rules/")) + "\n"
    assert devtools.README_TABLE_START + table + devtools.README_TABLE_END in text


def _readme_blocks(language: str) -> list[str]:
    """Every fenced block of README.md in this language; a block indented in a list item is unindented."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    found = re.findall(rf"^( *)```{language}\n(.*?)^\1```$", text, re.DOTALL | re.MULTILINE)
    return ["".join(line[len(indent):] for line in body.splitlines(keepends=True)) for indent, body in found]


def test_readme_config_snippets_are_valid_configs(tmp_path, registry: Registry) -> None:
    from sqlsoul.config import load_config

    snippets = [block for block in _readme_blocks("yaml") if block.startswith("# .sqlsoul.yaml\n")]
    assert len(snippets) >= 4  # the Configuration example and the history ones
    for number, snippet in enumerate(snippets):
        path = tmp_path / f"{number}.yaml"
        path.write_text(snippet, encoding="utf-8")
        load_config(path, registry)  # raises ConfigError on any unknown key or bad value
    toml = [block for block in _readme_blocks("toml") if block.startswith("[tool.sqlsoul]\n")]
    for number, snippet in enumerate(toml):
        path = tmp_path / f"{number}.toml"
        path.write_text(snippet, encoding="utf-8")
        load_config(path, registry)


def _history_snippet(key: str) -> str:
    [snippet] = [block for block in _readme_blocks("yaml") if block.startswith("# .sqlsoul.yaml\n") and re.search(rf"^ *{key}:", block, re.MULTILINE)]
    return snippet


def _lint_project(root, *args: str) -> list[tuple[str, str, int, int]]:
    result = subprocess.run(
        [sys.executable, "-m", "sqlsoul", "lint", "--no-plugins", "--format", "json", "--quiet", *args],
        cwd=root, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
    )
    assert result.returncode in (0, 1), result.stderr
    return sorted((f["path"], f["code"], f["line"], f["column"]) for f in json.loads(result.stdout)["findings"])


def _write(root, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")


def test_readme_history_config_does_what_it_says(tmp_path) -> None:
    # `history`, `base_schema`, `lint_from` and `layouts` as the README's snippet sets them.
    (tmp_path / ".git").mkdir()
    _write(tmp_path, {
        "db/schema.sql": "CREATE TABLE accounts (id bigint PRIMARY KEY, email text NOT NULL);\n",
        "db/bootstrap/001_roles.sql": "CREATE TABLE roles (id bigint PRIMARY KEY, name text NOT NULL UNIQUE);\n",
        "db/migrations/20231201000000_create_teams.up.sql": "CREATE TABLE teams (id bigint PRIMARY KEY, status text);\n",
        "db/migrations/20231201000000_create_teams.down.sql": "DROP TABLE teams;\n",
        "db/migrations/20240115000000_create_members.up.sql":
            "CREATE TABLE members (\n    id bigint PRIMARY KEY,\n    account_id bigint NOT NULL,\n    role_id bigint NOT NULL\n);\n",
        "db/migrations/20240115000000_create_members.down.sql": "DROP TABLE members;\n",
        "db/seeds/1_roles.up.sql": "INSERT INTO roles (id, name) VALUES (1, 'admin');\n",
        "db/seeds/2_demo_teams.up.sql": "CREATE TABLE demo_teams (id bigint PRIMARY KEY);\n",
    })
    teams = ("db/migrations/20231201000000_create_teams.up.sql", "SS102", 1, 44)
    # Without it: accounts and roles are unknown, teams is reported, and the seeds look like
    # golang-migrate files without downs.
    assert _lint_project(tmp_path, "db") == [teams, ("db/seeds/2_demo_teams.up.sql", "SS301", 1, 1)]
    (tmp_path / ".sqlsoul.yaml").write_text(_history_snippet("history"), encoding="utf-8")
    members = [("db/migrations/20240115000000_create_members.up.sql", "SS101", line, 5) for line in (3, 4)]
    assert _lint_project(tmp_path, "db") == members
    assert _lint_project(tmp_path, "db/migrations") == members  # db/bootstrap is replayed first, silently
    assert _lint_project(tmp_path, "--from", "2023", "db/migrations") == [teams, *members]


def test_readme_ignore_unpaired_example_does_what_it_says(tmp_path) -> None:
    (tmp_path / ".git").mkdir()
    _write(tmp_path, {
        "db/migrations/1510262030_initial_schema.up.sql":
            "CREATE TABLE resources (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL);\n",
        "db/migrations/1510262030_initial_schema.down.sql": "DROP TABLE resources;\n",
        "db/migrations/1537546150_global_resource_version_history.up.sql":
            "CREATE TABLE resource_versions (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, resource_id bigint NOT NULL"
            " REFERENCES resources (id));\nCREATE INDEX ON resource_versions (resource_id);\n",
        "db/migrations/1537546150_global_resource_version_history.down.go": "package migrations\n",
        "db/migrations/1538688835_create_job_combinations.up.go": "package migrations\n",
        "db/migrations/1538688835_create_job_combinations.down.sql": "DROP TABLE job_combinations;\n",
    })
    assert _lint_project(tmp_path, "db/migrations") == [
        ("db/migrations/1537546150_global_resource_version_history.up.sql", "SS301", 1, 1),
        ("db/migrations/1538688835_create_job_combinations.down.sql", "SS304", 1, 1),
    ]
    (tmp_path / ".sqlsoul.yaml").write_text(_history_snippet("ignore_unpaired"), encoding="utf-8")
    assert _lint_project(tmp_path, "db/migrations") == []


def test_readme_forward_only_example_keeps_the_downs_that_exist_checked(tmp_path) -> None:
    # Without a down (000006) and with a down that changes nothing (000005's enum value): not reported;
    # 000004's down, which exists and forgets a column, still is.
    config = tmp_path / "forward-only.yaml"
    config.write_text(_history_snippet("report_missing_down"), encoding="utf-8")
    findings = _lint_project(REPO, "--config", str(config), "examples/migrations")
    assert [(path.split("/")[-1], code) for path, code, _, _ in findings] == [
        ("000004_add_order_tracking.up.sql", "SS301"),
        ("000007_drop_customer_fax.up.sql", "SS302"),
        ("000008_add_product_weight.up.sql", "SS303"),
        ("000008_create_shipments.up.sql", "SS303"),
        ("000009_add_gift_wrap.down.sql", "SS304"),
        ("000011_rename_customer_full_name.down.sql", "SS212"),
        ("000011_rename_customer_full_name.up.sql", "SS212"),
    ]


def test_readme_named_down_sample_is_what_the_tool_prints() -> None:
    command, *sample = _readme_block("$ sqlsoul lint examples/migrations/000004_add_order_tracking.down.sql").splitlines()
    result = subprocess.run(
        [sys.executable, "-m", "sqlsoul", *command.split()[2:], "--no-plugins", "--no-color"],
        cwd=REPO, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 1, result.stderr
    lines = [line for line in result.stdout.splitlines() if not line.startswith("  help: ")]
    assert lines[: len(sample)] == sample, f"README sample is stale; the output now is:\n{result.stdout}"


def test_readme_from_example_reports_what_it_says() -> None:
    [line] = [line for block in _readme_blocks("sh") for line in block.splitlines() if line.startswith("sqlsoul lint --from ")]
    command, comment = line.split("#", 1)
    shown, total = map(int, re.search(r"(\d+) findings, not (\d+)", comment).groups())
    assert len(_lint_project(REPO, *command.split()[2:])) == shown
    assert len(_lint_project(REPO, *command.split()[-1:])) == total
