"""Project tooling: compile rules/*.yaml into the shipped index and generate docs/rules/.

    python -m sqlsoul.devtools build            # write src/sqlsoul/data/rules.json and docs/rules/
    python -m sqlsoul.devtools build --check    # exit 1 if either is stale

YAML is read only here (and for config files): `sqlsoul lint` loads the compiled JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from sqlsoul.ruledoc import doc_filename, render_index, render_rule_doc, rule_table
from sqlsoul.rules.base import RuleMeta

REPO_ROOT = Path(__file__).resolve().parents[2]  # the source tree, when sqlsoul runs from one
REQUIRED_KEYS = ("code", "name", "category", "severity", "enabled", "dialects", "summary", "rationale", "fix", "cases")
META_KEYS = ("code", "name", "category", "severity", "enabled", "dialects", "summary", "rationale", "fix", "security")
CASE_KEYS = {"name", "sql", "files", "config", "expect", "encoding"}


class SpecError(Exception):
    pass


def load_specs(rules_dir: Path) -> list[dict[str, Any]]:
    yaml = YAML(typ="rt")
    specs = []
    for path in sorted(rules_dir.glob("*.yaml")):
        spec = yaml.load(path.read_text(encoding="utf-8"))
        missing = [key for key in REQUIRED_KEYS if key not in spec]
        if missing:
            raise SpecError(f"{path}: missing {', '.join(missing)}")
        if path.stem != spec["code"]:
            raise SpecError(f"{path}: file name must be the rule code {spec['code']}")
        for case in spec["cases"]:
            unknown = set(case) - CASE_KEYS
            if unknown or ("sql" in case) == ("files" in case) or "expect" not in case or "name" not in case:
                raise SpecError(
                    f"{path}:{case.lc.line + 1}: a case needs name, exactly one of sql/files, and expect"
                    + (f" (unknown keys: {', '.join(sorted(unknown))})" if unknown else "")
                )
        spec["_path"] = path
        specs.append(spec)
    return specs


def case_sql(case: dict[str, Any]) -> str:
    """The SQL of a case as one listing (multi-file cases show each file under a comment)."""
    if "sql" in case:
        return str(case["sql"]).rstrip() + "\n"
    return "".join(f"-- {path}\n{str(sql).rstrip()}\n" for path, sql in case["files"].items())


def first_case(spec: dict[str, Any], failing: bool) -> dict[str, Any] | None:
    return next((case for case in spec["cases"] if bool(case["expect"]) == failing), None)


def _plain(value: Any) -> Any:
    """ruamel's round-trip containers as plain JSON values."""
    return json.loads(json.dumps(value))


def compile_index(specs: list[dict[str, Any]]) -> str:
    rules = {}
    for spec in specs:
        entry = {key: _plain(spec[key]) for key in META_KEYS if key in spec}
        entry["options"] = _plain(spec.get("options", []))
        bad, good = first_case(spec, True), first_case(spec, False)
        entry["bad_example"] = case_sql(bad) if bad else ""
        entry["good_example"] = case_sql(good) if good else ""
        rules[spec["code"]] = entry
    return json.dumps({"version": 1, "rules": rules}, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


README_TABLE_START = "<!-- rules table: generated from rules/*.yaml by python -m sqlsoul.devtools build -->\n"
README_TABLE_END = "<!-- end of rules table -->\n"


def readme_with_table(text: str, metas: list[RuleMeta]) -> str:
    """The README with its rules table rebuilt between the two markers (left as is without them)."""
    start, end = text.find(README_TABLE_START), text.find(README_TABLE_END)
    if start < 0 or end < start:
        return text
    table = "\n".join(rule_table(metas, "docs/rules/")) + "\n"
    return text[: start + len(README_TABLE_START)] + table + text[end:]


def generated_files(root: Path) -> dict[Path, str]:
    index = compile_index(load_specs(root / "rules"))
    metas = [RuleMeta.from_dict(entry) for entry in json.loads(index)["rules"].values()]
    outputs = {root / "src/sqlsoul/data/rules.json": index, root / "docs/rules/index.md": render_index(metas)}
    readme = root / "README.md"
    if readme.is_file():
        outputs[readme] = readme_with_table(readme.read_text(encoding="utf-8"), metas)
    for meta in metas:
        outputs[root / "docs/rules" / doc_filename(meta)] = render_rule_doc(meta)
    return outputs


def stale_files(root: Path) -> list[Path]:
    """Generated files that differ from what the specs produce, plus docs no spec produces."""
    outputs = generated_files(root)
    stale = [path for path, text in outputs.items() if not path.exists() or path.read_text(encoding="utf-8") != text]
    stale += [path for path in (root / "docs/rules").glob("*.md") if path not in outputs]
    return sorted(stale)


def build(root: Path) -> None:
    outputs = generated_files(root)
    for path in (root / "docs/rules").glob("*.md"):
        if path not in outputs:
            path.unlink()
    for path, text in outputs.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def default_root() -> Path:
    """sqlsoul's source tree when imported from one (an editable install), else the current directory.

    An installed copy lives in site-packages, where parents[2] is no project: writing there would
    scatter generated files through the environment.
    """
    if (REPO_ROOT / "rules").is_dir() and (REPO_ROOT / "src/sqlsoul").is_dir():
        return REPO_ROOT
    return Path.cwd()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sqlsoul.devtools")
    commands = parser.add_subparsers(dest="command", required=True)
    build_parser = commands.add_parser("build", help="compile rules/*.yaml into the index and docs/rules/")
    build_parser.add_argument("--check", action="store_true", help="only report stale files (exit 1 if any)")
    build_parser.add_argument("--root", type=Path, default=None, help="the project (default: sqlsoul's source tree)")
    args = parser.parse_args(argv)
    args.root = args.root or default_root()
    try:
        if not any((args.root / "rules").glob("*.yaml")):
            raise SpecError(f"no rule specs: {args.root / 'rules'} holds no *.yaml (use --root)")
        if args.check:
            stale = stale_files(args.root)
            for path in stale:
                print(f"stale: {path.relative_to(args.root)}", file=sys.stderr)
            return 1 if stale else 0
        build(args.root)
    except SpecError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
