from __future__ import annotations

from sqlsoul.engine import HistoryContext
from sqlsoul.model import Column, ConstraintKind, Table
from sqlsoul.naming import entity_forms, plurals, singular, words
from sqlsoul.rules.base import Rule, builtin_meta
from sqlsoul.dialects import POSTGRES
from sqlsoul.rules.design.common import find_table, judged_columns, key_columns
from sqlsoul.rules.dialect.recipes import dialect_at
from sqlsoul.rules.labels import column_label, sql_name, table_label

_NOT_ATTRIBUTES = frozenset({"id", "ids", "uuid", "key", "created_at", "updated_at", "deleted_at"})


class DenormalizedUserField(Rule):
    meta = builtin_meta("SS103")
    scope = "history"

    def check_history(self, ctx: HistoryContext) -> None:
        people = {singular(entity.lower()) for entity in self.options["person_entities"]}
        person_attributes = {attribute.lower() for attribute in self.options["person_attributes"]}
        tables = ctx.catalog.tables_by_name()
        for table, column in judged_columns(ctx.catalog):
            parts = words(column.name)
            for split in range(1, len(parts)):
                entity, attribute = "_".join(parts[:split]), "_".join(parts[split:])
                if attribute in _NOT_ATTRIBUTES:
                    continue
                if words(table.name)[-1] in entity_forms(entity):
                    break  # the entity's own table (users, oauth_accounts) keeps its own attributes
                source = find_table(tables, entity, table)
                if source is table:
                    break
                copied = source is not None and attribute in source.columns and attribute not in key_columns(source)
                is_person = singular(entity) in people
                if (is_person and (attribute in person_attributes or copied)) or (
                    copied and _references(table, source, entity)  # type: ignore[arg-type]
                ):
                    self._report(ctx, table, column, entity, attribute, source)
                    break

    def _report(
        self, ctx: HistoryContext, table: Table, column: Column, entity: str, attribute: str, source: Table | None
    ) -> None:
        owner = table_label(source) if source else sql_name(plurals(singular(entity))[0])
        key = sql_name(f"{singular(entity)}_id")
        # PostgreSQL can add the key without blocking writes; other engines add it the one way they have.
        postgres = dialect_at(ctx.sources, column.origin) == POSTGRES  # type: ignore[arg-type]
        how = " (added NOT VALID and validated in a later migration)" if postgres else ""
        ctx.report(
            column.origin,  # type: ignore[arg-type]
            f"{column_label(table, column.name)} copies the {attribute} of a {singular(entity)}; the copy goes stale "
            f"when the {singular(entity)} changes",
            f"Keep {attribute} only in {owner}: in a new migration, store {key} with a foreign key to {owner}{how}, "
            f"read {attribute} through a join, and drop {sql_name(column.name)} once nothing reads it.",
        )


def _references(table: Table, source: Table, entity: str) -> bool:
    """Whether the table already points at the source table (so the column is a copy, not its own data)."""
    if any(c.kind is ConstraintKind.FOREIGN_KEY and c.references == source.qualified for c in table.constraints):
        return True
    return f"{entity}_id" in table.columns or f"{singular(entity)}_id" in table.columns
