"""dropping-database: DROP DATABASE in a migration destroys a whole database, beyond any rollback."""

from __future__ import annotations

from sqlsoul.engine import StatementContext
from sqlsoul.rules.base import Rule, builtin_meta
from sqlsoul.rules.labels import sql_name


class DroppingDatabase(Rule):
    meta = builtin_meta("SS214")
    targets = frozenset({"DropdbStmt"})

    def check_statement(self, ctx: StatementContext) -> None:
        node = ctx.statement.node
        database = sql_name(node.get("dbname", ""))
        forced = any(item.get("DefElem", {}).get("defname") == "force" for item in node.get("options") or ())
        if ctx.session.in_transaction:
            # PostgreSQL refuses DROP DATABASE inside a transaction block, so here it only breaks the run.
            outcome = (
                "and fails here: DROP DATABASE cannot run inside a transaction block, and this migration runs in one"
            )
        elif forced:
            outcome = "and WITH (FORCE) first terminates every session connected to it"
        else:
            outcome = "and fails while any session is still connected to it"
        ctx.report(
            ctx.statement.span,
            f"drops database {database}: every table and row in it is gone for good, no down brings it back, "
            f"{outcome}",
            f"Migrations change the schema inside one database; dropping a database belongs in provisioning or a "
            f"runbook, done by hand after a backup (pg_dump -Fc {database}). If {database} was only scratch space "
            f"for this migration, use a schema instead: CREATE SCHEMA scratch; ... DROP SCHEMA scratch CASCADE;",
        )
