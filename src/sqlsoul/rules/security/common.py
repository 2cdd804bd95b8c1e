"""Helpers the security rules share: reading GRANTs and role options, and naming roles as SQL does."""

from __future__ import annotations

from typing import Any

from sqlsoul.engine import StatementContext
from sqlsoul.findings import Span
from sqlsoul.parsing import Statement
from sqlsoul.records import record
from sqlsoul.rules.labels import relation_label, sql_name
from sqlsoul.source import SourceFile

Node = dict[str, Any]

# GRANT ... ON <keyword> name: the keyword of each object type (plural for ALL ... IN SCHEMA and defaults).
_OBJECT_KEYWORDS = {
    "OBJECT_TABLE": ("TABLE", "TABLES"),
    "OBJECT_SEQUENCE": ("SEQUENCE", "SEQUENCES"),
    "OBJECT_FUNCTION": ("FUNCTION", "FUNCTIONS"),
    "OBJECT_PROCEDURE": ("PROCEDURE", "PROCEDURES"),
    "OBJECT_ROUTINE": ("ROUTINE", "ROUTINES"),
    "OBJECT_SCHEMA": ("SCHEMA", "SCHEMAS"),
    "OBJECT_DATABASE": ("DATABASE", "DATABASES"),
    "OBJECT_TYPE": ("TYPE", "TYPES"),
    "OBJECT_DOMAIN": ("DOMAIN", "DOMAINS"),
    "OBJECT_LANGUAGE": ("LANGUAGE", "LANGUAGES"),
    "OBJECT_LARGEOBJECT": ("LARGE OBJECT", "LARGE OBJECTS"),
    "OBJECT_TABLESPACE": ("TABLESPACE", "TABLESPACES"),
    "OBJECT_FDW": ("FOREIGN DATA WRAPPER", "FOREIGN DATA WRAPPERS"),
    "OBJECT_FOREIGN_SERVER": ("FOREIGN SERVER", "FOREIGN SERVERS"),
    "OBJECT_PARAMETER_ACL": ("PARAMETER", "PARAMETERS"),
}
_ROLE_KEYWORDS = {
    "ROLESPEC_PUBLIC": "PUBLIC",
    "ROLESPEC_CURRENT_USER": "CURRENT_USER",
    "ROLESPEC_CURRENT_ROLE": "CURRENT_ROLE",
    "ROLESPEC_SESSION_USER": "SESSION_USER",
}


def role_label(role: Node) -> str:
    """A role (a libpg_query RoleSpec) as SQL writes it: a name, PUBLIC or CURRENT_USER."""
    keyword = _ROLE_KEYWORDS.get(role.get("roletype", ""))
    return keyword if keyword else sql_name(role.get("rolename", ""))


def role_options(node: Node) -> list[Node]:
    """The DefElem bodies of CREATE ROLE / ALTER ROLE / USER MAPPING options (LOGIN, PASSWORD ...)."""
    return [item["DefElem"] for item in node.get("options") or () if "DefElem" in item]


def role_of(ctx: StatementContext) -> str:
    """The role a CREATE ROLE / ALTER ROLE statement names."""
    node = ctx.statement.node
    return sql_name(node["role"]) if isinstance(node.get("role"), str) else role_label(node.get("role") or {})


def word_span(source: SourceFile, statement: Statement, location: int | None) -> Span:
    """The keyword or name at a node location of the statement."""
    start = statement.offset(location)
    return Span(start, source.identifier_end(start))


@record(frozen=True)
class Grant:
    """A GRANT of privileges on objects (or the GRANT of an ALTER DEFAULT PRIVILEGES), in SQL words."""

    body: Node  # the GrantStmt body
    command: str  # what comes before GRANT / REVOKE: "" or "ALTER DEFAULT PRIVILEGES IN SCHEMA app "
    target: str  # what follows ON: "TABLE users", "ALL TABLES IN SCHEMA app", "TABLES" (defaults)

    @property
    def object_type(self) -> str:
        return self.body.get("objtype", "")

    @property
    def is_default(self) -> bool:
        """Whether it grants on objects created later (ALTER DEFAULT PRIVILEGES), not existing ones."""
        return bool(self.command)

    @property
    def grantees(self) -> list[Node]:
        return [item["RoleSpec"] for item in self.body.get("grantees") or () if "RoleSpec" in item]

    @property
    def privileges(self) -> str:
        """The privileges as written: "SELECT, UPDATE (email)"; no list at all is ALL."""
        written = []
        for item in self.body.get("privileges") or ():
            privilege = item.get("AccessPriv", {})
            columns = [column.get("String", {}).get("sval", "") for column in privilege.get("cols") or ()]
            text = privilege.get("priv_name", "all").upper()
            written.append(f"{text} ({', '.join(sql_name(c) for c in columns)})" if columns else text)
        return ", ".join(written) or "ALL"

    @property
    def grants_all(self) -> bool:
        """GRANT ALL [PRIVILEGES], on the objects or on some of their columns."""
        privileges = self.body.get("privileges") or ()
        return not privileges or any("priv_name" not in item.get("AccessPriv", {}) for item in privileges)

    def sql(self, verb: str, privileges: str, role: str) -> str:
        """The statement that grants (verb GRANT) or revokes (REVOKE) privileges on the same objects."""
        to = "TO" if verb == "GRANT" else "FROM"
        return f"{self.command}{verb} {privileges} ON {self.target} {to} {role}"


def read_grant(ctx: StatementContext) -> Grant | None:
    """The grant a GrantStmt or AlterDefaultPrivilegesStmt makes; None for a REVOKE."""
    node, command = ctx.statement.node, ""
    if ctx.statement.kind == "AlterDefaultPrivilegesStmt":
        command = _default_privileges_command(node)
        node = node.get("action") or {}
    if not node.get("is_grant"):
        return None
    return Grant(node, command, _target(node))


def _default_privileges_command(node: Node) -> str:
    command = "ALTER DEFAULT PRIVILEGES "
    for option in role_options(node):
        items = option.get("arg", {}).get("List", {}).get("items") or ()
        if option.get("defname") == "roles":
            command += "FOR ROLE " + ", ".join(role_label(item.get("RoleSpec", {})) for item in items) + " "
        elif option.get("defname") == "schemas":
            command += "IN SCHEMA " + ", ".join(sql_name(item.get("String", {}).get("sval", "")) for item in items) + " "
    return command


def _target(node: Node) -> str:
    singular, plural = _OBJECT_KEYWORDS.get(node.get("objtype", ""), ("OBJECT", "OBJECTS"))
    kind = node.get("targtype")
    if kind == "ACL_TARGET_DEFAULTS":
        return plural
    names = ", ".join(_object_name(item) for item in node.get("objects") or ())
    if kind == "ACL_TARGET_ALL_IN_SCHEMA":
        return f"ALL {plural} IN SCHEMA {names}"
    return f"{singular} {names}"


def _object_name(item: Node) -> str:
    ((kind, body),) = item.items()
    if kind == "RangeVar":
        return relation_label(body)
    if kind == "ObjectWithArgs":
        return ".".join(sql_name(part.get("String", {}).get("sval", "")) for part in body.get("objname") or ())
    if kind == "List":
        return ".".join(sql_name(part.get("String", {}).get("sval", "")) for part in body.get("items") or ())
    if kind == "String":
        return sql_name(body.get("sval", ""))
    return str(body.get("ival", body.get("fval", "")))  # a large object's number (Float beyond 2^31)
