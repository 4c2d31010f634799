"""A refusal that says nothing specific is read by the command it answered."""

import pytest

from smtp_tui.core.explain import explain_text
from smtp_tui.core.explain_command import explain_answer, read_by_command
from smtp_tui.core.replies import Reply
from smtp_tui.core.steps import Step


def reply(line: str) -> Reply:
    code, _, text = line.partition(" ")
    return Reply(int(code), (text,), line.encode())


@pytest.mark.parametrize(
    ("line", "command", "category"),
    [
        ("554 Access denied", "CONN", "sender-ip-blocked"),
        ("550 Rejected", "EHLO", "helo-rejected"),
        ("550 Rejected", "HELO", "helo-rejected"),
        ("550 5.7.1 Access denied", "MAIL", "sender-rejected"),
        ("550 5.7.0 Local Policy Violation", "DATA", "content-policy"),
    ],
)
def test_a_bare_refusal_is_read_by_the_command_it_answered(line, command, category):
    explanation = read_by_command(explain_text(line), command, line)
    assert explanation.category == category
    assert explanation.side == "yours"
    assert explanation.decision.rule == "code"  # the JSON's rule stays in the documented set
    assert f"reply code {line[:3]} in reply to" in explanation.decided_by


@pytest.mark.parametrize(
    ("line", "command"),
    [
        ("550 Rejected", "RCPT"),  # recipient, relay and policy refusals all come at RCPT TO
        ("421 Service not available", "CONN"),  # a busy server more often than a block
        ("451 Temporary failure", "MAIL"),  # only permanent refusals are read this way
        ("550 5.1.1 User unknown", "MAIL"),  # a text that says something decides itself
        ("553 neko.example.com does not exist", "DATA"),  # names a recipient: pipelined RCPT
        ("550 5.4.1 All recipient addresses rejected", "DATA"),
    ],
)
def test_the_command_does_not_overrule_what_the_reply_says(line, command):
    assert read_by_command(explain_text(line), command, line) == explain_text(line)


def test_a_session_reply_is_explained_as_the_answer_to_its_step():
    explanation = explain_answer(reply("550 Access denied"), Step.MAIL)
    assert explanation.category == "sender-rejected"
    assert "MAIL FROM" in explanation.decided_by
    assert explain_answer(reply("550 Access denied"), None).category == "other"
