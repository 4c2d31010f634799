"""`smtp-tui policy`: text and JSON output and exit codes, against the practice lab."""

import io
import json

import pytest

from smtp_tui.plain.policy import policy_main, policy_parser


def run(domain, **options):
    out = io.StringIO()
    code = policy_main(domain, demo=True, out=out, **options)
    return code, out.getvalue()


def test_a_domain_whose_mx_satisfies_its_policy_exits_0():
    code, text = run("enforce.policy.test")
    assert code == 0
    assert "MTA-STS policy:  mode enforce, max_age 86400, mx mx1.policy.test" in text
    assert "failure reports go to mailto:tlsrpt@policy.test" in text
    assert "Summary: Nothing here would stop a sender that enforces MTA-STS or DANE." in text


def test_a_blocking_mismatch_exits_1_with_the_reason_in_the_summary():
    code, text = run("wrongcert.policy.test")
    assert code == 1
    assert (
        "Summary: Senders that enforce MTA-STS would refuse to deliver to "
        "mx-wrongname.policy.test: its certificate is for mail.other.test." in text
    )


def test_json_is_one_object_as_documented():
    code, text = run("rolled.policy.test", as_json=True)
    data = json.loads(text)
    assert code == 1
    assert data["blocked_for"] == ["dane"]
    assert data["dnssec"] == "resolver-ad"
    (mx,) = data["mx"]
    assert list(mx) == [
        "host",
        "preference",
        "starttls",
        "certificate_valid",
        "certificate_names",
        "mta_sts",
        "dane",
        "tlsa",
        "addresses",
    ]
    assert mx["addresses"] == [
        {
            "address": "127.0.27.3",
            "starttls": True,
            "certificate_valid": True,
            "certificate_names": ["mx-rolled.policy.test"],
            "dane": "mismatch",
        }
    ]
    assert data["mta_sts"] == {
        "record": None,
        "mode": None,
        "mx_patterns": None,
        "max_age": None,
        "error": None,
    }


def test_a_domain_that_does_not_exist_exits_3():
    code, text = run("nowhere.policy.test")
    assert code == 3
    assert "NXDOMAIN" in text


def test_a_null_mx_exits_3():
    assert run("nullmx.test")[0] == 3


def test_a_malformed_domain_is_a_usage_error(capsys):
    assert policy_main("bad..domain", out=io.StringIO()) == 2
    assert "empty label" in capsys.readouterr().err


def test_a_port_out_of_range_is_a_usage_error():
    assert policy_main("example.test", port=70000, out=io.StringIO()) == 2


def test_the_parser_takes_the_documented_options():
    args = policy_parser().parse_args(
        [
            "example.com",
            "--dns",
            "127.0.0.1:5353",
            "--port",
            "2525",
            "--https-port",
            "8443",
            "--ca-file",
            "ca.pem",
            "--demo",
            "--json",
        ]
    )
    assert (args.domain, args.dns, args.port, args.https_port, args.ca_file) == (
        "example.com",
        "127.0.0.1:5353",
        2525,
        8443,
        "ca.pem",
    )
    assert args.demo and args.json


def test_the_parser_needs_a_domain():
    with pytest.raises(SystemExit):
        policy_parser().parse_args([])


def test_timeout_bounds_the_wait_for_an_mx_that_never_greets():
    code, text = run("stall.policy.test", timeout=0.5)
    assert code == 0
    assert "No complete answer within 0.5 s while waiting for the greeting" in text


def test_timeout_is_on_the_command_line():
    assert policy_parser().parse_args(["example.org", "--timeout", "3"]).timeout == 3.0
