"""domain-with-constraint: a constraint added to a domain in use checks every stored value of it at once."""

from __future__ import annotations

from typing import Any

from sqlsoul.engine import StatementContext
from sqlsoul.model import Catalog, Domain, TypeRef
from sqlsoul.replay import names
from sqlsoul.rules.base import Rule, builtin_meta
from sqlsoul.rules.labels import column_label, sql_name
from sqlsoul.rules.safety.common import created_in_migration, until_commit


class DomainWithConstraint(Rule):
    meta = builtin_meta("SS224")
    targets = frozenset({"AlterDomainStmt"})

    def check_statement(self, ctx: StatementContext) -> None:
        node = ctx.statement.node
        subtype = node.get("subtype")
        constraint = node.get("def", {}).get("Constraint", {})
        contype = constraint.get("contype") if subtype == "C" else None
        if contype == "CONSTR_CHECK":
            if constraint.get("skip_validation"):
                return  # NOT VALID: only values written from now on are checked
            change = "ADD CONSTRAINT ... CHECK"
        elif contype == "CONSTR_NOTNULL":
            change = "ADD CONSTRAINT ... NOT NULL"
        elif subtype == "O":
            change = "SET NOT NULL"
        else:
            return
        parts = names(node.get("typeName"))
        if not parts:
            return
        domain_ref = TypeRef(parts[-1], parts[-2] if len(parts) > 1 else None)
        label = ".".join(sql_name(part) for part in parts)
        domain = ctx.catalog.domain(domain_ref)
        if domain is None:
            # Created outside the history: which tables use it is unknown, so assume some do.
            scanned = "every column of that type in every table (the history does not show which)"
        else:
            columns = _columns_of(ctx, domain)
            if not columns:
                return  # no table in use stores a value of this domain: nothing to scan
            scanned = ", ".join(columns)
        ctx.report(
            ctx.statement.span,
            f"ALTER DOMAIN {label} {change} checks every value already stored in a column of the domain: it "
            f"scans {scanned} and takes a SHARE lock on each table{until_commit(ctx)}; inserts, updates and "
            f"deletes on them wait until the lock is released (reads go on)",
            _help(ctx, label, parts[-1], constraint),
        )


def _columns_of(ctx: StatementContext, domain: Domain) -> list[str]:
    """Columns of tables in use (not created in this migration) whose values the domain constrains,
    directly, as array elements, or through a domain over this one. Only ALTER DOMAIN pays for this scan."""
    catalog = ctx.catalog
    domains = _domain_family(catalog, domain)
    found: list[str] = []
    for table in catalog.tables.values():
        if created_in_migration(ctx, table):
            continue  # created in this migration: no one else writes to it
        for column in table.columns.values():
            if column.type is not None and _one_of(catalog.domain(column.type), domains):
                found.append(column_label(table, column.name))
    return found


def _domain_family(catalog: Catalog, domain: Domain) -> list[Domain]:
    """The domain and every domain defined over it, however deep: a value of those is one of it.
    Domains are told apart by identity: two domains over the same type compare equal."""
    family = [domain]
    grown = True
    while grown:
        grown = False
        for other in catalog.domains.values():
            if other.base is not None and not _one_of(other, family) and _one_of(catalog.domain(other.base), family):
                family.append(other)
                grown = True
    return family


def _one_of(domain: Domain | None, family: list[Domain]) -> bool:
    return any(domain is member for member in family)


def _help(ctx: StatementContext, label: str, domain_name: str, constraint: dict[str, Any]) -> str:
    if constraint.get("contype") == "CONSTR_CHECK":
        span = ctx.statement.span
        statement = ctx.source.data[span.start : span.end].decode("utf-8", "replace").rstrip().rstrip(";")
        name = sql_name(constraint.get("conname") or f"{domain_name}_check")  # PostgreSQL's name for it
        first = f"Add the constraint NOT VALID, which checks only values written from now on: {statement} NOT VALID;"
    else:
        name = sql_name(f"{domain_name}_not_null")
        first = (
            f"Instead of NOT NULL, add a CHECK that leaves the stored values alone for now: ALTER DOMAIN {label} "
            f"ADD CONSTRAINT {name} CHECK (VALUE IS NOT NULL) NOT VALID;"
        )
    return (
        f"{first} then, in a later migration, ALTER DOMAIN {label} VALIDATE CONSTRAINT {name}; checks the stored "
        f"values (through PostgreSQL 18 it too holds SHARE locks while it scans: run it when writes are few, with "
        f"a lock_timeout)."
    )
