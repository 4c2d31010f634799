"""One flow, two front ends: plain mode and the screen give the same verdict for the same
session. The screen takes plain mode's automatic choices (next MX, HELO, port probes)."""

from __future__ import annotations

import io
import json
import re

import pytest

from smtp_tui.core.flow import AUTOMATIC
from smtp_tui.core.options import build_options
from smtp_tui.plain.check import run_check
from smtp_tui.ui.app import make_app
from tests.ui.conftest import settle

SCENARIOS = [
    "alice@example.test",
    "nobody@example.test",
    "someone@elsewhere.test",  # relaying through example.test's MX is refused
    "alice@failover.test",
    "alice@nullmx.test",
    "alice@noaddr.test",
    "alice@greylist.test",
    "alice@blocked.test",
    "alice@tarpit.test",
    "alice@garbage.test",
    "alice@hangup.test",
    "alice@tls.test",
    "alice@inject.test",
    "alice@noehlo.test",
    "alice@portblock.test",
    "alice@nowhere.test",
    "alice@servfail.test",
]


async def plain_verdict(target: str) -> dict[str, object]:
    out = io.StringIO()
    options = build_options(target=target, timeout=1.0, demo=True)
    await run_check(options, out=out, as_json=True)
    return json.loads(out.getvalue().splitlines()[-1])


async def screen_verdict(target: str) -> dict[str, object]:
    app = make_app(build_options(target=target, timeout=1.0, demo=True), policy=AUTOMATIC)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        run = app.guided
        for _ in range(8):  # Enter at each step, as a user would, until the verdict stands
            if run.stage is None or run.decided:
                break
            await pilot.press("enter")
            await settle(pilot)
        verdict = run.verdict()
        assert verdict is not None
        shown = str(app.screen.query_one("#verdict-bar").render())
        assert verdict.verdict[:40] in shown.replace("\n", " ")
        await app.finish()
        return verdict.as_json()


@pytest.mark.parametrize("target", SCENARIOS)
async def test_plain_mode_and_the_screen_agree(target):
    plain = await plain_verdict(target)
    screen = await screen_verdict(target)
    # The two runs have two labs, on different ports: compare the words, not the numbers.
    assert (screen["side"], screen["category"], digits_out(screen["verdict"])) == (
        plain["side"],
        plain["category"],
        digits_out(plain["verdict"]),
    )


def digits_out(text: object) -> str:
    return re.sub(r"\d+", "N", str(text))
