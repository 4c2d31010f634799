"""`smtp-tui bounce FILE|- [--json]`: the report, the JSON object and the exit codes."""

import io
import json
from pathlib import Path

from smtp_tui.plain.bounce import bounce_main

FIXTURES = Path(__file__).parent / "fixtures" / "bounces"


def run(source: str, *, as_json: bool = False, stdin: bytes = b"") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = bounce_main(source, as_json=as_json, out=out, err=err, stdin=io.BytesIO(stdin))
    return code, out.getvalue(), err.getvalue()


def test_a_bounce_file_gives_a_report_per_recipient_then_the_verdict_and_exit_0():
    code, out, _ = run(str(FIXTURES / "exim-two-recipients.eml"))
    assert code == 0
    assert "1. carol@receiver.example: failed" in out
    assert "2. dave@other.example: failed" in out
    assert "at RCPT TO" in out and "at MAIL FROM" in out
    assert "Category: mailbox-full" in out
    assert out.rstrip().splitlines()[-1].startswith("  next:") or "Verdict" in out
    assert out.index("Verdict") > out.index("dave@other.example")


def test_json_prints_one_object():
    code, out, _ = run(str(FIXTURES / "sendmail-transcript.eml"), as_json=True)
    assert code == 0
    report = json.loads(out)
    assert report["format"] == "sendmail"
    assert report["recipients"][0]["smtp_command"] == "DATA"
    assert report["recipients"][0]["remote_mta"] == "mx2.receiver.example"
    assert report["original"]["subject"] == "Invoice 4711"
    assert report["retest"] is None


def test_standard_input_is_read_with_a_dash():
    pasted = (FIXTURES / "pasted-postfix-no-headers.txt").read_bytes()
    code, out, _ = run("-", as_json=True, stdin=pasted)
    assert code == 0
    assert json.loads(out)["recipients"][0]["recipient"] == "sybil@receiver.example"


def test_a_message_without_failure_exits_1_and_says_what_it_saw():
    code, out, _ = run(str(FIXTURES / "not-a-bounce.eml"))
    assert code == 1
    assert "No failed or delayed recipient found." in out
    assert "seen:" in out


def test_delivered_recipients_are_mentioned_as_not_failures():
    code, out, _ = run(str(FIXTURES / "rfc3464-three-recipients.eml"))
    assert code == 0
    assert "olivia@receiver.example: delivered, not a failure" in out
    assert "peggy@receiver.example: delayed" in out


def test_no_such_file_is_a_usage_error(tmp_path):
    code, out, err = run(str(tmp_path / "missing.eml"))
    assert code == 2
    assert out == ""
    assert "no such file" in err


def test_a_directory_is_a_usage_error(tmp_path):
    code, _, err = run(str(tmp_path))
    assert code == 2
    assert "directory" in err
