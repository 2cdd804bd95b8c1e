"""`record`: data classes that cost little to define.

Start-up time counts (pre-commit runs sqlsoul on every commit), and on Python 3.11 and 3.12
`dataclasses.dataclass` compiles each method it writes on its own: __init__, __repr__, __eq__,
__hash__, and __setattr__ and __delattr__ for a frozen class. For sqlsoul's classes that was about
0.45 ms a class, 25 ms of every run. `record` lets `dataclasses` read the fields, so `fields()`,
`replace()` and `is_dataclass()` work as ever, then compiles __init__ alone, when the first object
is made (it runs for every object); __eq__, __hash__, __repr__ and the frozen guards are shared
functions that read the fields through one `attrgetter`. Every record has __slots__.

The methods behave as those of `dataclass(slots=True)` (and `frozen=True`) for what the fields of
sqlsoul's classes use: defaults, default_factory, init=False, compare=False, repr=False, and a
__post_init__ method.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import MISSING, Field, FrozenInstanceError
from operator import attrgetter
from reprlib import recursive_repr
from typing import Any, TypeVar, dataclass_transform, overload

T = TypeVar("T")

_FACTORY = object()  # the default of an __init__ argument whose field has a default_factory


@overload
def record(cls: type[T], /) -> type[T]: ...
@overload
def record(*, frozen: bool = False) -> Callable[[type[T]], type[T]]: ...


@dataclass_transform(field_specifiers=(dataclasses.field, Field))
def record(cls: type[T] | None = None, /, *, frozen: bool = False) -> Any:
    """Make `cls` a data class with __slots__, frozen (its fields cannot be assigned) if asked."""

    def wrap(cls: type[T]) -> type[T]:
        return _build(cls, frozen)

    return wrap if cls is None else wrap(cls)


def _build(cls: type[T], frozen: bool) -> type[T]:
    cls = dataclasses.dataclass(cls, init=False, repr=False, eq=False, slots=True)  # type: ignore[assignment]
    fields = dataclasses.fields(cls)  # type: ignore[arg-type]
    scope: dict[str, Any] = {"_FACTORY": _FACTORY}
    parameters, lines = ["self"], []
    for number, item in enumerate(fields):
        value = item.name
        if item.default_factory is not MISSING:
            scope[f"_factory_{number}"] = item.default_factory
            if item.init:
                parameters.append(f"{item.name}=_FACTORY")
                value = f"_factory_{number}() if {item.name} is _FACTORY else {item.name}"
            else:
                value = f"_factory_{number}()"
        elif item.init:
            if item.default is not MISSING:
                scope[f"_default_{number}"] = item.default
                parameters.append(f"{item.name}=_default_{number}")
            else:
                parameters.append(item.name)
        elif item.default is not MISSING:
            scope[f"_default_{number}"] = item.default
            value = f"_default_{number}"
        else:
            continue  # init=False without a default: set later (by __post_init__, say)
        if frozen:  # past the frozen guard, through the field's slot (twice as fast as object.__setattr__)
            scope[f"_set_{number}"] = cls.__dict__[item.name].__set__
            lines.append(f"_set_{number}(self, {value})")
        else:
            lines.append(f"self.{item.name} = {value}")
    if hasattr(cls, "__post_init__"):
        lines.append("self.__post_init__()")
    source = "\n    ".join([f"def __init__({', '.join(parameters)}):", *(lines or ["pass"])])
    cls.__init__ = _compiled_when_first_used(cls, source, scope)  # type: ignore[misc]
    cls.__eq__ = _eq_of(_values_of([item.name for item in fields if item.compare]))  # type: ignore[method-assign,assignment]
    if not frozen:
        cls.__hash__ = None  # type: ignore[assignment]  # mutable and compared by value: unhashable, as dataclasses makes it
    else:
        hashed = [item.name for item in fields if (item.compare if item.hash is None else item.hash)]
        cls.__hash__ = _hash_of(_values_of(hashed))  # type: ignore[method-assign,assignment]
        cls.__setattr__ = _frozen_setattr  # type: ignore[method-assign,assignment]
        cls.__delattr__ = _frozen_delattr  # type: ignore[method-assign,assignment]
        cls.__getstate__ = _frozen_getstate  # type: ignore[attr-defined]
        cls.__setstate__ = _frozen_setstate  # type: ignore[attr-defined]
    cls.__repr__ = _repr_of(tuple(item.name for item in fields if item.repr))  # type: ignore[method-assign,assignment]
    return cls


def _compiled_when_first_used(cls: type, source: str, scope: dict[str, Any]) -> Callable[..., None]:
    """An __init__ that compiles the real one, puts it in its place and runs it: a run makes objects
    of only some classes (a quarter of them are for other commands, dialects or layouts)."""

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        exec(source, scope)  # noqa: S102 - the source is made by _build from field names only
        real = scope["__init__"]
        real.__qualname__ = f"{cls.__qualname__}.__init__"
        cls.__init__ = real  # type: ignore[misc]
        real(self, *args, **kwargs)

    return __init__


def _values_of(names: list[str]) -> Callable[[Any], tuple[Any, ...]]:
    """The tuple of an object's values of these fields: what dataclasses compare and hash."""
    if len(names) > 1:
        return attrgetter(*names)
    if names:
        one = attrgetter(names[0])
        return lambda item: (one(item),)
    return lambda item: ()


def _eq_of(values: Callable[[Any], tuple[Any, ...]]) -> Callable[[Any, Any], Any]:
    def __eq__(self: Any, other: Any) -> Any:
        if other.__class__ is self.__class__:
            return values(self) == values(other)
        return NotImplemented

    return __eq__


def _hash_of(values: Callable[[Any], tuple[Any, ...]]) -> Callable[[Any], int]:
    def __hash__(self: Any) -> int:
        return hash(values(self))

    return __hash__


def _repr_of(names: tuple[str, ...]) -> Callable[[Any], str]:
    @recursive_repr()
    def __repr__(self: Any) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in names)
        return f"{self.__class__.__qualname__}({shown})"

    return __repr__


def _frozen_setattr(self: Any, name: str, value: Any) -> None:
    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def _frozen_delattr(self: Any, name: str) -> None:
    raise FrozenInstanceError(f"cannot delete field {name!r}")


def _frozen_getstate(self: Any) -> list[Any]:
    # Copying and pickling restore the fields through __setstate__, past the frozen guard.
    return [getattr(self, item.name) for item in dataclasses.fields(self)]


def _frozen_setstate(self: Any, state: list[Any]) -> None:
    for item, value in zip(dataclasses.fields(self), state):
        object.__setattr__(self, item.name, value)
