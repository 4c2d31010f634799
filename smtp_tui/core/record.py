"""The project's value type: a class of named fields that is cheap to define.

``@frozen_record`` does for a class what ``@dataclass(frozen=True)`` does (an ``__init__``
from the annotated fields, ``==`` and ``hash`` over them, a readable ``repr``, no assignment after
construction, ``__match_args__``, defaults and ``field(default_factory=...)``), and
``@mutable_record`` what ``@dataclass`` does. The type checker reads both as dataclasses
(PEP 681's ``dataclass_transform``).

Why not dataclasses, the standard library's answer: on Python 3.11 ``dataclasses`` compiles
six methods from source for every frozen class (about 1.2 ms a class here) and importing it
brings ``inspect``, ``ast``, ``dis`` and ``tokenize`` (17 ms). A plain ``smtp-tui check``
makes 22 such classes before it sends a byte: half of its imports and the whole gap to swaks
(issue 15). Here the methods are written once and shared; defining a class only reads its
annotations.
"""

from __future__ import annotations

from operator import attrgetter

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, TypeVar, overload

    from typing_extensions import dataclass_transform

    Cls = TypeVar("Cls", bound=type)
    Value = TypeVar("Value")
else:

    def dataclass_transform(**_options: object) -> object:
        return lambda decorated: decorated


class _Missing:
    """No default given (``None`` is a default like any other)."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING = _Missing()


class FrozenRecordError(AttributeError):
    """An attempt to change a field of a frozen record."""


class Field:
    """One field of a record: its name and how it is made, compared and shown."""

    __slots__ = ("compare", "default", "factory", "name", "repr")

    def __init__(
        self,
        default: object = MISSING,
        factory: Callable[[], object] | _Missing = MISSING,
        compare: bool = True,
        repr: bool = True,
    ) -> None:
        if default is not MISSING and factory is not MISSING:
            raise ValueError("a field takes a default or a default_factory, not both")
        self.name = ""
        self.default = default
        self.factory = factory
        self.compare = compare
        self.repr = repr

    @property
    def required(self) -> bool:
        return self.default is MISSING and self.factory is MISSING


if TYPE_CHECKING:
    # What mypy reads: dataclasses.field's overloads, so a default or a factory of the wrong
    # type is an error, as it was with dataclasses.
    @overload
    def field(*, default: Value, compare: bool = True, repr: bool = True) -> Value: ...
    @overload
    def field(
        *, default_factory: Callable[[], Value], compare: bool = True, repr: bool = True
    ) -> Value: ...
    @overload
    def field(*, compare: bool = True, repr: bool = True) -> Any: ...


def field(  # the overloads above are what mypy reads at call sites
    *,
    default: Any = MISSING,
    default_factory: Any = MISSING,
    compare: bool = True,
    repr: bool = True,
) -> Any:
    """A field with a default, a factory for one, or left out of ``==`` or ``repr``."""
    return Field(default, default_factory, compare, repr)


def _read_fields(cls: type) -> tuple[Field, ...]:
    """The class's fields in order, taking each default off the class (as dataclasses do)."""
    fields: list[Field] = []
    # Not inspect.get_annotations: importing inspect is what this module avoids.
    for name, annotation in cls.__dict__.get("__annotations__", {}).items():  # noqa: RUF063
        if "ClassVar" in str(annotation):
            continue
        given = cls.__dict__.get(name, MISSING)
        spec = given if isinstance(given, Field) else Field(default=given)
        if type(spec.default).__hash__ is None:  # as dataclasses: list, dict, set, bytearray ...
            raise ValueError(f"mutable default for field {name!r}: use default_factory")
        spec.name = name
        if spec.default is MISSING:
            if name in cls.__dict__:
                delattr(cls, name)
        else:
            setattr(cls, name, spec.default)
        if fields and not fields[-1].required and spec.required:
            raise TypeError(f"non-default argument {name!r} follows default argument")
        fields.append(spec)
    return tuple(fields)


def _init(self: object, *args: object, **kwargs: object) -> None:
    cls = type(self)
    fields: tuple[Field, ...] = cls.__record_fields__  # type: ignore[attr-defined]
    if len(args) > len(fields):
        raise TypeError(
            f"{cls.__name__}() takes {len(fields)} positional arguments but {len(args)} were given"
        )
    for spec, value in zip(fields, args, strict=False):
        _set(self, spec.name, value)
    for spec in fields[len(args) :]:
        name = spec.name
        if name in kwargs:
            _set(self, name, kwargs.pop(name))
        elif spec.default is not MISSING:
            _set(self, name, spec.default)
        elif not isinstance(spec.factory, _Missing):
            _set(self, name, spec.factory())
        else:
            raise TypeError(f"{cls.__name__}() missing required argument: {name!r}")
    if kwargs:
        names = ", ".join(repr(name) for name in kwargs)
        raise TypeError(f"{cls.__name__}() got unexpected or repeated arguments: {names}")


# Not ``self.__dict__``: reading it makes Python build a dict for the instance, which costs
# memory and slows every later attribute read of it.
_set = object.__setattr__


def _tuple_of(names: tuple[str, ...]) -> Callable[[object], tuple[object, ...]]:
    """A C-level reader of the named fields as a tuple (``attrgetter`` of one name returns
    the bare value, of none nothing)."""
    if len(names) > 1:
        return attrgetter(*names)
    if names:
        one = attrgetter(names[0])
        return lambda value: (one(value),)
    return lambda _value: ()


def _eq(self: object, other: object) -> bool:
    if other.__class__ is not self.__class__:
        return NotImplemented
    key = self.__class__.__record_key__  # type: ignore[attr-defined]
    return bool(key(self) == key(other))


def _hash(self: object) -> int:
    return hash(self.__class__.__record_key__(self))  # type: ignore[attr-defined]


def _repr(self: object) -> str:
    cls = type(self)
    shown = ", ".join(
        f"{spec.name}={getattr(self, spec.name)!r}"
        for spec in cls.__record_fields__  # type: ignore[attr-defined]
        if spec.repr
    )
    return f"{cls.__qualname__}({shown})"


def _refuse_change(self: object, name: str, _value: object) -> None:
    raise FrozenRecordError(f"cannot assign to field {name!r}")


def _refuse_deletion(self: object, name: str) -> None:
    raise FrozenRecordError(f"cannot delete field {name!r}")


def _make_record(cls: Any, frozen: bool) -> None:
    # ``Any``: the methods are set on a class the type checker already reads as a dataclass.
    # What dataclasses would do here and records do not: refuse it loudly, not silently.
    if "__post_init__" in cls.__dict__:
        raise TypeError(f"{cls.__name__}: records do not call __post_init__")
    if any(hasattr(base, "__record_fields__") for base in cls.__mro__[1:]):
        raise TypeError(f"{cls.__name__}: a record cannot inherit another record's fields")
    fields = _read_fields(cls)
    cls.__record_fields__ = fields
    cls.__record_key__ = _tuple_of(tuple(spec.name for spec in fields if spec.compare))
    cls.__record_values__ = _tuple_of(tuple(spec.name for spec in fields))
    cls.__match_args__ = tuple(spec.name for spec in fields)  # type: ignore[misc]  # guarded even on Any
    # What the class writes itself stays, as with dataclasses (a __hash__ of None that Python
    # put there because the class wrote __eq__ is not the class's own).
    own = cls.__dict__
    own_hash = own.get("__hash__", MISSING)
    writes_hash = not (own_hash is MISSING or (own_hash is None and "__eq__" in own))
    cls.__init__ = _init
    if "__eq__" not in own:
        cls.__eq__ = _eq
    if "__repr__" not in own:
        cls.__repr__ = _repr
    if not writes_hash:
        cls.__hash__ = _hash if frozen else None
    if frozen:
        cls.__setattr__ = _refuse_change
        cls.__delattr__ = _refuse_deletion


@dataclass_transform(frozen_default=True, field_specifiers=(field,))
def frozen_record(cls: Cls) -> Cls:
    """A frozen value: ``@dataclass(frozen=True)`` without compiling anything."""
    _make_record(cls, frozen=True)
    return cls


@dataclass_transform(field_specifiers=(field,))
def mutable_record(cls: Cls) -> Cls:
    """A value whose fields may change (and so cannot be hashed): ``@dataclass``."""
    _make_record(cls, frozen=False)
    return cls


if TYPE_CHECKING:
    # mypy checks the names and types of the changes for dataclasses.replace (and reads every
    # record as a dataclass), not for a function of ours: so it reads that one's signature.
    from dataclasses import replace as replace
else:

    def replace(value: Value, /, **changes: Any) -> Value:
        """A copy of a record with some fields changed, as ``dataclasses.replace``."""
        cls = type(value)
        given = dict(zip(cls.__match_args__, cls.__record_values__(value), strict=True))
        given.update(changes)
        return cls(**given)
