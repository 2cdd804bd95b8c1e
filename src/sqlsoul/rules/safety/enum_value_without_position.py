"""enum-value-without-position: ALTER TYPE ... ADD VALUE without BEFORE or AFTER puts the value last in
the enum's sort order, which ORDER BY and comparisons use."""

from __future__ import annotations

from sqlsoul.engine import StatementContext
from sqlsoul.model import TypeRef
from sqlsoul.replay import names
from sqlsoul.rules.base import Rule, builtin_meta
from sqlsoul.rules.labels import sql_name


class EnumValueWithoutPosition(Rule):
    meta = builtin_meta("SS227")
    targets = frozenset({"AlterEnumStmt"})

    def check_statement(self, ctx: StatementContext) -> None:
        node = ctx.statement.node
        label = node.get("newVal")
        if not label or node.get("oldVal") or node.get("newValNeighbor"):
            return
        parts = names(node.get("typeName"))
        values = ctx.catalog.enum(TypeRef(parts[-1], parts[-2] if len(parts) > 1 else None)) or ()
        if node.get("skipIfNewValExists") and label in values:
            return  # already there: nothing is added
        type_label = ".".join(sql_name(part) for part in parts)
        after = f"after '{values[-1]}', the current last value" if values else "after every existing value"
        ctx.report(
            ctx.statement.span,
            f"adds '{label}' to {type_label} without BEFORE or AFTER: it sorts {after}, wherever ORDER BY, "
            f"min()/max() or comparisons such as < and > use the enum's order",
            f"Say where the value belongs: ALTER TYPE {type_label} ADD VALUE '{label}' BEFORE '<next value>'; "
            f"or, if last is right, AFTER '{values[-1] if values else '<last value>'}' to make the order deliberate.",
        )
