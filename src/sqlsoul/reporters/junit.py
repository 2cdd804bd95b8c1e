"""`--format junit`: JUnit XML, for GitLab's test reports (`artifacts: reports: junit:`), Jenkins and
the other CI servers that show test results.

One test suite for the run and one test case per linted file: a file without findings passes, a file
with findings fails with one <failure> per finding. The case's name is the file's path relative to
the project root, which is unique (GitLab keeps only the first of several cases with one name); its
classname is always "sqlsoul", because GitLab shows the classname as the suite's name and Jenkins
splits it at its last dot into package and class, which a file name would cut in two. A failure's
`message` is the code and the message, its `type` the rule's name, and its text the finding as the
text format prints it (location, message, the flagged line and the help), since GitLab shows only
the text. `failures` counts the failing test cases, so it never exceeds `tests`.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from sqlsoul.engine import LintResult
from sqlsoul.findings import Finding
from sqlsoul.reporters import ReportContext
from sqlsoul.reporters.text import flagged_line, render_finding

SUITE_NAME = "sqlsoul"

# Characters XML 1.0 cannot hold at all, not even escaped (a form feed in an old migration, say).
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _xml_text(text: str) -> str:
    """The text with each character XML cannot hold written as its escape (\\x0c, \\uffff)."""
    return _NOT_XML.sub(_escaped, text)


def _failure(case: ET.Element, finding: Finding, result: LintResult) -> None:
    failure = ET.SubElement(
        case, "failure", message=_xml_text(f"{finding.code}: {finding.message}"), type=_xml_text(finding.rule)
    )
    failure.text = _xml_text(render_finding(finding, flagged_line(result, finding) or None, color=False))


def _counts(element: ET.Element, tests: int, failures: int) -> None:
    element.set("tests", str(tests))
    element.set("failures", str(failures))
    element.set("errors", "0")


def render(result: LintResult, context: ReportContext) -> str:
    by_file: dict[str, list[Finding]] = {source.root_path: [] for source in result.sources.values()}
    for finding in result.findings:
        by_file.setdefault(finding.root_path, []).append(finding)  # an unreadable file has no source
    failing = sum(1 for findings in by_file.values() if findings)

    suites = ET.Element("testsuites", name=SUITE_NAME)
    _counts(suites, len(by_file), failing)
    suite = ET.SubElement(suites, "testsuite", name=SUITE_NAME)
    _counts(suite, len(by_file), failing)
    for root_path in sorted(by_file):
        case = ET.SubElement(suite, "testcase", classname=SUITE_NAME, name=_xml_text(root_path))
        for finding in by_file[root_path]:
            _failure(case, finding, result)
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
