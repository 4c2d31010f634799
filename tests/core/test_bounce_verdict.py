"""The verdict from the bounce alone, and the --json object's shape."""

from pathlib import Path

from smtp_tui.core.bounce import read_bounce
from smtp_tui.core.bounce_verdict import bounce_json, bounce_verdict

FIXTURES = Path(__file__).parents[1] / "fixtures" / "bounces"
VERDICT_KEYS = {"verdict", "side", "category", "evidence", "next_steps"}
RECIPIENT_KEYS = {
    "recipient",
    "action",
    "status",
    "reply_code",
    "remote_mta",
    "smtp_command",
    "diagnostic",
    "category",
    "side",
    "meaning",
    "next_steps",
}


def read(name: str):
    return read_bounce((FIXTURES / name).read_bytes())


def test_an_unknown_recipient_is_their_side_and_names_the_step():
    verdict = bounce_verdict(read("postfix-unknown-user.eml"))
    assert verdict.side == "theirs"
    assert verdict.category == "recipient-unknown"
    assert "RCPT TO" in verdict.verdict
    assert any("nobody@receiver.example" in line for line in verdict.evidence)
    assert any("postmaster@receiver.example" in step for step in verdict.next_steps)


def test_a_failed_recipient_speaks_before_a_delayed_one():
    verdict = bounce_verdict(read("rfc3464-three-recipients.eml"))
    assert verdict.category == "sender-ip-blocked"
    assert len(verdict.evidence) == 2


def test_no_failure_gives_an_unclear_verdict_that_says_what_was_seen():
    verdict = bounce_verdict(read("not-a-bounce.eml"))
    assert verdict.side == "unclear"
    assert verdict.evidence


def test_the_json_object_has_the_keys_of_the_issue():
    report = bounce_json(read("postfix-unknown-user.eml"))
    assert set(report) == {"format", "reporting_mta", "original", "recipients", "verdict", "retest"}
    assert report["retest"] is None
    assert set(report["original"]) == {"from", "to", "subject", "message_id", "date"}
    [recipient] = report["recipients"]
    assert set(recipient) == RECIPIENT_KEYS
    assert recipient["reply_code"] == 550
    assert recipient["smtp_command"] == "RCPT"
    assert set(report["verdict"]) == VERDICT_KEYS


def test_delayed_recipients_are_listed_and_delivered_ones_are_not():
    report = bounce_json(read("rfc3464-three-recipients.eml"))
    assert [(r["recipient"], r["action"]) for r in report["recipients"]] == [
        ("peggy@receiver.example", "delayed"),
        ("rupert@receiver.example", "failed"),
    ]
