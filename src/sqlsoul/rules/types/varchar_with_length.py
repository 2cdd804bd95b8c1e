from __future__ import annotations

from sqlsoul.rules.base import builtin_meta
from sqlsoul.rules.labels import sql_name, table_label
from sqlsoul.rules.types.common import ColumnTypeRule, TypedColumn


class VarcharWithLength(ColumnTypeRule):
    meta = builtin_meta("SS404")
    type_names = frozenset({"varchar"})

    def judge(self, typed: TypedColumn) -> tuple[str, str] | None:
        if not typed.stored.modifiers:
            return None  # varchar without a length is text under another name
        table, column = table_label(typed.table), sql_name(typed.column.name)
        length = typed.stored.modifiers[0]
        wanted = "text" + ("[]" if typed.stored.is_array else "")
        check = (
            f"ALTER TABLE {table} ADD CONSTRAINT {sql_name(f'{typed.table.name}_{typed.column.name}_length')} "
            f"CHECK (char_length({column}) <= {length}) NOT VALID"
        )
        return (
            f"{typed.label} is {typed.type_text}: in PostgreSQL varchar(n) costs the same as text, the limit is a "
            "business rule hidden in the type, and the day a longer value must fit, widening it takes a migration "
            "(and an exclusive lock)",
            f"Use text, with a CHECK where the length is a real rule (it can be changed without touching the column "
            f"type). In a new migration: ALTER TABLE {table} ALTER COLUMN {column} TYPE {wanted} (it changes only "
            f"the catalog, no rewrite); if the limit matters: {check}, then VALIDATE it in a later migration.",
        )
