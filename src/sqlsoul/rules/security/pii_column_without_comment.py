"""pii-column-without-comment: a column whose name says personal data, with no comment classifying it."""

from __future__ import annotations

import re
from fnmatch import translate

from sqlsoul.engine import HistoryContext
from sqlsoul.naming import words
from sqlsoul.rules.base import Rule, builtin_meta
from sqlsoul.rules.design.common import judged_columns
from sqlsoul.rules.dialect.recipes import dialect_at, is_mysql
from sqlsoul.rules.labels import column_label, sql_name, table_label


class PiiColumnWithoutComment(Rule):
    meta = builtin_meta("SS606")
    scope = "history"

    def check_history(self, ctx: HistoryContext) -> None:
        # One regular expression for all the patterns: a wide schema has thousands of columns.
        personal = re.compile("|".join(translate(pattern.lower()) for pattern in self.options["patterns"]) or "(?!)")
        for table, column in judged_columns(ctx.catalog):
            if (column.comment or "").strip() or (column.type is not None and column.type.name == "bool"):
                continue  # classified already; or a flag about personal data (send_notifications_to_email)
            # Patterns are snake_case: a camelCase name (inviterEmail) is matched as inviter_email.
            name = column.name if column.name.islower() else "_".join(words(column.name))
            if not personal.match(name):
                continue
            label = column_label(table, column.name)
            comment = "'PII: <what it holds>; classification: confidential; retention: <policy>'"
            if is_mysql(dialect_at(ctx.sources, column.origin)):  # type: ignore[arg-type]
                how = (
                    f"ALTER TABLE {table_label(table)} MODIFY {sql_name(column.name)} <its whole definition> COMMENT "
                    f"{comment}; (MODIFY replaces the definition: repeat its type, NOT NULL and DEFAULT)."
                )
            else:
                how = (
                    f"COMMENT ON COLUMN {label} IS {comment}; (COMMENT ON changes only the catalog and blocks no reads "
                    "or writes, so a new migration can add it to a live table)."
                )
            ctx.report(
                column.origin,  # type: ignore[arg-type]
                f"{label} holds personal data by its name, and no column comment records its classification: "
                "access reviews, erasure requests and retention jobs cannot find it from the schema",
                f"Record what the column holds and how it is classified: {how}",
            )
