"""A state shown by a word and a symbol, never by colour alone: the steps, the block lists, the
sending side's checklist."""

from __future__ import annotations

from enum import Enum


class ShownStatus(Enum):
    """Each member's value is ``(word, symbol)``."""

    @property
    def word(self) -> str:
        return str(self.value[0])

    @property
    def symbol(self) -> str:
        return str(self.value[1])
