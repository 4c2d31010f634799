"""`smtp-tui bounce FILE --retest`: the failing step run again now, and how it compares."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from smtp_tui.core.bounce import BouncedRecipient
from smtp_tui.core.evidence import Evidence
from smtp_tui.core.replies import Reply
from smtp_tui.core.retest import Comparison, compare, plan_retest, remote_host
from smtp_tui.core.steps import Step, StepOutcome, StepStatus

LAB_BOUNCES = Path(__file__).resolve().parents[1] / "smtp_tui" / "lab" / "bounces"


def run_cli(*args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "XDG_STATE_HOME": str(tmp_path / "state")}
    return subprocess.run(
        [sys.executable, "-m", "smtp_tui", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )


def test_a_bounce_whose_refusal_stands_is_retested_and_compared_as_the_same(tmp_path):
    bounce = str(LAB_BOUNCES / "postfix-unknown-user.eml")
    result = run_cli("bounce", bounce, "--retest", "--demo", "--timeout", "5", tmp_path=tmp_path)
    assert result.returncode == 8, result.stdout + result.stderr  # check's: RCPT rejected
    assert "Re-testing carol@example.test against mx1.example.test" in result.stdout
    assert " -> RCPT TO:<carol@example.test>" in result.stdout
    assert "Re-test: same" in result.stdout
    assert "Still refused the same way" in result.stdout


def test_retest_json_adds_the_comparison_to_the_bounce_object(tmp_path):
    bounce = str(LAB_BOUNCES / "exim-relay-denied.eml")
    result = run_cli(
        "bounce", bounce, "--retest", "--demo", "--json", "--timeout", "5", tmp_path=tmp_path
    )
    document = json.loads(result.stdout)
    assert document["recipients"][0]["recipient"] == "dana@partner.test"
    assert document["retest"]["comparison"] == "same"
    assert set(document["retest"]["verdict"]) == {
        "verdict",
        "side",
        "category",
        "evidence",
        "next_steps",
    }


def test_a_refusal_after_data_is_retested_up_to_rcpt_unless_data_is_asked_for():
    bounced = BouncedRecipient("bob@example.org", smtp_command="DATA", remote_mta="dns; mx.ex")
    assert plan_retest(bounced, None, with_data=False).step is Step.RCPT
    assert plan_retest(bounced, None, with_data=True).step is Step.DATA
    assert remote_host("dns; mx1.example.org [192.0.2.1]") == "mx1.example.org"


def evidence_with(rcpt: StepOutcome) -> Evidence:
    records = {step: StepOutcome(step, StepStatus.PASSED) for step in Step}
    records[Step.STARTTLS] = StepOutcome(Step.STARTTLS)
    records[Step.DATA] = StepOutcome(Step.DATA)
    records[Step.RCPT] = rcpt
    return Evidence(records=records, domain="example.org", domain_ascii="example.org")


BOUNCED = BouncedRecipient(
    "bob@example.org",
    reply_code=450,
    diagnostic="450 4.2.0 <bob@example.org>: Recipient address rejected: Greylisted",
    smtp_command="RCPT",
)


def test_a_bounce_that_now_passes_is_accepted_and_names_both_hosts():
    now = evidence_with(StepOutcome(Step.RCPT, StepStatus.PASSED))
    result = compare(BOUNCED, now, this_host="198.51.100.7", helo="test.example.net")
    assert result.comparison is Comparison.ACCEPTED
    assert "transient" in result.verdict.verdict
    assert any("198.51.100.7" in line for line in result.verdict.evidence)


def test_a_different_refusal_is_shown_beside_the_bounce():
    reply = Reply(550, ("5.7.1 Service unavailable; client blocked using zen",), b"")
    now = evidence_with(StepOutcome(Step.RCPT, StepStatus.FAILED, "550", reply))
    result = compare(BOUNCED, now, this_host="198.51.100.7", helo="test.example.net")
    assert result.comparison is Comparison.DIFFERENT
    assert result.verdict.evidence[0].startswith("The bounce: 450")
    assert result.verdict.evidence[1].startswith("The re-test: RCPT TO answered 550")


def test_a_greylisting_bounce_retested_later_now_passes(tmp_path):
    bounce = str(LAB_BOUNCES / "sendmail-greylisted.eml")
    result = run_cli("bounce", bounce, "--retest", "--demo", "--timeout", "5", tmp_path=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "MAIL FROM:<newsletter@lab.test>" in result.stdout  # the bounce's own sender
    assert "Re-test: accepted" in result.stdout and "transient" in result.stdout
