"""Take a bounce apart with the standard library's ``email`` package.

Out come the bounce's own headers, the text of its delivery-status part(s), its
human-readable text (what the bouncing MTA wrote for people), and the headers of the
original message when the bounce attaches or quotes it. Nothing here understands what a
bounce says; ``bounce_dsn`` and ``bounce_text`` do that.
"""

from __future__ import annotations

import contextlib
import email
import email.header
import html
import re
from email.message import Message
from email.policy import compat32

from smtp_tui.core.record import field, frozen_record
from smtp_tui.core.sanitize import sanitize_text

MAX_HEADER_CHARS = 998  # RFC 5322's line limit: a longer header value is cut
MAX_TEXT_CHARS = 200_000  # human-readable text kept from one bounce

# Where a bouncing MTA starts quoting the original message inside its text.
_ORIGINAL_MARKER = re.compile(
    r"^[ \t|]*(?:-{2,}[ \t]*.*?(?:original message|message text follows|"
    r"copy of (?:the|your) message|unsent message|"
    r"message follows|returned message|below this line|original mail|"
    r"headers of the original|message header follows).*"
    r"|original message headers:.*|Original message:?[ \t]*|Content-Type: message/rfc822.*"
    r"|The original message (?:headers are|was)\s*:?\s*"
    r"|.*\b(?:Message headers follow|Below is a copy of the original message|"
    r"original message follows)\b.*"
    r")$|^(?=Received:\s*from\s|Return-Path:\s*<)",
    re.IGNORECASE | re.MULTILINE,
)
_HEADER_LINE = re.compile(r"^[A-Za-z][A-Za-z0-9-]*:[ \t]?")
_TAG = re.compile(r"<[^>]{0,2000}>")
_BREAK_TAG = re.compile(r"<(?:br|/p|/div|/tr|/li|hr)[^>]{0,200}>", re.IGNORECASE)


@frozen_record
class BounceParts:
    """A bounce taken apart. ``headers`` and ``original`` map lower-case header names to
    sanitized values (the first occurrence); ``text`` keeps line breaks (it is sanitized
    line by line by its readers)."""

    headers: dict[str, str] = field(default_factory=dict)
    delivery_status: str = ""
    text: str = ""
    original: dict[str, str] = field(default_factory=dict)
    seen: tuple[str, ...] = ()
    received: tuple[str, ...] = ()  # the bounce's own Received fields, newest first
    # The first attached (or inline quoted) message, in case it is the real bounce.
    attached: bytes = b""


def clean_value(value: str, *, max_chars: int = MAX_HEADER_CHARS) -> str:
    """One line of untrusted text: whitespace runs made single spaces, then sanitized."""
    return sanitize_text(" ".join(value.split()), max_chars=max_chars)


def _header_value(raw: object) -> str:
    text = str(raw)
    # An undecodable encoded-word stays as it was written.
    with contextlib.suppress(Exception):
        text = str(email.header.make_header(email.header.decode_header(text)))
    return clean_value(text)


def headers_of(message: Message) -> dict[str, str]:
    """The message's headers by lower-case name (first occurrence wins)."""
    found: dict[str, str] = {}
    for name, value in message.items():
        key = str(name).strip().lower()
        if key and key not in found:
            found[key] = _header_value(value)
    return found


def _decoded(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        raw = part.get_payload()
        return raw if isinstance(raw, str) else ""
    charset = part.get_content_charset() or "utf-8"
    if charset in ("us-ascii", "utf-8") and (b"\x1b$B" in payload or b"\x1b$@" in payload):
        # Japanese mail in ISO-2022-JP whose part forgot to say so (its escapes are 7-bit).
        charset = "iso-2022-jp"
    try:
        return payload.decode(charset, errors="replace")
    except LookupError:  # an unknown charset name
        return payload.decode("latin-1")


def _without_tags(markup: str) -> str:
    return html.unescape(_TAG.sub("", _BREAK_TAG.sub("\n", markup)))


def _block_text(block: object) -> str:
    if isinstance(block, Message):
        return "\n".join(f"{name}: {value}" for name, value in block.items())
    return ""


# One run of ISO-2022-JP: from the escape into JIS X 0208 to the escape back to ASCII.
_JIS_RUN = re.compile(r"\x1b\$[@B][^\x1b]{0,4000}\x1b\([BJ]")


def _jis_decoded(run: re.Match[str]) -> str:
    try:
        return run.group(0).encode("ascii").decode("iso-2022-jp")
    except (UnicodeError, LookupError):
        return run.group(0)


def _status_text(part: Message) -> str:
    payload = part.get_payload()
    if isinstance(payload, list):
        text = "\n\n".join(_block_text(block) for block in payload)
    else:
        text = _decoded(part)
    # Japanese MTAs write the Diagnostic-Code in ISO-2022-JP without saying so: its 7-bit
    # escapes pass as ASCII, so the runs are decoded here.
    return _JIS_RUN.sub(_jis_decoded, text) if "\x1b" in text else text


def _looks_like_message(raw: bytes) -> bool:
    first = raw.lstrip(b"\r\n \t").split(b"\n", 1)[0].decode("latin-1")
    return bool(_HEADER_LINE.match(first))


def _one_message(raw: bytes) -> bytes:
    """An mbox with one message: drop the ``From `` separator line (and any later message)."""
    raw = raw.lstrip(b"\r\n")
    if raw.startswith(b"From "):
        raw = raw.split(b"\n", 1)[1] if b"\n" in raw else b""
        later = re.search(rb"\n\nFrom [^\n]*\d{4}\r?\n", raw)
        if later:
            raw = raw[: later.start() + 1]
    return raw


@frozen_record
class _Quoted:
    """Text cut where the bouncing MTA quotes the original message."""

    text: str
    original: dict[str, str] = field(default_factory=dict)
    message: str = ""  # the quoted message itself, headers first, when it has headers


def _cut_original(text: str) -> _Quoted:
    """Split text where the bouncing MTA quotes the original message; read the quoted headers."""
    marker = _ORIGINAL_MARKER.search(text)
    if not marker:
        return _Quoted(text)
    quoted = text[marker.end() :].lstrip("\r\n")
    if not (quoted and _HEADER_LINE.match(quoted.lstrip(" \t"))):
        return _Quoted(text[: marker.start()])
    lines = [line.lstrip(" \t") if i == 0 else line for i, line in enumerate(quoted.splitlines())]
    message = "\n".join(lines)
    original = headers_of(email.message_from_string(message, policy=compat32))
    return _Quoted(text[: marker.start()], original, message)


def split_bounce(raw: bytes) -> BounceParts:
    """Take ``raw`` (a message, an mbox with one message, or pasted text) apart."""
    raw = _one_message(raw)
    if not _looks_like_message(raw):
        pasted = _cut_original(raw.decode("utf-8", errors="replace"))
        return BounceParts(
            text=pasted.text[:MAX_TEXT_CHARS],
            original=pasted.original,
            seen=("text without headers",),
            attached=pasted.message.encode("utf-8", "surrogateescape"),
        )
    message = email.message_from_bytes(raw, policy=compat32)
    statuses: list[str] = []
    plain: list[str] = []
    markup: list[str] = []
    original: dict[str, str] = {}
    attached: list[Message] = []
    _walk(message, statuses, plain, markup, original, attached, top=True)
    text = "\n".join(plain) if plain else "\n".join(_without_tags(m) for m in markup)
    cut = _cut_original(text)
    if not attached and cut.message:
        # A message quoted in the text: when the text names no failure, it may be the
        # bounce itself, forwarded inline (the reader tries it then).
        quoted_message = cut.message.encode("utf-8", "surrogateescape")
    else:
        quoted_message = _as_bytes(attached[0]) if attached else b""
    seen = [f"a message of type {clean_value(message.get_content_type(), max_chars=100)}"]
    return BounceParts(
        headers=headers_of(message),
        delivery_status="\n\n".join(statuses),
        text=cut.text[:MAX_TEXT_CHARS],
        original=original or cut.original,
        seen=tuple(seen),
        received=tuple(
            clean_value(str(value)) for value in (message.get_all("received") or [])[:50]
        ),
        attached=quoted_message,
    )


def _as_bytes(message: Message) -> bytes:
    # A message the parser took apart may not go back together (odd headers, bad charset).
    try:
        return message.as_bytes()
    except Exception:
        return b""


_DELIMITER = re.compile(r"^--([ -~]{1,70}?)[ \t]*$", re.MULTILINE)


def _with_found_boundary(part: Message) -> Message | None:
    payload = part.get_payload()
    if not isinstance(payload, str):
        return None
    delimiter = _DELIMITER.search(payload[:MAX_TEXT_CHARS])
    if delimiter is None or '"' in delimiter.group(1):
        return None
    boundary = delimiter.group(1)
    head = f'Content-Type: multipart/mixed; boundary="{boundary}"\n\n'
    body = payload[delimiter.start() :]
    recovered = email.message_from_string(head + body, policy=compat32)
    return recovered if recovered.is_multipart() else None


def _walk(
    part: Message,
    statuses: list[str],
    plain: list[str],
    markup: list[str],
    original: dict[str, str],
    attached: list[Message],
    *,
    top: bool = False,
) -> None:
    kind = part.get_content_type()
    if kind in ("message/delivery-status", "message/global-delivery-status"):
        statuses.append(_status_text(part))
        return
    if kind in ("message/rfc822", "message/global"):
        payload = part.get_payload()
        inner = payload[0] if isinstance(payload, list) and payload else None
        if isinstance(inner, Message) and not original:
            original.update(headers_of(inner))
            attached.append(inner)
        return
    if kind in ("text/rfc822-headers", "message/global-headers", "message/rfc822-headers"):
        if not original:
            original.update(headers_of(email.message_from_string(_decoded(part), policy=compat32)))
        return
    if kind.startswith("multipart/") and not part.is_multipart():
        # A multipart whose boundary parameter was lost (folded onto a line of its own
        # without indentation): its body still holds the parts, so it is read again with
        # the boundary its first delimiter line shows.
        recovered = _with_found_boundary(part)
        if recovered is not None:
            _walk(recovered, statuses, plain, markup, original, attached)
            return
    if part.is_multipart():
        payload = part.get_payload()
        for child in payload if isinstance(payload, list) else ():
            if isinstance(child, Message):
                _walk(child, statuses, plain, markup, original, attached)
        return
    if kind == "text/html":
        markup.append(_decoded(part))
    elif kind.startswith("text/") or top:
        plain.append(_decoded(part))
