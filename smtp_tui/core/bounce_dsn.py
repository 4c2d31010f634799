"""RFC 3464 delivery-status reports: the per-message and per-recipient fields.

The report is a list of header-like blocks separated by blank lines: the first says which
MTA wrote it (``Reporting-MTA``, ``Arrival-Date``), each following one speaks of one
recipient (``Final-Recipient``, ``Action``, ``Status``, ``Remote-MTA``, ``Diagnostic-Code``,
...). The same fields are also found pasted into plain text, so the reader takes any text.
"""

from __future__ import annotations

import re

from smtp_tui.core.bounce_mime import clean_value
from smtp_tui.core.record import frozen_record

_FIELD = re.compile(r"^([A-Za-z][A-Za-z0-9-]*)[ \t]*:[ \t]*(.*)$")
_STATUS = re.compile(r"\b([245])\.(\d{1,3})\.(\d{1,3})\b")
_ADDRESS = re.compile(r"(?:\"[^\"\s@]{1,64}\"|[^\s<>;:\"@]+)@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
# Action words as RFC 3464 spells them, and the variants some MTAs write instead.
_ACTIONS = {
    "failed": "failed",
    "failure": "failed",
    "delayed": "delayed",
    "delay": "delayed",
    # SendGrid and others: the message expired in the queue, the sending MTA gave up.
    "expired": "failed",
    "delivered": "delivered",
    "relayed": "relayed",
    "expanded": "expanded",
}
MAX_RECIPIENTS = 1000


@frozen_record
class DsnRecipient:
    recipient: str
    original_recipient: str | None = None
    action: str | None = None
    status: str | None = None
    remote_mta: str | None = None
    diagnostic: str | None = None
    last_attempt_date: str | None = None


@frozen_record
class DsnReport:
    reporting_mta: str | None = None
    arrival_date: str | None = None
    recipients: tuple[DsnRecipient, ...] = ()
    sender: str | None = None  # the envelope sender, where the MTA says it (X-Postfix-Sender)
    # Recipient blocks whose Final-Recipient holds no readable address ("rfc822; @host"):
    # their fields still count when the text names the address (paired in order).
    unnamed: tuple[DsnRecipient, ...] = ()


def _blocks(text: str) -> list[dict[str, str]]:
    """Blocks of fields, each a dict by lower-case name; continuation lines are unfolded."""
    blocks: list[dict[str, str]] = []
    current: dict[str, str] = {}
    last: str | None = None
    for line in text.splitlines():
        if not line.strip():
            if current:
                blocks.append(current)
            current, last = {}, None
            continue
        if line[:1] in (" ", "\t") and last is not None:
            current[last] += " " + line.strip()
            continue
        match = _FIELD.match(line)
        if match is None:
            last = None
            continue
        name = match.group(1).lower()
        if name in current and name in ("final-recipient", "original-recipient"):
            # Two recipients without a blank line between them (seen in pasted text).
            blocks.append(current)
            current = {}
        current.setdefault(name, match.group(2).strip())
        last = name if current[name] == match.group(2).strip() else None
    if current:
        blocks.append(current)
    return blocks


def typed_value(value: str) -> str:
    """``rfc822; a@b`` -> ``a@b``, ``dns; mx.example`` -> ``mx.example`` (the type dropped)."""
    head, sep, rest = value.partition(";")
    if sep and re.fullmatch(r"[A-Za-z0-9.+-]{1,40}", head.strip()):
        return rest.strip()
    return value.strip()


def address_of(value: str) -> str | None:
    match = _ADDRESS.search(typed_value(value))
    if match is None:
        return None
    address = match.group(0)
    # A quoted local part ("a..b"@c) keeps its quotes; otherwise trailing punctuation goes.
    return address if address.startswith('"') else address.strip(".,:()[]'")


def status_of(value: str | None) -> str | None:
    match = _STATUS.search(value or "")
    return ".".join(match.groups()) if match else None


def _action_of(value: str | None, status: str | None) -> str | None:
    words = (value or "").lower().split()
    if words:
        return _ACTIONS.get(words[0].strip("()."), words[0])
    if status:
        return {"5": "failed", "4": "delayed", "2": "delivered"}.get(status[0])
    return None


def _host_of(value: str | None) -> str | None:
    if not value:
        return None
    host = typed_value(value).split()
    return clean_value(host[0].strip("[]()<>;").rstrip(".")) if host else None


def _status_comment(value: str | None) -> str | None:
    """``4.0.0 (cat.example: host name lookup failure)``: the words, when no diagnostic."""
    match = re.search(r"\(([^)]{3,})\)", value or "")
    return match.group(1) if match else None


def _optional(value: str | None) -> str | None:
    return clean_value(value) if value and value.strip() else None


def read_dsn(text: str) -> DsnReport:
    """The delivery-status fields found in ``text`` (recipients without an address skipped)."""
    reporting: str | None = None
    arrival: str | None = None
    sender: str | None = None
    recipients: list[DsnRecipient] = []
    unnamed: list[DsnRecipient] = []
    for block in _blocks(text):
        reporting = reporting or _host_of(block.get("reporting-mta"))
        if sender is None:
            named = block.get("x-postfix-sender") or block.get("x-sender")
            sender = address_of(named) if named else None
        arrival = arrival or _optional(block.get("arrival-date"))
        final = block.get("final-recipient") or ""
        address = address_of(final) or address_of(block.get("original-recipient") or "")
        if len(recipients) + len(unnamed) >= MAX_RECIPIENTS:
            continue
        if address is None and not (final and (block.get("action") or block.get("status"))):
            continue
        status = status_of(block.get("status"))
        original = block.get("original-recipient")
        diagnostic = block.get("diagnostic-code") or _status_comment(block.get("status"))
        (recipients if address else unnamed).append(
            DsnRecipient(
                recipient=clean_value(address or ""),
                original_recipient=clean_value(address_of(original) or "") or None
                if original
                else None,
                action=_action_of(block.get("action"), status),
                status=status,
                remote_mta=_host_of(block.get("remote-mta")),
                diagnostic=_optional(typed_value(diagnostic)) if diagnostic else None,
                last_attempt_date=_optional(block.get("last-attempt-date")),
            )
        )
    return DsnReport(
        reporting,
        arrival,
        tuple(recipients),
        clean_value(sender) if sender else None,
        tuple(unnamed),
    )
