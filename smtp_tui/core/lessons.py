"""The short lesson shown for each step (data in ``data/lessons.toml``)."""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources

from smtp_tui.core.record import frozen_record


@frozen_record
class Lesson:
    title: str
    does: str
    good: str
    wrong: str
    prompt: str


@cache
def lessons() -> dict[str, Lesson]:
    """Lessons keyed by ``mx``, ``connect``, ``ehlo``, ``mail``, ``rcpt`` and ``free``."""
    text = resources.files("smtp_tui.core").joinpath("data/lessons.toml").read_text("utf-8")
    return {key: Lesson(**value) for key, value in tomllib.loads(text).items()}
