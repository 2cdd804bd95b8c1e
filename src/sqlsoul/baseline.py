"""A findings baseline: record today's findings once, then report only the ones not in the record.

Each finding gets a key that survives edits elsewhere in the file and changes when its own statement
does, in every dialect:

    code       the rule's code
    path       the file, relative to the project root
    statement  sha256 (first 16 hex digits) of the statement's tokens: whitespace and comments
               dropped, unquoted words and numbers lower-cased, quoted identifiers and literals
               kept as written (so `varchar(50)` -> `varchar(100)` or 'a' -> 'b' is a change)
    object     the text the finding highlights, as tokens joined by spaces (the column, type or
               clause it is about); a long one is cut and ends with a hash of the whole
    ordinal    how many findings with the same four values come before it in the file

A finding outside any statement (a parse error, an unreadable file, an unused suppression) keys on
its message instead: `statement` is null and `object` is the message. No line number goes in, so
lines added above a finding leave its key alone. The statement goes in as a hash only, and the object
as reporters show it: a secret a rule redacts stays masked.

The file is JSON, one entry per line, sorted, so that a refresh shows as a small diff.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

from sqlsoul.dialects import MARIADB, MYSQL, POSTGRES
from sqlsoul.engine import LintResult
from sqlsoul.findings import Finding
from sqlsoul.records import record
from sqlsoul.source import SourceFile

BASELINE_VERSION = 1
HASH_LENGTH = 16  # hex digits of a statement's sha256: 64 bits, ample to tell a file's statements apart
OBJECT_LENGTH = 64  # longer highlighted text is cut to keep the file readable, and ends with its hash
_OBJECT_HASH_LENGTH = 12

# Where `#` starts a comment and a backslash escapes inside every quoted string.
_MYSQL_FAMILY = frozenset({MYSQL, MARIADB})

_WORD = re.compile(r"[^\W\d][\w$]*")
_NUMBER = re.compile(r"0[xX][0-9A-Fa-f_]+|(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?\d+)?")
_DOLLAR_TAG = re.compile(r"\$(?:[^\W\d]\w*)?\$")
_COMMENT_MARK = re.compile(r"/\*|\*/")


class BaselineError(Exception):
    """A baseline file that cannot be read or written: one line, exit 2."""


@record(frozen=True)
class Key:
    path: str
    code: str
    statement: str | None
    object: str
    ordinal: int

    def sort_key(self) -> tuple[str, str, str, str, int]:
        # By file, then rule: a refresh's diff stays within the file that changed. A finding outside
        # a statement (no hash) sorts first.
        return (self.path, self.code, self.statement or "", self.object, self.ordinal)

    def entry(self) -> dict[str, Any]:
        return {"code": self.code, "path": self.path, "statement": self.statement, "object": self.object,
                "ordinal": self.ordinal}


@record(frozen=True)
class BaselineMatch:
    """A run's findings split by a baseline."""

    findings: list[Finding]  # all of them, in report order
    new: list[Finding]  # not in the baseline: reported, and they decide the exit status
    baselined: list[Finding]  # in it: hidden (SARIF shows them with --include-baselined)
    gone: int  # entries for the files this run reported on (or deleted files) that no finding matched


# --- tokens -----------------------------------------------------------------------------------------


def tokens(text: str, dialect: str = POSTGRES) -> list[str]:
    """The tokens of SQL text in any dialect: what a reformat (case, spacing, line breaks, comments)
    leaves alone and a change of meaning does not. Unquoted words and numbers are lower-cased;
    strings and quoted identifiers (', ", `, dollar quotes) are kept exactly as written; every other
    character is a token of its own."""
    mysql_family = dialect in _MYSQL_FAMILY
    found: list[str] = []
    position, length = 0, len(text)
    while position < length:
        char = text[position]
        if char.isspace():
            position += 1
        elif text.startswith("--", position) or (char == "#" and mysql_family):
            end = text.find("\n", position)
            position = length if end < 0 else end + 1
        elif text.startswith("/*", position):
            position = _comment_end(text, position)
        elif char in "'\"`":
            # E'...' is PostgreSQL's escape string: the one kind where it reads backslashes.
            escapes = mysql_family or (char == "'" and found[-1:] == ["e"] and text[position - 1] in "eE")
            end = _quoted_end(text, position, char, escapes)
            found.append(text[position:end])
            position = end
        elif char == "$" and (tag := _DOLLAR_TAG.match(text, position)):
            close = text.find(tag.group(), tag.end())
            end = length if close < 0 else close + len(tag.group())
            found.append(text[position:end])
            position = end
        elif (word := _WORD.match(text, position)) or (word := _NUMBER.match(text, position)):
            found.append(word.group().lower())
            position = word.end()
        else:
            found.append(char)
            position += 1
    return found


def _comment_end(text: str, start: int) -> int:
    """End of the /* comment at `start` (PostgreSQL nests them; elsewhere nesting never occurs)."""
    depth = 0
    for mark in _COMMENT_MARK.finditer(text, start):
        depth += 1 if mark.group() == "/*" else -1
        if depth == 0:
            return mark.end()
    return len(text)


def _quoted_end(text: str, start: int, quote: str, escapes: bool) -> int:
    """End of the quoted string or identifier at `start`: a doubled quote stays inside."""
    position, length = start + 1, len(text)
    while position < length:
        char = text[position]
        if escapes and char == "\\":
            position += 2
        elif char == quote:
            if not text.startswith(quote, position + 1):
                return position + 1
            position += 2
        else:
            position += 1
    return length


def statement_hash(text: str, dialect: str = POSTGRES) -> str:
    found = tokens(text, dialect)
    while found[-1:] == [";"]:  # whether a statement's span takes in its semicolon is no change
        found.pop()
    payload = json.dumps(found, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:HASH_LENGTH]


def _wordlike(char: str) -> bool:
    return char.isalnum() or char in "_$'\"`"


def object_text(text: str, dialect: str = POSTGRES) -> str:
    """The tokens of highlighted text, readable: a space only between two words (`varchar(50)`,
    `customer_id bigint not null`)."""
    joined = ""
    for token in tokens(text, dialect):
        if joined and _wordlike(joined[-1]) and _wordlike(token[0]):
            joined += " "
        joined += token
    if len(joined) <= OBJECT_LENGTH:
        return joined
    digest = hashlib.sha256(joined.encode("utf-8")).hexdigest()[:_OBJECT_HASH_LENGTH]
    return f"{joined[:OBJECT_LENGTH - _OBJECT_HASH_LENGTH - 1]}~{digest}"


# --- keys -------------------------------------------------------------------------------------------


def _highlighted(source: SourceFile, line: int, column: int, end_line: int, end_column: int) -> str:
    """The text from one line:column to another (end exclusive), as reporters show it: it is written
    to the baseline as it is, so a secret a rule redacted stays masked."""
    last = len(source.line_starts)
    if not 1 <= line <= last:
        return ""
    end_line = min(end_line, last)
    lines = [source.line_text(number) for number in range(line, end_line + 1)]
    if line == end_line:
        return lines[0][column - 1 : end_column - 1]
    return "\n".join([lines[0][column - 1 :], *lines[1:-1], lines[-1][: end_column - 1]])


class _Keys:
    """Keys of a run's findings; each statement's text is hashed once."""

    def __init__(self, result: LintResult) -> None:
        self.result = result
        self.hashes: dict[tuple[str, int], str | None] = {}

    def statement(self, finding: Finding) -> str | None:
        if finding.statement is None:
            return None
        cache_key = (finding.path, finding.statement)
        if cache_key not in self.hashes:
            self.hashes[cache_key] = self._hash(finding.path, finding.statement)
        return self.hashes[cache_key]

    def _hash(self, path: str, index: int) -> str | None:
        source = self.result.sources.get(path)
        spans = self.result.statement_spans.get(path, [])
        if source is None or not 0 <= index < len(spans):
            return None
        span = spans[index]
        # The SQL as parsed: a framework's markers are statement ends there, and a Liquibase
        # rollback is SQL, not the comment it is in the file. Only a hash of it is written.
        return statement_hash(source.sql[span.start : span.end].decode("utf-8", "replace"), source.dialect)

    def base(self, finding: Finding) -> tuple[str, str, str | None, str]:
        """(path, code, statement, object) of a finding, where its rule reported it."""
        at = finding.origin or finding
        statement = self.statement(at)
        source = self.result.sources.get(at.path)
        if statement is None or source is None:
            return (at.root_path, at.code, None, at.message)
        highlighted = _highlighted(source, at.line, at.column, at.end_line, at.end_column)
        return (at.root_path, at.code, statement, object_text(highlighted, source.dialect))


def keys(result: LintResult) -> list[tuple[Finding, Key]]:
    """Each finding of the result with its key. Ordinals count in file order where the rule
    reported: a finding shown in its pair's file counts where it really is."""
    computing = _Keys(result)
    based = [(finding, computing.base(finding)) for finding in result.findings]

    def where(pair: tuple[Finding, tuple[str, str, str | None, str]]) -> tuple[int, int, str]:
        at = pair[0].origin or pair[0]
        return (at.line, at.column, at.message)

    seen: Counter[tuple[str, str, str | None, str]] = Counter()
    keyed = []
    for finding, base in sorted(based, key=lambda pair: (pair[1][0], *where(pair))):
        keyed.append((finding, Key(*base, seen[base])))
        seen[base] += 1
    return keyed


# --- matching ---------------------------------------------------------------------------------------


def reported_paths(result: LintResult) -> set[str]:
    """Root-relative paths of the files this run reported on: only their entries can be gone."""
    paths = {source.root_path for source in result.sources.values()}
    for finding in result.findings:
        paths.add(finding.root_path)
        if finding.origin is not None:
            paths.add(finding.origin.root_path)
    return paths


def _outside(entry: Key, reported: set[str], root: Path) -> bool:
    """Whether an entry is about a file this run did not look at, and that still exists."""
    return entry.path not in reported and (root / entry.path).is_file()


def match(result: LintResult, entries: list[Key], root: Path) -> BaselineMatch:
    """Split the findings: each entry absorbs at most one finding with its key."""
    remaining = Counter(entries)
    new, baselined = [], []
    for finding, key in keys(result):
        if remaining[key] > 0:
            remaining[key] -= 1
            baselined.append(finding)
        else:
            new.append(finding)
    reported = reported_paths(result)
    gone = sum(count for entry, count in remaining.items() if count > 0 and not _outside(entry, reported, root))
    order = {id(finding): position for position, finding in enumerate(result.findings)}
    new.sort(key=lambda finding: order[id(finding)])
    baselined.sort(key=lambda finding: order[id(finding)])
    return BaselineMatch(list(result.findings), new, baselined, gone)


# --- the file ---------------------------------------------------------------------------------------


def render(entries: list[Key]) -> str:
    """The file: a version, then every entry on a line of its own, sorted."""
    lines = [f"    {json.dumps(entry.entry(), ensure_ascii=False)}" for entry in sorted(entries, key=Key.sort_key)]
    findings = "[\n" + ",\n".join(lines) + "\n  ]" if lines else "[]"
    return f'{{\n  "version": {BASELINE_VERSION},\n  "findings": {findings}\n}}\n'


def write(path: Path, result: LintResult, root: Path) -> int:
    """Record the run's findings in `path` and return how many were written. Entries an existing
    file has for files this run did not report on (a run over some files only) are kept."""
    entries = [key for _, key in keys(result)]
    if path.is_file():
        reported = reported_paths(result)
        entries += [entry for entry in read(path) if _outside(entry, reported, root)]
    try:
        path.write_text(render(entries), encoding="utf-8")
    except OSError as error:
        raise BaselineError(f"cannot write baseline {path}: {error.strerror or error}") from None
    return len(entries)


def read(path: Path) -> list[Key]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BaselineError(f"baseline file not found: {path} (write it with --write-baseline {path})") from None
    except (OSError, UnicodeDecodeError) as error:
        raise BaselineError(f"cannot read baseline {path}: {getattr(error, 'strerror', None) or error}") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise BaselineError(f"{path}:{error.lineno}: baseline is not valid JSON: {error.msg}") from None
    if not isinstance(document, dict) or document.get("version") != BASELINE_VERSION:
        raise BaselineError(f"{path}: not a sqlsoul baseline of version {BASELINE_VERSION} (write it with --write-baseline)")
    findings = document.get("findings")
    if not isinstance(findings, list):
        raise BaselineError(f"{path}: baseline has no findings list")
    return [_entry(path, number, item) for number, item in enumerate(findings, start=1)]


def _entry(path: Path, number: int, item: Any) -> Key:
    if (
        isinstance(item, dict)
        and set(item) == {"code", "path", "statement", "object", "ordinal"}
        and isinstance(item["code"], str)
        and isinstance(item["path"], str)
        and (item["statement"] is None or isinstance(item["statement"], str))
        and isinstance(item["object"], str)
        and isinstance(item["ordinal"], int)
        and not isinstance(item["ordinal"], bool)
        and item["ordinal"] >= 0
    ):
        return Key(item["path"], item["code"], item["statement"], item["object"], item["ordinal"])
    raise BaselineError(
        f"{path}: baseline entry {number} is not {{code, path, statement, object, ordinal}}: {json.dumps(item)[:120]}"
    )
