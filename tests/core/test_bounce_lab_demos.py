"""The lab's demo bounces name the lab's own servers and refusals, so a re-test reproduces them."""

import pytest

from smtp_tui.core.bounce import read_bounce
from smtp_tui.lab.bounces import demo_bounces
from smtp_tui.lab.scenarios import SCENARIOS

LAB_HOSTS = {s.hostname for s in SCENARIOS} | {s.address for s in SCENARIOS}


def test_there_is_a_demo_bounce_per_common_format():
    formats = {read_bounce(demo.read_bytes()).format for demo in demo_bounces()}
    assert {"postfix", "exim", "sendmail", "qmail", "office365"} <= formats


@pytest.mark.parametrize("demo", demo_bounces(), ids=lambda demo: demo.file)
def test_each_demo_bounce_names_its_recipient_and_a_lab_server(demo):
    report = read_bounce(demo.read_bytes())
    [failure] = report.failures
    assert failure.recipient == demo.recipient
    assert failure.remote_mta in LAB_HOSTS
    assert failure.reply_code is not None
    # Office 365 does not say which command was refused; the others say RCPT TO.
    assert failure.smtp_command in ("RCPT", None)


def test_the_greylisting_demo_is_delayed_not_failed():
    demo = next(d for d in demo_bounces() if "greylist" in d.file)
    [failure] = read_bounce(demo.read_bytes()).failures
    assert failure.action == "delayed"
    assert failure.explanation.category == "greylisted"
