"""security-definer-without-search-path: a SECURITY DEFINER function resolves names on its caller's path.

Judged per migration part (an up, a down): the state each function is left in after the part, so an
ALTER FUNCTION ... SET search_path later in the same migration fixes a CREATE before it. The catalog
keeps no functions, so a fix in a later migration is not seen.
"""

from __future__ import annotations


from sqlsoul.engine import UnitContext
from sqlsoul.findings import Span
from sqlsoul.model import TypeRef
from sqlsoul.parsing import Statement
from sqlsoul.records import record
from sqlsoul.rules.base import Rule, builtin_meta
from sqlsoul.rules.labels import sql_name, type_label
from sqlsoul.rules.security.common import Node, word_span

# Parameter modes that are part of a function's signature (OUT and TABLE columns are not).
_SIGNATURE_MODES = frozenset({"FUNC_PARAM_IN", "FUNC_PARAM_DEFAULT", "FUNC_PARAM_INOUT", "FUNC_PARAM_VARIADIC"})
# SET search_path = ... and SET search_path FROM CURRENT fix the path; RESET and TO DEFAULT drop it.
_PINNING = frozenset({"VAR_SET_VALUE", "VAR_SET_CURRENT"})


@record
class _Function:
    """A function as a statement names it."""

    schema: str | None
    name: str
    arguments: tuple[str, ...] | None  # argument types; None when the statement names it without them
    procedure: bool
    definer: tuple[int, Span] | None = None  # (file, span) of the SECURITY DEFINER that is in force
    pinned: bool = False

    def matches(self, other: _Function) -> bool:
        if self.name != other.name or (self.schema and other.schema and self.schema != other.schema):
            return False
        return self.arguments is None or other.arguments is None or self.arguments == other.arguments

    @property
    def label(self) -> str:
        name = f"{sql_name(self.schema)}.{sql_name(self.name)}" if self.schema else sql_name(self.name)
        return name if self.arguments is None else f"{name}({', '.join(self.arguments)})"


class SecurityDefinerWithoutSearchPath(Rule):
    meta = builtin_meta("SS604")
    scope = "unit"

    def check_unit(self, ctx: UnitContext) -> None:
        for part in (ctx.up, ctx.down):
            if any(_makes_definer(statement) for _, statement in part):  # most migrations make none: done
                self._check_part(ctx, part)

    def _check_part(self, ctx: UnitContext, part: list[tuple[int, Statement]]) -> None:
        functions: list[_Function] = []
        for file, statement in part:
            node = statement.node
            if statement.kind == "CreateFunctionStmt":
                created = _Function(*_name(node.get("funcname")), _parameters(node), bool(node.get("is_procedure")))
                functions = [known for known in functions if not known.matches(created)]  # OR REPLACE starts over
                functions.append(created)
                self._apply(ctx, created, file, statement, node.get("options") or ())
            elif statement.kind == "AlterFunctionStmt":
                altered = _altered(node)
                found = [known for known in functions if known.matches(altered)]
                if not found:
                    found = [altered]  # created in another migration: how it was created is not known here
                    functions.append(altered)
                for function in found:
                    self._apply(ctx, function, file, statement, node.get("actions") or ())
        for function in functions:
            if function.definer is not None and not function.pinned:
                file, span = function.definer
                self._report(ctx, file, span, function)

    @staticmethod
    def _apply(ctx: UnitContext, function: _Function, file: int, statement: Statement, settings: list[Node]) -> None:
        for item in settings:
            option = item.get("DefElem", {})
            if option.get("defname") == "security":
                source = ctx.sources[file]
                if source is not None and _is_definer(option):
                    function.definer = (file, word_span(source, statement, option.get("location")))
                else:
                    function.definer = None  # SECURITY INVOKER
            elif option.get("defname") == "set":
                change = option.get("arg", {}).get("VariableSetStmt", {})
                if change.get("kind") == "VAR_RESET_ALL":
                    function.pinned = False
                elif change.get("name") == "search_path":
                    function.pinned = change.get("kind") in _PINNING

    @staticmethod
    def _report(ctx: UnitContext, file: int, span: Span, function: _Function) -> None:
        kind = "procedure" if function.procedure else "function"
        keyword = kind.upper()
        schema = sql_name(function.schema) if function.schema else "app"
        ctx.report(
            file,
            span,
            f"{kind} {function.label} runs with its owner's privileges (SECURITY DEFINER) but leaves search_path "
            "to the caller: whoever can create a table or function in a schema on the caller's path (or a temporary "
            "table) can make its unqualified names resolve to their own objects, and so act as the owner",
            f"Pin the path where the {kind} is defined: add SET search_path = {schema}, pg_temp (trusted schemas "
            f"only, pg_temp last) to its CREATE {keyword}, or run ALTER {keyword} {function.label} SET search_path = "
            f"{schema}, pg_temp in the same migration (a new migration if this one has already run); and "
            f"REVOKE EXECUTE ON {keyword} {function.label} FROM PUBLIC, granting it to the roles that call it.",
        )


def _makes_definer(statement: Statement) -> bool:
    if statement.kind == "CreateFunctionStmt":
        settings = statement.node.get("options")
    elif statement.kind == "AlterFunctionStmt":
        settings = statement.node.get("actions")
    else:
        return False
    return any(_is_definer(item.get("DefElem", {})) for item in settings or ())


def _is_definer(option: Node) -> bool:
    return option.get("defname") == "security" and bool(option.get("arg", {}).get("Boolean", {}).get("boolval"))


def _name(parts: list[Node] | None) -> tuple[str | None, str]:
    names = [part.get("String", {}).get("sval", "") for part in parts or ()]
    return (names[-2] if len(names) > 1 else None), (names[-1] if names else "")


def _altered(node: Node) -> _Function:
    """The function an ALTER FUNCTION / PROCEDURE / ROUTINE names."""
    target = node.get("func") or {}
    arguments = None if target.get("args_unspecified") else tuple(_type(t.get("TypeName", {})) for t in target.get("objargs") or ())
    return _Function(*_name(target.get("objname")), arguments, node.get("objtype") == "OBJECT_PROCEDURE")


def _parameters(node: Node) -> tuple[str, ...]:
    parameters = [item.get("FunctionParameter", {}) for item in node.get("parameters") or ()]
    return tuple(_type(p.get("argType", {})) for p in parameters if p.get("mode", "FUNC_PARAM_DEFAULT") in _SIGNATURE_MODES)


def _type(type_name: Node) -> str:
    """A parameter type as SQL writes it (bigint, not the parser's pg_catalog.int8)."""
    *schema, name = [part.get("String", {}).get("sval", "") for part in type_name.get("names") or ()] or [""]
    label = type_label(TypeRef(name, is_array=bool(type_name.get("arrayBounds"))))
    return ".".join([*(sql_name(part) for part in schema if part != "pg_catalog"), label])
