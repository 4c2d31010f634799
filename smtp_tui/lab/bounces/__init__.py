"""Demo bounces for the practice lab, listed in ``index.toml`` (data, not code)."""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources

from smtp_tui.core.record import frozen_record


@frozen_record
class DemoBounce:
    """One demo bounce: its file, a title for the menu, the failed recipient, and what a
    re-test against the lab shows."""

    file: str
    title: str
    recipient: str
    retest: str

    def read_bytes(self) -> bytes:
        return resources.files(__package__).joinpath(self.file).read_bytes()


@cache
def demo_bounces() -> tuple[DemoBounce, ...]:
    """The lab's demo bounces, in the order of ``index.toml``."""
    data = tomllib.loads(resources.files(__package__).joinpath("index.toml").read_text("utf-8"))
    return tuple(DemoBounce(**entry) for entry in data["bounce"])
