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

The reading itself is the explainer's (``explain(..., stage=...)``, ``data/reply_stages.tsv``),
the same one a pasted line gets when its MTA names the command ("in reply to MAIL FROM"); this
module only names the stage for a session's step and a bounce's command.
"""

from __future__ import annotations

from smtp_tui.core.explain import Explanation, explain_reply
from smtp_tui.core.explain_kinds import Stage
from smtp_tui.core.replies import Reply
from smtp_tui.core.steps import Step

# A command as the bounce reader and the session name it -> the explainer's stage.
_STAGES = {
    "CONN": Stage.CONNECT,
    "EHLO": Stage.HELO,
    "HELO": Stage.HELO,
    "LHLO": Stage.HELO,
    "STARTTLS": Stage.STARTTLS,
    "MAIL": Stage.MAIL,
    "RCPT": Stage.RCPT,
    "DATA": Stage.DATA,
}


def stage_of_command(command: str | None) -> Stage | None:
    """``MAIL FROM:<a>`` / ``mail`` / ``CONN`` -> the explainer's stage (``mail``), if any."""
    if not command:
        return None
    word = command.strip().split(":", 1)[0].split(" ", 1)[0].upper()
    return _STAGES.get(word)


def stage_of_step(step: Step | None) -> Stage | None:
    """The stage of a guided step's reply (a free command's reply is read on its own)."""
    if step is None:
        return None
    return stage_of_command("CONN" if step is Step.CONNECT else step.name)


def explain_answer(reply: Reply, step: Step | None) -> Explanation:
    """A session's reply explained as the reply to its step's command: what the screen, plain
    mode and the verdict all show."""
    return explain_reply(reply, stage_of_step(step))
