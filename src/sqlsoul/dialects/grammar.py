"""sqlglot's MySQL and SQLite dialects, with what sqlsoul needs from them and sqlglot does not keep.

sqlglot records positions only on identifiers and literals. Findings point at keywords too (a
constraint starts at CONSTRAINT or PRIMARY, a type at its name, a function call at its name), so
the parsers here note the start of those nodes in their `meta`. They also note where the parser
gave up on a statement it then kept as an opaque `exp.Command`, and the token a parse error is at,
and they never log: sqlglot's "falling back to Command" warnings are for its own users, not ours.

Gaps of sqlglot are closed here where real files need it: type names it does not know (MySQL's
POINT, POLYGON ...) are read as user-defined types instead of failing the statement, a CHECK's
MySQL `NOT ENFORCED` is read instead of failing the table, and a SQLite column type is read as
SQLite reads it, any run of words (FLOATING POINT, UNSIGNED BIG INT), whose text decides its
affinity (translate.py) and which sqlglot's own type names would lose.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.dialects.mysql import MySQL
from sqlglot.dialects.sqlite import SQLite
from sqlglot.parser import Parser
from sqlglot.parsers.mysql import MySQLParser
from sqlglot.parsers.sqlite import SQLiteParser
from sqlglot.tokens import Token, TokenType

from sqlsoul.dialects import MARIADB, MYSQL, SQLITE

# meta keys this module sets on sqlglot nodes
START = "sqlsoul_start"  # character index of the node's first token
END = "sqlsoul_end"  # character index just after its last token (types only)
NOT_ENFORCED = "sqlsoul_not_enforced"  # a CHECK written NOT ENFORCED


def _noted(node: Any, first: Token) -> Any:
    """`node`, knowing where its first token is (`first`: the parser's token before reading it)."""
    if isinstance(node, exp.Expr) and first:  # a falsy token is sqlglot's end-of-input sentinel
        node.meta.setdefault(START, first.start)
    return node


class _Noting(Parser):
    """Parser additions shared by both dialects (mixed in before the dialect's own parser)."""

    # The token the parser stood at when it last gave up and kept the statement as a Command (None:
    # it had read every token), and the token of the last parse error.
    gave_up_at: Token | None
    gave_up: bool
    error_token: Token | None

    def reset(self) -> None:
        super().reset()
        self.gave_up, self.gave_up_at, self.error_token = False, None, None

    def raise_error(self, message: str, token: Token | None = None) -> None:
        self.error_token = token or self._curr or self._prev or None
        super().raise_error(message, token)  # type: ignore[arg-type]

    def _parse_as_command(self, start: Token) -> exp.Command:
        self.gave_up, self.gave_up_at = True, self._curr or None
        return super()._parse_as_command(start)

    def _warn_unsupported(self) -> None:
        """sqlglot logs every statement it keeps as a Command; the front end reports them itself."""

    def _parse_constraint(self) -> exp.Expr | None:
        first = self._curr
        return _noted(super()._parse_constraint(), first)

    def _parse_column_constraint(self) -> exp.Expr | None:
        first = self._curr
        return _noted(super()._parse_column_constraint(), first)

    def _parse_function(self, *args: Any, **kwargs: Any) -> exp.Expr | None:
        first = self._curr
        return _noted(super()._parse_function(*args, **kwargs), first)

    def _parse_types(self, *args: Any, **kwargs: Any) -> exp.Expr | None:
        first = self._curr
        node = super()._parse_types(*args, **kwargs)
        if isinstance(node, exp.DataType) and first:
            node.meta[START] = first.start
            node.meta[END] = self._prev.end + 1
        return node

    def _parse_check_constraint(self) -> exp.CheckColumnConstraint | None:
        check = super()._parse_check_constraint()
        if check is not None and self._match_text_seq("NOT", "ENFORCED"):
            check.meta[NOT_ENFORCED] = True
        return check


class _MySQLParser(_Noting, MySQLParser):
    pass


# The words that start a column constraint in SQLite: a column's type name ends before them.
_SQLITE_CONSTRAINT_WORDS = frozenset(
    {"CONSTRAINT", "PRIMARY", "NOT", "NULL", "UNIQUE", "CHECK", "DEFAULT", "COLLATE", "REFERENCES", "GENERATED", "AS"}
)


class _SQLiteParser(_Noting, SQLiteParser):
    def _parse_types(
        self, check_func: bool = False, schema: bool = False, allow_identifiers: bool = True, with_collation: bool = False
    ) -> exp.Expr | None:
        """A column's type the way SQLite reads it: any run of words (FLOATING POINT, UNSIGNED BIG INT,
        VARYING CHARACTER), then an optional (n) or (n, m). Its affinity comes from the words."""
        if not schema:
            return super()._parse_types(check_func, schema, allow_identifiers, with_collation)
        first = self._curr
        while (
            self._curr and self._curr.token_type != TokenType.IDENTIFIER and self._curr.text.isidentifier()
            and self._curr.text.upper() not in _SQLITE_CONSTRAINT_WORDS
        ):
            self._advance()
        if self._curr is first:
            return None
        written = " ".join(self.sql[first.start : self._prev.end + 1].split())
        sizes = self._parse_wrapped_csv(self._parse_unary) if self._match(TokenType.L_PAREN, advance=False) else []
        node = exp.DataType(
            this=exp.DType.USERDEFINED, kind=written, expressions=[exp.DataTypeParam(this=size) for size in sizes]
        )
        node.meta[START], node.meta[END] = first.start, self._prev.end + 1
        return node


class SqlsoulMySQL(MySQL):
    SUPPORTS_USER_DEFINED_TYPES = True  # POINT, POLYGON, ... are types MySQL has and sqlglot does not
    Parser = _MySQLParser


class SqlsoulSQLite(SQLite):
    SUPPORTS_USER_DEFINED_TYPES = True  # SQLite takes any name as a column type
    Parser = _SQLiteParser


@cache
def dialect(name: str) -> Dialect:
    """The sqlglot dialect that reads sqlsoul's dialect `name` (MariaDB is read as MySQL)."""
    if name in (MYSQL, MARIADB):
        return SqlsoulMySQL()
    if name == SQLITE:
        return SqlsoulSQLite()
    raise ValueError(f"no sqlglot front end for dialect {name!r}")
