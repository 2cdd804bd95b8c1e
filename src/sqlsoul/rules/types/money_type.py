from __future__ import annotations

from sqlsoul.rules.base import builtin_meta
from sqlsoul.rules.labels import sql_name, table_label
from sqlsoul.rules.types.common import ColumnTypeRule, TypedColumn


class MoneyType(ColumnTypeRule):
    meta = builtin_meta("SS407")
    type_names = frozenset({"money"})

    def judge(self, typed: TypedColumn) -> tuple[str, str] | None:
        table, column = table_label(typed.table), sql_name(typed.column.name)
        wanted = "numeric(12, 2)" + ("[]" if typed.stored.is_array else "")
        return (
            f"{typed.label} is {typed.type_text}: its fractional digits and output format follow the server's "
            "lc_monetary setting, so a dump restored into a database with another setting can fail or misread "
            "the amounts, and it records no currency",
            f"Store amounts as numeric with an explicit scale (or bigint minor units such as cents) and the currency "
            f"code in a column beside it. In a new migration: ALTER TABLE {table} ALTER COLUMN {column} TYPE "
            f"{wanted} USING {column}::numeric (this rewrites the table under an ACCESS EXCLUSIVE lock: on a large "
            "table add a new column, fill it in batches and swap it in).",
        )
