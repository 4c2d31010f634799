"""The small test message sent after DATA: built with the standard ``email`` package, then
dot-stuffed and terminated for SMTP, with no bare CR or LF anywhere."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid

from smtp_tui.core.record import frozen_record

# 7-bit: a non-ASCII body is sent quoted-printable, so no 8BITMIME is needed.
_POLICY = SMTP.clone(cte_type="7bit")

DEFAULT_BODY = (
    "This is a test message sent by smtp-tui, to check that mail from this server\n"
    "reaches this address. No action is needed.\n"
)

_QUEUE_ID = (
    re.compile(r"queued as\s+([A-Za-z0-9._-]+)", re.IGNORECASE),
    re.compile(r"\bOK\s+\d+\s+(\S+)\s+-\s+gsmtp", re.IGNORECASE),  # Gmail
    re.compile(r"\bid[=:]\s*([A-Za-z0-9._@<>-]+)", re.IGNORECASE),
    re.compile(r"<([^<>\s]+@[^<>\s]+)>"),  # Microsoft: the Message-ID in brackets
    re.compile(r"\b(?:ok|accepted)\b[: ]+([A-Za-z0-9._-]{6,})", re.IGNORECASE),
)


@frozen_record
class TestMessage:
    """What goes after the 354: the lines shown in the transcript and the bytes sent."""

    __test__ = False  # not a pytest class

    lines: tuple[str, ...]
    payload: bytes
    message_id: str


def build_test_message(
    sender: str,
    recipient: str,
    helo: str,
    *,
    body: str = DEFAULT_BODY,
    subject: str = "smtp-tui test message",
    now: datetime | None = None,
) -> TestMessage:
    """Headers Date, From, To, Subject, Message-ID; CRLF endings; dot-stuffing; the end."""
    message = EmailMessage(policy=_POLICY)
    message["Date"] = format_datetime(now or datetime.now(UTC))
    message["From"] = sender
    message["To"] = recipient
    message["Subject"] = subject
    domain = helo.strip("[]") or "localhost"
    message["Message-ID"] = make_msgid(idstring="smtp-tui", domain=domain)
    # Any line ending the user typed (CR, LF or CRLF) becomes one; no bare CR or LF survives.
    message.set_content("\n".join(body.splitlines()) + "\n")
    wire_lines = message.as_bytes(policy=_POLICY).split(b"\r\n")
    if wire_lines and wire_lines[-1] == b"":
        wire_lines.pop()
    stuffed = [b"." + line if line.startswith(b".") else line for line in wire_lines]
    payload = b"".join(line + b"\r\n" for line in stuffed) + b".\r\n"
    shown = (*(line.decode("ascii", "replace") for line in stuffed), ".")
    return TestMessage(shown, payload, str(message["Message-ID"]))


def queue_id(reply_text: str) -> str | None:
    """The receiving server's id for the message, from its 250 after the final dot."""
    for pattern in _QUEUE_ID:
        match = pattern.search(reply_text)
        if match:
            return match.group(1)
    return None
