"""A rule's documentation, rendered from its metadata: for docs/rules/ and `sqlsoul explain`."""

from __future__ import annotations

import json

from sqlsoul.dialects import LABELS, short_list
from sqlsoul.rules.base import RuleMeta


def doc_filename(meta: RuleMeta) -> str:
    return f"{meta.code}-{meta.name}.md"


def render_rule_doc(meta: RuleMeta) -> str:
    state = "on by default" if meta.enabled else "opt-in (select it to enable)"
    lines = [
        f"# {meta.name} ({meta.code})",
        "",
        f"Category: **{meta.category}** · Default severity: **{meta.severity.label}** · {state} · "
        f"Dialects: {', '.join(LABELS.get(dialect, dialect) for dialect in meta.dialects)}",
        "",
        meta.summary.strip(),
        "",
        "## Why",
        "",
        meta.rationale.strip(),
        "",
    ]
    if meta.bad_example:
        lines += ["## Flagged", "", "```sql", meta.bad_example.rstrip(), "```", ""]
    if meta.good_example:
        lines += ["## Not flagged", "", "```sql", meta.good_example.rstrip(), "```", ""]
    lines += ["## How to fix", "", meta.fix.strip(), ""]
    if meta.options:
        lines += ["## Options", "", "| option | type | default | meaning |", "| --- | --- | --- | --- |"]
        for option in meta.options.values():
            lines.append(f"| `{option.name}` | {option.type} | `{json.dumps(option.default)}` | {option.description} |")
        lines += ["", "Set them in `.sqlsoul.yaml`:", "", "```yaml", "rules:", f"  {meta.name}:"]
        lines += [f"    {option.name}: {json.dumps(option.default)}" for option in meta.options.values()]
        lines += ["```", ""]
    if meta.category == VERIFY_CATEGORY:
        # verify reports what a real server did: comments in the SQL cannot speak for that.
        lines += ["## Turn it off", "", f"`sqlsoul verify --ignore {meta.name}` (or `ignore:` in the config).", ""]
    else:
        lines += ["## Suppress", "", "```sql", f"-- sqlsoul: ignore[{meta.name}] why this one is fine", "```", ""]
    return "\n".join(lines)


VERIFY_CATEGORY = "verify"  # findings of `sqlsoul verify`, never of `sqlsoul lint`
# What the short dialect names of the rule tables (and of `sqlsoul rules`) stand for.
DIALECT_LEGEND = ", ".join(f"`{short_list([dialect])}` {label}" for dialect, label in LABELS.items()) + ", `all` every one"


def rule_table(metas: list[RuleMeta], link_prefix: str = "") -> list[str]:
    """The Markdown table of rules; links to the rule pages are relative to where it is shown."""
    lines = [
        "| code | name | category | severity | default | dialects | summary |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for meta in metas:
        state = "on" if meta.enabled else "opt-in"
        summary = meta.summary.strip().replace("|", "\\|")
        lines.append(
            f"| {meta.code} | [{meta.name}]({link_prefix}{doc_filename(meta)}) | {meta.category} | {meta.severity.label} "
            f"| {state} | {short_list(meta.dialects)} | {summary} |"
        )
    return lines


def render_index(metas: list[RuleMeta]) -> str:
    lines = ["# Rules", "", "Generated from `rules/*.yaml` by `python -m sqlsoul.devtools build`; do not edit by hand.", ""]
    lines += [f"Dialects: {DIALECT_LEGEND}.", ""]
    return "\n".join(lines + rule_table(metas)) + "\n"
