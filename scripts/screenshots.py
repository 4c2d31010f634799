"""Make the README's screenshots (SVG) from the demo: the practice lab inside the app.

Run:  python scripts/screenshots.py        (writes screenshots/*.svg)
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input, TabbedContent

from smtp_tui.core.options import build_options
from smtp_tui.ui.app import make_app

OUT = Path(__file__).resolve().parents[1] / "screenshots"
LAB_PORTS = (53530, 25250, 25870, 24650)  # fixed, so the pictures do not change from run to run

Steps = Callable[[Pilot[object]], Awaitable[None]]


async def settle(pilot: Pilot[object]) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def enter(pilot: Pilot[object], times: int = 1) -> None:
    for _ in range(times):
        await pilot.press("enter")
        await settle(pilot)


async def shoot(
    name: str, target: str | None, size: tuple[int, int], steps: Steps, ip: str | None = None
) -> None:
    options = build_options(target=target, timeout=5.0, demo=True, ip=ip)
    app = make_app(options, lab_ports=LAB_PORTS)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await steps(pilot)
        await settle(pilot)
        path = OUT / f"{name}.svg"
        path.write_text(app.export_screenshot(title=f"smtp-tui {name}"), encoding="utf-8")
        print(path.relative_to(OUT.parent))


async def nothing(pilot: Pilot[object]) -> None:
    return None


async def ehlo_done(pilot: Pilot[object]) -> None:
    await enter(pilot, 3)


async def happy_path(pilot: Pilot[object]) -> None:
    await enter(pilot, 5)


async def explain_ndr(pilot: Pilot[object]) -> None:
    await pilot.press("f2")
    await pilot.pause()
    field = pilot.app.screen.query_one("#explain-input", Input)
    field.value = (
        "550 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org"
    )
    await pilot.press("enter")


async def blacklist_tab(pilot: Pilot[object]) -> None:
    await enter(pilot, 2)
    pilot.app.screen.query_one(TabbedContent).active = "bl-tab"


async def starttls_done(pilot: Pilot[object]) -> None:
    await enter(pilot, 3)  # EHLO offers STARTTLS as an optional row
    await pilot.press("f7")  # take it
    await settle(pilot)
    await enter(pilot)


async def main() -> None:
    os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")
    Input._toggle_cursor = lambda self: None  # type: ignore[method-assign]  # steady cursor
    OUT.mkdir(exist_ok=True)
    await shoot("start-80x24", None, (80, 24), nothing)
    await shoot("ehlo-80x24", None, (80, 24), ehlo_done)
    await shoot("accepted-120x40", None, (120, 40), happy_path)
    await shoot("unknown-user-120x40", "nobody@example.test", (120, 40), happy_path)
    await shoot("failover-80x24", "alice@failover.test", (80, 24), lambda p: enter(p, 2))
    await shoot("rejection-80x24", "nobody@example.test", (80, 24), happy_path)
    await shoot("explain-80x24", None, (80, 24), explain_ndr)
    await shoot("starttls-120x40", "alice@tls.test", (120, 40), starttls_done)
    await shoot("blacklisted-120x40", None, (120, 40), blacklist_tab, ip="127.0.25.66")


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
