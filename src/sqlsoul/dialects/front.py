"""The MySQL, MariaDB and SQLite front end: a file's statements in libpg_query's JSON shape.

`parse_foreign` is the counterpart of `sqlsoul.parsing.parse` for the dialects sqlglot reads. The
file is cut into statements first (split.py: client DELIMITER lines, trigger bodies), each one is
tokenized and parsed by sqlglot (grammar.py) and translated (translate.py). Nothing vanishes:

- a statement sqlglot rejects is a parse failure at the token it stopped at;
- a statement sqlglot keeps only as an opaque `exp.Command`, or reads as a bare expression (it
  reads `FLUSH PRIVILEGES` as a column with an alias), is an `unsupported` entry when it is a
  statement of the dialect, and a parse failure when its first word starts no statement or when
  sqlglot ran out of tokens before giving up (`ALTER TABLE t ADD`: the statement is incomplete).
  A Command is not a syntax error as such: sqlglot gives up on valid forms it does not model
  (`CREATE USER`, `ALTER TABLE ... PARTITION BY`), so only those two signs count as one;
- stored programs (CREATE PROCEDURE, FUNCTION, TRIGGER, EVENT) are unsupported: their bodies are
  not checked, except a MySQL/MariaDB procedure that the file CALLs after creating it (below).

A CALL of a procedure the same file created before it runs the procedure's body there: the DDL and
DML statements of the body (CREATE, ALTER, DROP, RENAME, TRUNCATE, INSERT, UPDATE, DELETE, REPLACE)
are read like top-level statements, at their own place in the file, and become the statements that
CALL runs (`ParsedFile.called`, with the CALL's index; the engine lints and replays them after the
CALL, as the statements of a PostgreSQL DO block). The procedural parts are not statements to
check: IF/ELSEIF/ELSE/CASE/WHEN conditions, loops, labels, BEGIN/END, DECLARE, SET, LEAVE/ITERATE,
SELECT (INTO), CALL, transaction control, and PREPARE/EXECUTE (dynamic SQL, unknown). Conditions are
not evaluated: every statement of the body counts as run once (the guarded `IF NOT EXISTS (...)
THEN ALTER TABLE ... ADD ...` of a migration is exactly what runs on a schema that lacks the
column), except the statement of a DECLARE ... HANDLER, which runs only on an error. A called
procedure has no note of its own; one that is never called keeps its note.

A few forms sqlglot cannot read are rewritten at the token level before parsing (the tokens keep
their positions, so every location stays exact): MySQL's `ALTER TABLE` is parsed one action at a
time (an action sqlglot cannot read is a note and the others still count) and its
`ADD (column, constraint, ...)` list is read as a CREATE TABLE's; `CREATE FULLTEXT INDEX` and
index options, `REPLACE INTO`, SQLite's `ON CONFLICT` clauses and `WITHOUT ROWID`/`STRICT`.
`CALL`, `LOCK TABLES`, `RENAME TABLE` and savepoints are read here from the tokens.

So are MySQL's account statements, whose passwords must reach password-in-migration (which masks
them in every output): `CREATE [OR REPLACE] USER` and `ALTER USER` become one CreateRoleStmt or
AlterRoleStmt per account, `SET PASSWORD [FOR account]` an AlterRoleStmt, and the `IDENTIFIED BY`
of a MySQL 5.7 or MariaDB `GRANT` an AlterRoleStmt per account it names (the grant itself stays a
note). Each password is a `password` DefElem whose `arg_location` is the literal's offset, as
libpg_query writes `CREATE ROLE ... PASSWORD 'x'`; the account's host is `sqlsoul_host` on the
statement ('app'@'%': role app, host %). No message about such a statement quotes one of its
tokens, which may be the password.

This module imports sqlglot; the engine imports it only for a file of one of these dialects.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from copy import deepcopy
from dataclasses import replace
from typing import Any

from sqlglot import exp
from sqlglot.errors import ParseError, TokenError
from sqlglot.tokens import Token, TokenType

from sqlsoul.dialects import MARIADB, MYSQL
from sqlsoul.dialects.grammar import START
from sqlsoul.dialects.grammar import dialect as sqlglot_dialect
from sqlsoul.dialects.split import Piece, split_statements
from sqlsoul.dialects.translate import Node, NotModelled, Placed, Translated, Translator, Unmodelled
from sqlsoul.findings import Span
from sqlsoul.parsing import INSIDE_DO, ParseFailure, ParsedFile, Statement
from sqlsoul.records import record
from sqlsoul.source import SourceFile

_MYSQL_FAMILY = frozenset({MYSQL, MARIADB})
# The words that start a statement in each dialect (MySQL 8.4 and MariaDB 11 manuals, SQLite's
# lang.html): a statement sqlglot cannot read that starts with one is valid but unmodelled SQL.
_MYSQL_STATEMENT_WORDS = frozenset("""
    ALTER ANALYZE BEGIN BINLOG CACHE CALL CHANGE CHECK CHECKSUM CLONE COMMIT CREATE DEALLOCATE DELETE DESC
    DESCRIBE DO DROP EXECUTE EXPLAIN FLUSH GET GRANT HANDLER HELP IMPORT INSERT INSTALL KILL LOAD LOCK OPTIMIZE
    PREPARE PURGE RELEASE RENAME REPAIR REPLACE RESET RESIGNAL RESTART REVOKE ROLLBACK SAVEPOINT SELECT SET SHOW
    SHUTDOWN SIGNAL START STOP TABLE TRUNCATE UNINSTALL UNLOCK UPDATE USE VALUES WITH XA BACKUP
""".split())
_SQLITE_STATEMENT_WORDS = frozenset("""
    ALTER ANALYZE ATTACH BEGIN COMMIT CREATE DELETE DETACH DROP END EXPLAIN INSERT PRAGMA REINDEX RELEASE REPLACE
    ROLLBACK SAVEPOINT SELECT UPDATE VACUUM VALUES WITH
""".split())
# Object kinds after CREATE/ALTER/DROP (the words a note names, "CREATE USER").
_OBJECT_KINDS = frozenset("""
    TABLE INDEX VIEW PROCEDURE FUNCTION TRIGGER EVENT USER ROLE DATABASE SCHEMA SERVER TABLESPACE LOGFILE PACKAGE
    SEQUENCE INSTANCE RESOURCE SPATIAL PREPARE
""".split())
_STORED_PROGRAMS = frozenset({"PROCEDURE", "FUNCTION", "TRIGGER", "EVENT", "PACKAGE"})
# Where a stored program's head may end (the words are confirmed on its tokens).
_PROGRAM_HEAD = re.compile(r"(?:create|begin)\b.{0,300}?\b(?:procedure|function|trigger|event|package|atomic)\b",
                           re.IGNORECASE | re.DOTALL)
_DEFINING_WORDS = frozenset({"CREATE", "ALTER", "DROP"})
_TWO_WORD_STATEMENTS = frozenset({"LOCK", "UNLOCK", "SHOW", "LOAD", "START", "STOP", "RESET", "CHANGE"})
_HEAD_SEARCH = 12  # tokens after CREATE in which its object kind is looked for (DEFINER=... comes first)
_NAME_TOKENS = frozenset({TokenType.VAR, TokenType.IDENTIFIER})
_QUOTED = frozenset({TokenType.IDENTIFIER, TokenType.STRING})  # quoted names and strings: never keywords
_ALTER_FLAGS = frozenset({"ONLINE", "OFFLINE", "IGNORE"})  # MySQL 5 `ALTER IGNORE TABLE`: no model fact
# ALTER TABLE actions that change no schema fact: MyISAM's pause of non-unique index updates, which
# mysqldump writes around every table's rows (`/*!40000 ALTER TABLE t DISABLE KEYS */`).
_NO_MODEL_ACTIONS = (["DISABLE", "KEYS"], ["ENABLE", "KEYS"])
_INDEX_KINDS = frozenset({"FULLTEXT", "SPATIAL"})
_SQLITE_TABLE_OPTIONS = {"STRICT": "sqlsoul_strict", "WITHOUT": "sqlsoul_without_rowid"}
_TOKEN_IN_MESSAGE = re.compile(r"\s*(?:but got )?<Token .*", re.DOTALL)
_WORD = re.compile(r"\w+")
# Statements this module reads from their tokens although sqlglot's tokenizer keeps them as commands.
_READ_HERE = frozenset({"CALL", "LOCK", "UNLOCK", "RENAME", "REPLACE"})
_LOCK_MODES = frozenset({"READ", "LOCAL", "WRITE", "LOW_PRIORITY"})
# MySQL's CHECK TABLE, CHECKSUM TABLE and REPAIR TABLE: valid, no model fact.
_TABLE_MAINTENANCE = frozenset({"CHECK", "CHECKSUM", "REPAIR"})
# Account statements. In an authentication clause a literal after one of these words is a secret:
# IDENTIFIED BY 'pw', IDENTIFIED WITH plugin BY 'pw' | AS 'hash', MySQL 5.7's and MariaDB's
# IDENTIFIED BY PASSWORD 'hash', MariaDB's IDENTIFIED VIA plugin USING 'hash', ALTER USER's
# REPLACE 'current password', SET PASSWORD = 'pw'; and so is the argument of PASSWORD('pw') and
# MariaDB's OLD_PASSWORD('pw').
_SECRET_AFTER = frozenset({"BY", "AS", "USING", "PASSWORD", "REPLACE", "="})
_PASSWORD_FUNCTIONS = frozenset({"PASSWORD", "OLD_PASSWORD"})
_LITERALS = frozenset({
    TokenType.STRING, TokenType.NATIONAL_STRING, TokenType.HEX_STRING, TokenType.BIT_STRING, TokenType.BYTE_STRING,
    TokenType.RAW_STRING, TokenType.NATIONAL_RAW_STRING,
})
# What ends a list of accounts although a comma follows: CREATE USER's DEFAULT ROLE a, b and MySQL
# 8's GRANT ... TO u AS v WITH ROLE a, b.
_AFTER_ACCOUNTS = (("DEFAULT", "ROLE"), ("WITH", "ROLE"))


class _Failure(Placed):
    """A statement that is not valid SQL: reported as a parse failure."""


# The statements of a procedure's body that are read (DDL and DML); the rest is procedural.
_BODY_STATEMENT_WORDS = frozenset({
    "CREATE", "ALTER", "DROP", "RENAME", "TRUNCATE", "INSERT", "UPDATE", "DELETE", "REPLACE",
})
# Words that open a compound statement's part and are followed by its statements.
_BODY_OPENERS = frozenset({"BEGIN", "ELSE", "LOOP", "REPEAT"})
# Words followed by a condition up to THEN or DO, then the part's statements.
_BODY_CONDITIONS = frozenset({"IF", "ELSEIF", "CASE", "WHEN", "WHILE"})
# Procedure characteristics between the parameter list and the body.
_CHARACTERISTICS = frozenset({
    "COMMENT", "LANGUAGE", "SQL", "NOT", "DETERMINISTIC", "CONTAINS", "NO", "READS", "MODIFIES", "DATA",
    "SECURITY", "DEFINER", "INVOKER",
})


@record
class _Procedure:
    """A procedure the file creates: its tokens, where its body starts, its note while not called."""

    tokens: list[Token]
    body: int  # index of the body's first token
    end: int  # character index where the piece ends
    note: ParseFailure
    statements: list[Statement] | None = None  # the body's statements, read at the first CALL
    calls: int = 0


def parse_foreign(source: SourceFile, dialect: str) -> ParsedFile:
    """The statements of a MySQL, MariaDB or SQLite file, shaped like libpg_query's (see translate.py)."""
    parsed = ParsedFile(source)
    reader = _Reader(parsed, dialect)
    with _quiet_sqlglot():
        reader.read()
    nul = source.data.find(b"\x00")
    if nul >= 0:
        parsed.failures.append(ParseFailure(Span(nul, nul + 1), "NUL character (U+0000) in the file; is it UTF-16?"))
    parsed.statements.sort(key=lambda statement: statement.span.start)
    parsed.failures.sort(key=lambda failure: failure.span.start)
    parsed.unsupported.sort(key=lambda note: note.span.start)
    for index, statement in enumerate(parsed.statements):
        statement.index = index
    by_start = {statement.span.start: statement.index for statement in parsed.statements}
    for start, inner in reader.calls:
        if start in by_start:
            index = by_start[start]
            parsed.called[index] = [replace(statement, index=index) for statement in inner]
    return parsed


@contextmanager
def _quiet_sqlglot() -> Iterator[None]:
    """sqlglot logs what it cannot read; the front end reports that itself, as findings."""
    logger = logging.getLogger("sqlglot")
    disabled = logger.disabled
    logger.disabled = True
    try:
        yield
    finally:
        logger.disabled = disabled


class _Reader:
    def __init__(self, parsed: ParsedFile, dialect: str) -> None:
        self.parsed = parsed
        self.source = parsed.source
        self.text = parsed.source.sql_text
        self.dialect = dialect
        self.mysql = dialect in _MYSQL_FAMILY
        glot = sqlglot_dialect(dialect)
        self.tokenizer = glot.tokenizer()
        self.parser: Any = glot.parser()  # grammar._Noting: notes where it gave up or failed
        self.translator = Translator(dialect, self.text, self.source.byte_offset)
        self.statement_words = _MYSQL_STATEMENT_WORDS if self.mysql else _SQLITE_STATEMENT_WORDS
        self.sink = parsed.statements  # where read statements go (a procedure's body: its own list)
        self.procedures: dict[str, _Procedure] = {}  # by lower-case name, the latest CREATE of each
        self.calls: list[tuple[int, list[Statement]]] = []  # (byte offset of a CALL, the statements it runs)

    def read(self) -> None:
        split = split_statements(self.text, self.dialect)
        for error in split.errors:
            self._add(self.parsed.failures, error.position, error.position + 1, error.message)
        for piece in split.pieces:
            self._piece(piece)

    # --- statements ----------------------------------------------------------------------------

    def _piece(self, piece: Piece) -> None:
        if self._stored_program(piece, self._head_tokens(piece)):
            return
        try:
            tokens = self._tokenize(piece.start, piece.end)
        except _Failure as failure:
            self._add(self.parsed.failures, failure.start, failure.end, failure.message)
            return
        if not tokens or self._stored_program(piece, tokens):  # a head too long for _head_tokens
            return
        # A custom DELIMITER lets a piece hold several statements: cut it at its semicolons.
        run: list[Token] = []
        for token in tokens:
            if token.token_type == TokenType.SEMICOLON:
                if run:  # the statement ends at its last non-blank character before the semicolon
                    self._statement(run, run[0].start + len(self.text[run[0].start : token.start].rstrip()))
                run = []
            else:
                run.append(token)
        if run:
            self._statement(run, piece.end)

    def _tokenize(self, start: int, end: int) -> list[Token]:
        """sqlglot's tokens of text[start:end], with positions in the file (so node positions are too)."""
        try:
            tokens = self.tokenizer.tokenize(self.text[start:end])
        except TokenError as error:
            raise _Failure(_first_line(str(error)), start, _word_end(self.text, start)) from None
        for token in tokens:
            token.start += start
            token.end += start
        return tokens

    def _statement(self, tokens: list[Token], end: int) -> None:
        start = tokens[0].start
        try:
            translated = self._translate(self._expanded(tokens, end))
        except _Failure as failure:
            self._add(self.parsed.failures, failure.start, failure.end, failure.message)
            self.translator.notes.clear()
            return
        except Unmodelled as note:
            translated = []
            self.translator.notes.append(note)
        for note in self.translator.notes:
            self._add(self.parsed.unsupported, note.start, note.end, note.message)
        self.translator.notes.clear()
        span = Span(self.source.byte_offset(start), self.source.byte_offset(end))
        for kind, node in translated:
            self.sink.append(Statement(0, span, kind, node, base=0))
            if kind == "CallStmt" and self.procedures:
                self._called(span.start, node)

    def _expanded(self, tokens: list[Token], end: int) -> list[Token]:
        """The statement's tokens, read again behind a first word that makes sqlglot's tokenizer keep
        the rest as one string (CALL, RENAME, REPLACE, LOCK ...), when this module reads the statement."""
        if (
            len(tokens) == 2 and tokens[1].token_type == TokenType.STRING
            and tokens[0].token_type in self.tokenizer.COMMANDS and tokens[0].text.upper().split()[0] in _READ_HERE
        ):
            return [tokens[0], *self._tokenize(tokens[0].end + 1, end)]
        return tokens

    def _translate(self, tokens: list[Token]) -> Translated:
        # Keywords only (a quoted name is no keyword), split: "LOCK TABLES" is one token.
        words = " ".join(token.text for token in tokens[:3] if token.token_type not in _QUOTED).upper().split()
        first = words[0] if words and tokens[0].token_type not in _QUOTED else ""
        if self.mysql and (accounts := self._account_statement(tokens)) is not None:
            return accounts
        if first == "ALTER" and self._table_head(tokens) is not None:
            return self._alter_table(tokens)
        if first == "CALL":
            return self._call(tokens)
        if first in ("LOCK", "UNLOCK") and words[1:2] in (["TABLES"], ["TABLE"]):
            return self._lock(tokens)
        if words[:2] == ["RENAME", "TABLE"]:
            return self._rename_tables(tokens)
        if self.mysql and (first in _TABLE_MAINTENANCE or words[:2] == ["RENAME", "USER"]):
            raise self._unmodelled(tokens, None)  # sqlglot reads these as broken expressions
        if first in ("SAVEPOINT", "RELEASE") or (first == "END" and not self.mysql):
            return [("TransactionStmt", self._transaction_words(tokens))]
        if first == "REPLACE":
            return self._replace(tokens)
        if first == "CREATE" and "INDEX" in words and self.mysql:
            return self._create_index(tokens)
        if first == "CREATE" and words[1:2] == ["VIRTUAL"]:  # SQLite: a module's table (FTS, R*Tree ...)
            raise self._unmodelled(tokens, None)
        if first == "CREATE" and self._object_kind(tokens)[0] == "TABLE":
            return self._create_table(tokens) if self.mysql else self._sqlite_create_table(tokens)
        if first == "UPDATE" and words[1:2] == ["OR"] and not self.mysql:  # SQLite's UPDATE OR IGNORE ...
            return self._parsed_statement([tokens[0], *tokens[3:]])  # the conflict action is no model fact
        return self._parsed_statement(tokens)

    def _parsed_statement(self, tokens: list[Token]) -> Translated:
        tree = self._parse(tokens)
        try:
            return self.translator.statement(tree, tokens[0].start)
        except NotModelled:
            raise self._unmodelled(tokens, None) from None
        except (AttributeError, TypeError, IndexError, KeyError):
            # sqlglot accepts some broken statements and returns a tree with parts missing (`PRAGMA .`
            # is a Dot of nothing): what cannot be translated was not a statement of the dialect.
            raise _Failure("syntax error: the statement is incomplete", tokens[0].start, tokens[-1].end + 1) from None

    def _parse(self, tokens: list[Token]) -> exp.Expr:
        """sqlglot's tree for one statement; raises _Failure or Unmodelled for what it cannot read."""
        try:
            trees = [tree for tree in self.parser.parse(tokens, self.text) if tree is not None]
        except ParseError as error:
            if tokens[0].text.upper() not in self.statement_words:
                raise _Failure(f'syntax error at or near "{tokens[0].text}"', tokens[0].start, tokens[0].end + 1) from None
            raise self._syntax_error(tokens, error) from None
        if not trees:
            raise _Failure("no statement", tokens[0].start, tokens[-1].end + 1)
        tree = trees[0]
        if isinstance(tree, exp.Command):
            if self.parser.gave_up and self.parser.gave_up_at is None:
                raise _Failure("syntax error at end of input", tokens[0].start, tokens[0].end + 1)
            raise self._unmodelled(tokens, self.parser.gave_up_at if self.parser.gave_up else None)
        if not _is_statement(tree):
            if tokens[0].text.upper() in self.statement_words:
                raise self._unmodelled(tokens, None)
            raise _Failure(f'syntax error at or near "{tokens[0].text}"', tokens[0].start, tokens[0].end + 1)
        return tree

    def _syntax_error(self, tokens: list[Token], error: ParseError) -> _Failure:
        details = error.errors[0] if error.errors else {}
        description = _TOKEN_IN_MESSAGE.sub("", str(details.get("description") or error)) or "syntax error"
        token = self.parser.error_token
        if token is None or token.start < tokens[0].start:
            return _Failure(f"{description} at end of input", tokens[0].start, tokens[0].end + 1)
        return _Failure(f'{description} at or near "{token.text}"', token.start, token.end + 1)

    def _unmodelled(self, tokens: list[Token], stopped_at: Token | None) -> Unmodelled:
        """A note for a statement sqlglot keeps as a Command; _Failure when its words show that it is
        no statement at all (CREATE, ALTER or DROP of no object kind the dialect has: a typo)."""
        if tokens[0].text.upper() in _DEFINING_WORDS and len(tokens) > 1 and self._object_kind(tokens)[0] is None:
            raise _Failure(f'syntax error at or near "{tokens[1].text}"', tokens[1].start, tokens[1].end + 1)
        words, end = self._statement_words(tokens)
        reason = ""
        if stopped_at is not None and stopped_at.start >= end:  # where the reader stopped tells more than the words
            reason = f' (the {self._dialect_name} reader stops at "{stopped_at.text}")'
        return Unmodelled(f"{words} is not modelled{reason}; the statement is not checked", tokens[0].start, end)

    @property
    def _dialect_name(self) -> str:
        return "MySQL" if self.mysql else "SQLite"

    # --- words at the head of a statement ------------------------------------------------------

    def _object_kind(self, tokens: list[Token]) -> tuple[str | None, int]:
        """The object kind after CREATE/ALTER/DROP (TABLE, PROCEDURE ...) and its token's index."""
        for index, token in enumerate(tokens[1 : _HEAD_SEARCH + 1], start=1):
            word = token.text.upper()
            if word in _OBJECT_KINDS and token.token_type != TokenType.IDENTIFIER:
                return word, index
        return None, 1

    def _statement_words(self, tokens: list[Token]) -> tuple[str, int]:
        """The words that say what a statement is ("CREATE USER", "GRANT") and where they end."""
        first = tokens[0].text.upper()
        last = 0
        if first in _DEFINING_WORDS and len(tokens) > 1:
            last = self._object_kind(tokens)[1]
        elif first in _TWO_WORD_STATEMENTS and len(tokens) > 1:
            last = 1
        named = [tokens[last]] if last else []
        if last > 1 and tokens[1].text.upper() == "VIRTUAL":  # SQLite's CREATE VIRTUAL TABLE
            named.insert(0, tokens[1])
        return " ".join([first, *(token.text.upper() for token in named)]), tokens[last].end + 1

    def _head_tokens(self, piece: Piece) -> list[Token]:
        """The tokens up to where a stored program's head may end: its body is not worth reading.
        None found (or the head ends inside a quote): no tokens, the whole statement is read."""
        head = _PROGRAM_HEAD.match(self.text, piece.start, piece.end)
        if head is None:
            return []
        try:
            return self._tokenize(piece.start, head.end())
        except _Failure:
            return []

    def _stored_program(self, piece: Piece, tokens: list[Token]) -> bool:
        """Note a stored program (CREATE PROCEDURE ...), whose body the front end does not read."""
        if not tokens:
            return False
        first = tokens[0].text.upper()
        if first == "CREATE":
            kind, index = self._object_kind(tokens)
            if kind not in _STORED_PROGRAMS:
                return False
            words = f"CREATE {kind}"
        elif first == "BEGIN" and [token.text.upper() for token in tokens[1:3]] == ["NOT", "ATOMIC"]:  # MariaDB
            words, index = "BEGIN NOT ATOMIC", 2
        else:
            return False
        message = f"{words} is not modelled; its statements are not checked"
        self._add(self.parsed.unsupported, piece.start, tokens[index].end + 1, message)
        if words == "CREATE PROCEDURE" and self.mysql and self.sink is self.parsed.statements:
            self._procedure(piece, self.parsed.unsupported[-1])
        return True

    # --- procedures a CALL runs (MySQL, MariaDB) -----------------------------------------------

    def _procedure(self, piece: Piece, note: ParseFailure) -> None:
        """Remember a created procedure by name, with where its body starts (see the module's docstring)."""
        try:
            tokens = self._tokenize(piece.start, piece.end)
        except _Failure:
            return  # the body cannot be read: the note stays
        at = next((i for i, token in enumerate(tokens) if _word(token) == "PROCEDURE"), None)
        if at is None:
            return
        at += 1
        if [_word(token) for token in tokens[at : at + 3]] == ["IF", "NOT", "EXISTS"]:
            at += 3
        name_end = _name_end(tokens, at)
        if name_end >= len(tokens) or tokens[name_end].token_type != TokenType.L_PAREN:
            return
        name = tokens[name_end - 1].text.lower()
        depth, body = 0, name_end
        while body < len(tokens):  # the parameter list
            depth += {TokenType.L_PAREN: 1, TokenType.R_PAREN: -1}.get(tokens[body].token_type, 0)
            body += 1
            if depth == 0:
                break
        while body < len(tokens) and (_word(tokens[body]) in _CHARACTERISTICS or tokens[body].token_type in _LITERALS):
            body += 1  # COMMENT 'text', SQL SECURITY INVOKER, MODIFIES SQL DATA ...
        if body < len(tokens):
            self.procedures[name] = _Procedure(tokens, body, piece.end, note)

    def _called(self, start: int, call: Node) -> None:
        """The statements a CALL runs, when it calls a procedure that the file created before it."""
        names = call["funccall"]["funcname"]
        procedure = self.procedures.get(names[-1]["String"]["sval"].lower())
        if procedure is None:
            return
        if procedure.statements is None:
            self.parsed.unsupported[:] = [note for note in self.parsed.unsupported if note is not procedure.note]
            self.sink, outer = [], self.sink
            try:
                self._body(procedure)
                procedure.statements = [replace(statement, inside=INSIDE_DO) for statement in self.sink]
            finally:
                self.sink = outer
        statements = procedure.statements
        if procedure.calls:  # each CALL replays its own copy
            statements = [replace(statement, node=deepcopy(statement.node)) for statement in statements]
        procedure.calls += 1
        self.calls.append((start, statements))

    def _body(self, procedure: _Procedure) -> None:
        """Read the DDL and DML statements of a procedure's body, skipping its procedural parts."""
        tokens, at = procedure.tokens, procedure.body
        while at < len(tokens):
            token = tokens[at]
            word = _word(token)
            if token.token_type == TokenType.SEMICOLON:
                at += 1
            elif at + 1 < len(tokens) and tokens[at + 1].token_type == TokenType.COLON and word not in _BODY_OPENERS:
                at += 2  # a label
            elif word in _BODY_OPENERS:
                at += 3 if word == "BEGIN" and [_word(t) for t in tokens[at + 1 : at + 3]] == ["NOT", "ATOMIC"] else 1
            elif word in _BODY_CONDITIONS:
                at = _top_level_any(tokens, at + 1, {"THEN", "DO"}) + 1
            elif word == "DECLARE" and any(_word(t) == "HANDLER" for t in tokens[at + 1 : at + 3]):
                at = _after_handler(tokens, at)
            elif word in _BODY_STATEMENT_WORDS:
                end = _top_level_any(tokens, at, set(), semicolon=True)
                stop = tokens[end].start if end < len(tokens) else procedure.end
                stop = token.start + len(self.text[token.start : stop].rstrip())
                try:
                    run = self._tokenize(token.start, stop)
                except _Failure as failure:
                    self._add(self.parsed.failures, failure.start, failure.end, failure.message)
                else:
                    if run:
                        self._statement(run, stop)
                at = end + 1
            else:  # END ..., UNTIL ... END REPEAT, DECLARE, SET, SELECT ... INTO, LEAVE, PREPARE, EXECUTE, CALL ...
                at = _top_level_any(tokens, at, set(), semicolon=True) + 1

    # --- ALTER TABLE ---------------------------------------------------------------------------

    def _table_head(self, tokens: list[Token]) -> int | None:
        """Index just after `ALTER [ONLINE|IGNORE] TABLE [IF EXISTS] name`, None for other ALTERs."""
        index = 1
        while index < len(tokens) and tokens[index].text.upper() in _ALTER_FLAGS:
            index += 1
        if index >= len(tokens) or tokens[index].token_type != TokenType.TABLE:
            return None
        index += 1
        if [token.text.upper() for token in tokens[index : index + 2]] == ["IF", "EXISTS"]:
            index += 2
        return _name_end(tokens, index)

    def _alter_table(self, tokens: list[Token]) -> Translated:
        """Each action is parsed on its own (after the statement's head), so that one sqlglot cannot
        read becomes a note and the others still count; a syntax error fails the whole statement."""
        head_end = self._table_head(tokens)
        assert head_end is not None
        head = [token for token in tokens[:head_end] if token.text.upper() not in _ALTER_FLAGS]
        table: exp.Expr | None = None
        missing_ok = False
        actions: list[exp.Expr] = []
        for action in _split_at_commas(tokens[head_end:]):  # none: MySQL's ALTER TABLE t, which does nothing
            if [_word(token) for token in action] in _NO_MODEL_ACTIONS:
                continue
            group = _parenthesized_add(action)
            try:
                tree = self._add_list(head, group) if group is not None else self._parse(head + _readable(action))
            except Unmodelled:
                words = " ".join(token.text.upper() for token in action[:2])
                self.translator.notes.append(Unmodelled(
                    f"ALTER TABLE ... {words} is not modelled; the rest of the statement is checked",
                    action[0].start, action[min(1, len(action) - 1)].end + 1,
                ))
                continue
            if isinstance(tree, exp.Alter):
                table, missing_ok = tree.this, bool(tree.args.get("exists")) or missing_ok
                for parsed in tree.args.get("actions") or []:
                    parsed.meta.setdefault(START, action[0].start)  # for a note about it
                    actions.append(parsed)
        return self.translator.alter_table(table, actions, missing_ok) if table is not None else []

    def _add_list(self, head: list[Token], group: list[Token]) -> exp.Alter:
        """MySQL's `ADD [COLUMN] (element, ...)`: the list is read as a CREATE TABLE's and each element
        becomes the ADD COLUMN or ADD CONSTRAINT action it stands for."""
        name = head[_name_start(head):]
        create = self._parse([_synthetic(TokenType.CREATE, head[0]), _synthetic(TokenType.TABLE, head[0]), *name, *group])
        schema = create.this
        actions = [element if isinstance(element, exp.ColumnDef) else exp.AddConstraint(expressions=[element])
                   for element in schema.expressions]
        return exp.Alter(this=schema.this, kind="TABLE", actions=actions)

    # --- statements read here from their tokens ------------------------------------------------

    def _call(self, tokens: list[Token]) -> Translated:
        """CALL p(args) as PostgreSQL's CallStmt (the call is read as the target of a SELECT)."""
        select = self._parse([_synthetic(TokenType.SELECT, tokens[0]), *tokens[1:]])
        target = select.expressions[0] if isinstance(select, exp.Select) and select.expressions else None
        schema: list[str] = []
        while isinstance(target, exp.Dot):  # db.p(...)
            schema.append(target.this.name)
            target = target.expression
        if isinstance(target, exp.Func):
            call = self.translator.func_call(target)
        elif isinstance(target, exp.Column):  # CALL p, without parentheses
            call = self.translator.func_call(exp.Anonymous(this=target.name).update_positions(target.this))
            schema.extend(part.name for part in target.parts[:-1])
        else:
            raise _Failure(f'syntax error at or near "{tokens[1].text}"' if len(tokens) > 1 else "syntax error at end of input",
                           tokens[0].start, tokens[-1].end + 1)
        body = call["FuncCall"]
        body["funcname"] = [{"String": {"sval": part}} for part in schema] + body["funcname"]
        return [("CallStmt", {"funccall": body})]

    def _lock(self, tokens: list[Token]) -> Translated:
        """MySQL's LOCK TABLES t [AS a] READ|WRITE, ... (no PostgreSQL counterpart) and UNLOCK TABLES."""
        if tokens[0].text.upper().startswith("UNLOCK"):
            return [("UnlockTables", {})]
        names_start = next(index for index, token in enumerate(tokens) if token.text.upper().endswith(("TABLE", "TABLES"))) + 1
        relations, modes = [], []
        for item in _split_at_commas(tokens[names_start:]):
            end = _name_end(item, 0)
            relations.append({"RangeVar": self._range_var(item[:end])})
            modes.append(" ".join(token.text.upper() for token in item[end:] if token.text.upper() in _LOCK_MODES))
        return [("LockTables", {"relations": relations, "modes": modes})]

    def _rename_tables(self, tokens: list[Token]) -> Translated:
        """MySQL's RENAME TABLE a TO b, c TO d: one RenameStmt per pair, in order."""
        renames: Translated = []
        for pair in _split_at_commas(tokens[2:]):
            to = next((index for index, token in enumerate(pair) if token.text.upper() == "TO"), None)
            if to is None or to + 1 >= len(pair):
                at = pair[0] if pair else tokens[-1]
                raise _Failure(f'syntax error at or near "{at.text}"', at.start, at.end + 1)
            new_name = pair[to + 1 : _name_end(pair, to + 1)]
            renames.append(("RenameStmt", {
                "renameType": "OBJECT_TABLE", "relationType": "OBJECT_ACCESS_METHOD",
                "relation": self._range_var(pair[:to]), "newname": new_name[-1].text, "behavior": "DROP_RESTRICT",
            }))
        return renames

    def _transaction_words(self, tokens: list[Token]) -> Node:
        """SAVEPOINT x, RELEASE [SAVEPOINT] x and SQLite's END [TRANSACTION] (sqlglot misreads them)."""
        first = tokens[0].text.upper()
        if first == "END":
            return {"kind": "TRANS_STMT_COMMIT", "location": -1}
        name = tokens[-1]
        if len(tokens) < 2 or (name.token_type not in _NAME_TOKENS and not name.text.isidentifier()):
            raise _Failure("syntax error at end of input", tokens[0].start, tokens[0].end + 1)
        kind = "TRANS_STMT_SAVEPOINT" if first == "SAVEPOINT" else "TRANS_STMT_RELEASE"
        return {"kind": kind, "savepoint_name": name.text, "location": self.source.byte_offset(name.start)}

    def _replace(self, tokens: list[Token]) -> Translated:
        """REPLACE INTO is an INSERT that first deletes the rows it collides with."""
        translated = self._parsed_statement([_synthetic(TokenType.INSERT, tokens[0]), *tokens[1:]])
        for kind, node in translated:
            if kind == "InsertStmt":
                node["sqlsoul_replace"] = True
        return translated

    def _create_index(self, tokens: list[Token]) -> Translated:
        """MySQL's CREATE [FULLTEXT|SPATIAL] INDEX n [USING m] ON t (...) [options]: sqlglot reads only
        the plain form, so the kind and the method are taken out (they set the access method) and
        so are the options after the key parts (ALGORITHM, LOCK, COMMENT ...: no model fact)."""
        kind = method = None
        kept: list[Token] = []
        index = 0
        while index < len(tokens) and tokens[index].token_type != TokenType.ON:
            word = tokens[index].text.upper()
            if word in _INDEX_KINDS:
                kind = word
            elif word == "USING" and index + 1 < len(tokens):
                method = tokens[index + 1].text
                index += 1
            else:
                kept.append(tokens[index])
            index += 1
        depth = 0
        while index < len(tokens):  # ON table (key parts)
            token = tokens[index]
            kept.append(token)
            index += 1
            if token.token_type == TokenType.L_PAREN:
                depth += 1
            elif token.token_type == TokenType.R_PAREN:
                depth -= 1
                if depth == 0:
                    break
        for position in range(index, len(tokens) - 1):
            if tokens[position].text.upper() == "USING":
                method = tokens[position + 1].text
        translated = self._parsed_statement(kept)
        for statement_kind, node in translated:
            if statement_kind == "IndexStmt" and (kind or method):
                node["accessMethod"] = (kind or method or "").lower()  # FULLTEXT or SPATIAL whatever USING says
        return translated

    def _create_table(self, tokens: list[Token]) -> Translated:
        """MySQL's CREATE TABLE without its partitioning, which comes last and is no model fact (sqlglot
        cannot read all of it: `VALUES LESS THAN MAXVALUE`)."""
        partitioning = _top_level_word(tokens, "PARTITION", "BY")
        return self._parsed_statement(tokens if partitioning is None else tokens[:partitioning])

    def _sqlite_create_table(self, tokens: list[Token]) -> Translated:
        """SQLite's CREATE TABLE without what sqlglot cannot read: the ON CONFLICT clauses of its
        constraints (no model fact) and the WITHOUT ROWID and STRICT table options (kept as flags)."""
        kept: list[Token] = []
        flags: list[str] = []
        depth, closed = 0, False
        skip = 0
        for index, token in enumerate(tokens):
            if skip:
                skip -= 1
                continue
            word = token.text.upper()
            if token.token_type == TokenType.ON and index + 1 < len(tokens) and tokens[index + 1].text.upper() == "CONFLICT":
                skip = 2  # ON CONFLICT ROLLBACK|ABORT|FAIL|IGNORE|REPLACE
                continue
            if closed and word in _SQLITE_TABLE_OPTIONS:
                flags.append(_SQLITE_TABLE_OPTIONS[word])
                skip = 1 if word == "WITHOUT" else 0
                continue
            if closed and token.token_type == TokenType.COMMA:
                continue
            kept.append(token)
            if token.token_type == TokenType.L_PAREN:
                depth += 1
            elif token.token_type == TokenType.R_PAREN:
                depth -= 1
                closed = depth == 0
        translated = self._parsed_statement(kept)
        for kind, node in translated:
            if kind == "CreateStmt":
                node.update(dict.fromkeys(flags, True))
        return translated

    # --- accounts and their passwords (MySQL, MariaDB) -----------------------------------------

    def _account_statement(self, tokens: list[Token]) -> Translated | None:
        """CREATE/ALTER USER, SET PASSWORD and a GRANT that sets passwords as role statements (see
        the module's docstring); None for any other statement."""
        words = [_word(token) for token in tokens[:5]]
        if words[:2] == ["SET", "PASSWORD"]:
            return [self._set_password(tokens)]
        at = 3 if words[1:3] == ["OR", "REPLACE"] else 1
        if words[0] in ("CREATE", "ALTER") and words[at : at + 1] == ["USER"]:
            at += 1
            for optional in (["IF", "NOT", "EXISTS"], ["IF", "EXISTS"]):
                if [_word(token) for token in tokens[at : at + len(optional)]] == optional:
                    at += len(optional)
            kind = "CreateRoleStmt" if words[0] == "CREATE" else "AlterRoleStmt"
            return [self._role_statement(kind, item, _identified(item)) for item in self._accounts(tokens, at)]
        if words[0] == "GRANT" and any(_word(token) == "IDENTIFIED" for token in tokens):
            to = _top_level_word(tokens, "TO")
            if to is None:
                raise _Failure("syntax error: GRANT names no account (TO is missing)", tokens[0].start, tokens[0].end + 1)
            self.translator.notes.append(Unmodelled(
                "GRANT is not modelled; only the passwords it sets are checked", tokens[0].start, tokens[0].end + 1
            ))
            return [
                self._role_statement("AlterRoleStmt", item, authentication)
                for item in self._accounts(tokens, to + 1) if (authentication := _identified(item))
            ]
        return None

    def _accounts(self, tokens: list[Token], start: int) -> list[list[Token]]:
        """The comma-separated accounts (each with its authentication) from `start` on."""
        listed = tokens[start:]
        for pair in _AFTER_ACCOUNTS:
            end = _top_level_word(listed, *pair)
            listed = listed if end is None else listed[:end]
        items = _split_at_commas(listed)
        if not items or not all(items):
            at = tokens[-1]
            raise _Failure("syntax error: an account name is missing", at.start, at.end + 1)
        return items

    def _role_statement(self, kind: str, item: list[Token], authentication: list[Token]) -> tuple[str, Node]:
        """The CreateRoleStmt or AlterRoleStmt for one account, with the passwords `authentication` sets."""
        role, host = self._account(item)
        node: Node = {"role": role}
        if kind == "CreateRoleStmt":  # libpg_query writes the new role's name as a string
            node = {"stmt_type": "ROLESTMT_USER", "role": role.get("rolename", "CURRENT_USER")}
        options = self._passwords(authentication)
        if options:
            node["options"] = options
        if kind == "AlterRoleStmt":
            node["action"] = 1  # libpg_query's +1: ALTER ROLE ... WITH options
        if host is not None:
            node["sqlsoul_host"] = host
        return kind, node

    def _set_password(self, tokens: list[Token]) -> tuple[str, Node]:
        """SET PASSWORD [FOR account] = 'pw' | PASSWORD('pw') [REPLACE 'current'], or TO RANDOM."""
        if len(tokens) > 2 and _word(tokens[2]) == "FOR":
            if len(tokens) < 4:
                raise _Failure("syntax error: an account name is missing", tokens[2].start, tokens[2].end + 1)
            return self._role_statement("AlterRoleStmt", tokens[3:], tokens[3:])
        node: Node = {"role": {"roletype": "ROLESPEC_CURRENT_USER", "location": -1}}  # the session's own account
        options = self._passwords(tokens[2:])
        if options:
            node["options"] = options
        node["action"] = 1
        return "AlterRoleStmt", node

    def _account(self, item: list[Token]) -> tuple[Node, str | None]:
        """The account an item starts with ('user'@'host', CURRENT_USER[()], USER()) as a RoleSpec,
        and its host (None when not written)."""
        first = item[0]
        location = self.source.byte_offset(first.start)
        if _word(first) == "CURRENT_USER" or (_word(first) == "USER" and item[1:2] and item[1].token_type == TokenType.L_PAREN):
            return {"roletype": "ROLESPEC_CURRENT_USER", "location": location}, None
        role: Node = {"roletype": "ROLESPEC_CSTRING", "rolename": first.text, "location": location}
        if len(item) < 3 or item[1].token_type != TokenType.PARAMETER or item[1].text != "@":
            return role, None
        end = 3  # the host is one token, or several written together (192.168.0.1)
        while end < len(item) and item[end].start == item[end - 1].end + 1:
            end += 1
        host = item[2].text if end == 3 else self.text[item[2].start : item[end - 1].end + 1]
        return role, host

    def _passwords(self, tokens: list[Token]) -> list[Node]:
        """A `password` DefElem for each secret literal among `tokens` (an authentication clause).

        Each literal is masked in the file's output right here, as well as by password-in-migration:
        only this reader knows where a MySQL literal ends ('it\\'s' with its backslash escape, "pw"),
        and a file that no migration runs is parsed but never checked."""
        found = []
        for index, token in enumerate(tokens):
            if token.token_type not in _LITERALS or index == 0:
                continue
            keyword = tokens[index - 1]
            if keyword.token_type == TokenType.L_PAREN and index > 1 and _word(tokens[index - 2]) in _PASSWORD_FUNCTIONS:
                keyword = tokens[index - 2]
            elif _word(keyword) not in _SECRET_AFTER:
                continue
            self.source.redact(Span(self.source.byte_offset(token.start), self.source.byte_offset(token.end + 1)))
            found.append({"DefElem": {
                "defname": "password", "arg": {"String": {"sval": token.text}}, "defaction": "DEFELEM_UNSPEC",
                "location": self.source.byte_offset(keyword.start), "arg_location": self.source.byte_offset(token.start),
            }})
        return found

    # --- helpers -------------------------------------------------------------------------------

    def _range_var(self, name: list[Token]) -> Node:
        parts = [token.text for token in name if token.token_type != TokenType.DOT]
        if not parts:
            raise _Failure("a table name is missing", name[0].start if name else 0, name[0].end + 1 if name else 1)
        node: Node = {"schemaname": parts[-2]} if len(parts) > 1 else {}
        node.update(relname=parts[-1], inh=True, relpersistence="p", location=self.source.byte_offset(name[0].start))
        return node

    def _add(self, found: list[ParseFailure], start: int, end: int, message: str) -> None:
        found.append(ParseFailure(Span(self.source.byte_offset(start), self.source.byte_offset(end)), message))


# Node classes sqlglot returns for statements (anything else is an expression it read instead).
_STATEMENT_CLASSES = (
    exp.Create, exp.Drop, exp.Alter, exp.DML, exp.DDL, exp.Query, exp.TruncateTable, exp.Set, exp.Transaction,
    exp.Commit, exp.Rollback, exp.Use, exp.Pragma, exp.Attach, exp.Detach, exp.Analyze, exp.Describe, exp.Show,
    exp.Grant, exp.Revoke, exp.Kill, exp.LoadData, exp.Comment, exp.Cache, exp.Uncache, exp.Refresh,
    exp.Summarize, exp.Declare, exp.Execute, exp.Export, exp.Install,
)


def _is_statement(tree: exp.Expr) -> bool:
    return isinstance(tree, _STATEMENT_CLASSES)


def _synthetic(kind: TokenType, at: Token) -> Token:
    """A keyword token that stands where `at` is (for a form rewritten before parsing)."""
    return Token(kind, kind.name, at.line, at.col, at.start, at.end)


def _name_end(tokens: list[Token], start: int) -> int:
    """Index after the (possibly qualified) name that starts at `start`."""
    index = start + 1
    while index + 1 < len(tokens) and tokens[index].token_type == TokenType.DOT:
        index += 2
    return min(index, len(tokens))


def _name_start(head: list[Token]) -> int:
    """Index of the table name in an ALTER TABLE head (after TABLE [IF EXISTS])."""
    index = next(position for position, token in enumerate(head) if token.token_type == TokenType.TABLE) + 1
    if [token.text.upper() for token in head[index : index + 2]] == ["IF", "EXISTS"]:
        index += 2
    return index


def _readable(action: list[Token]) -> list[Token]:
    """An ALTER TABLE action in the form sqlglot reads: MySQL's `ADD CHECK (...)` as `ADD CONSTRAINT
    CHECK (...)`, SQLite's `DROP name` as `DROP COLUMN name`."""
    words = [token.text.upper() for token in action[:2]]
    if words == ["ADD", "CHECK"]:
        return [action[0], _synthetic(TokenType.CONSTRAINT, action[1]), *action[1:]]
    if len(action) == 2 and words[0] == "DROP" and action[1].token_type in _NAME_TOKENS:
        return [action[0], _synthetic(TokenType.COLUMN, action[1]), action[1]]
    return action


def _split_at_commas(tokens: list[Token]) -> list[list[Token]]:
    """The comma-separated items of a token list (commas inside parentheses do not count)."""
    items: list[list[Token]] = []
    current: list[Token] = []
    depth = 0
    for token in tokens:
        if token.token_type == TokenType.COMMA and depth == 0:
            items.append(current)
            current = []
            continue
        if token.token_type == TokenType.L_PAREN:
            depth += 1
        elif token.token_type == TokenType.R_PAREN:
            depth -= 1
        current.append(token)
    if current or items:
        items.append(current)
    return items


def _parenthesized_add(action: list[Token]) -> list[Token] | None:
    """The `( ... )` of an `ADD [COLUMN] ( ... )` action, None for other actions."""
    index = 1 if action[:1] and action[0].text.upper() == "ADD" else 0
    if not index:
        return None
    if index < len(action) and action[index].token_type == TokenType.COLUMN:
        index += 1
    group = action[index:]
    if len(group) < 2 or group[0].token_type != TokenType.L_PAREN or group[-1].token_type != TokenType.R_PAREN:
        return None
    return group


def _word(token: Token) -> str:
    """A token's text upper-cased when it may be a keyword; "" for a string or quoted name."""
    return "" if token.token_type in _QUOTED or token.token_type in _LITERALS else token.text.upper()


def _identified(account: list[Token]) -> list[Token]:
    """An account's authentication clauses: its tokens from IDENTIFIED on (none without one)."""
    start = next((index for index, token in enumerate(account) if _word(token) == "IDENTIFIED"), len(account))
    return account[start:]


def _top_level_word(tokens: list[Token], *words: str) -> int | None:
    """Index of the first run of `words` outside parentheses, None if there is none. The words may
    come as fewer tokens: sqlglot reads some keyword pairs (`PARTITION BY`) as one."""
    depth = 0
    for index, token in enumerate(tokens):
        if token.token_type == TokenType.L_PAREN:
            depth += 1
        elif token.token_type == TokenType.R_PAREN:
            depth -= 1
        elif depth == 0 and " ".join(_word(found) for found in tokens[index : index + len(words)]).split()[: len(words)] == list(words):
            return index
    return None


def _top_level_any(tokens: list[Token], start: int, words: set[str], semicolon: bool = False) -> int:
    """Index of the first token from `start` on, outside parentheses, that is one of `words` (or a
    semicolon); len(tokens) when there is none."""
    depth = 0
    for index in range(start, len(tokens)):
        token = tokens[index]
        if token.token_type == TokenType.L_PAREN:
            depth += 1
        elif token.token_type == TokenType.R_PAREN:
            depth -= 1
        elif depth <= 0 and ((semicolon and token.token_type == TokenType.SEMICOLON) or _word(token) in words):
            return index
    return len(tokens)


def _after_handler(tokens: list[Token], at: int) -> int:
    """Index after a `DECLARE ... HANDLER FOR conditions statement` (its statement runs on an error
    only, so it is not read): after its BEGIN ... END, or its semicolon."""
    at = _top_level_any(tokens, at, {"FOR"}) + 1
    while at < len(tokens):  # SQLEXCEPTION, SQLWARNING, NOT FOUND, SQLSTATE [VALUE] 'x', 1062, a name
        word = _word(tokens[at])
        at += 2 if word == "NOT" else 1
        if word == "SQLSTATE":
            at += 1 + (at < len(tokens) and _word(tokens[at]) == "VALUE")
        if at < len(tokens) and tokens[at].token_type == TokenType.COMMA:
            at += 1
        else:
            break
    if at + 1 < len(tokens) and tokens[at + 1].token_type == TokenType.COLON:
        at += 2  # a labelled block
    if at < len(tokens) and _word(tokens[at]) == "BEGIN":
        depth = 0
        while at < len(tokens):
            word = _word(tokens[at])
            if word in ("BEGIN", "CASE"):
                depth += 1
            elif word == "END" and not (at + 1 < len(tokens) and _word(tokens[at + 1]) in ("IF", "WHILE", "LOOP", "REPEAT")):
                depth -= 1
                if depth == 0:
                    return at + 1
            at += 1
        return at
    return _top_level_any(tokens, at, set(), semicolon=True) + 1


def _word_end(text: str, start: int) -> int:
    match = _WORD.match(text, start)
    return match.end() if match else start + 1


def _first_line(message: str) -> str:
    return message.strip().splitlines()[0] if message.strip() else "the statement cannot be read"
