"""One identity per finding that survives edits elsewhere in its file, for the formats whose viewers
track findings from run to run: SARIF's partialFingerprints and GitLab Code Quality's fingerprint
carry the same value, so a finding is the same finding in both."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace

from sqlsoul.engine import LintResult
from sqlsoul.findings import Finding
from sqlsoul.reporters import ReportContext
from sqlsoul.reporters.text import flagged_line


def finding_fingerprints(result: LintResult) -> list[str]:
    """The fingerprint of each finding of the result, in order.

    Recipe: sha256 (hex) of the UTF-8 JSON array
        [code, root_path, message, stripped text of the finding's first line, ordinal]
    where the ordinal counts the earlier findings of the same file with the same first four values
    (0 for the first). No line or column number goes in, so a finding keeps its fingerprint when
    lines above it are added or removed; the ordinal tells apart identical findings on identical
    lines of one file, in file order. A change to the file's path, the rule, the message or the
    flagged line itself makes a new fingerprint.
    """
    seen: dict[tuple[str, str, str, str], int] = {}
    fingerprints = []
    for finding in result.findings:
        key = (finding.code, finding.root_path, finding.message, (flagged_line(result, finding) or "").strip())
        ordinal = seen.get(key, 0)
        seen[key] = ordinal + 1
        payload = json.dumps([*key, ordinal], ensure_ascii=False, separators=(",", ":"))
        fingerprints.append(hashlib.sha256(payload.encode("utf-8")).hexdigest())
    return fingerprints



def run_fingerprints(result: LintResult, context: ReportContext) -> list[tuple[Finding, str]]:
    """Every finding of the run with its fingerprint, the baselined ones included: counted over the
    whole run, so that hiding a baselined finding never shifts the ordinal of an identical one."""
    findings = result.findings if context.baseline is None else context.baseline.findings
    return list(zip(findings, finding_fingerprints(replace(result, findings=findings)), strict=True))


def reported_fingerprints(result: LintResult, context: ReportContext) -> list[str]:
    """The fingerprint of each finding the result reports: each keeps the fingerprint it has without
    a baseline."""
    if context.baseline is None:
        return finding_fingerprints(result)
    by_finding = {id(finding): fingerprint for finding, fingerprint in run_fingerprints(result, context)}
    return [by_finding[id(finding)] for finding in result.findings]
