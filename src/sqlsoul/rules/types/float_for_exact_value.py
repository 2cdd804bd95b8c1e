from __future__ import annotations

from functools import cached_property

from sqlsoul.dialects import SQLITE
from sqlsoul.naming import plurals, words
from sqlsoul.rules.base import builtin_meta
from sqlsoul.rules.dialect.recipes import MYSQL_MODIFY_NOTE, MYSQL_TABLE_COPY, is_mysql, sqlite_table_rebuild
from sqlsoul.rules.labels import sql_name, table_label
from sqlsoul.rules.types.common import ColumnTypeRule, TypedColumn


class FloatForExactValue(ColumnTypeRule):
    meta = builtin_meta("SS406")
    type_names = frozenset({"float4", "float8"})

    @cached_property
    def _exact_words(self) -> frozenset[str]:
        return _with_plurals(self.options["words"])

    @cached_property
    def _measure_words(self) -> frozenset[str]:
        return _with_plurals(self.options["measure_words"])

    def judge(self, typed: TypedColumn) -> tuple[str, str] | None:
        parts = words(typed.column.name)
        if not parts or parts[-1] in self._measure_words:
            return None  # total_seconds, fee_ratio: a measurement about an amount, not the amount
        found = next((word for word in parts if word in self._exact_words), None)
        if found is None:
            return None
        return (
            f"{typed.label} is {typed.type_text} but its name ({found}) says it holds an exact value: binary floating "
            "point cannot represent most decimal fractions (0.1 + 0.2 <> 0.3), so sums drift and equality tests fail "
            "as rows add up",
            self._help(typed),
        )

    def _help(self, typed: TypedColumn) -> str:
        table, column = table_label(typed.table), sql_name(typed.column.name)
        dialect = typed.dialect
        if dialect == SQLITE:
            # SQLite has no exact decimal type: NUMERIC stores 0.1 as a REAL as well.
            return (
                "SQLite has no exact decimal type (a NUMERIC column stores 0.1 as a floating-point REAL too): store "
                "integer minor units (cents) in an INTEGER column. " + sqlite_table_rebuild(typed.table, "change a column's type")
            )
        if is_mysql(dialect):
            return (
                f"Use DECIMAL with the scale the value needs (or BIGINT minor units such as cents). In a new migration: "
                f"ALTER TABLE {table} MODIFY {column} DECIMAL(12, 2){' NOT NULL' if typed.column.not_null else ''}; "
                f"the conversion rounds stored values to the scale you choose. {MYSQL_MODIFY_NOTE} {MYSQL_TABLE_COPY}."
            )
        wanted = "numeric(12, 2)" + ("[]" if typed.stored.is_array else "")
        return (
            f"Use numeric with the scale the value needs (or bigint minor units such as cents). In a new migration: "
            f"ALTER TABLE {table} ALTER COLUMN {column} TYPE {wanted} (this rewrites the table under an ACCESS "
            "EXCLUSIVE lock: on a large table add a new column, fill it in batches and swap it in); the conversion "
            "rounds stored values to the scale you choose."
        )


def _with_plurals(chosen: list[str]) -> frozenset[str]:
    """The words, lower-cased, with their plurals (fees, taxes, prices)."""
    lowered = {word.lower() for word in chosen}
    return frozenset(lowered | {plural for word in lowered for plural in plurals(word)})
