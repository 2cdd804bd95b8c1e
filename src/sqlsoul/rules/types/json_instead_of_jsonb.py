from __future__ import annotations

from sqlsoul.rules.base import builtin_meta
from sqlsoul.rules.labels import sql_name, table_label
from sqlsoul.rules.types.common import ColumnTypeRule, TypedColumn


class JsonInsteadOfJsonb(ColumnTypeRule):
    meta = builtin_meta("SS408")
    type_names = frozenset({"json"})

    def judge(self, typed: TypedColumn) -> tuple[str, str] | None:
        table, column = table_label(typed.table), sql_name(typed.column.name)
        wanted = "jsonb" + ("[]" if typed.stored.is_array else "")
        return (
            f"{typed.label} is {typed.type_text}: json keeps the raw text, so every read reparses it, it has no "
            "equality operator (no DISTINCT, GROUP BY or UNIQUE) and no GIN index can serve containment queries",
            f"Use jsonb unless the exact input text (key order, duplicate keys, whitespace) must be kept. In a new "
            f"migration: ALTER TABLE {table} ALTER COLUMN {column} TYPE {wanted} USING {column}::jsonb (this "
            "rewrites the table under an ACCESS EXCLUSIVE lock: on a large table add a jsonb column, fill it in "
            "batches and swap it in).",
        )
