"""What a rule reports, and how severe it is."""

from __future__ import annotations

from enum import IntEnum

from sqlsoul.records import record


class Severity(IntEnum):
    NOTE = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, value: str) -> Severity:
        try:
            return cls[value.upper()]
        except KeyError:
            raise ValueError(f"unknown severity {value!r}; use error, warning or note") from None


@record(frozen=True)
class Span:
    """A half-open range of UTF-8 byte offsets into a source file's text."""

    start: int
    end: int


@record(frozen=True)
class Related:
    """Another place a finding concerns (the up statement a down fails to invert, say)."""

    path: str
    root_path: str
    line: int
    column: int
    message: str


@record
class Finding:
    """What a rule found: where (1-based line and column, end exclusive), what, and how to fix it."""

    code: str
    rule: str
    severity: Severity
    path: str  # as the user gave it, for text and JSON output
    root_path: str  # relative to the project root, forward slashes, for machine formats
    line: int
    column: int
    end_line: int
    end_column: int
    message: str
    help: str
    statement: int | None = None  # index of the statement in its file, for suppressions
    related: tuple[Related, ...] = ()
    # The finding as its rule reported it, when it is shown elsewhere (at the top of the named file
    # of an up/down pair): baseline keys stay those of where the finding really is.
    origin: Finding | None = None

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.path, self.line, self.column, self.code, self.message)
