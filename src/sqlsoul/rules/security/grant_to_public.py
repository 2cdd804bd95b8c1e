"""grant-to-public: a privilege granted to PUBLIC is held by every role, including roles created later."""

from __future__ import annotations

from sqlsoul.engine import StatementContext
from sqlsoul.rules.base import Rule, builtin_meta
from sqlsoul.rules.security.common import Grant, read_grant, word_span

# Objects PostgreSQL lets PUBLIC execute unless EXECUTE is revoked.
_EXECUTABLE = frozenset({"OBJECT_FUNCTION", "OBJECT_PROCEDURE", "OBJECT_ROUTINE"})


class GrantToPublic(Rule):
    meta = builtin_meta("SS601")
    targets = frozenset({"GrantStmt", "AlterDefaultPrivilegesStmt"})

    def check_statement(self, ctx: StatementContext) -> None:
        grant = read_grant(ctx)
        if grant is None:
            return
        public = [role for role in grant.grantees if role.get("roletype") == "ROLESPEC_PUBLIC"]
        if not public:
            return
        message, help_text = _message(grant), _help(grant)
        for role in public:
            ctx.report(word_span(ctx.source, ctx.statement, role.get("location")), message, help_text)


def _message(grant: Grant) -> str:
    if grant.is_default:
        return (
            f"makes {grant.privileges} on {grant.target} created later ({grant.command.strip()}) a privilege of "
            "PUBLIC: every role on the server, including roles created later, will hold it on each new object"
        )
    return (
        f"grants {grant.privileges} on {grant.target} to PUBLIC: every role on the server holds it, including roles "
        "created later, so access no longer follows from the roles you grant"
    )


def _help(grant: Grant) -> str:
    privileges = grant.privileges
    steps = f"{grant.sql('REVOKE', privileges, 'PUBLIC')}; {grant.sql('GRANT', privileges, 'app_reader')};"
    executable = (
        " PostgreSQL lets PUBLIC execute a new function unless EXECUTE is revoked from it, so the REVOKE is the "
        "step that matters."
        if grant.object_type in _EXECUTABLE
        else ""
    )
    return (
        "Grant to the roles that need it instead (create a role for the purpose and grant that role to users): "
        f"{steps} in a new migration if this one has already run.{executable}"
    )
