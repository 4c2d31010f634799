"""Copy text out of the app: OSC 52 (works over SSH where the terminal allows it) *and*
pyperclip (a local clipboard, where one exists), and say honestly what happened."""

from __future__ import annotations

import asyncio

from textual.app import App

from smtp_tui.core.record import frozen_record

PYPERCLIP_TIMEOUT = 3.0


@frozen_record
class CopyReport:
    local_ok: bool
    local_problem: str = ""

    def describe(self) -> str:
        local = (
            "local clipboard: copied"
            if self.local_ok
            else f"local clipboard: not available ({self.local_problem})"
        )
        return (
            "Sent to your terminal's clipboard (OSC 52; works if the terminal allows it, "
            f"in tmux with 'set -g set-clipboard on'); {local}."
        )


async def copy_everywhere(app: App[object], text: str) -> CopyReport:
    """OSC 52 through Textual, then pyperclip in a thread with a timeout (never a traceback)."""
    app.copy_to_clipboard(text)
    # pyperclip loads ctypes (~80 ms): only when something is copied, not for the first frame.
    import pyperclip

    try:
        await asyncio.wait_for(asyncio.to_thread(pyperclip.copy, text), PYPERCLIP_TIMEOUT)
    except TimeoutError:
        return CopyReport(False, "the clipboard program did not answer")
    except Exception as error:  # pyperclip raises PyperclipException and OS errors
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        if "could not find a copy/paste mechanism" in reason.lower():
            reason = "no display or clipboard program on this machine"
        return CopyReport(False, reason[:120])
    return CopyReport(True)
