"""The human-readable part of a bounce, as the common MTAs write it.

Every format lists the failed addresses, each followed by what went wrong: Postfix writes
``<a@b>: host X said: ...``, Exim an indented address then ``SMTP error from remote mail
server after RCPT TO:...``, qmail and Yahoo ``<a@b>:`` then ``Remote host said:``, Gmail,
Exchange and Domino the address on a line of its own, Sendmail a list of addresses and a
session transcript (``>>> RCPT`` / ``<<< 550``). The reader finds the address lines and gives
each the text that follows it; the format itself is named from signatures (data below).
"""

from __future__ import annotations

import re

from smtp_tui.core.bounce_mime import clean_value
from smtp_tui.core.bounce_reply import read_reply
from smtp_tui.core.bounce_transcript import (
    ADDRESS,
    SESSION_LINE,
    TRANSCRIPT_START,
    command_word,
    exchange_for,
    own_failures,
    read_transcript,
)
from smtp_tui.core.record import frozen_record, mutable_record

MAX_DIAGNOSTIC_CHARS = 2000
MAX_RECIPIENTS = 1000
MAX_LINE_CHARS = 4000

_ADDR = ADDRESS
# Lines that name one recipient; group "addr" is the address, group "rest" what follows it.
_RECIPIENT_LINES = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        # Postfix: <a@b>: host ... said / <a@b> (expanded from <c@d>): ...; Exim also writes
        # the address as it was given before it (a@b <c@d>: malformed address: ...)
        rf"^\s*(?:[^\s<>:]+@[^\s<>:]+\s+)?<(?P<addr>{_ADDR})>(?:\s*\(expanded from[^)]*\))?"
        r"\s*:\s*(?P<rest>.*)$",
        # a transcript's RCPT TO command (Sendmail ">>>", Postfix's postmaster notice "In:")
        rf"^\s*(?:>>>|In:)\s*RCPT TO:\s*<(?P<addr>{_ADDR})>.*?(?P<rest>)$",
        # Active!Hunter and others list each failed address after ">>>" (as given, <as sent>)
        rf"^\s*>>>\s*<?{_ADDR}>?\s+<(?P<addr>{_ADDR})>\s*(?P<rest>)$",
        # Exchange: Name<mailto:a@b> or a@b<mailto:a@b>
        rf"^\s*[^<>]*<mailto:(?P<addr>{_ADDR})>\s*(?P<rest>)$",
        # an address alone on its line (Exim, Gmail, Domino, Sendmail, qmail, Yahoo)
        rf"^\s*(?:[*-]\s+)?(?:RCPT TO:\s*)?[\"<]?(?P<addr>{_ADDR})[\">]?\s*:?\s*(?P<rest>)$",
        # Sendmail's list and transcript: <a@b>... User unknown / 554 <a@b>... 550 Host unknown
        rf"^\s*(?:[45]\d\d\s+)?<?(?P<addr>{_ADDR})>?\s*\.\.\.\s*(?P<rest>.*)$",
        # OpenSMTPD, Zoho, Exchange 2003 and others: the address first, then what went wrong
        rf"^\s*(?:[*-]\s+)?[\"<]?(?P<addr>{_ADDR})[\">]?(?::\s+|\s+(?=[\[(]|on\b|[A-Z]))(?P<rest>.*)$",
        # iMail and others: the reason, a colon, the address (User's mailbox is full: <a@b>)
        rf"^\s*(?P<rest>[A-Za-z][^:@<>]*?[A-Za-z'])\s*:\s*<?(?P<addr>{_ADDR})>?\.?\s*$",
        # Amazon SES, mailfoundry and others: ... message to <a@b> was undeliverable.
        rf"^(?![\s>]*[45]\d\d\b).*?\b(?:to|recipient|address|user|for)\b:?\s*<?(?P<addr>{_ADDR})>?[.,:]?\s*(?P<rest>[^@]*)$",
    )
)
# A line that ends a recipient's text: a section rule, or the start of quoted headers.
_SECTION_END = re.compile(
    r"^\s*(?:-{3,}|_{5,}|={5,}|\*{5,}|Original message headers|Reporting-MTA:|Final-Recipient:)",
    re.IGNORECASE,
)
# The original message's header fields quoted in the text name its sender, not a recipient.
_ENVELOPE_LINE = re.compile(
    r"^\s*(?:To|From|Cc|Sent|Subject|Date|Reply-To|MAIL FROM|Message-ID|In-Reply-To|"
    r"References)\s*:",
    re.IGNORECASE,
)
# Words some MTAs put before the reason (Domino's "because:").
_WORDS_BEFORE_REASON = re.compile(r"^\s*because:\s*", re.IGNORECASE)
_GENERATING_SERVER = re.compile(
    r"^\s*Generating server:\s*([A-Za-z0-9.-]+)", re.IGNORECASE | re.MULTILINE
)
_HOST_NAME = r"([A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+)"
# Where a recipient's own text names the refusing host in wordings the reply reader does not
# know: GMX and 1&1 ("... for RCPT command, host: mx.example (192.0.2.1) reason: 550 ..."),
# SurfControl ("a@b: [192.0.2.1], 550 ...").
_BLOCK_HOSTS = (
    re.compile(rf"\bhost:\s*{_HOST_NAME}", re.IGNORECASE),
    re.compile(r"^\S+@\S+:\s*\[(\d{1,3}(?:\.\d{1,3}){3})\],\s*[45]\d\d\b"),
)
# Exchange and Office 365 name the refusing host on a line of its own above its reply, once
# for the whole report: "mx.example gave this error:" / "mx.example rejected your message".
_REPORT_HOST = re.compile(
    rf"^\s*{_HOST_NAME} (?:gave this error:|rejected your message to the following)"
    rf"|^\s*Receiving server:\s*{_HOST_NAME}",
    re.IGNORECASE | re.MULTILINE,
)
_DELAYED = re.compile(
    r"transient non-fatal|still being retried|will (?:continue|keep) (?:trying|to try)|"
    r"delivery (?:has been|is) delayed|not yet been delivered|Delayed Mail|"
    r"has been delayed|is still in the queue|will be retried|temporary failure",
    re.IGNORECASE,
)
_FAILED = re.compile(
    r"permanent(?:ly)?|fatal error|could not be delivered|I've given up|failed:|"
    r"was not delivered|undeliverable|Delivery has failed",
    re.IGNORECASE,
)
# Signatures that name the bouncing software: (format, pattern on headers + text).
_SIGNATURES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern, re.IGNORECASE | re.MULTILINE))
    for name, pattern in (
        ("amazonses", r"amazonses\.com|Amazon SES"),
        (
            "office365",
            r"outlook\.com|Office ?365|protection\.outlook|onmicrosoft|Microsoft Outlook",
        ),
        (
            "exchange",
            r"Microsoft Exchange|Diagnostic information for administrators|Generating server",
        ),
        ("gmail", r"googlemail\.com|Google tried to deliver|Delivery to the following recipient"),
        ("yahoo", r"Sorry, we were unable to deliver your message to the following address"),
        ("qmail", r"qmail-send program|This is the qmail"),
        (
            "postfix",
            r"^This is the mail system at host|X-Postfix|\(Postfix\)|Postfix SMTP server",
        ),
        ("exim", r"created automatically by mail delivery software|X-Failed-Recipients|\(Exim"),
        ("sendmail", r"Transcript of session follows|The original message was received at"),
        ("domino", r"was not delivered to:|Lotus Domino|Domino Directory"),
        ("opensmtpd", r"OpenSMTPD|Hi!\s+This is the MAILER-DAEMON"),
    )
)


@frozen_record
class TextRecipient:
    recipient: str
    action: str | None = None
    status: str | None = None
    reply_code: int | None = None
    diagnostic: str | None = None
    remote_mta: str | None = None
    smtp_command: str | None = None


@frozen_record
class TextReport:
    format: str = "unknown"
    reporting_mta: str | None = None
    recipients: tuple[TextRecipient, ...] = ()
    guessed: bool = False  # the recipients come from headers, not from the text itself


@mutable_record
class _Block:
    address: str
    lines: list[str]
    indented: bool | None = None  # whether the text under the address is indented
    margin: int = 0  # the recipient line's indentation
    before: str = ""  # the line of text just before the recipient's line
    from_command: bool = False  # named by a transcript's RCPT TO command


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


def _format_of(text: str, headers: dict[str, str]) -> str:
    seen = " ".join(f"{name}: {value}" for name, value in headers.items()) + "\n" + text
    for name, pattern in _SIGNATURES:
        if pattern.search(seen):
            return name
    return "unknown"


# Patterns from this index on name an address inside a sentence: they start a recipient's
# block only after a blank line, not inside the wrapped text of another recipient.
_WEAK_FROM = 6


_CODE_IN_LINE = re.compile(r"(?<![\w.])[45][0-5]\d(?![\w.])")
# The pattern for a transcript's RCPT TO command: the lines after it are the session's.
_COMMAND_LINE = 1


def _recipient_line(line: str, *, strong_only: bool = False) -> tuple[str, str, int] | None:
    """The address a line names, what follows it, and the index of the pattern that found it."""
    patterns = _RECIPIENT_LINES[:_WEAK_FROM] if strong_only else _RECIPIENT_LINES
    for index, pattern in enumerate(patterns):
        match = pattern.match(line)
        if match:
            return match.group("addr"), match.group("rest") or "", index
    return None


def _blocks(lines: list[str]) -> list[_Block]:
    """Each recipient line and the lines after it, up to the next recipient or section end.
    When one recipient is named, text in later sections (after a rule line) is its text too
    if its own text holds no reply."""
    blocks: list[_Block] = []
    later: list[str] = []  # lines after a section ended, outside any recipient's block
    current: _Block | None = None
    after_blank = True
    before = ""  # the last line of text outside any recipient's block
    earlier: list[str] = []  # the lines before the first recipient's line
    for line in lines:
        if not blocks:
            earlier.append(line)
        if current is None and line.strip() and not _SECTION_END.match(line):
            before = line.strip() if _recipient_line(line) is None else before
        if _SECTION_END.match(line):
            current = None
            if blocks:
                later.append(line.strip(" -=_*"))
            continue
        if _ENVELOPE_LINE.match(line) or (current is not None and _indent(line) > current.margin):
            # Quoted header fields name the sender, not a recipient; a line indented deeper
            # than its recipient's is that recipient's wrapped text.
            if current is not None and line.strip():
                if current.indented is None:
                    current.indented = _indent(line) > 0
                current.lines.append(line)
            after_blank = not line.strip()
            continue
        # A sentence naming an address starts a block after a blank line, right after another
        # recipient's line, or at the margin when the current block's text is indented.
        weak_ok = (
            current is None
            or after_blank
            or current.indented is None
            or (line[:1].strip() != "" and current.indented)
        )
        found = _recipient_line(line, strong_only=not weak_ok)
        after_blank = not line.strip()
        if found is not None and current is not None:
            mentioned = found[0].lower() == current.address.lower()
            if mentioned and not _RECIPIENT_LINES[0].match(line):
                # The address inside its own block's text ("... said: 550 <a@b> unknown").
                found = None
        if found is not None:
            address, rest, index = found
            known = next((b for b in blocks if b.address.lower() == address.lower()), None)
            if known is None and len(blocks) < MAX_RECIPIENTS:
                known = _Block(address, [], margin=_indent(line), before=before)
                known.from_command = index == _COMMAND_LINE
                blocks.append(known)
            current = known
            if index == len(_RECIPIENT_LINES) - 1 and _CODE_IN_LINE.search(line):
                # A sentence naming the address and the reply: the words before the address
                # name the host or the step ("SMTP Server <mx> rejected recipient <a@b> ...").
                rest = line.strip()
            if current is not None and rest.strip():
                current.lines.append(rest)
            continue
        if current is None:
            if blocks and line.strip():
                later.append(line.strip())
            continue
        if line.strip():
            if current.indented is None:
                current.indented = line[:1] in (" ", "\t")
            current.lines.append(line)
    if len(blocks) == 1 and later and read_reply(" ".join(blocks[0].lines)).code is None:
        blocks[0].lines += later
    if len(blocks) == 1 and read_reply(" ".join(blocks[0].lines)).code is None:
        # Apache James and others give the reply first ("Error message below: 550 ...")
        # and name the recipient below it, among the message's details.
        paragraph = _reply_paragraph(earlier[:-1])
        if paragraph:
            blocks[0].lines = paragraph
    for block in blocks:
        if not block.lines and block.before:
            # Notes, au and others write the reason first, then the address.
            block.lines.append(block.before)
    return blocks


_REPLY_LINE = re.compile(r"^\s*[45][0-5]\d(?:[ -]|$)")


def _paragraph(lines: list[str]) -> list[str]:
    """The first paragraph of ``lines`` (blank lines before it skipped), stripped."""
    paragraph: list[str] = []
    for line in lines:
        if line.strip():
            paragraph.append(line.strip())
        elif paragraph:
            break
    return paragraph


def _reply_paragraph(lines: list[str]) -> list[str]:
    """The first paragraph of ``lines`` that starts with a reply line (``550 ...``), up to the
    next blank line."""
    start = next((i for i, line in enumerate(lines) if _REPLY_LINE.match(line)), None)
    return [] if start is None else _paragraph(lines[start:])


def unquoted(text: str) -> str:
    """A forwarded bounce whose lines are quoted (``> ``) is read without the quote marks."""
    lines = [line for line in text.splitlines() if line.strip()]
    quoted = sum(1 for line in lines if line.lstrip().startswith(">"))
    if not lines or quoted * 2 < len(lines):
        return text
    return "\n".join(re.sub(r"^\s*> ?", "", line) for line in text.splitlines())


def _header_addresses(value: str | None) -> list[str]:
    return re.findall(_ADDR, value or "")


def _fallback_blocks(
    listing: list[str], headers: dict[str, str], original: dict[str, str]
) -> list[_Block]:
    """Recipients named outside the text: Exim's X-Failed-Recipients header, else the original
    message's single To address; each gets the whole text as its diagnostic."""
    named = _header_addresses(headers.get("x-failed-recipients"))
    if not named:
        to = _header_addresses(original.get("to"))
        named = to if len(to) == 1 else []
    body = [line for line in listing if line.strip()]
    return [_Block(address, body) for address in dict.fromkeys(named)]


def read_text(
    text: str, headers: dict[str, str], original: dict[str, str] | None = None
) -> TextReport:
    """The recipients a bounce's human-readable text names, each with its diagnostic."""
    text = unquoted(text)
    fmt = _format_of(text, headers)
    # Past a few thousand characters a line is not a bounce's prose: cut it, so that no
    # pattern below ever works on a huge line.
    lines = [line[:MAX_LINE_CHARS] for line in text.splitlines()]
    transcript_at = next((i for i, line in enumerate(lines) if TRANSCRIPT_START.search(line)), None)
    listing = lines[:transcript_at] if transcript_at is not None else lines
    exchanges = read_transcript(lines[transcript_at:]) if transcript_at is not None else []
    blocks = _blocks(listing)
    if not blocks and transcript_at is not None:
        blocks = _blocks(lines[transcript_at + 1 :])
        if exchanges:
            # Recipients named by the transcript's RCPT TO: the exchanges hold their replies,
            # the lines after the RCPT TO are the rest of the session.
            for block in blocks:
                own = [line for line in block.lines if not SESSION_LINE.match(line)]
                block.lines = [] if block.from_command else own
    guessed = not blocks
    if not blocks:
        blocks = _fallback_blocks(listing, headers, original or {})
    if (
        transcript_at is not None
        and not exchanges
        and len(blocks) == 1
        and read_reply(" ".join(blocks[0].lines)).code is None
    ):
        # A transcript of bare reply lines (no >>> / <<<): the one recipient's reply, up to
        # the first blank line (a delivery-status report may follow without a rule).
        blocks[0].lines += _paragraph(lines[transcript_at + 1 :])
    session = own_failures(lines[transcript_at:]) if transcript_at is not None else ""
    overall = "delayed" if _DELAYED.search(text) and not _FAILED.search(text) else "failed"
    recipients = []
    for block in blocks:
        diagnostic = " ".join(" ".join(block.lines).split())
        exchange = exchange_for(block.address, exchanges, session)
        command = host = None
        if exchange is not None:
            diagnostic = " ".join([*exchange.lines, diagnostic]).strip()
            command, host = command_word(exchange.command), exchange.host
        diagnostic = _WORDS_BEFORE_REASON.sub("", diagnostic)
        facts = read_reply(diagnostic)
        if facts.reply_text:
            # The remote server's own words, without the bouncing MTA's around them.
            diagnostic = facts.reply_text
        host = host or facts.host or _block_host(block.lines)
        if host is None and len(blocks) == 1:
            named = _REPORT_HOST.search(text)
            host = (named.group(1) or named.group(2)) if named else None
        recipients.append(
            TextRecipient(
                recipient=clean_value(block.address),
                action=overall,
                status=facts.status,
                reply_code=facts.code,
                diagnostic=clean_value(diagnostic, max_chars=MAX_DIAGNOSTIC_CHARS) or None,
                remote_mta=clean_value(host) if host else None,
                smtp_command=command or facts.command,
            )
        )
    reporting = re.search(
        r"This is the mail system at host ([A-Za-z0-9.-]+?)\.?$", text, re.MULTILINE
    ) or _GENERATING_SERVER.search(text)
    return TextReport(
        format=fmt,
        reporting_mta=clean_value(reporting.group(1)) if reporting else None,
        recipients=tuple(recipients),
        guessed=guessed,
    )


def _block_host(lines: list[str]) -> str | None:
    """The refusing host a recipient's own lines name in a wording the reply reader lacks."""
    for line in lines:
        for pattern in _BLOCK_HOSTS:
            match = pattern.search(line.strip())
            if match:
                return match.group(1)
    return None
