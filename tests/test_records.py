"""`record` behaves as `dataclass(slots=True)` (and `frozen=True`) for every feature sqlsoul's classes use."""

from __future__ import annotations

import copy
import dataclasses
from dataclasses import dataclass, field
from typing import Any, ClassVar

import pytest

from sqlsoul.records import record

_counter = iter(range(100, 10_000))


def _define(decorate: Any) -> tuple[type, type]:
    """The same two classes (one mutable, one frozen) made by `decorate`."""

    @decorate(frozen=False)
    class Mutable:
        """A class with every kind of field."""

        kind: ClassVar[str] = "not a field"
        name: str
        size: int = 3
        tags: list[str] = field(default_factory=list)
        serial: int = field(default_factory=lambda: next(_counter), compare=False, repr=False)
        derived: str = field(init=False)
        cache: dict[str, int] | None = field(default=None, init=False)
        log: list[str] = field(default_factory=list, init=False)

        def __post_init__(self) -> None:
            self.derived = self.name.upper()

    @decorate(frozen=True)
    class Frozen:
        """A value type."""

        start: int
        end: int = 0
        label: str = field(default="", compare=False)

    return Mutable, Frozen


def _as_dataclass(frozen: bool) -> Any:
    return dataclass(slots=True, frozen=frozen)


def _as_record(frozen: bool) -> Any:
    return record(frozen=True) if frozen else record


MADE = {"dataclass": _define(_as_dataclass), "record": _define(_as_record)}


@pytest.mark.parametrize("maker", sorted(MADE))
def test_construction_defaults_and_post_init(maker: str) -> None:
    mutable, frozen = MADE[maker]
    first, second = mutable("a"), mutable("b", 5, ["x"])
    assert (first.name, first.size, first.tags, first.derived, first.cache, first.log) == ("a", 3, [], "A", None, [])
    assert (second.size, second.tags, second.derived) == (5, ["x"], "B")
    assert first.tags is not mutable("c").tags  # a new list each time
    assert second.serial != first.serial  # the factory runs for each instance
    assert mutable("d", tags=["y"], size=1).tags == ["y"]
    with pytest.raises(TypeError):
        mutable("e", derived="no")  # init=False fields are not arguments
    with pytest.raises(TypeError):
        mutable()  # name has no default
    assert (frozen(1).start, frozen(1).end, frozen(1, 2, "x").label) == (1, 0, "x")
    assert not hasattr(first, "__dict__") and not hasattr(frozen(1), "__dict__")
    assert mutable.kind == "not a field"


@pytest.mark.parametrize("maker", sorted(MADE))
def test_equality_hashing_and_repr(maker: str) -> None:
    mutable, frozen = MADE[maker]
    assert mutable("a") == mutable("a")  # serial differs but is not compared
    assert mutable("a") != mutable("a", 4)
    assert mutable("a").__eq__(frozen(1)) is NotImplemented
    with pytest.raises(TypeError):
        hash(mutable("a"))
    assert frozen(1, 2, "x") == frozen(1, 2, "y") and hash(frozen(1, 2, "x")) == hash(frozen(1, 2, "y"))
    assert frozen(1, 2) != frozen(1, 3)
    assert {frozen(1, 2): "a"}[frozen(1, 2)] == "a"
    assert repr(mutable("a", 2, ["t"])).endswith("Mutable(name='a', size=2, tags=['t'], derived='A', cache=None, log=[])")
    assert repr(frozen(1, 2, "x")).endswith("Frozen(start=1, end=2, label='x')")


@pytest.mark.parametrize("maker", sorted(MADE))
def test_frozen_fields_cannot_change_but_copies_can_be_made(maker: str) -> None:
    _, frozen = MADE[maker]
    value = frozen(1, 2, "x")
    with pytest.raises(dataclasses.FrozenInstanceError):
        value.start = 5
    with pytest.raises(dataclasses.FrozenInstanceError):
        del value.end
    assert dataclasses.replace(value, end=9) == frozen(1, 9)
    assert copy.copy(value) == value and copy.deepcopy(value) == value


@pytest.mark.parametrize("maker", sorted(MADE))
def test_dataclasses_functions_see_the_fields(maker: str) -> None:
    mutable, _ = MADE[maker]
    assert dataclasses.is_dataclass(mutable)
    assert [item.name for item in dataclasses.fields(mutable)] == ["name", "size", "tags", "serial", "derived", "cache", "log"]
    changed = dataclasses.replace(mutable("a", 2), size=7)
    assert (changed.name, changed.size, changed.derived) == ("a", 7, "A")
    assert dataclasses.asdict(mutable("a"))["tags"] == []


def test_a_record_that_references_itself_shows_an_ellipsis() -> None:
    @record
    class Node:
        """A link in a chain."""

        name: str
        next: Any = None

    node = Node("a")
    node.next = node
    assert repr(node).endswith("Node(name='a', next=...)")
