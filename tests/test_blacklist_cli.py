"""`smtp-tui blacklist`: the JSON keys, the statuses and the exit codes are a contract."""

import json
import subprocess
import sys

import pytest

STATUSES = {"listed", "not-listed", "refused", "error", "timeout", "broken"}


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
    assert "1 listed, 0 clean, 4 could not check" in result.stdout


def test_json_is_one_object_per_zone_with_the_contract_keys():
    result = run("--demo", "--timeout", "1", "--json", "127.0.0.1")
    assert result.returncode == 0, result.stderr
    records = json.loads(result.stdout)
    assert len(records) == 5
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


@pytest.mark.parametrize(
    "args",
    [["not an ip"], ["--zone", "dnsbl.sorbs.net", "192.0.2.1"], ["192.0.2.1", "--dns", "nope"], []],
)
def test_usage_errors_exit_2_without_traceback(args):
    result = run(*args)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
