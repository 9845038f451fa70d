"""Classes of named fields, made as `dataclasses.dataclass` makes them, at a fraction of the
start-up cost: every journal command is a new process, and the classes of the core, the
storage and the screens are made on each start.

The standard `dataclasses` imports `inspect` (with `ast`, `dis`, `tokenize`, `linecache`)
and compiles six functions per class; measured in a clean install, that was about a third
of what `journal list` costs over a bare interpreter (the import about 47 M instructions,
then 3 to 5 M for each of the twenty classes a read makes). Here only `__init__` is compiled
(it runs for every event and trade read, so it is the code dataclasses would write); the
comparison, hash, repr and the frozen guard are shared functions reading the fields by
`operator.attrgetter`. What the journal uses of dataclasses is kept, with the same
behaviour (tests/test_datatypes.py compares them): defaults, `field(default_factory=…,
init=, repr=, compare=)`, `__post_init__`, `frozen` (with `FrozenInstanceError`, an
AttributeError), `order`, `fields()` and `replace()`.
"""

from __future__ import annotations

from operator import attrgetter

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import Any

__all__ = ["FrozenInstanceError", "Field", "field", "fields", "record", "replace"]

_MISSING: Any = type("_Missing", (), {"__repr__": lambda self: "MISSING"})()
_FIELDS = "__record_fields__"


class FrozenInstanceError(AttributeError):
    """A field of a frozen record was assigned or deleted."""


class Field:
    """One field: its name, its default (or the factory that makes one), and whether it is
    an argument of `__init__`, shown by `repr` and compared."""

    __slots__ = ("name", "default", "default_factory", "init", "repr", "compare")

    def __init__(self, default: Any, default_factory: Any, init: bool, repr: bool, compare: bool):
        if default is not _MISSING and default_factory is not _MISSING:
            raise ValueError("cannot specify both default and default_factory")
        self.name = ""
        self.default, self.default_factory = default, default_factory
        self.init, self.repr, self.compare = init, repr, compare

    def __repr__(self) -> str:
        return f"Field(name={self.name!r})"


def field(
    *,
    default: Any = _MISSING,
    default_factory: Any = _MISSING,
    init: bool = True,
    repr: bool = True,
    compare: bool = True,
) -> Any:
    """A field with a factory for its default, or left out of `__init__`, `repr` or `==`."""
    return Field(default, default_factory, init, repr, compare)


def fields(cls_or_record: Any) -> tuple[Field, ...]:
    """The fields of a record class (or of a record), in their order."""
    try:
        return tuple(getattr(cls_or_record, _FIELDS).values())
    except AttributeError:
        raise TypeError("must be called with a record class or instance") from None


def replace(obj: Any, /, **changes: Any) -> Any:
    """A copy of the record `obj` with some fields changed, made by its `__init__`."""
    for f in getattr(obj, _FIELDS).values():
        if not f.init:
            if f.name in changes:
                raise ValueError(
                    f"field {f.name} is declared with init=False, it cannot be"
                    " specified with replace()"
                )
        elif f.name not in changes:
            changes[f.name] = getattr(obj, f.name)
    return obj.__class__(**changes)


def record(cls: Any = None, /, *, frozen: bool = False, order: bool = False) -> Any:
    """The class decorator: `@record` or `@record(frozen=True, order=True)`."""

    def wrap(cls: Any) -> Any:
        return _make(cls, frozen, order)

    return wrap if cls is None else wrap(cls)


def _make(cls: Any, frozen: bool, order: bool) -> Any:
    own = cls.__dict__.get("__annotations__", {})
    found: dict[str, Field] = {}
    for name, kind in own.items():
        if isinstance(kind, str) and kind.startswith(("ClassVar", "typing.ClassVar")):
            continue
        default = cls.__dict__.get(name, _MISSING)
        f = default if isinstance(default, Field) else Field(default, _MISSING, True, True, True)
        f.name = name
        if isinstance(default, Field):
            if f.default is _MISSING:
                delattr(cls, name)
            else:
                setattr(cls, name, f.default)
        if f.default is not _MISSING and f.default.__class__.__hash__ is None:
            raise ValueError(
                f"mutable default {type(f.default)} for field {name} is not"
                " allowed: use default_factory"
            )
        found[name] = f
    setattr(cls, _FIELDS, found)
    compared = [f.name for f in found.values() if f.compare]
    key = attrgetter(*compared) if len(compared) > 1 else _single(compared)
    made = {
        "__init__": _init(cls, found, frozen),
        "__repr__": _repr,
        "__eq__": _eq,
        "__match_args__": tuple(f.name for f in found.values() if f.init),
        "__record_key__": staticmethod(key),
    }
    if order:
        made |= {"__lt__": _LT, "__le__": _LE, "__gt__": _GT, "__ge__": _GE}
    for name, value in made.items():  # what the class writes itself stays (as dataclasses)
        if name not in cls.__dict__:
            setattr(cls, name, value)
    if frozen:
        cls.__hash__ = _hash
        cls.__setattr__ = _frozen_setattr(cls, set(found))
        cls.__delattr__ = _frozen_delattr(cls, set(found))
    else:
        cls.__hash__ = None  # mutable and compared by value: unhashable, as dataclasses
    return cls


def _single(names: list[str]) -> Any:
    """The comparison key of a record with one compared field (or none): always a tuple."""
    if not names:
        return lambda _obj: ()
    get = attrgetter(names[0])
    return lambda obj: (get(obj),)


def _stored_plainly(cls: Any, found: dict[str, Field]) -> bool:
    """Whether a frozen record's fields may be written straight into its `__dict__`: what
    `object.__setattr__` (dataclasses' way past the frozen guard) does for such a class,
    about four times quicker, and a read of a large journal makes records by the hundred
    thousand. Not for a class with `__slots__` in its ancestry, nor when a class attribute
    under a field's name is a data descriptor (its `__set__` must run)."""
    if any("__slots__" in vars(klass) for klass in cls.__mro__[:-1]):
        return False
    return not any(hasattr(type(getattr(cls, name, None)), "__set__") for name in found)


def _init(cls: Any, found: dict[str, Field], frozen: bool) -> Any:
    """`__init__`, compiled as dataclasses writes it: the fields in order, each default a
    parameter default, each factory called when its argument was not given."""
    scope: dict[str, Any] = {"_MISSING": _MISSING, "_set": object.__setattr__}
    params, body, seen_default = [], [], False
    plainly = frozen and _stored_plainly(cls, found)
    for f in found.values():
        value = f.name
        if f.default_factory is not _MISSING:
            scope[f"_f_{f.name}"] = f.default_factory
            if f.init:
                params.append(f"{f.name}=_MISSING")
                value = f"_f_{f.name}() if {f.name} is _MISSING else {f.name}"
            else:
                value = f"_f_{f.name}()"
            seen_default = True
        elif not f.init:
            if f.default is _MISSING:
                continue
            scope[f"_d_{f.name}"] = f.default
            value = f"_d_{f.name}"
        elif f.default is not _MISSING:
            scope[f"_d_{f.name}"] = f.default
            params.append(f"{f.name}=_d_{f.name}")
            seen_default = True
        elif seen_default:
            raise TypeError(f"non-default argument {f.name!r} follows default argument")
        else:
            params.append(f.name)
        if plainly:
            body.append(f"_d[{f.name!r}] = {value}")
        elif frozen:
            body.append(f"_set(self, {f.name!r}, {value})")
        else:
            body.append(f"self.{f.name} = {value}")
    if plainly and body:
        body.insert(0, "_d = self.__dict__")
    if hasattr(cls, "__post_init__"):
        body.append("self.__post_init__()")
    source = f"def __init__(self, {', '.join(params)}):\n    " + "\n    ".join(body or ["pass"])

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        """Compiles the real `__init__` when the first instance is made, puts it on the class
        and runs it: of the twenty-odd records a command's modules define, most are never
        made in that command, and compiling one costs about 0.5 M instructions."""
        # exec of the text, not of compile()'s code: the builtin compile() first makes the
        # `_ast` module's hundred node types (about 10 M instructions, a quarter of a bare start)
        exec(source, scope)  # noqa: S102
        init = scope["__init__"]
        init.__qualname__ = f"{cls.__qualname__}.__init__"
        type.__setattr__(cls, "__init__", init)
        init(self, *args, **kwargs)

    __init__.__qualname__ = f"{cls.__qualname__}.__init__"
    return __init__


def _repr(self: Any) -> str:
    shown = ", ".join(
        f"{f.name}={getattr(self, f.name)!r}" for f in getattr(self, _FIELDS).values() if f.repr
    )
    return f"{self.__class__.__qualname__}({shown})"


def _eq(self: Any, other: Any) -> Any:
    if other.__class__ is self.__class__:
        key = self.__record_key__
        return key(self) == key(other)
    return NotImplemented


def _hash(self: Any) -> int:
    return hash(self.__record_key__(self))


def _compare(op: Any) -> Any:
    def compare(self: Any, other: Any) -> Any:
        if other.__class__ is self.__class__:
            key = self.__record_key__
            return op(key(self), key(other))
        return NotImplemented

    return compare


_LT = _compare(lambda a, b: a < b)
_LE = _compare(lambda a, b: a <= b)
_GT = _compare(lambda a, b: a > b)
_GE = _compare(lambda a, b: a >= b)


def _frozen_setattr(cls: Any, names: set[str]) -> Any:
    def __setattr__(self: Any, name: str, value: Any) -> None:
        if type(self) is cls or name in names:
            raise FrozenInstanceError(f"cannot assign to field {name!r}")
        super(cls, self).__setattr__(name, value)

    return __setattr__


def _frozen_delattr(cls: Any, names: set[str]) -> Any:
    def __delattr__(self: Any, name: str) -> None:
        if type(self) is cls or name in names:
            raise FrozenInstanceError(f"cannot delete field {name!r}")
        super(cls, self).__delattr__(name)

    return __delattr__
