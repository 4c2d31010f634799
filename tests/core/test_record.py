"""Records behave as the dataclasses they replace: each check runs on a record and on the same
class made by ``dataclasses``, and both must answer alike."""

from __future__ import annotations

import copy
import dataclasses
import pickle
import subprocess
import sys

import pytest

from smtp_tui.core.record import FrozenRecordError, field, frozen_record, mutable_record, replace


@frozen_record
class Point:
    x: int
    y: int = 0
    tags: tuple[str, ...] = ()
    notes: list[str] = field(default_factory=list)
    cached: str = field(default="", compare=False, repr=False)

    def moved(self, dx: int) -> Point:
        return replace(self, x=self.x + dx)


@dataclasses.dataclass(frozen=True)
class DataPoint:
    x: int
    y: int = 0
    tags: tuple[str, ...] = ()
    notes: list[str] = dataclasses.field(default_factory=list)
    cached: str = dataclasses.field(default="", compare=False, repr=False)


@mutable_record
class Counter:
    seen: int = 0
    names: set[str] = field(default_factory=set)


@frozen_record
class Pickled:
    word: str
    count: int = 1


def test_construction_matches_dataclasses() -> None:
    cases = [((1,), {}), ((1, 2), {}), ((), {"x": 3, "tags": ("a",)}), ((1,), {"cached": "c"})]
    for args, kwargs in cases:
        made, reference = Point(*args, **kwargs), DataPoint(*args, **kwargs)
        assert dataclasses.astuple(reference) == (
            made.x,
            made.y,
            made.tags,
            made.notes,
            made.cached,
        )
        assert repr(made) == repr(reference).replace("DataPoint", "Point")


def test_equality_and_hash_leave_out_fields_not_compared() -> None:
    assert Point(1, cached="a") == Point(1, cached="b")
    assert Point(1) != Point(2)
    assert Point(1) != DataPoint(1)
    assert hash(Pickled("a")) == hash(Pickled("a", 1))
    assert {Pickled("a"), Pickled("a", 1)} == {Pickled("a")}
    with pytest.raises(TypeError, match="list"):
        hash(Point(1))  # a list field, as with a dataclass


def test_each_record_gets_its_own_default_from_a_factory() -> None:
    first, second = Point(1), Point(2)
    first.notes.append("only mine")
    assert second.notes == []


def test_a_frozen_record_refuses_changes_as_a_frozen_dataclass_does() -> None:
    point = Point(1)
    with pytest.raises(FrozenRecordError):
        point.x = 2  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del point.y  # type: ignore[misc]
    assert point.x == 1


def test_a_mutable_record_changes_and_cannot_be_hashed() -> None:
    counter = Counter()
    counter.seen += 1
    counter.names.add("a")
    assert counter == Counter(1, {"a"})
    with pytest.raises(TypeError):
        hash(counter)


def test_wrong_arguments_are_type_errors_like_any_call() -> None:
    with pytest.raises(TypeError, match="missing required argument: 'x'"):
        Point()  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="positional"):
        Point(1, 2, (), [], "", "extra")  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="'z'"):
        Point(1, z=3)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="'x'"):
        Point(1, x=2)  # type: ignore[misc]


def test_replace_makes_a_new_record_and_checks_names() -> None:
    point = Point(1, 2, ("a",))
    assert point.moved(2) == Point(3, 2, ("a",))
    assert point == Point(1, 2, ("a",))
    with pytest.raises(TypeError):
        replace(point, z=1)


def test_match_args_allow_positional_patterns() -> None:
    match Point(5, 6):
        case Point(x, y):
            assert (x, y) == (5, 6)
        case _:
            pytest.fail("no match")


def test_copies_and_pickles_round_trip() -> None:
    value = Pickled("a", 2)
    assert copy.copy(value) == value
    assert copy.deepcopy(value) == value
    assert pickle.loads(pickle.dumps(value)) == value


def test_definitions_that_dataclasses_refuse_are_refused() -> None:
    with pytest.raises(TypeError, match="non-default argument"):

        @frozen_record
        class _Bad:
            a: int = 1
            b: int

    with pytest.raises(ValueError, match="default_factory"):

        @frozen_record
        class _Shared:
            items: list[int] = []  # the mistake under test

    with pytest.raises(ValueError, match="default_factory"):

        @frozen_record
        class _SharedBytes:
            buffer: bytearray = bytearray()  # unhashable, so mutable: as dataclasses judge it


def test_what_records_do_not_do_is_refused_instead_of_ignored() -> None:
    with pytest.raises(TypeError, match="__post_init__"):

        @frozen_record
        class _Checked:
            value: int

            def __post_init__(self) -> None:
                raise AssertionError("never called")

    with pytest.raises(TypeError, match="inherit"):

        @frozen_record
        class _Moved(Pickled):
            where: str = ""


def test_a_deleted_field_is_refused_in_its_own_words() -> None:
    with pytest.raises(FrozenRecordError, match="cannot delete field 'word'"):
        del Pickled("a").word  # type: ignore[misc]


def test_a_class_keeps_the_methods_it_writes_itself() -> None:
    @frozen_record
    class Shown:
        word: str

        def __repr__(self) -> str:
            return f"<{self.word}>"

    assert repr(Shown("hi")) == "<hi>"


def test_the_package_never_imports_dataclasses() -> None:
    # Importing dataclasses costs the plain check 17 ms (inspect, ast, dis, tokenize).
    code = (
        "import sys, smtp_tui.cli, smtp_tui.plain.check, smtp_tui.core.flow, smtp_tui.core.explain;"
        "print('dataclasses' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
