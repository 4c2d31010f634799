"""Plain mode end to end: the transcript it prints and its exit codes."""

import io
import os
import subprocess
import sys

import pytest

from smtp_tui.core.options import build_options, with_lab
from smtp_tui.plain.check import ExitCode, run_check


def options_for(lab, target, **flags):
    base = build_options(
        target=target,
        mail_from=flags.get("mail_from"),
        rcpt_to=flags.get("rcpt_to"),
        server=flags.get("server"),
        port=flags.get("port"),
        timeout=flags.get("timeout", 2.0),
    )
    return with_lab(base, lab)


async def check(lab, target, quit_after="rcpt", **flags):
    out = io.StringIO()
    code = await run_check(options_for(lab, target, **flags), quit_after=quit_after, out=out)
    return code, out.getvalue()


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("alice@example.test", ExitCode.OK),
        ("nobody@example.test", ExitCode.RCPT_REJECTED),
        ("alice@failover.test", ExitCode.OK),
        ("alice@nowhere.test", ExitCode.DNS),
        ("alice@nullmx.test", ExitCode.DNS),
        ("alice@servfail.test", ExitCode.DNS),
        ("alice@blocked.test", ExitCode.RCPT_REJECTED),
        ("alice@tarpit.test", ExitCode.CONNECT),
        ("alice@garbage.test", ExitCode.CONNECT),
    ],
)
async def test_exit_code_per_outcome(lab, target, expected):
    code, _ = await check(lab, target, timeout=0.5 if "tarpit" in target else 2.0)
    assert code == expected


async def test_the_marked_transcript_streams_to_stdout(lab):
    code, output = await check(lab, "alice@example.test")
    assert code == ExitCode.OK
    assert " -> EHLO client.lab.test" in output
    assert "<-  250 2.1.5 Recipient OK" in output
    assert " -> QUIT" in output
    assert "Transcript saved to" in output


async def test_quit_after_stops_early_and_still_says_quit(lab):
    code, output = await check(lab, "alice@example.test", quit_after="connect")
    assert code == ExitCode.OK
    assert " -> EHLO" not in output and " -> QUIT" in output
    code, output = await check(lab, "example.test", quit_after="mx")
    assert code == ExitCode.OK and "Connecting" not in output


async def test_a_bare_domain_tests_postmaster(lab):
    _, output = await check(lab, "example.test")
    assert "RCPT TO:<postmaster@example.test>" in output


async def test_to_overrides_the_recipient_for_a_domain(lab):
    _, output = await check(lab, "example.test", rcpt_to="bob@example.test")
    assert "RCPT TO:<bob@example.test>" in output


async def test_failover_says_which_mx_answered(lab):
    _, output = await check(lab, "alice@failover.test")
    assert "refused" in output
    assert "mx2.example.test [127.0.25.2] answered." in output


async def test_server_option_skips_the_mx_lookup(lab):
    code, output = await check(lab, "alice@example.test", server="127.0.25.2")
    assert code == ExitCode.OK
    assert "MX look-up skipped" in output and "mx2.example.test ESMTP" in output


def run_cli(*args):
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "smtp_tui", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )


def test_installed_command_runs_the_demo_check_end_to_end():
    result = run_cli("check", "--demo", "alice@example.test")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "<-  250 2.1.5 Recipient OK" in result.stdout
    result = run_cli("check", "--demo", "nobody@example.test")
    assert result.returncode == ExitCode.RCPT_REJECTED


@pytest.mark.parametrize(
    "args",
    [
        ["check", "not a domain"],
        ["check", "x@y"],
        ["check", "a@b.test", "--dns", "resolver"],
        ["check", "a@b.test", "--port", "70000"],
        ["check"],
        ["--bogus"],
    ],
)
def test_bad_input_is_a_usage_error_without_traceback(args):
    result = run_cli(*args)
    assert result.returncode == ExitCode.USAGE
    assert "Traceback" not in result.stderr
    assert "error" in result.stderr


def test_help_documents_options_and_exit_codes():
    result = run_cli("check", "--help")
    for text in (
        "--quit-after",
        "--dns",
        "--server",
        "--timeout",
        "exit codes",
        "RCPT TO rejected",
    ):
        assert text in result.stdout
    assert run_cli("--version").stdout.startswith("smtp-tui ")


async def test_plain_mode_explains_rejections_and_ends_with_the_verdict(lab):
    code, output = await check(lab, "nobody@example.test")
    assert code == ExitCode.RCPT_REJECTED
    assert "    meaning: " in output and "category: recipient-unknown" in output
    assert "Verdict (their side)" in output


async def test_json_mode_prints_events_then_the_verdict(lab):
    import json

    out = io.StringIO()
    code = await run_check(options_for(lab, "nobody@example.test"), out=out, as_json=True)
    assert code == ExitCode.RCPT_REJECTED
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    assert {"time", "kind", "tls", "text"} <= set(records[0])
    assert records[-1]["category"] == "recipient-unknown"
    assert set(records[-1]) == {"verdict", "side", "category", "evidence", "next_steps"}


def test_explain_command_prints_text_and_json():
    import json

    result = run_cli(
        "explain", "550 5.1.1 <bob@example.com>: Recipient address rejected: User unknown"
    )
    assert result.returncode == 0
    assert "recipient-unknown" in result.stdout
    data = json.loads(run_cli("explain", "--json", "5.7.1").stdout)
    assert data["code"] is None and data["enhanced"] == "5.7.1"
    assert {"code", "enhanced", "category", "side", "meaning", "next_steps"} <= set(data)
    assert json.loads(run_cli("explain", "--json", "550").stdout)["code"] == 550


def test_check_with_ip_adds_blacklist_evidence_to_the_verdict():
    result = run_cli(
        "check", "--demo", "--ip", "127.0.25.66", "--timeout", "2", "alice@blocked.test"
    )
    assert result.returncode == ExitCode.RCPT_REJECTED
    assert "!!! Your sending IP 127.0.25.66 is listed on bl.dnsbl.test" in result.stdout
    assert "evidence: Your sending IP 127.0.25.66 is listed on bl.dnsbl.test" in result.stdout
    assert "=== SPF of lab.test: v=spf1 ip4:127.0.0.1 -all" in result.stdout
    assert (
        "next: Request removal once the cause is fixed: https://bl.dnsbl.test/lookup"
        in result.stdout
    )


async def flagged(lab, target, flags, quit_after="rcpt", **options):
    from smtp_tui.plain.check import PlainFlags

    out = io.StringIO()
    code = await run_check(
        options_for(lab, target, **options),
        quit_after=quit_after,
        out=out,
        flags=PlainFlags(**flags),
    )
    return code, out.getvalue()


async def test_starttls_reports_the_certificate_and_marks_tls_lines(lab):
    code, output = await flagged(lab, "alice@tls.test", {"starttls": True})
    assert code == ExitCode.OK
    assert "=== Certificate subject: mx.tls.test" in output
    assert "=== Name matches the MX host: yes" in output
    assert " ~> EHLO client.lab.test" in output and "<~  250 2.1.5 Recipient OK" in output


async def test_starttls_not_offered_has_its_own_exit_code(lab):
    code, output = await flagged(lab, "alice@example.test", {"starttls": True})
    assert code == ExitCode.TLS_FAILED
    assert "does not offer STARTTLS" in output


async def test_tls_from_the_first_byte_on_port_465(lab):
    # The lab's own port stands in for 465; TLS starts before the greeting there.
    code, output = await flagged(lab, "alice@tls.test", {}, quit_after="ehlo", port=465)
    assert code == ExitCode.OK
    assert "<~  220 mx.tls.test" in output


async def test_tls_on_connect_to_a_plain_server_fails_with_the_tls_code(lab):
    code, _ = await flagged(lab, "alice@example.test", {"tls_on_connect": True})
    assert code == ExitCode.TLS_FAILED


async def test_data_sends_a_test_message_and_shows_the_queue_id(lab):
    code, output = await flagged(lab, "alice@example.test", {"data": True}, quit_after="data")
    assert code == ExitCode.OK
    assert " -> Subject: smtp-tui test message" in output
    assert "queue id: 4A1B2C" in output or "queue id:" in output


async def test_no_fallback_stops_at_the_first_mx(lab):
    code, output = await flagged(
        lab, "alice@failover.test", {"fallback": False}, quit_after="connect"
    )
    assert code == ExitCode.CONNECT
    assert "Trying the next MX" not in output


async def test_port_25_timing_out_while_587_and_465_answer_points_at_a_block(lab):
    # The lab drops port 25's SYNs for this host, as an outbound block does.
    code, output = await flagged(lab, "alice@portblock.test", {}, timeout=1.0)
    assert code == ExitCode.CONNECT
    assert "Submission (587) on port" in output and "answered 220" in output
    assert "Verdict (your side)" in output and "block on the sending side" in output


async def test_nothing_answering_anywhere_means_the_host_is_down(lab):
    code, output = await flagged(lab, "alice@failover.test", {"fallback": False})
    assert code == ExitCode.CONNECT
    assert "down or unreachable" in output


async def test_ehlo_not_understood_falls_back_to_helo(lab):
    code, output = await flagged(lab, "alice@noehlo.test", {}, quit_after="ehlo")
    assert code == ExitCode.OK
    assert " -> HELO client.lab.test" in output


def test_quit_after_data_needs_the_data_flag():
    result = run_cli("check", "--demo", "--quit-after", "data", "alice@example.test")
    assert result.returncode == ExitCode.USAGE
    assert "add --data" in result.stderr


def test_output_survives_its_reader_going_away(monkeypatch):
    import smtp_tui.plain.output as plain

    class ClosedPipe:
        def write(self, text):
            raise BrokenPipeError

        def flush(self):
            raise BrokenPipeError

    silenced = []
    monkeypatch.setattr(plain, "silence_stdout", lambda: silenced.append(True))
    output = plain.PipeSafeOutput(ClosedPipe())
    output.write("line\n")
    output.flush()
    output.write("more\n")
    assert output.closed and silenced == [True]


def test_a_block_list_named_in_a_refusal_is_asked_and_its_codes_are_read():
    result = run_cli("check", "--demo", "--timeout", "2", "carol@blocked.test")
    assert result.returncode == ExitCode.RCPT_REJECTED
    assert (
        "=== Checked the server's claim: 127.0.25.66 is listed on bl.dnsbl.test "
        "(spam source; exploited host)" in result.stdout
    )
