"""journal/core/datatypes.py makes classes as the standard `dataclasses` does (what the journal
uses of it): each behaviour is checked side by side with a dataclass of the same shape, and the
journal's commands import no `dataclasses` (nor `inspect`) to read."""

import copy
import dataclasses
import subprocess
import sys
from datetime import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from journal.core import datatypes as dt


def _pair(frozen: bool = True, order: bool = False):
    """The same class, made by dataclasses and by datatypes."""

    def body():
        class Shape:
            """A shape."""

            name: str
            size: int
            when: datetime | None = None
            tags: tuple[str, ...] = ()
            notes: dict = dataclasses.field(default_factory=dict)
            cache: dict = dataclasses.field(
                default_factory=dict, init=False, repr=False, compare=False
            )

            @property
            def big(self) -> bool:
                return self.size > 10

        return Shape

    ours = body()
    ours.notes = dt.field(default_factory=dict)
    ours.cache = dt.field(default_factory=dict, init=False, repr=False, compare=False)
    return (
        dataclasses.dataclass(frozen=frozen, order=order)(body()),
        dt.record(frozen=frozen, order=order)(ours),
    )


def _hashes(obj) -> bool:
    try:
        hash(obj)
    except TypeError:
        return False
    return True


values = st.tuples(st.text(max_size=5), st.integers(-5, 20), st.tuples(st.sampled_from("ab")))


@given(values, values)
def test_equality_hash_order_and_repr_are_those_of_a_dataclass(a, b) -> None:
    theirs, ours = _pair(frozen=True, order=True)
    (x, y), (p, q) = (
        (theirs(a[0], a[1], tags=a[2]), theirs(b[0], b[1], tags=b[2])),
        (
            ours(a[0], a[1], tags=a[2]),
            ours(b[0], b[1], tags=b[2]),
        ),
    )
    assert (p == q) == (x == y)
    assert (p < q, p <= q, p > q, p >= q) == (x < y, x <= y, x > y, x >= y)
    assert _hashes(p) is _hashes(x)  # a dict field: unhashable in both
    assert repr(p) == repr(x)
    assert p != x and p.big == x.big
    assert dt.replace(p, size=3) == ours(a[0], 3, tags=a[2])


def test_defaults_factories_and_fields_are_those_of_a_dataclass() -> None:
    theirs, ours = _pair(frozen=False)
    x, p = theirs("a", 1), ours("a", 1)
    assert (
        vars(p)
        == vars(x)
        == {"name": "a", "size": 1, "when": None, "tags": (), "notes": {}, "cache": {}}
    )
    assert p.notes is not ours("b", 2).notes  # a new dict for each, from the factory
    assert [f.name for f in dt.fields(ours)] == [f.name for f in dataclasses.fields(theirs)]
    assert ours.__match_args__ == theirs.__match_args__
    assert ours.tags == theirs.tags == ()  # a default stays a class attribute
    assert "notes" not in vars(ours) and "notes" not in vars(theirs)
    with pytest.raises(TypeError):
        ours("a")  # a missing argument
    with pytest.raises(TypeError):
        ours("a", 1, cache={})  # init=False
    with pytest.raises(ValueError):
        dt.replace(p, cache={})
    p.size = 4  # not frozen
    assert p.size == 4 and ours.__hash__ is None is theirs.__hash__  # mutable: unhashable
    assert copy.deepcopy(p) == p and copy.deepcopy(p) is not p


def test_a_frozen_record_refuses_changes_as_a_dataclass_does() -> None:
    theirs, ours = _pair(frozen=True)
    x, p = theirs("a", 1), ours("a", 1)
    for obj, error in ((x, dataclasses.FrozenInstanceError), (p, dt.FrozenInstanceError)):
        with pytest.raises(error) as caught:
            obj.size = 2
        assert str(caught.value) == "cannot assign to field 'size'"
        with pytest.raises(error, match="cannot delete field 'name'"):
            del obj.name
    assert issubclass(dt.FrozenInstanceError, AttributeError)


@given(values, values)
def test_a_frozen_record_of_hashable_fields_hashes_by_value(a, b) -> None:
    @dt.record(frozen=True)
    class Key:
        name: str
        size: int

    p, q = Key(a[0], a[1]), Key(b[0], b[1])
    assert (p == q) == (a[:2] == b[:2])
    assert p != q or hash(p) == hash(q)
    assert {p, Key(a[0], a[1])} == {p}


def test_post_init_runs_and_a_default_before_a_required_field_is_refused() -> None:
    @dt.record(frozen=True)
    class Move:
        after: frozenset
        to: str | None = None

        def __post_init__(self) -> None:
            object.__setattr__(self, "after", frozenset(self.after))

    assert Move(["a", "b"]).after == frozenset("ab")
    with pytest.raises(TypeError, match="non-default argument 'b' follows default argument"):

        @dt.record
        class Bad:
            a: int = 0
            b: int

    with pytest.raises(ValueError, match="mutable default"):

        @dt.record
        class Shared:
            a: list = []  # noqa: RUF012


def test_the_everyday_commands_import_no_dataclasses() -> None:
    """The journal's own classes no longer bring `dataclasses` (and `inspect`) along."""
    code = (
        "import sys, journal.service, journal.results, journal.text.screens, journal.settings;"
        " print(sorted({'dataclasses', 'inspect'} & set(sys.modules)))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.strip() == "[]", done.stderr


def test_init_is_compiled_by_the_first_instance_and_argument_errors_are_unchanged() -> None:
    """The real `__init__` is compiled when the first instance is made (a command defines
    many records and makes few), then it is the class's own; a wrong call is refused with
    dataclasses' words, first call or not, and a subclass made first compiles its parent's."""
    made_by_dataclasses, ours = _pair()
    stub = ours.__init__
    for cls in (made_by_dataclasses, ours):
        with pytest.raises(TypeError, match=r"missing 1 required positional argument: 'size'"):
            cls("x")
        with pytest.raises(TypeError, match="unexpected keyword argument 'colour'"):
            cls("x", 1, colour="red")
    assert ours.__init__ is not stub  # the failed calls compiled it already
    assert ours("x", 1) == ours(name="x", size=1)

    @dt.record
    class Parent:
        a: int
        b: str = "b"

    class Child(Parent):
        pass

    stub = Parent.__init__
    assert Child(1).b == "b" and Parent.__init__ is not stub
    assert "__init__" not in Child.__dict__
    assert Parent(2, "c") == Parent(a=2, b="c") and Parent.__init__.__qualname__.endswith(
        "Parent.__init__"
    )


def test_a_frozen_records_fields_are_stored_as_object_setattr_stores_them() -> None:
    """Written straight into `__dict__` (quicker), unless that would skip something
    `object.__setattr__` does: a slot, a data descriptor's `__set__`."""

    @dt.record(frozen=True)
    class Plain:
        a: int
        b: str = "x"

    plain = Plain(1)
    assert vars(plain) == {"a": 1, "b": "x"}
    with pytest.raises(dt.FrozenInstanceError):
        plain.a = 2

    class Slotted:
        __slots__ = ("a",)

    @dt.record(frozen=True)
    class OnSlots(Slotted):
        a: int

    assert OnSlots(3).a == 3 and "a" not in vars(OnSlots(3))  # in the slot

    seen = []

    class Guarded:
        def __get__(self, obj, owner):
            return self if obj is None else obj.__dict__["_a"]

        def __set__(self, obj, value):
            seen.append(value)
            obj.__dict__["_a"] = value * 10

    class Base:
        a = Guarded()

    @dt.record(frozen=True)
    class Described(Base):
        a: int

    described = Described(4)
    assert seen == [4] and described.a == 40  # its __set__ ran, as for a dataclass
