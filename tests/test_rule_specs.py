"""Every case of every rules/<CODE>.yaml spec, run through the real engine."""

from __future__ import annotations

import pytest

from sqlsoul.devtools import first_case, load_specs
from sqlsoul.registry import Registry
from sqlsoul.testing import expected, observed, run_case

from conftest import REPO

SPECS = load_specs(REPO / "rules")
CASES = [pytest.param(spec, case, id=f"{spec['code']}-{case['name']}") for spec in SPECS for case in spec["cases"]]


@pytest.mark.parametrize(("spec", "case"), CASES)
def test_case(spec, case, registry: Registry) -> None:
    findings = run_case(spec["code"], case, registry)
    assert observed(findings, "files" in case) == expected(case), (
        f"rules/{spec['code']}.yaml line {case.lc.line + 1}: case {case['name']!r}"
    )


# Verify's findings come from running migrations on PostgreSQL (tests/test_verify.py), not from lint.
LINT_SPECS = [spec for spec in SPECS if spec["category"] != "verify"]


@pytest.mark.parametrize("spec", LINT_SPECS, ids=[spec["code"] for spec in LINT_SPECS])
def test_every_rule_has_a_failing_and_a_passing_case(spec) -> None:
    assert first_case(spec, failing=True) is not None, f"{spec['code']} has no failing case"
    assert first_case(spec, failing=False) is not None, f"{spec['code']} has no passing case"


def test_every_registered_rule_has_a_spec(registry: Registry) -> None:
    assert sorted(registry.rules) == sorted(spec["code"] for spec in SPECS)
