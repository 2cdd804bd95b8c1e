from __future__ import annotations

from sqlsoul.rules.base import builtin_meta
from sqlsoul.rules.labels import sql_name, table_label
from sqlsoul.rules.types.common import ColumnTypeRule, TypedColumn


class TimestampWithoutTimeZone(ColumnTypeRule):
    meta = builtin_meta("SS403")
    type_names = frozenset({"timestamp"})

    def judge(self, typed: TypedColumn) -> tuple[str, str] | None:
        table, column = table_label(typed.table), sql_name(typed.column.name)
        stored = typed.stored
        array = "[]" if stored.is_array else ""
        precision = f"({stored.modifiers[0]})" if stored.modifiers else ""
        written = typed.describe(f"timestamp{precision} without time zone{array}")
        convert = f"ALTER TABLE {table} ALTER COLUMN {column} TYPE timestamptz{precision}{array}"
        if stored.is_array:
            steps = (
                f"SET timezone = 'UTC'; {convert} (the elements are read in the session's time zone; this rewrites "
                "the table under an ACCESS EXCLUSIVE lock)"
            )
        else:
            steps = (
                f"SET timezone = 'UTC'; {convert}; on PostgreSQL 12 and later that changes only the catalog. Values "
                f"written in another zone need USING {column} AT TIME ZONE 'Europe/Paris' (or the zone they were "
                "written in), which rewrites the table under an ACCESS EXCLUSIVE lock"
            )
        return (
            f"{typed.label} is {written}: it stores a wall-clock reading, not an instant, so values written by "
            "servers or sessions in different time zones, or across a daylight-saving change, cannot be compared or "
            "ordered reliably",
            "Use timestamptz, which stores an instant and shows it in each session's time zone. If the stored values "
            f"are UTC, convert in a new migration: {steps}.",
        )
