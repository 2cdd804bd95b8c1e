"""A password found in a migration appears in no output: every format, run through the real command line."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from sqlsoul.reporters import FORMATS as REPORT_FORMATS
from sqlsoul.reporters.sarif import FINGERPRINT_KEY

# Each secret is a literal that only the password appears in (so finding it anywhere in the output
# is a leak), and each sits on a line that other findings are reported on too.
SECRETS = [
    "Tr0ub4dor-3x", "md53175bce1d3201d16594cebf9d7eb3f9d", "pässwörd-ünïcode", "first-half", "second-half",
    "kept-for-the-record", "billing-s3cret", "quoted-b0dy",
]
MIGRATION = (
    "CREATE ROLE app LOGIN SUPERUSER PASSWORD 'Tr0ub4dor-3x';\n"
    "CREATE USER reporting WITH ENCRYPTED PASSWORD 'md53175bce1d3201d16594cebf9d7eb3f9d' BYPASSRLS;\n"
    "ALTER USER \"Reporting\" WITH PASSWORD 'pässwörd-ünïcode' SUPERUSER;\n"
    "ALTER ROLE app PASSWORD 'first-half'\n"
    "    'second-half' BYPASSRLS;\n"
    "-- sqlsoul: ignore[password-in-migration] rotated long ago\n"
    "ALTER ROLE ops SUPERUSER PASSWORD 'kept-for-the-record';\n"
    "CREATE USER MAPPING FOR app SERVER billing OPTIONS (user 'billing', password 'billing-s3cret');\n"
    "DO 'BEGIN ALTER ROLE ops PASSWORD ''quoted-b0dy'' SUPERUSER; END';\n"
)
FORMATS = list(REPORT_FORMATS)  # every format, new ones included


def lint(path: Path, output_format: str) -> tuple[str, str]:
    """(stdout, stderr) of `sqlsoul lint` on the file, run where the file is."""
    completed = subprocess.run(
        [sys.executable, "-m", "sqlsoul", "lint", "--no-color", "--format", output_format,
         "--select", "password-in-migration,superuser-role", str(path)],
        capture_output=True, text=True, encoding="utf-8", cwd=path.parent, check=False,
    )
    assert completed.returncode == 1, completed.stderr
    return completed.stdout, completed.stderr


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[str, str]]:
    """(stdout, stderr) of each format, from one run each."""
    path = tmp_path_factory.mktemp("secrets") / "001_roles.sql"
    path.write_text(MIGRATION, encoding="utf-8")
    return {output_format: lint(path, output_format) for output_format in FORMATS}


@pytest.mark.parametrize("output_format", FORMATS)
def test_no_secret_in_any_format(outputs: dict[str, tuple[str, str]], output_format: str) -> None:
    output = "".join(outputs[output_format])
    assert "password-in-migration" in output or "SS603" in output  # the rule did run and report
    for secret in SECRETS:
        assert secret not in output


def test_text_shows_the_line_masked_with_columns_kept(outputs: dict[str, tuple[str, str]]) -> None:
    output, _ = outputs["text"]
    assert "  CREATE ROLE app LOGIN SUPERUSER PASSWORD **************;" in output
    # One mask character per character, so the caret under SUPERUSER on line 3 stays under the keyword.
    [block] = [block for block in output.split("\n\n") if ":3:57: warning SS605" in block.split("\n")[0]]
    _, shown, caret = block.split("\n")[:3]
    assert shown == "  ALTER USER \"Reporting\" WITH PASSWORD ****************** SUPERUSER;"
    assert caret.index("^") == shown.index("SUPERUSER")
    # A literal continued on the next line is masked on both lines (the space between its parts too).
    assert "  ALTER ROLE app PASSWORD ************\n" in output
    assert "  ***************** BYPASSRLS;\n" in output
    # In a body quoted '...' the file writes the literal's quotes twice: all of it is masked.
    assert "  DO 'BEGIN ALTER ROLE ops PASSWORD *************** SUPERUSER; END';\n" in output


def test_a_suppressed_finding_still_masks_its_secret(outputs: dict[str, tuple[str, str]]) -> None:
    # password-in-migration is silenced on line 7, superuser-role is not: its finding shows the line masked.
    findings = json.loads(outputs["json"][0])["findings"]
    assert [f["code"] for f in findings if f["line"] == 7] == ["SS605"]
    assert "  ALTER ROLE ops SUPERUSER PASSWORD *********************;\n" in outputs["text"][0]


def test_sarif_fingerprints_hash_the_masked_line(outputs: dict[str, tuple[str, str]]) -> None:
    sarif = json.loads(outputs["sarif"][0])
    results = sarif["runs"][0]["results"]
    first = next(r for r in results if r["ruleId"] == "SS603" and r["locations"][0]["physicalLocation"]["region"]["startLine"] == 1)
    masked_line = "CREATE ROLE app LOGIN SUPERUSER PASSWORD **************;"
    payload = json.dumps(["SS603", "001_roles.sql", first["message"]["text"].rstrip("."), masked_line, 0], ensure_ascii=False, separators=(",", ":"))
    assert first["partialFingerprints"][FINGERPRINT_KEY] == hashlib.sha256(payload.encode("utf-8")).hexdigest()


def test_secrets_stay_masked_when_the_password_rule_is_not_selected(tmp_path: Path) -> None:
    path = tmp_path / "001_roles.sql"
    path.write_text(MIGRATION, encoding="utf-8")
    for selection in (["--select", "superuser-role"], ["--ignore", "password-in-migration"]):
        completed = subprocess.run(
            [sys.executable, "-m", "sqlsoul", "lint", "--no-color", *selection, str(path)],
            capture_output=True, text=True, encoding="utf-8", cwd=tmp_path, check=False,
        )
        assert "SS605" in completed.stdout and "SS603" not in completed.stdout, completed.stderr
        assert "  CREATE ROLE app LOGIN SUPERUSER PASSWORD **************;" in completed.stdout
        for secret in SECRETS:
            assert secret not in completed.stdout + completed.stderr
