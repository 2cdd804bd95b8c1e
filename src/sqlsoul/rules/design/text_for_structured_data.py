from __future__ import annotations

import re

from sqlsoul.engine import HistoryContext
from sqlsoul.model import Column
from sqlsoul.naming import is_plural, words
from sqlsoul.rules.base import Rule, builtin_meta
from sqlsoul.rules.design.common import judged_columns, matches_any
from sqlsoul.rules.dialect.recipes import dialect_at, engine_family
from sqlsoul.rules.labels import column_label, type_label
from sqlsoul.source import SourceFile

_STRUCTURE_IN_COMMENT = re.compile(
    r"comma[- ]?separated|semicolon[- ]?separated|pipe[- ]?separated|[- ]delimited|\bcsv\b|\bjson\b|\blist of\b|\barray of\b",
    re.IGNORECASE,
)


# What each engine offers instead of text for a document or a list.
_STRUCTURED_TYPES = {
    "postgres": "jsonb (for documents), an array such as text[] (for a list of values)",
    "mysql": "JSON (for documents and lists: the server rejects invalid JSON and can index values of it)",
    "sqlite": "JSON text guarded by CHECK (json_valid(...)) (for documents and lists, read with SQLite's JSON functions)",
}


class TextForStructuredData(Rule):
    meta = builtin_meta("SS104")
    scope = "history"

    def check_history(self, ctx: HistoryContext) -> None:
        free_text = {word.lower() for word in self.options["free_text_plurals"]}
        for table, column in judged_columns(ctx.catalog):
            if column.type is None or not column.type.is_text:
                continue
            reason = self._reason(ctx.sources[column.origin.file], column, free_text)  # type: ignore[union-attr]
            if reason is None:
                continue
            instead = _STRUCTURED_TYPES[engine_family(dialect_at(ctx.sources, column.origin))]  # type: ignore[arg-type]
            ctx.report(
                column.origin,  # type: ignore[arg-type]
                f"{column_label(table, column.name)} is {type_label(column.type)} but {reason}: the database can "
                "neither validate nor index what is inside",
                f"Store it as {instead}, or a child "
                "table with one row per item (when items have their own facts or are joined on). Change it in a "
                "new migration: add the new column, backfill it, switch readers, then drop the old one.",
            )

    def _reason(self, source: SourceFile, column: Column, free_text: set[str]) -> str | None:
        if matches_any(column.name, self.options["structured_names"]):
            return "its name says it holds a list or a document"
        last = words(column.name)[-1]
        if is_plural(last) and last not in free_text:
            return f"its name ({last}) says it holds many values"
        default = (column.default or "").strip()
        if default[:1] in ("[", "{"):
            return f"its default {default!r} is a JSON or array literal"
        line = source.line_of(column.origin.span.start)  # type: ignore[union-attr]
        if any(_STRUCTURE_IN_COMMENT.search(comment.text) for comment in source.comments_on(line)):
            return "its comment says it holds a list or JSON"
        return None
