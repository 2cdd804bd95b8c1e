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
from sqlsoul.ruledoc import doc_filename, render_rule_doc
from sqlsoul.rules.base import RuleMeta, spec_index

from conftest import REPO

DOCS = REPO / "docs" / "rules"
RULE_PAGES = sorted(path for path in DOCS.glob("*.md") if path.name != "index.md")
SECTIONS = ["## Why", "## Flagged", "## Not flagged", "## How to fix"]


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
    present = [heading for heading in headings if heading in SECTIONS]
    assert present == SECTIONS, f"{page.name}: sections {headings}"
    for section in SECTIONS:
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


def test_readme_lists_every_rule(registry: Registry) -> None:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    for rule in registry.rules.values():
        assert f"| {rule.meta.code} |" in text and rule.meta.name in text, rule.meta.code


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


def test_readme_code_scanning_workflow(tmp_path, monkeypatch) -> None:
    from ruamel.yaml import YAML

    workflow = YAML(typ="safe").load(_readme_block("# .github/workflows/sqlsoul.yml"))
    assert set(workflow["on"]) == {"push", "pull_request"}
    assert workflow["permissions"] == {"contents": "read", "security-events": "write"}
    [job] = workflow["jobs"].values()
    steps = job["steps"]
    uses = [step.get("uses", "").split("@")[0] for step in steps]
    assert uses[:2] == ["actions/checkout", "actions/setup-python"]
    [lint] = [step for step in steps if step.get("id") == "lint"]
    [upload] = [step for step in steps if step.get("uses", "").startswith("github/codeql-action/upload-sarif@")]
    last = steps[-1]
    order = [steps.index(step) for step in (lint, upload, last)]
    assert order == sorted(order) and len(set(order)) == 3, "lint, then upload, then the failing step"
    # The lint step must not stop the job, so that the upload runs; the last step fails it afterwards.
    assert lint["continue-on-error"] is True
    command = lint["run"].split()
    assert command[0].endswith("sqlsoul") and command[1] == "lint"
    assert command[command.index("--format") + 1] == "github"
    assert command[command.index("--sarif-output") + 1] == upload["with"]["sarif_file"]
    assert upload["if"] == "always()"
    assert last["if"] == "steps.lint.outcome == 'failure'" and last["run"] == "exit 1"
    install = next(step["run"] for step in steps if "pip install" in step.get("run", ""))
    assert install.startswith("python -m venv .venv && .venv/bin/pip install ") and command[0] == ".venv/bin/sqlsoul"
    # The lint command as written, on a repository with one bad migration: annotations on stdout,
    # the SARIF file written, exit status 1.
    (tmp_path / ".git").mkdir()
    (tmp_path / "migrations").mkdir()
    (tmp_path / "migrations/001.sql").write_text("CREATE TABLE jobs (id bigint PRIMARY KEY, status text);\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, [*command[1:], "--no-plugins"])
    assert result.exit_code == 1, result.output
    assert result.stdout.startswith("::warning file=migrations/001.sql,line=1,")
    sarif = json.loads((tmp_path / upload["with"]["sarif_file"]).read_text(encoding="utf-8"))
    assert sarif["version"] == "2.1.0" and len(sarif["runs"][0]["results"]) == 1


def test_readme_pre_commit_snippet_names_the_hook() -> None:
    from ruamel.yaml import YAML

    config = YAML(typ="safe").load(_readme_block("# .pre-commit-config.yaml"))
    [repo] = config["repos"]
    hooks = YAML(typ="safe").load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert repo["repo"] == "https://github.com/sqlsoul/sqlsoul"
    assert [hook["id"] for hook in repo["hooks"]] == [hook["id"] for hook in hooks] == ["sqlsoul"]
