"""superuser-role: a role that a migration makes superuser (or gives another attribute that skips access control)."""

from __future__ import annotations

from sqlsoul.engine import StatementContext
from sqlsoul.rules.base import Rule, builtin_meta
from sqlsoul.rules.security.common import role_of, role_options, word_span

# Option value (the SQL keyword) -> (libpg_query option name, what holding it allows).
_ATTRIBUTES = {
    "superuser": (
        "superuser",
        "it passes every permission check and row-level security policy, and can read the server's files and run "
        "programs on its host (COPY ... PROGRAM)",
    ),
    "bypassrls": (
        "bypassrls",
        "every row-level security policy is skipped for it, so it reads and writes the rows that policies keep "
        "apart (other tenants', other users')",
    ),
    "replication": ("isreplication", "it can stream a copy of every row of every database in the cluster"),
    "createrole": (
        "createrole",
        "it can create, alter and drop other roles (and before PostgreSQL 16, make itself a member of any role but a "
        "superuser)",
    ),
    "createdb": ("createdb", "it can create databases on the server"),
}


class SuperuserRole(Rule):
    meta = builtin_meta("SS605")
    targets = frozenset({"CreateRoleStmt", "AlterRoleStmt"})

    def check_statement(self, ctx: StatementContext) -> None:
        judged = {_ATTRIBUTES[name][0]: name for name in map(str.lower, self.options["attributes"]) if name in _ATTRIBUTES}
        for option in role_options(ctx.statement.node):
            keyword = judged.get(option.get("defname", ""))
            if keyword is None or not option.get("arg", {}).get("Boolean", {}).get("boolval"):
                continue  # NOSUPERUSER, NOBYPASSRLS ... take the attribute away
            role = role_of(ctx)
            attribute = keyword.upper()
            ctx.report(
                word_span(ctx.source, ctx.statement, option.get("location")),
                f"gives role {role} {attribute}: {_ATTRIBUTES[keyword][1]}",
                f"Give the role only what it uses: ownership of its objects, GRANTs, or predefined roles such as "
                f"pg_read_all_data, pg_write_all_data or pg_monitor. Keep {attribute} for the administrators of the "
                f"server, set up outside the schema history. To take it back: ALTER ROLE {role} NO{attribute};",
            )
