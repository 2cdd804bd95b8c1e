"""Type rules: column types that stop growing, lose precision or hide structure."""

from __future__ import annotations

from sqlsoul.rules.base import Rule


def type_rules() -> list[type[Rule]]:
    # Imported here, not at module level, so listing entry points stays cheap.
    from sqlsoul.rules.types.char_column import CharColumn
    from sqlsoul.rules.types.float_for_exact_value import FloatForExactValue
    from sqlsoul.rules.types.integer_primary_key import IntegerPrimaryKey
    from sqlsoul.rules.types.json_instead_of_jsonb import JsonInsteadOfJsonb
    from sqlsoul.rules.types.money_type import MoneyType
    from sqlsoul.rules.types.serial_column import SerialColumn
    from sqlsoul.rules.types.timestamp_without_time_zone import TimestampWithoutTimeZone
    from sqlsoul.rules.types.varchar_with_length import VarcharWithLength

    rules: list[type[Rule]] = [
        IntegerPrimaryKey, SerialColumn, TimestampWithoutTimeZone, VarcharWithLength, CharColumn,
        FloatForExactValue, MoneyType, JsonInsteadOfJsonb,
    ]
    return rules
