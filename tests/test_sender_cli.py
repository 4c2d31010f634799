"""`smtp-tui sender`: the JSON keys, the exit codes and the report, against the practice lab."""

from __future__ import annotations

import json

import pytest

from smtp_tui.plain.sender import run_sender_command, sender_parser

SPF_KEYS = {"domain", "result", "mechanism", "lookups", "record"}
RESULTS = {"pass", "fail", "softfail", "neutral", "none", "permerror", "temperror"}


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = run_sender_command(sender_parser().parse_args(["--demo", "--timeout", "1", *argv]))
    return code, capsys.readouterr().out


def test_json_is_one_object_with_the_contract_keys(capsys):
    code, out = run(capsys, "--json")
    assert code == 0, out
    report = json.loads(out)
    assert set(report) == {
        "ips", "blacklists", "spf", "dmarc", "reverse_dns", "checklist", "spf_per_ip"
    }  # fmt: skip
    assert report["ips"] == ["127.0.0.1", "2001:db8:25::7"]
    for record in report["blacklists"]:
        assert set(record) == {"zone", "target", "status", "codes", "meanings", "reason", "url"}
    assert {r["target"] for r in report["blacklists"]} == {
        "127.0.0.1", "2001:db8:25::7", "pass.sender.test"
    }  # fmt: skip
    for identity in ("mail_from", "helo"):
        assert set(report["spf"][identity]) == SPF_KEYS
        assert report["spf"][identity]["result"] in RESULTS
    assert report["spf"]["mail_from"]["result"] == "pass"
    assert report["spf"]["mail_from"]["lookups"] == 3
    assert set(report["dmarc"]) == {
        "domain", "record", "policy", "subdomain_policy", "aspf", "adkim", "spf_aligned"
    }  # fmt: skip
    assert report["dmarc"]["policy"] == "reject" and report["dmarc"]["spf_aligned"] is True
    assert [set(r) for r in report["reverse_dns"]] == [
        {"ip", "ptr", "forward_confirmed", "generic", "matches_helo"}
    ] * 2
    assert [r["matches_helo"] for r in report["reverse_dns"]] == [False, True]
    statuses = {item["status"] for item in report["checklist"]}
    assert statuses <= {"pass", "fail", "not-checkable"} and "not-checkable" in statuses
    assert all(set(item) == {"item", "status", "source"} for item in report["checklist"])


def test_missing_values_are_null(capsys):
    code, out = run(capsys, "--json", "--ip", "127.0.0.1", "--from", "tester@lab.test")
    report = json.loads(out)
    assert "spf_per_ip" not in report  # one address: "spf" is the whole story
    assert report["dmarc"]["record"] is None and report["dmarc"]["policy"] is None
    assert code == 1  # lab.test publishes no DMARC record


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--from", "x@fail.sender.test"], 1),
        (["--from", "x@softfail.sender.test"], 1),
        (["--from", "x@toomany.sender.test"], 1),  # permerror
        (["--from", "x@neutral.sender.test"], 0),  # neither passes nor fails: not a 1
        (["--from", "x@temperror.sender.test"], 0),  # temperror alone never gives 1
        (["--ip", "127.0.25.99"], 1),  # no PTR
        (["--ip", "2001:db8:25::a"], 1),  # PTR not forward-confirmed
        (["--ip", "2001:db8:25::8", "--helo", "2001-db8-25--8.dyn.sender.test"], 0),  # generic
        (["--ip", "127.0.25.66", "--zone", "bl.dnsbl.test"], 1),  # listed
    ],
)
def test_exit_codes(capsys, argv, expected):
    code, out = run(capsys, *argv)
    assert code == expected, out


def test_the_null_sender_is_checked_through_the_helo_name_only(capsys):
    code, out = run(capsys, "--json", "--from", "<>", "--ip", "127.0.0.1")
    report = json.loads(out)
    assert report["spf"]["mail_from"] is None and report["dmarc"] is None
    assert report["spf"]["helo"]["result"] == "pass"
    assert code == 0


def test_lists_that_cannot_vouch_never_make_it_a_1(capsys):
    code, out = run(capsys)
    assert code == 0
    assert "unverified" in out and "refused" in out
    assert "Nothing checked here is held against this sender." in out


def test_the_text_report_has_every_section_and_names_the_problem(capsys):
    code, out = run(capsys, "--from", "x@softfail.sender.test", "--ip", "127.0.0.1")
    assert code == 1
    for heading in ("Blacklists", "SPF", "DMARC", "Reverse DNS", "require", "Verdict"):
        assert f"== {heading}" in out or heading in out
    assert "softfail (decided by ~all)" in out
    assert "p=quarantine" in out
    assert "SPF for softfail.sender.test is softfail for 127.0.0.1" in out


@pytest.mark.parametrize(
    "argv",
    [
        ["--ip", "1.2.3.4.5"],
        ["--ip", "127.0.0.1", "--ip", "127.0.0.2"],  # once per family
        ["--from", "not an address@"],
        ["--helo", "bad..name"],
        ["--zone", "dnsbl.sorbs.net"],
    ],
)
def test_usage_errors_exit_2_before_any_query(capsys, argv):
    code = run_sender_command(sender_parser().parse_args(["--demo", *argv]))
    out, err = capsys.readouterr()
    assert "smtp-tui: error:" in err and "Traceback" not in err
    assert code == 2 and out == ""


def test_help_documents_the_exit_codes():
    text = sender_parser().format_help()
    assert "exit codes" in text and "--ip ADDR" in text and "--json" in text
