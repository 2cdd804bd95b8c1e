from __future__ import annotations

from sqlsoul.rules.base import builtin_meta
from sqlsoul.rules.labels import sql_name, table_label
from sqlsoul.rules.types.common import ColumnTypeRule, TypedColumn


class CharColumn(ColumnTypeRule):
    meta = builtin_meta("SS405")
    type_names = frozenset({"bpchar"})

    def judge(self, typed: TypedColumn) -> tuple[str, str] | None:
        table, column = table_label(typed.table), sql_name(typed.column.name)
        length = typed.stored.modifiers[0] if typed.stored.modifiers else None
        wanted = "text" + ("[]" if typed.stored.is_array else "")
        check = (
            f"; ALTER TABLE {table} ADD CHECK (char_length({column}) <= {length}) NOT VALID (VALIDATE it in a later "
            "migration)"
            if length
            else ""
        )
        return (
            f"{typed.label} is {typed.type_text}: values are padded with spaces to the declared length and trailing "
            "spaces stop counting ('ab ' equals 'ab', casting or concatenating drops them), which surprises code that "
            "compares it with text, and the padding costs space instead of saving any",
            f"Use text (or varchar), with a CHECK if the length is a rule. In a new migration: ALTER TABLE {table} "
            f"ALTER COLUMN {column} TYPE {wanted}{check}; converting trims the padding and so rewrites the table "
            "under an ACCESS EXCLUSIVE lock: on a large table add a new column, fill it in batches and swap it in.",
        )
