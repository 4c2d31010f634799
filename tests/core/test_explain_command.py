"""A refusal that says nothing specific is read by the command it answered: the same reading
for a session's step and a bounce's command."""

import pytest

from smtp_tui.core.explain_command import explain_answer, stage_of_command
from smtp_tui.core.replies import Reply
from smtp_tui.core.steps import Step

_STEPS = {
    "CONN": Step.CONNECT,
    "EHLO": Step.EHLO,
    "MAIL": Step.MAIL,
    "STARTTLS": Step.STARTTLS,
    "RCPT": Step.RCPT,
    "DATA": Step.DATA,
}


def reply(line: str) -> Reply:
    code, _, text = line.partition(" ")
    return Reply(int(code), (text,), line.encode())


def read_by_command(line: str, command: str):
    """The line as a session reads it: the reply to ``command``'s step."""
    return explain_answer(reply(line), _STEPS[command])


def test_a_bounce_command_names_the_same_stage_as_a_step():
    assert stage_of_command("HELO") == stage_of_command("EHLO") == "helo"
    assert stage_of_command("MAIL FROM:<a@b.example>") == "mail"
    assert stage_of_command("CONN") == "connect"
    assert stage_of_command("") is None
    assert stage_of_command("XYZZY") is None


@pytest.mark.parametrize(
    ("line", "command", "category"),
    [
        ("554 Access denied", "CONN", "sender-ip-blocked"),
        ("550 Rejected", "EHLO", "helo-rejected"),
        ("550 5.7.1 Access denied", "MAIL", "sender-rejected"),
        ("550 5.7.0 Local Policy Violation", "DATA", "content-policy"),
    ],
)
def test_a_bare_refusal_is_read_by_the_command_it_answered(line, command, category):
    explanation = read_by_command(line, command)
    assert explanation.category == category
    assert explanation.side == "yours"
    # The code that spoke keeps its name in the JSON's rule (documented set: code,
    # enhanced-code); the "Decided by" line adds the command.
    assert explanation.decision.rule in ("code", "enhanced-code")
    assert " in reply to " in explanation.decided_by


@pytest.mark.parametrize(
    ("line", "command"),
    [
        ("550 Rejected", "RCPT"),  # recipient, relay and policy refusals all come at RCPT TO
        ("421 Service not available", "CONN"),  # a busy server more often than a block
        ("451 Temporary failure", "MAIL"),  # only permanent refusals are read this way
        ("550 5.1.1 User unknown", "MAIL"),  # a text that says something decides itself
        ("553 neko.example.com does not exist", "DATA"),  # names a recipient: pipelined RCPT
        ("550 5.4.1 All recipient addresses rejected", "DATA"),
        ("554 5.7.1 <a@b.example>: Recipient address rejected: Access denied", "DATA"),
        ("421 4.3.0 Try again later", "STARTTLS"),  # the server closing, not a TLS failure
        ("454 4.7.0 TLS not available due to local problem", "STARTTLS"),
    ],
)
def test_the_command_does_not_overrule_what_the_reply_says(line, command):
    read = read_by_command(line, command)
    alone = explain_answer(reply(line), None)
    assert (read.category, read.side, read.decided_by) == (
        alone.category,
        alone.side,
        alone.decided_by,
    )


def test_a_session_reply_is_explained_as_the_answer_to_its_step():
    explanation = explain_answer(reply("550 Access denied"), Step.MAIL)
    assert explanation.category == "sender-rejected"
    assert "MAIL FROM" in explanation.decided_by
    assert explain_answer(reply("550 Access denied"), None).category == "other"
