"""The command a refusal answered, as evidence when the reply itself says nothing specific.

"550 Access denied" or "554 Transaction failed" explain nothing by their words, but an admin
reads them by where they came: refused at the greeting, the server will not talk to the
sending address (RFC 5321 §3.1 lets a server greet with 554 for exactly that); refused after
EHLO/HELO, it did not like the name given; refused after MAIL FROM, it did not like the
sender; refused once the message was sent, its content (a filter or a policy). Only permanent
refusals that nothing more specific than a code explained are read this way: a text, a keyword
or an enhanced code with a meaning of its own always decides, and a temporary refusal at the
greeting is more often a busy server than a block. After RCPT TO the command tells nothing
(recipient, relay and policy refusals all come there).
"""

from __future__ import annotations

import re
from dataclasses import replace

from smtp_tui.core.explain import Decision, Explanation, explain_reply
from smtp_tui.core.explain_data import category_defaults
from smtp_tui.core.explain_kinds import Category, DecidedBy, Side
from smtp_tui.core.replies import Reply
from smtp_tui.core.steps import Step

# A refusal's command, as the bounce reader and the session name it, and what a bare
# refusal there means.
_READ_BY_COMMAND: dict[str, tuple[Category, str, str]] = {
    "CONN": (
        Category.SENDER_IP_BLOCKED,
        "the greeting",
        "The server refused the connection itself without saying why: it will not talk to "
        "the sending address (a block list, reputation, or a network it does not accept).",
    ),
    "EHLO": (
        Category.HELO_REJECTED,
        "EHLO",
        "The server refused the name given in EHLO/HELO without saying why: use your server's "
        "real, resolvable name (matching its reverse DNS).",
    ),
    "MAIL": (
        Category.SENDER_REJECTED,
        "MAIL FROM",
        "The server refused the sender address (MAIL FROM) without saying why: the envelope "
        "sender, its domain's records or its reputation.",
    ),
    "DATA": (
        Category.CONTENT_POLICY,
        "the message (DATA)",
        "The server refused the message after reading it, without saying why: most often a "
        "filter or policy on its content, headers or attachments.",
    ),
}
_READ_BY_COMMAND["HELO"] = _READ_BY_COMMAND["EHLO"]
# A refusal reported after DATA that names recipients is a pipelined RCPT TO's answer (Exim's
# "after pipelined end of data", "All recipient addresses rejected"), not a verdict on content.
_ABOUT_RECIPIENTS = re.compile(
    r"recipient|mailbox|\buser\b|does not exist|no such|unknown|not found", re.IGNORECASE
)
_GENERIC = (
    DecidedBy.BASIC_CODE,
    DecidedBy.ENHANCED_CODE,
    DecidedBy.BROAD_PHRASE,
    DecidedBy.NOTHING,
)


def command_of_verb(verb: str | None) -> str | None:
    """``MAIL FROM:<a>`` / ``mail`` / ``CONN`` -> the command's name as the table uses it."""
    if not verb:
        return None
    word = verb.strip().split(":", 1)[0].split(" ", 1)[0].upper()
    return word or None


def read_by_command(explanation: Explanation, command: str | None, text: str = "") -> Explanation:
    """``explanation`` of the reply ``text``, or — when only a generic code spoke and the reply
    is a permanent refusal — the reading the refused command gives (see the module doc)."""
    verb = command_of_verb(command) or ""
    if verb == "DATA" and _ABOUT_RECIPIENTS.search(text):
        return explanation
    reading = _READ_BY_COMMAND.get(verb)
    code = explanation.code
    if (
        reading is None
        or explanation.category is not Category.OTHER
        or explanation.decision.by not in _GENERIC
        or code is None
        or not 500 <= code < 600
    ):
        return explanation
    category, where, meaning = reading
    label = f"reply code {code} in reply to {where}"
    return replace(
        explanation,
        category=category,
        side=Side.YOURS,
        meaning=meaning,
        next_steps=category_defaults()[category].next_steps,
        decision=Decision(DecidedBy.BASIC_CODE, "code", label),
    )


def explain_answer(reply: Reply, step: Step | None) -> Explanation:
    """A session's reply explained as the reply to its step's command: what the screen, plain
    mode and the verdict all show (a free command's reply is read on its own)."""
    command = "CONN" if step is Step.CONNECT else (step.name if step is not None else None)
    return read_by_command(explain_reply(reply), command, reply.text)
