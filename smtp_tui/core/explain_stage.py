"""What a refusal means by the command it answered, when only a code spoke and it names nothing.

A refusal of MAIL FROM is about the sender, one at the greeting about the sending host, one after
the message about its content (``data/reply_stages.tsv``). A session's step, a bounce's command
and a pasted line whose MTA names the command ("in reply to MAIL FROM command") all come here.
"""

from __future__ import annotations

import re

from smtp_tui.core.explain_data import reply_stages
from smtp_tui.core.explain_kinds import Entry, Side, Stage
from smtp_tui.core.explain_subject import subject_nouns

# How the "Decided by" line names the command.
_COMMAND_NAMES = {
    Stage.CONNECT: "the connection",
    Stage.HELO: "EHLO/HELO",
    Stage.STARTTLS: "STARTTLS",
    Stage.MAIL: "MAIL FROM",
    Stage.RCPT: "RCPT TO",
    Stage.DATA: "DATA",
}
# Words of a missing address that are not nouns of the recipient (those are in
# data/reply_subjects.tsv): "neko.example.com does not exist", "no such user".
_MISSING_ADDRESS = re.compile(r"\buser\b|does not exist|no such|unknown|not found", re.IGNORECASE)


def _names_recipients(line: str) -> bool:
    """The recipient's nouns (as the side-from-nouns rule has them), Postfix's "Recipient
    address rejected:" included (here it does tell: only RCPT TO is answered so), or words of a
    missing address."""
    theirs = (row.pattern for row in subject_nouns() if row.side is Side.THEIRS)
    return any(pattern.search(line) for pattern in theirs) or bool(_MISSING_ADDRESS.search(line))


def stage_reading(stage: Stage | None, code: int | None, line: str) -> tuple[Entry, str] | None:
    """The stage's reading of a reply with ``code`` and text ``line``, and the command's name
    for the "Decided by" line; None when the stage says nothing here.

    A refusal after DATA that names recipients is a pipelined RCPT TO's answer (Exim's "after
    pipelined end of data", "All recipient addresses rejected"), not a verdict on the content."""
    if stage is None or code is None:
        return None
    if stage is Stage.DATA and _names_recipients(line):
        return None
    stages = reply_stages()
    entry = stages.get((stage, str(code // 100))) or stages.get((stage, "*"))
    if entry is None:
        return None
    return entry, _COMMAND_NAMES[stage]
