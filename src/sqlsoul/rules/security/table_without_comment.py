"""table-without-comment: a table the schema does not describe (no COMMENT ON TABLE)."""

from __future__ import annotations

from sqlsoul.engine import HistoryContext
from sqlsoul.rules.base import Rule, builtin_meta
from sqlsoul.rules.dialect.recipes import dialect_at, is_mysql
from sqlsoul.rules.labels import table_label


class TableWithoutComment(Rule):
    meta = builtin_meta("SS607")
    scope = "history"

    def check_history(self, ctx: HistoryContext) -> None:
        for table in ctx.catalog.tables.values():
            if table.origin is None or table.partition_of is not None or table.temporary or (table.comment or "").strip():
                continue  # not created in a linted file; a partition is described by its parent; gone after the session
            label = table_label(table)
            comment = "'One row per <what>; owner: <team>; retention: <policy>'"
            if is_mysql(dialect_at(ctx.sources, table.origin)):
                how = f"ALTER TABLE {label} COMMENT = {comment};"
            else:
                how = (
                    f"COMMENT ON TABLE {label} IS {comment}; (COMMENT ON changes only the catalog and blocks no reads or "
                    "writes, so a new migration can add it to a live table)."
                )
            ctx.report(
                table.origin,
                f"table {label} has no comment: the schema does not say what a row stands for, who owns the data or "
                "how long it is kept, and every new reader has to ask",
                f"Describe it where the schema lives: {how}",
            )
