"""vacuum-full-or-cluster: VACUUM FULL and CLUSTER rewrite whole tables under ACCESS EXCLUSIVE."""

from __future__ import annotations

from typing import Any

from sqlsoul.engine import StatementContext
from sqlsoul.rules.base import Rule, builtin_meta
from sqlsoul.rules.labels import relation_label
from sqlsoul.rules.safety.common import is_live

_FALSE_WORDS = frozenset({"false", "off", "no", "0"})


class VacuumFullOrCluster(Rule):
    meta = builtin_meta("SS223")
    targets = frozenset({"VacuumStmt", "ClusterStmt"})

    def check_statement(self, ctx: StatementContext) -> None:
        node = ctx.statement.node
        if ctx.statement.kind == "VacuumStmt":
            if not node.get("is_vacuumcmd") or not _asks_for_full(node.get("options") or ()):
                return  # ANALYZE, or a plain VACUUM: no exclusive lock, no rewrite
            command = "VACUUM FULL"
            relations = [item["VacuumRelation"]["relation"] for item in node.get("rels") or ()
                         if item.get("VacuumRelation", {}).get("relation")]
            # No form of VACUUM may run inside a transaction block.
            refused_in_transaction = "VACUUM"
        else:
            command = "CLUSTER"
            relations = [node["relation"]] if node.get("relation") else []
            # CLUSTER of one table may run in a transaction block; CLUSTER of every clustered table may not.
            refused_in_transaction = "" if relations else "CLUSTER without a table name"
        blocks = not relations or any(is_live(ctx, relation) for relation in relations)
        fails = bool(refused_in_transaction) and ctx.session.in_transaction
        if not (blocks or fails):
            return  # tables created earlier in this migration, outside a transaction: harmless
        problems: list[str] = []
        if blocks:
            if relations:
                scope = ", ".join(relation_label(relation) for relation in relations)
            elif command == "CLUSTER":
                scope = "every table of the database that was clustered before"
            else:
                scope = "every table of the database, one after another,"
            problems.append(
                f"{command} rewrites {scope} under an ACCESS EXCLUSIVE lock: every read and write of a table waits "
                f"until its new copy is complete (minutes to hours for a large table), and the copy needs as much "
                f"free disk space as the table"
            )
        if fails:
            problems.append(
                f"{refused_in_transaction} cannot run inside a transaction block, and this migration runs in one: "
                f"the statement fails"
            )
        message = "; ".join(problems)
        ctx.report(
            ctx.statement.span,
            message,
            f"Take table maintenance out of the migration and do it online: pg_repack (pg_repack --table=<table>"
            f"{' --order-by=<columns>' if command == 'CLUSTER' else ''}) or pg_squeeze rebuild a table while it "
            f"stays readable and writable, locking it only for a moment at the end. To make the space of dead "
            f"rows reusable, a plain VACUUM (or autovacuum) is enough and blocks no one; it too must run outside "
            f"a transaction block.",
        )


def _asks_for_full(options: Any) -> bool:
    """Whether VACUUM's options turn FULL on: VACUUM FULL, VACUUM (FULL), VACUUM (FULL true|on|1)."""
    for item in options:
        option = item.get("DefElem", {})
        if option.get("defname") != "full":
            continue
        value = option.get("arg")
        if value is None:
            return True
        if "Integer" in value:
            return bool(value["Integer"].get("ival"))
        return str(value.get("String", {}).get("sval", "")).lower() not in _FALSE_WORDS
    return False
