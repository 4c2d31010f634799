"""The blacklist part of the side panel."""

from __future__ import annotations

from textual.widgets import Static


class BlacklistPanel(Static):
    DEFAULT_CSS = "BlacklistPanel { height: auto; padding: 0 1; }"

    def __init__(self, **kwargs: object) -> None:
        super().__init__("Not checked yet.", markup=False, **kwargs)  # type: ignore[arg-type]
