"""Security and governance rules: who may do what, secrets, and what the schema documents."""

from __future__ import annotations

from sqlsoul.rules.base import Rule


def security_rules() -> list[type[Rule]]:
    # Imported here, not at module level, so listing entry points stays cheap.
    from sqlsoul.rules.security.grant_all_privileges import GrantAllPrivileges
    from sqlsoul.rules.security.grant_to_public import GrantToPublic
    from sqlsoul.rules.security.password_in_migration import PasswordInMigration
    from sqlsoul.rules.security.pii_column_without_comment import PiiColumnWithoutComment
    from sqlsoul.rules.security.security_definer_without_search_path import SecurityDefinerWithoutSearchPath
    from sqlsoul.rules.security.superuser_role import SuperuserRole
    from sqlsoul.rules.security.table_without_comment import TableWithoutComment

    rules: list[type[Rule]] = []
    rules += [GrantToPublic, GrantAllPrivileges, PasswordInMigration, SecurityDefinerWithoutSearchPath, SuperuserRole,
              PiiColumnWithoutComment, TableWithoutComment]
    return rules
