"""Messages the screen's workers post: results arrive on the screen, widgets only display."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from smtp_tui.core.dnsbl import ZoneResult
    from smtp_tui.core.sender import SenderReport


class BlacklistResult(Message):
    """One list answered for the sending IP or the MAIL FROM domain."""

    def __init__(self, result: ZoneResult) -> None:
        self.result = result
        super().__init__()


class SenderChecked(Message):
    """The whole sending-side check is done."""

    def __init__(self, report: SenderReport) -> None:
        self.report = report
        super().__init__()
