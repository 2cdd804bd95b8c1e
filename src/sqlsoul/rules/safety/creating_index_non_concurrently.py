"""creating-index-non-concurrently: CREATE INDEX on a live table blocks its writes for the whole build.

A partitioned table cannot be indexed CONCURRENTLY; its recipe builds the partitions' indexes one by
one and attaches them to an index made on the parent alone (CREATE INDEX ... ON ONLY), which is why
ON ONLY itself is not reported: it builds nothing on a partitioned table, and users write it for no other.
"""

from __future__ import annotations

import re

from sqlsoul.engine import StatementContext
from sqlsoul.model import Table
from sqlsoul.rules.base import Rule, builtin_meta
from sqlsoul.rules.labels import qualified_label, relation_label, sql_name, table_label
from sqlsoul.rules.safety.common import known_partitions, outside_transaction_note, until_commit

_INDEX_KEYWORD = re.compile(rb"\bINDEX\b", re.IGNORECASE)
_ON_KEYWORD = re.compile(rb"\bON\b", re.IGNORECASE)
_QUALIFIED_NAME = re.compile(rb'(?:"(?:[^"]|"")*"|[^\s."(]+)(?:\s*\.\s*(?:"(?:[^"]|"")*"|[^\s."(]+))*')


class CreatingIndexNonConcurrently(Rule):
    meta = builtin_meta("SS208")
    targets = frozenset({"IndexStmt"})

    def check_statement(self, ctx: StatementContext) -> None:
        node = ctx.statement.node
        relation = node.get("relation")
        # A table created or emptied earlier in this migration has no rows to index: the build is
        # instant. ON ONLY (inh false) builds nothing on a partitioned table (see above).
        if node.get("concurrent") or not relation or ctx.session.is_empty(relation) or not relation.get("inh"):
            return
        table = relation_label(relation)
        name = f"index {sql_name(node['idxname'])}" if node.get("idxname") else "an index"
        partitions = known_partitions(ctx, relation)
        where = f"{table} and each of its {len(partitions)} partitions" if partitions else table
        message = (
            f"builds {name} on {where} without CONCURRENTLY: it takes SHARE on {table}, stopping its inserts, "
            f"updates and deletes until the whole index is built{until_commit(ctx)}"
        )
        text = _without_comments(ctx)
        if partitions:
            ctx.report(ctx.statement.span, message, _partitioned_help(ctx, text, partitions))
            return
        concurrent = _one_line(_INDEX_KEYWORD.sub(b"INDEX CONCURRENTLY", text, count=1))
        in_transaction = outside_transaction_note(ctx, "CREATE INDEX CONCURRENTLY")
        ctx.report(
            ctx.statement.span,
            message,
            f"Build it without blocking writes: {concurrent}; it takes longer, and if it fails it leaves an INVALID "
            f"index behind: drop that one with DROP INDEX CONCURRENTLY and build again.{in_transaction}",
        )


def _partitioned_help(ctx: StatementContext, text: bytes, partitions: list[Table]) -> str:
    node = ctx.statement.node
    relation = node["relation"]
    index_end = _INDEX_KEYWORD.search(text)
    on = _ON_KEYWORD.search(text, index_end.end() if index_end else 0)
    parent_only = _one_line(text[: on.end()] + b" ONLY" + text[on.end() :]) if on else "CREATE INDEX ... ON ONLY ..."
    # The definition as written after the table's name (USING, columns, INCLUDE, WHERE), for the partitions.
    after_table = _without_comments(ctx, ctx.statement.offset(relation.get("location")))
    name_end = _QUALIFIED_NAME.match(after_table)
    definition = _one_line(after_table[name_end.end() if name_end else 0 :])
    column_names = [element["IndexElem"].get("name") or "expr" for element in node.get("indexParams") or ()]
    first = partitions[0]
    # Without a name of its own the parent index gets PostgreSQL's: table_columns_idx.
    parent_name = node.get("idxname") or "_".join((relation["relname"], *column_names, "idx"))
    schema = relation.get("schemaname")
    parent_index = qualified_label((schema, parent_name)) if schema else sql_name(parent_name)
    partition_index = "_".join((first.name, *column_names, "idx"))
    others = ", ".join(table_label(other) for other in partitions[1:])
    unique = "UNIQUE " if node.get("unique") else ""
    return (
        f"A partitioned table cannot be indexed CONCURRENTLY. Create the index on the parent alone, which builds "
        f"nothing: {parent_only}; then build each partition's index concurrently and attach it: CREATE {unique}INDEX "
        f"CONCURRENTLY {sql_name(partition_index)} ON {table_label(first)} {definition}; ALTER INDEX {parent_index} "
        f"ATTACH PARTITION {qualified_label((first.schema, partition_index))};"
        + (f" The same for {others}." if others else "")
        + " The parent's index becomes valid once every partition's index is attached."
        + outside_transaction_note(ctx, "CREATE INDEX CONCURRENTLY")
    )


def _without_comments(ctx: StatementContext, start: int | None = None) -> bytes:
    """The statement's text (from `start` on) with its comments cut out, ready to be put on one line."""
    span = ctx.statement.span
    position = span.start if start is None else start
    text = ctx.source.data[position : span.end]
    if b"--" not in text and b"/*" not in text:
        return text
    kept = []
    for comment in ctx.source.comments:
        if position <= comment.span.start < span.end:
            kept.append(ctx.source.data[position : comment.span.start])
            position = comment.span.end
    kept.append(ctx.source.data[position : span.end])
    return b" ".join(kept)


def _one_line(text: bytes) -> str:
    return " ".join(text.decode("utf-8", "replace").split())
