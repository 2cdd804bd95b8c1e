"""grant-all-privileges: GRANT ALL hands out every privilege of the object type, not what the role uses."""

from __future__ import annotations

from sqlsoul.engine import StatementContext
from sqlsoul.rules.base import Rule, builtin_meta
from sqlsoul.rules.security.common import role_label, read_grant

# For each object type where ALL is more than one privilege: what ALL holds, what it opens up, and
# the privileges most roles need. Functions, types, languages, tablespaces, foreign data wrappers
# and servers have a single privilege each (EXECUTE, USAGE or CREATE): ALL on them grants nothing more.
_TABLE_RISK = "TRUNCATE empties the table whatever row-level security says, TRIGGER runs the role's code in other users' writes"
_ALL_PRIVILEGES = {
    "OBJECT_TABLE": ("SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER", _TABLE_RISK, "SELECT, INSERT, UPDATE, DELETE"),
    "OBJECT_SEQUENCE": ("USAGE, SELECT, UPDATE", "UPDATE lets the role setval() the sequence back so inserts collide", "USAGE, SELECT"),
    "OBJECT_SCHEMA": ("CREATE, USAGE", "CREATE lets the role add objects that capture other roles' unqualified names", "USAGE"),
    "OBJECT_DATABASE": ("CREATE, CONNECT, TEMPORARY", "CREATE lets the role add schemas of its own", "CONNECT"),
    "OBJECT_LARGEOBJECT": ("SELECT, UPDATE", "UPDATE lets the role overwrite the object", "SELECT"),
    "OBJECT_PARAMETER_ACL": ("SET, ALTER SYSTEM", "ALTER SYSTEM changes the setting for every session of the server", "SET"),
}
_COLUMN_PRIVILEGES = ("SELECT, INSERT, UPDATE, REFERENCES", "the role can write the columns as well as read them", "SELECT")


class GrantAllPrivileges(Rule):
    meta = builtin_meta("SS602")
    targets = frozenset({"GrantStmt", "AlterDefaultPrivilegesStmt"})

    def check_statement(self, ctx: StatementContext) -> None:
        grant = read_grant(ctx)
        if grant is None or not grant.grants_all or grant.object_type not in _ALL_PRIVILEGES:
            return
        on_columns = bool(grant.body.get("privileges"))  # GRANT ALL (a, b) ON t: every column privilege
        held, risk, needed = _COLUMN_PRIVILEGES if on_columns else _ALL_PRIVILEGES[grant.object_type]
        if grant.object_type == "OBJECT_TABLE" and not on_columns and ctx.settings.pg_version >= 17:
            held += ", MAINTAIN"
        if on_columns:
            needed = grant.privileges.replace("ALL", needed, 1)
        roles = ", ".join(role_label(role) for role in grant.grantees)
        passed_on = " and, WITH GRANT OPTION, the right to hand them on" if grant.body.get("grant_option") else ""
        when = " created later" if grant.is_default else ""
        ctx.report(
            ctx.statement.span,
            f"grants {grant.privileges} on {grant.target}{when} to {roles}: that is {held}{passed_on}, more than a "
            f"role needs ({risk})",
            f"Grant the privileges the role uses, for example {grant.sql('GRANT', needed, roles)} instead; if this "
            f"migration has already run, narrow it in a new one: {grant.sql('REVOKE', grant.privileges, roles)}; "
            f"{grant.sql('GRANT', needed, roles)}. A role that should manage the objects can own them "
            "(ALTER ... OWNER TO) instead.",
        )
