"""Read a bounce (a non-delivery report): who failed, what the remote server said, and why.

``read_bounce`` takes a whole message (an ``.eml``, an mbox holding one message, or the text
as pasted from a mail client, with or without headers) and returns a :class:`BounceReport`.
MIME is parsed by the standard library's ``email`` package (``bounce_mime``); the RFC 3464
delivery-status part is read by ``bounce_dsn`` and the human-readable part, per bouncing MTA,
by ``bounce_text``. A bounce is untrusted text: it is capped in size, every value is
sanitized where it enters, and nothing it holds makes the reader raise.
"""

from __future__ import annotations

import re

from smtp_tui.core.bounce_dsn import DsnRecipient, DsnReport, read_dsn
from smtp_tui.core.bounce_mime import BounceParts, split_bounce
from smtp_tui.core.bounce_reply import ReplyFacts, read_reply
from smtp_tui.core.bounce_ses import read_ses_notification
from smtp_tui.core.bounce_text import TextRecipient, TextReport, read_text, unquoted
from smtp_tui.core.explain import Explanation, explain
from smtp_tui.core.explain_command import stage_of_command
from smtp_tui.core.record import field, frozen_record, replace

# A real bounce, attachment included, is rarely over a few MB; past this the rest is dropped.
MAX_BOUNCE_BYTES = 4_000_000
# Failures and delays are what the reader reports; other actions are seen, not failures.
FAILURE_ACTIONS = ("failed", "delayed")
_RECEIVED_BY = re.compile(r"\bby\s+([A-Za-z0-9][A-Za-z0-9.-]*[A-Za-z0-9])", re.IGNORECASE)
_IPV4 = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}")
_ADDRESS = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_EMBEDDED_DSN = re.compile(r"^\s*>?\s*Final-Recipient:", re.IGNORECASE | re.MULTILINE)


@frozen_record
class OriginalMessage:
    """Headers of the message that bounced, when the bounce attaches or quotes them."""

    sender: str | None = None
    to: str | None = None
    subject: str | None = None
    message_id: str | None = None
    date: str | None = None

    def as_json(self) -> dict[str, object]:
        return {
            "from": self.sender,
            "to": self.to,
            "subject": self.subject,
            "message_id": self.message_id,
            "date": self.date,
        }


@frozen_record
class BouncedRecipient:
    """One recipient of the bounce, with the remote server's reply and its explanation."""

    recipient: str
    action: str | None = None
    status: str | None = None
    reply_code: int | None = None
    diagnostic: str | None = None  # the full reply text (or the reporting MTA's words)
    remote_mta: str | None = None
    smtp_command: str | None = None  # CONN, HELO, EHLO, MAIL, RCPT, DATA, STARTTLS
    original_recipient: str | None = None
    last_attempt_date: str | None = None
    explanation: Explanation | None = field(default=None, compare=False)

    @property
    def is_failure(self) -> bool:
        """Failed or delayed: what the user must act on (delivered recipients are not)."""
        return self.action in FAILURE_ACTIONS

    def as_json(self) -> dict[str, object]:
        explanation = self.explanation
        return {
            "recipient": self.recipient,
            "action": self.action,
            "status": self.status,
            "reply_code": self.reply_code,
            "remote_mta": self.remote_mta,
            "smtp_command": self.smtp_command,
            "diagnostic": self.diagnostic,
            "category": explanation.category if explanation else None,
            "side": explanation.side if explanation else None,
            "meaning": explanation.meaning if explanation else None,
            "next_steps": list(explanation.next_steps) if explanation else [],
        }


@frozen_record
class BounceReport:
    """What a bounce says. ``format`` names the layout that was read ("rfc3464", "postfix",
    ...; "unknown" when nothing was recognised); ``seen`` says what the reader saw, for the
    user when no failure was found."""

    format: str
    reporting_mta: str | None = None
    arrival_date: str | None = None
    original: OriginalMessage | None = None
    recipients: tuple[BouncedRecipient, ...] = ()
    seen: tuple[str, ...] = ()
    # Who sent the message that bounced (the MAIL FROM for a re-test): the MTA's word
    # (X-Postfix-Sender), else the original's Return-Path, else the bounce's To, else From.
    envelope_sender: str | None = None

    @property
    def failures(self) -> tuple[BouncedRecipient, ...]:
        """The failed and delayed recipients, in the bounce's order."""
        return tuple(r for r in self.recipients if r.is_failure)


def read_bounce(data: bytes | str) -> BounceReport:
    """Read ``data`` as a bounce. Never raises: unreadable input gives a report that holds no
    recipient and says what was seen."""
    try:
        return _read(data)
    except Exception as error:  # a hostile message must not crash the reader
        return BounceReport(
            "unknown", seen=(f"the input could not be read ({type(error).__name__})",)
        )


def _read(data: bytes | str, *, depth: int = 0) -> BounceReport:
    raw = data.encode("utf-8", "surrogateescape") if isinstance(data, str) else data
    cut = len(raw) > MAX_BOUNCE_BYTES
    parts = split_bounce(raw[:MAX_BOUNCE_BYTES])
    seen = list(parts.seen)
    if cut:
        seen.append(f"the input was cut to its first {MAX_BOUNCE_BYTES:,} bytes")
    dsn = read_dsn(parts.delivery_status) if parts.delivery_status else DsnReport()
    if not dsn.recipients and _EMBEDDED_DSN.search(parts.text):
        # A delivery-status report pasted into the text, or sent without its own MIME part.
        dsn = read_dsn(unquoted(parts.text))
    text = read_text(parts.text, parts.headers, parts.original)
    ses = read_ses_notification(parts.text) if not dsn.recipients else None
    if ses is not None and ses.recipients:
        text = TextReport("amazonses", ses.reporting_mta, ses.recipients)
        parts = replace(parts, original=parts.original or ses.original)
    recipients = _merge(dsn.recipients, text.recipients, dsn.unnamed)
    recipients = [_explained(r) for r in recipients]
    fmt = text.format if text.format != "unknown" else ("rfc3464" if dsn.recipients else "unknown")
    if dsn.recipients and text.format in ("unknown", "text"):
        fmt = "rfc3464"
    if (not recipients or text.guessed) and not dsn.recipients and parts.attached and depth == 0:
        # A bounce forwarded as an attachment: the attached message is the bounce.
        inner = _read(parts.attached, depth=1)
        if inner.failures and inner.format != "unknown":
            return replace(
                inner,
                seen=(
                    *seen,
                    "a bounce forwarded inside the message (attached or quoted)",
                    *inner.seen,
                ),
            )
    if not recipients:
        seen.append(_nothing_found(parts, dsn))
    return BounceReport(
        format=fmt,
        reporting_mta=dsn.reporting_mta or text.reporting_mta or _bounce_origin(parts),
        arrival_date=dsn.arrival_date,
        original=_original(parts),
        recipients=tuple(recipients),
        seen=tuple(seen),
        envelope_sender=dsn.sender or _sender_of(parts),
    )


def _sender_of(parts: BounceParts) -> str | None:
    for value in (
        parts.original.get("return-path"),
        parts.headers.get("to"),
        parts.original.get("from"),
    ):
        found = _ADDRESS.search(value or "")
        if found:
            return found.group(0)
    return None


def _bounce_origin(parts: BounceParts) -> str | None:
    """The host that wrote the bounce when it does not say: the receiving host of the
    bounce's oldest Received field (where the bounce entered the mail system)."""
    for received in reversed(parts.received):
        match = _RECEIVED_BY.search(received)
        host = match.group(1).rstrip(".") if match else ""
        if any(char.isalpha() for char in host) or _IPV4.fullmatch(host):
            return host
    return None


def _nothing_found(parts: BounceParts, dsn: DsnReport) -> str:
    if parts.delivery_status:
        return "a delivery-status part without any recipient"
    subject = parts.headers.get("subject")
    shown = f' (subject "{subject}")' if subject else ""
    return f"a message{shown} without a delivery-status report or a failure text smtp-tui knows"


def _original(parts: BounceParts) -> OriginalMessage | None:
    headers = parts.original
    if not headers:
        return None
    found = OriginalMessage(
        sender=headers.get("from"),
        to=headers.get("to"),
        subject=headers.get("subject"),
        message_id=headers.get("message-id"),
        date=headers.get("date"),
    )
    return found if found != OriginalMessage() else None


def _same_address(left: str, right: str) -> bool:
    return left.strip("<>").lower() == right.strip("<>").lower()


def _merge(
    dsn: tuple[DsnRecipient, ...],
    text: tuple[TextRecipient, ...],
    unnamed: tuple[DsnRecipient, ...] = (),
) -> list[BouncedRecipient]:
    """Recipients from the delivery-status part, completed by what the text says of each;
    without a delivery-status part, the text's recipients alone. Delivery-status blocks that
    name no address (``unnamed``) complete the text's other recipients, paired in order when
    as many are left on both sides."""
    merged: list[BouncedRecipient] = []
    used: set[int] = set()
    left_over = _pair_left_over(dsn, text)
    for index, entry in enumerate(dsn):
        said = next(
            (
                i
                for i, t in enumerate(text)
                if i not in used and _same_address(t.recipient, entry.recipient)
            ),
            left_over.get(index),
        )
        from_text = text[said] if said is not None else None
        if said is not None:
            used.add(said)
        merged.append(_from_dsn(entry, from_text))
    if not dsn:
        merged = [_from_text(t) for t in text]
        used = set()
    left = [i for i in range(len(text)) if i not in used]
    if unnamed and len(left) == len(unnamed):
        for entry, index in zip(unnamed, left, strict=True):
            named = text[index]
            completed = _from_dsn(replace(entry, recipient=named.recipient), named)
            at = next((n for n, m in enumerate(merged) if m.recipient == named.recipient), None)
            if at is None:
                merged.append(completed)
            else:
                merged[at] = completed
    return merged


def _pair_left_over(
    dsn: tuple[DsnRecipient, ...], text: tuple[TextRecipient, ...]
) -> dict[int, int]:
    """DSN and text recipients that no address pairs, paired in order when as many are left
    on both sides (the text sometimes spells an address differently)."""
    addresses = {t.recipient.lower().strip("<>") for t in text}
    finals = {d.recipient.lower().strip("<>") for d in dsn}
    left_dsn = [i for i, d in enumerate(dsn) if d.recipient.lower().strip("<>") not in addresses]
    left_text = [i for i, t in enumerate(text) if t.recipient.lower().strip("<>") not in finals]
    return dict(zip(left_dsn, left_text, strict=True)) if len(left_dsn) == len(left_text) else {}


def _from_dsn(entry: DsnRecipient, said: TextRecipient | None) -> BouncedRecipient:
    reply = read_reply(entry.diagnostic or "")
    text_reply = read_reply(said.diagnostic) if said and said.diagnostic else ReplyFacts()
    if said is not None and text_reply.code is None and said.reply_code is not None:
        text_reply = replace(text_reply, code=said.reply_code)
    # The text often carries the remote reply where the DSN only has the MTA's own words.
    if reply.code is None and text_reply.code is not None:
        diagnostic = said.diagnostic if said else entry.diagnostic
        reply = text_reply
    else:
        diagnostic = entry.diagnostic or (said.diagnostic if said else None)
    status = entry.status
    vague = reply.reply_status is not None and reply.reply_status[1:] == ".0.0"
    if vague and status and status[1:] != ".0.0":
        pass  # "451 4.0.0" says nothing the Status field (4.5.0) does not say better
    elif reply.reply_status and reply.reply_status[0] == (status or reply.reply_status)[0]:
        # The remote server's own enhanced code says why; the Status field often only says
        # that the reporting MTA gave up (4.4.7) or nothing precise (5.0.0).
        status = reply.reply_status
    elif (
        status in (None, "5.0.0", "4.0.0")
        and reply.status
        and reply.status[0] == (status or reply.status)[0]
    ):
        status = reply.status
    remote = (
        entry.remote_mta or reply.host or text_reply.host or (said.remote_mta if said else None)
    )
    command = reply.command or text_reply.command or (said.smtp_command if said else None)
    return BouncedRecipient(
        recipient=entry.recipient,
        action=entry.action or (said.action if said else None),
        status=status or reply.status,
        reply_code=reply.code,
        diagnostic=diagnostic,
        remote_mta=remote,
        smtp_command=command,
        original_recipient=entry.original_recipient,
        last_attempt_date=entry.last_attempt_date,
    )


def _from_text(said: TextRecipient) -> BouncedRecipient:
    reply = read_reply(said.diagnostic or "")
    return BouncedRecipient(
        recipient=said.recipient,
        action=said.action,
        status=said.status or reply.status,
        reply_code=said.reply_code if said.reply_code is not None else reply.code,
        diagnostic=said.diagnostic,
        remote_mta=said.remote_mta or reply.host,
        smtp_command=said.smtp_command or reply.command,
    )


def _explained(recipient: BouncedRecipient) -> BouncedRecipient:
    if not recipient.is_failure:
        return recipient
    # The diagnostic is already the remote reply, unwrapped: reading it again would let a
    # trailer such as qmail's "Other MXes tried: ... said 550 ..." replace it.
    text = recipient.diagnostic or ""
    try:
        stage = stage_of_command(recipient.smtp_command)
        explanation = explain(recipient.reply_code, recipient.status, text, stage=stage)
    except Exception:  # the explainer's data failed to load: the facts still stand
        return recipient
    return replace(recipient, explanation=explanation)
