"""`--format sarif` and `--sarif-output`: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

One run: the tool with every rule enabled in the run, and one result per finding, located by its
path relative to the project root (`%SRCROOT%`). The output is deterministic (no timestamps, no
absolute paths except the root's own URI) and is checked in tests against the official schema and
with Microsoft's SARIF Multitool (`validate --rule-kind "Gh;Sarif"`: no errors, no warnings).
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any
from urllib.parse import quote

from sqlsoul.engine import LintResult
from sqlsoul.findings import Finding, Severity
from sqlsoul.reporters import ReportContext
from sqlsoul.reporters.fingerprint import run_fingerprints
from sqlsoul.rules.base import RuleMeta

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
SRCROOT = "%SRCROOT%"
AUTOMATION_ID = "sqlsoul/"  # GitHub reads the part before the last slash as the analysis category
FINGERPRINT_KEY = "sqlsoul/v1"

# When the package metadata is missing (a source tree on sys.path without an install).
FALLBACK_HOMEPAGE = "https://github.com/sqlsoul/sqlsoul"
FALLBACK_DOCUMENTATION = "https://github.com/sqlsoul/sqlsoul/tree/main/docs"

_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "note"}
# GitHub code scanning: problem.severity is error, warning or recommendation.
_PROBLEM_SEVERITY = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "recommendation"}
# GitHub code scanning: security-severity is a score from 0.0 to 10.0 (over 9.0 critical, 7.0 to 8.9
# high, 4.0 to 6.9 medium, 0.1 to 3.9 low). Only rules tagged "security" carry one.
_SECURITY_SEVERITY = {Severity.ERROR: "8.0", Severity.WARNING: "5.5", Severity.NOTE: "2.0"}
# GitHub code scanning: precision is very-high, high, medium or low. The meta rules (the engine's
# own parse, encoding and suppression findings) are certain; the design rules judge names and types.
_PRECISION = {"meta": "very-high"}
_DEFAULT_PRECISION = "high"


# --- package metadata, read only when a SARIF report is made ------------------------------------


def _label(text: str) -> str:
    # Project-URL labels compare without case, punctuation or whitespace (PEP 753).
    return re.sub(r"[^a-z0-9]", "", text.lower())


@cache
def _project_urls() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, metadata

    try:
        entries = metadata("sqlsoul").get_all("Project-URL") or []
    except PackageNotFoundError:
        return {}
    urls = {}
    for entry in entries:
        label, _, url = entry.partition(",")
        if url.strip():
            urls[_label(label)] = url.strip()
    return urls


def homepage() -> str:
    urls = _project_urls()
    return urls.get("homepage") or urls.get("source") or urls.get("repository") or FALLBACK_HOMEPAGE


def _documentation() -> str:
    return _project_urls().get("documentation") or FALLBACK_DOCUMENTATION


def rule_help_uri(meta: RuleMeta) -> str:
    """The rule's page under docs/rules/ (see ruledoc.doc_filename)."""
    from sqlsoul.ruledoc import doc_filename

    base = _documentation().rstrip("/")
    # On GitHub a folder is a /tree/ URL and a file a /blob/ URL (tree/ only works by redirect).
    base = re.sub(r"^(https://github\.com/[^/]+/[^/]+)/tree/", r"\1/blob/", base)
    return f"{base}/rules/{quote(doc_filename(meta))}"


def _is_builtin(meta: RuleMeta) -> bool:
    from sqlsoul.rules.base import spec_index

    spec = spec_index().get(meta.code)
    return spec is not None and spec["name"] == meta.name


# --- text -----------------------------------------------------------------------------------------


def _sentence(text: str) -> str:
    """SARIF wants plain-text messages as complete sentences that end with a period."""
    text = text.strip()
    return text if text.endswith(".") else text + "."


def _unwrap(text: str) -> str:
    """Hard-wrapped YAML prose as paragraphs of one line each; indented blocks (code) stay as they are."""
    paragraphs = []
    for block in re.split(r"\n[ \t]*\n", text.strip("\n")):
        lines = block.split("\n")
        if any(line.startswith((" ", "\t")) for line in lines):
            paragraphs.append(block.rstrip())
        else:
            paragraphs.append(" ".join(line.strip() for line in lines))
    return "\n\n".join(paragraphs)


def _indent(code: str) -> str:
    return "\n".join(f"    {line}" if line.strip() else "" for line in code.rstrip().split("\n"))


def rule_name(meta: RuleMeta) -> str:
    """The SARIF friendly name: the kebab-case rule name in PascalCase (missing-foreign-key -> MissingForeignKey)."""
    return "".join(part[:1].upper() + part[1:] for part in meta.name.split("-"))


def _help_text(meta: RuleMeta) -> str:
    parts = [_sentence(_unwrap(meta.summary))]
    if meta.rationale.strip():
        parts.append("Why: " + _sentence(_unwrap(meta.rationale)))
    if meta.bad_example.strip():
        parts.append("Flagged:\n\n" + _indent(meta.bad_example))
    if meta.good_example.strip():
        parts.append("Not flagged:\n\n" + _indent(meta.good_example))
    if meta.fix.strip():
        parts.append("How to fix: " + _unwrap(meta.fix))
    parts.append(f"To suppress one finding, put a comment on its line: -- sqlsoul: ignore[{meta.name}] and the reason.")
    return "\n\n".join(parts)


# --- the log --------------------------------------------------------------------------------------


def _descriptor(meta: RuleMeta) -> dict[str, Any]:
    tags = [meta.category] + (["security"] if meta.security and meta.category != "security" else [])
    properties: dict[str, Any] = {
        "tags": tags,
        "precision": _PRECISION.get(meta.category, _DEFAULT_PRECISION),
        "problem.severity": _PROBLEM_SEVERITY[meta.severity],
    }
    if meta.security:
        properties["security-severity"] = _SECURITY_SEVERITY[meta.severity]
    descriptor: dict[str, Any] = {
        "id": meta.code,
        "name": rule_name(meta),
        "shortDescription": {"text": _sentence(_unwrap(meta.summary))},
        "fullDescription": {"text": _sentence(_unwrap(meta.rationale or meta.summary))},
        "help": {"text": _help_text(meta), "markdown": _help_markdown(meta)},
    }
    if _is_builtin(meta):
        descriptor["helpUri"] = rule_help_uri(meta)
    descriptor["defaultConfiguration"] = {"level": _LEVELS[meta.severity]}
    descriptor["properties"] = properties
    return descriptor


def _help_markdown(meta: RuleMeta) -> str:
    from sqlsoul.ruledoc import render_rule_doc

    return render_rule_doc(meta).rstrip("\n")


def artifact_uri(root_path: str) -> str:
    """A root-relative path as a relative URI reference: forward slashes, anything else percent-encoded."""
    return quote(root_path, safe="/")


def _root_uri(context: ReportContext) -> str:
    uri = context.root.resolve().as_uri()
    return uri if uri.endswith("/") else uri + "/"


def _result(finding: Finding, rule_index: int | None, fingerprint: str) -> dict[str, Any]:
    entry: dict[str, Any] = {"ruleId": finding.code}
    if rule_index is not None:
        entry["ruleIndex"] = rule_index
    entry["level"] = _LEVELS[finding.severity]
    entry["message"] = {"text": _sentence(finding.message)}
    entry["locations"] = [
        {
            "physicalLocation": {
                "artifactLocation": {"uri": artifact_uri(finding.root_path), "uriBaseId": SRCROOT},
                "region": {
                    "startLine": finding.line,
                    "startColumn": finding.column,
                    "endLine": finding.end_line,
                    "endColumn": finding.end_column,
                },
            }
        }
    ]
    if finding.related:
        entry["relatedLocations"] = [
            {
                "id": number,
                "physicalLocation": {
                    "artifactLocation": {"uri": artifact_uri(related.root_path), "uriBaseId": SRCROOT},
                    "region": {"startLine": related.line, "startColumn": related.column},
                },
                "message": {"text": _sentence(related.message)},
            }
            for number, related in enumerate(finding.related, start=1)
        ]
    entry["partialFingerprints"] = {FINGERPRINT_KEY: fingerprint}
    return entry


def _shown(result: LintResult, context: ReportContext) -> list[tuple[Finding, str, str | None]]:
    """(finding, fingerprint, baselineState) of each result to write.

    With a baseline, the fingerprints are those of the whole run, so that hiding a baselined finding
    never shifts the ordinal of an identical one. Baselined findings are left out: GitHub code
    scanning ignores baselineState and would open an alert for each. With --include-baselined they
    are kept, marked "unchanged", and the others "new".
    """
    baseline = context.baseline
    everything = run_fingerprints(result, context)
    if baseline is None:
        return [(finding, fingerprint, None) for finding, fingerprint in everything]
    hidden = {id(finding) for finding in baseline.baselined}
    if not context.include_baselined:
        return [(finding, fingerprint, None) for finding, fingerprint in everything if id(finding) not in hidden]
    return [(finding, fingerprint, "unchanged" if id(finding) in hidden else "new") for finding, fingerprint in everything]


def build_log(result: LintResult, context: ReportContext) -> dict[str, Any]:
    """The SARIF log as a JSON-ready dictionary."""
    index = {meta.code: position for position, meta in enumerate(context.rules)}
    results = []
    for finding, fingerprint, state in _shown(result, context):
        entry = _result(finding, index.get(finding.code), fingerprint)
        if state is not None:
            entry["baselineState"] = state
        results.append(entry)
    run = {
        "tool": {
            "driver": {
                "name": "sqlsoul",
                "semanticVersion": context.version,
                "informationUri": homepage(),
                "rules": [_descriptor(meta) for meta in context.rules],
            }
        },
        "automationDetails": {"id": AUTOMATION_ID},
        "originalUriBaseIds": {SRCROOT: {"uri": _root_uri(context)}},
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    return {"$schema": SCHEMA_URI, "version": SARIF_VERSION, "runs": [run]}


def render(result: LintResult, context: ReportContext) -> str:
    return json.dumps(build_log(result, context), indent=2, ensure_ascii=False) + "\n"
