"""`smtp-tui blacklist`: the JSON keys, the statuses and the exit codes are a contract."""

import json
import subprocess
import sys

import pytest

STATUSES = {"listed", "not-listed", "unverified", "refused", "error", "timeout", "broken"}


def run(*args):
    return subprocess.run(
        [sys.executable, "-m", "smtp_tui", "blacklist", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_listed_address_exits_1_and_shows_reason_and_removal_url():
    result = run("--demo", "--timeout", "1", "127.0.25.66")
    assert result.returncode == 1, result.stderr
    assert "listed" in result.stdout and "spam trap" in result.stdout
    assert "https://bl.dnsbl.test/lookup" in result.stdout
    assert "1 listed, 0 clean, 6 could not check" in result.stdout


def test_json_is_one_object_per_zone_with_the_contract_keys():
    result = run("--demo", "--timeout", "1", "--json", "127.0.0.1")
    assert result.returncode == 0, result.stderr
    records = json.loads(result.stdout)
    assert len(records) == 7
    for record in records:
        assert set(record) == {"zone", "target", "status", "codes", "meanings", "reason", "url"}
        assert record["status"] in STATUSES
    by_zone = {record["zone"]: record["status"] for record in records}
    assert by_zone == {
        "bl.dnsbl.test": "not-listed",
        "refuse.dnsbl.test": "refused",
        "everything.dnsbl.test": "broken",
        "dnsbl.servfail.test": "error",
        "dnsbl.blackhole.test": "timeout",
        "nxdomain.dnsbl.sender.test": "unverified",
        "refused.dnsbl.sender.test": "refused",
    }


def test_zone_option_replaces_the_catalogue():
    result = run("--demo", "--json", "--zone", "bl.dnsbl.test", "2001:db8::66")
    assert result.returncode == 1
    [record] = json.loads(result.stdout)
    assert record["zone"] == "bl.dnsbl.test" and record["status"] == "listed"


def test_domain_target():
    result = run("--demo", "--json", "listed.test")
    assert result.returncode == 1
    assert json.loads(result.stdout)[0]["meanings"] == ["spam domain"]


def test_exit_3_and_the_resolver_named_when_no_list_could_be_checked():
    lists = ["--zone", "nxdomain.dnsbl.sender.test", "--zone", "refused.dnsbl.sender.test"]
    result = run("--demo", *lists, "--zone", "refuse.dnsbl.test", "127.0.0.1")
    assert result.returncode == 3, result.stdout + result.stderr
    assert "unverified" in result.stdout and "not-listed" not in result.stdout
    assert "No list could be checked" in result.stdout
    assert "--dns" in result.stdout  # most lists refused: the resolver is the likely cause


@pytest.mark.parametrize(
    "args",
    [
        ["not an ip"],
        ["--zone", "dnsbl.sorbs.net", "192.0.2.1"],
        ["192.0.2.1", "--dns", "nope"],
        [],
        ["1.2.3.4.5"],
        ["mail.example.123"],
        ["--demo", "300.1.2.3"],
    ],
)
def test_usage_errors_exit_2_without_traceback(args):
    result = run(*args)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stdout == ""  # refused before any query
