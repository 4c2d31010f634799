"""Whose fault is it? The verdict for each lab scenario."""

import asyncio

import pytest

from smtp_tui.core import connection as connection_module
from smtp_tui.core.connection import Timeouts
from smtp_tui.core.evidence import snapshot
from smtp_tui.core.session import TestSession
from smtp_tui.core.verdict import SenderFindings
from smtp_tui.core.verdict import judge as judge_evidence


def judge(session, findings=None):
    return judge_evidence(snapshot(session, findings))


async def run_steps(session, lab, target, *, rcpt=None):
    """The five steps as plain mode runs them, stopping at the first failure."""
    result = await session.lookup(target)
    if result.status.word == "failed":
        return
    for host in session.usable_hosts():
        result = await session.connect(host.addresses[0], lab.smtp_port, label=host.host)
        if result.reply is not None:
            break
    if result.status.word == "failed":
        return
    for text in (
        "EHLO client.lab.test",
        "MAIL FROM:<tester@lab.test>",
        f"RCPT TO:<{rcpt or target}>",
    ):
        result = await session.command(text)
        if result.status.word == "failed":
            return


async def test_all_accepted_points_at_your_own_system(session, lab):
    await run_steps(session, lab, "alice@example.test")
    verdict = judge(session)
    assert (verdict.side, verdict.category) == ("yours", "accepted")
    assert "destination accepts this mail" in verdict.verdict


async def test_unknown_user(session, lab):
    await run_steps(session, lab, "nobody@example.test")
    verdict = judge(session)
    # No such mailbox is the receiving side's state: confirm the address with the recipient.
    assert (verdict.side, verdict.category) == ("theirs", "recipient-unknown")
    assert any("550 5.1.1" in item for item in verdict.evidence)


async def test_relay_denied(session, lab):
    await run_steps(session, lab, "alice@example.test", rcpt="someone@elsewhere.test")
    verdict = judge(session)
    assert verdict.category == "relay-denied"


async def test_connection_refused_on_every_mx(session, lab):
    await session.lookup("alice@failover.test")
    await session.connect("127.0.25.3", lab.smtp_port, label="down.failover.test")
    verdict = judge(session)
    assert (verdict.side, verdict.category) == ("theirs", "server-unavailable")
    assert "refused" in verdict.verdict


async def test_connection_timed_out_points_at_a_port_25_block(
    transcript, resolver, lab, monkeypatch
):
    async def never_connects(*args, **kwargs):
        await asyncio.Event().wait()  # a SYN that is dropped: no answer, ever

    monkeypatch.setattr(connection_module.asyncio, "open_connection", never_connects)
    session = TestSession(transcript, resolver, timeouts=Timeouts(connect=0.05))
    await session.lookup("alice@example.test")
    for host in session.usable_hosts():
        await session.connect(host.addresses[0], lab.smtp_port, label=host.host)
    verdict = judge(session)
    assert verdict.side == "yours"
    assert "port 25" in verdict.verdict
    assert len(verdict.evidence) == 2


async def test_silent_server_is_their_side(transcript, resolver, lab):
    session = TestSession(transcript, resolver, timeouts=Timeouts.all(0.2))
    await run_steps(session, lab, "alice@tarpit.test")
    assert judge(session).side == "theirs"


async def test_null_mx(session, lab):
    await run_steps(session, lab, "alice@nullmx.test")
    verdict = judge(session)
    assert (verdict.side, verdict.category) == ("theirs", "null-mx")


async def test_nxdomain_is_a_domain_that_does_not_exist(session, lab):
    await run_steps(session, lab, "alice@nowhere.test")
    verdict = judge(session)
    assert verdict.side == "theirs"  # as an unknown mailbox: confirm it with the recipient
    assert "does not exist" in verdict.verdict


async def test_greylisting_is_not_a_fault(session, lab):
    await run_steps(session, lab, "alice@greylist.test")
    verdict = judge(session)
    assert verdict.category == "greylisted"
    assert "Not a fault" in verdict.verdict


@pytest.mark.parametrize("target", ["alice@blocked.test"])
async def test_listed_sending_ip_is_your_side_with_removal_steps(session, lab, target):
    await run_steps(session, lab, target)
    findings = SenderFindings(
        listings=("Your sending IP 127.0.0.1 is listed on bl.dnsbl.test: spam source",),
        removal_urls=("https://bl.dnsbl.test/lookup?ip=127.0.0.1",),
    )
    verdict = judge(session, findings)
    assert (verdict.side, verdict.category) == ("yours", "sender-ip-blocked")
    assert any("listed" in item for item in verdict.evidence)
    assert any("https://bl.dnsbl.test" in step for step in verdict.next_steps)


async def test_stopped_early_gives_no_verdict_yet(session, lab):
    await session.lookup("alice@example.test")
    verdict = judge(session)
    assert verdict.side == "unclear"
    assert "no verdict yet" in verdict.verdict


def test_verdict_json_keys_are_the_contract():
    from smtp_tui.core.verdict import Verdict

    data = Verdict("v", "yours", "other").as_json()
    assert set(data) == {"verdict", "side", "category", "evidence", "next_steps"}
