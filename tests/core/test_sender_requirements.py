"""The receivers' sender requirements as a checklist: pass, fail, or not checkable from here."""

from __future__ import annotations

from smtp_tui.core.dmarc import DmarcCheck, parse_dmarc
from smtp_tui.core.reverse_dns import ReverseDns
from smtp_tui.core.sender_requirements import ItemStatus, evaluate_checklist, requirements
from smtp_tui.core.spf import SpfCheck, SpfResult

GOOD_PTR = ReverseDns("192.0.2.7", "ipv4", ("mail.example.com",), ("mail.example.com",))
NO_PTR = ReverseDns("2001:db8::7", "ipv6")
PTR_ERROR = ReverseDns("2001:db8::7", "ipv6", error="PTR look-up failed: timeout")
SPF_PASS = SpfCheck("mail_from", "example.com", "192.0.2.7", SpfResult.PASS, "ip4:192.0.2.7")
RECORD = parse_dmarc("v=DMARC1; p=reject", "example.com")
DMARC_ALIGNED = DmarcCheck("example.com", "example.com", RECORD, spf_aligned=True)


def statuses(items):
    return {item.requirement.requirement_id: item.status for item in items}


def test_every_requirement_has_an_item_and_a_source():
    assert {r.requirement_id for r in requirements()} >= {
        "ptr", "fcrdns", "spf", "dkim", "dmarc", "alignment", "tls", "spam-rate", "unsubscribe"
    }  # fmt: skip
    for requirement in requirements():
        assert "https://" in requirement.source


def test_a_good_sender_passes_what_can_be_checked_and_nothing_else():
    found = statuses(evaluate_checklist([GOOD_PTR], [SPF_PASS], DMARC_ALIGNED))
    for checked in ("ptr", "fcrdns", "spf", "dmarc", "alignment"):
        assert found[checked] is ItemStatus.PASS
    for unseen in ("dkim", "tls", "spam-rate", "unsubscribe", "format"):
        assert found[unseen] is ItemStatus.NOT_CHECKABLE  # never "pass"


def test_failures_are_named():
    spf = SpfCheck("mail_from", "example.com", "2001:db8::7", SpfResult.SOFTFAIL, "~all")
    missing = DmarcCheck("example.com", "example.com", spf_aligned=False)
    items = evaluate_checklist([GOOD_PTR, NO_PTR], [SPF_PASS, spf], missing)
    found = statuses(items)
    assert found["ptr"] is ItemStatus.FAIL and found["fcrdns"] is ItemStatus.FAIL
    assert found["spf"] is ItemStatus.FAIL and found["dmarc"] is ItemStatus.FAIL
    assert found["alignment"] is ItemStatus.NOT_CHECKABLE  # DKIM might still align
    ptr = next(item for item in items if item.requirement.requirement_id == "ptr")
    assert "2001:db8::7" in ptr.note
    assert ptr.as_json()["status"] == "fail" and set(ptr.as_json()) == {"item", "status", "source"}


def test_dns_failures_and_missing_inputs_are_not_checkable():
    temp = SpfCheck("mail_from", "example.com", "192.0.2.7", SpfResult.TEMPERROR)
    failed = DmarcCheck("example.com", "example.com", error="SERVFAIL")
    found = statuses(evaluate_checklist([PTR_ERROR], [temp], failed))
    assert found["ptr"] is ItemStatus.NOT_CHECKABLE
    assert found["spf"] is ItemStatus.NOT_CHECKABLE
    assert found["dmarc"] is ItemStatus.NOT_CHECKABLE
    nothing = statuses(evaluate_checklist([], [], None))
    assert set(nothing.values()) == {ItemStatus.NOT_CHECKABLE}
