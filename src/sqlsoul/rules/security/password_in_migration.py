"""password-in-migration: a password literal in a migration is a secret in version control.

The literal is redacted as soon as it is found: every output shows the line with it masked.
"""

from __future__ import annotations

import re

from sqlsoul.dialects import POSTGRES
from sqlsoul.engine import StatementContext
from sqlsoul.findings import Span
from sqlsoul.rules.base import Rule, builtin_meta
from sqlsoul.rules.labels import sql_name
from sqlsoul.rules.security.common import Node, role_label, role_of, role_options
from sqlsoul.source import scan

# What PostgreSQL stores as given instead of hashing it: an md5 hash or a SCRAM-SHA-256 verifier.
_MD5_HASH = re.compile(r"^md5[0-9a-f]{32}$")
_SCRAM_VERIFIER = re.compile(r"^SCRAM-SHA-256\$\d+:[^$]+\$[^:]+:.+$")
_STRING_TOKENS = frozenset({"SCONST", "USCONST"})
# What MySQL takes as a stored hash (IDENTIFIED BY PASSWORD / IDENTIFIED WITH ... AS): mysql_native_password's
# '*' and 40 hex digits, caching_sha2_password's '$A$005$...'.
_MYSQL_HASH = re.compile(r"^(\*[0-9A-Fa-f]{40}|\$A\$\d{3}\$.+)$", re.DOTALL)


class PasswordInMigration(Rule):
    meta = builtin_meta("SS603")
    targets = frozenset({"CreateRoleStmt", "AlterRoleStmt", "CreateUserMappingStmt", "AlterUserMappingStmt"})
    guards_secrets = True

    def check_statement(self, ctx: StatementContext) -> None:
        postgres = ctx.source.dialect == POSTGRES
        for option in role_options(ctx.statement.node):
            password = option.get("arg", {}).get("String", {}).get("sval")
            if option.get("defname") != "password" or not password:
                continue  # PASSWORD NULL (and '', which PostgreSQL also takes as no password) sets no secret
            span = self._literal_span(ctx, option.get("arg_location"))
            ctx.redact(span)
            owner = self._owner(ctx)
            ctx.report(
                span, f"{self._what(password)} for {owner} is written in the migration: {_WHY}", _HELP if postgres else _MYSQL_HELP
            )

    @staticmethod
    def _literal_span(ctx: StatementContext, location: int | None) -> Span:
        """The string literal at a location, quotes, escapes and continuation lines included."""
        start = ctx.statement.offset(location)
        if ctx.source.dialect != POSTGRES:
            return Span(start, ctx.source.identifier_end(start))  # knows MySQL's quotes and backslash escapes
        written = ctx.source.sql[start : ctx.statement.span.end]
        # In a body quoted '...' (DO '...', AS '...') the file writes each quote of the body twice.
        doubled = bool(ctx.statement.doubled_quotes)
        text = (written.replace(b"''", b"'") if doubled else written).decode("utf-8", "replace")
        first = next(iter(scan(text).tokens), None)
        if first is None or first.name not in _STRING_TOKENS:
            return Span(start, ctx.statement.span.end)  # unreadable: hide the rest of the statement
        literal = text[: first.end + 1].encode("utf-8")
        return Span(start, start + len(literal) + (literal.count(b"'") if doubled else 0))

    @staticmethod
    def _what(password: str) -> str:
        if _MD5_HASH.match(password):
            return "an md5 password hash (which logs in as it is: md5 authentication never needs the password)"
        if _SCRAM_VERIFIER.match(password):
            return "a SCRAM-SHA-256 password verifier (which lets anyone who reads it guess the password offline)"
        if _MYSQL_HASH.match(password):
            return "a MySQL password hash (which lets anyone who reads it guess the password offline)"
        return "a password"

    @staticmethod
    def _owner(ctx: StatementContext) -> str:
        node: Node = ctx.statement.node
        if "sqlsoul_host" in node:  # a MySQL account: 'name'@'host'
            role = node.get("role")
            name = role.get("rolename", "") if isinstance(role, dict) else role
            return f"account '{name}'@'{node['sqlsoul_host']}'"
        if ctx.statement.kind.endswith("UserMappingStmt"):
            return f"the user mapping of {role_label(node.get('user') or {})} on server {sql_name(node.get('servername', ''))}"
        return f"role {role_of(ctx)}"


_WHY = (
    "every clone, fork, CI log and backup of the repository holds it, for as long as the history exists "
    "(sqlsoul masks it in its own output)"
)
_HELP = (
    "Treat the credential as leaked: change it now on every server that uses it. Then set passwords outside "
    "the migrations: create the role without one (CREATE ROLE app LOGIN), and have the deploy set it from a "
    "secret store, e.g. psql's \\password, or ALTER ROLE app PASSWORD with a value passed in at run time and never "
    "committed. Certificate or IAM authentication avoids stored passwords altogether."
)
_MYSQL_HELP = (
    "Treat the credential as leaked: change it now on every server that uses it. Then set passwords outside "
    "the migrations: create the account without one (CREATE USER 'app'@'%' ACCOUNT LOCK), and have the deploy set "
    "it from a secret store (ALTER USER 'app'@'%' IDENTIFIED BY with a value passed in at run time and never "
    "committed, then ACCOUNT UNLOCK). Socket or IAM authentication avoids stored passwords altogether."
)
