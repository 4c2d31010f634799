"""Session transcripts inside a bounce: which refusal stopped which recipient.

Sendmail writes the session it had with the remote server (``While talking to mx.example:``,
``>>> RCPT To:<a@b>``, ``<<< 550 5.1.1 ...``) and then one failure line per address; Postfix's
notice to the postmaster ("errors from client") shows the session from the server's side
(``In:`` what the client sent, ``Out:`` what this server answered). ``bounce_text`` pairs
each recipient with the refusal found here.
"""

from __future__ import annotations

import re

from smtp_tui.core.record import mutable_record

ADDRESS = r"(?:\"[^\"\s@]{1,64}\"|[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+)@[A-Za-z0-9.-]+\.[A-Za-z0-9-]+"
TRANSCRIPT_START = re.compile(r"(?:-{2,}\s*|^\s*)Transcript of session follows", re.IGNORECASE)
_TALKING_TO = re.compile(r"while talking to \[?([A-Za-z0-9.:-]+?)\]?\.?:", re.IGNORECASE)


@mutable_record
class Exchange:
    """One refusal in the session: the host, the command it answered, the reply."""

    host: str | None
    command: str | None
    lines: list[str]
    mentions: str = ""  # the MTA's own lines after the reply, which name the address


# A line of the session itself (a command, a reply, a new connection) or a failure line for a
# whole host ("550 b.example (smtp)... 550 Host unknown"): not a recipient's own words.
SESSION_LINE = re.compile(
    r"^\s*(?:>>>|<<<|While talking to|In:|Out:|[45]\d\d\s+[A-Za-z0-9.-]+\s+\(\w+\)\.\.\.)",
    re.IGNORECASE,
)
# Sendmail's failure lines: for a host ("550 b.example (smtp)... 550 Host unknown") and for
# an address ("554 <a@b.example>... 550 Host unknown").
_HOST_FAILURE = re.compile(r"^[45]\d\d\s+([A-Za-z0-9.-]+)\s+\(\w+\)\.\.\.")
_ADDRESS_FAILURE = re.compile(rf"^\s*[45]\d\d\s+<?{ADDRESS}>?\.\.\.")
# Postfix's notice to the postmaster ("errors from client") shows the session from the
# server's side: "In:" is what the client sent, "Out:" what this server answered.
_SERVER_SENT = re.compile(r"^Out:\s*(?=[2-5]\d\d\b)", re.IGNORECASE)
_CLIENT_SENT = re.compile(r"^In:\s*", re.IGNORECASE)


def read_transcript(lines: list[str]) -> list[Exchange]:
    """A session transcript: one exchange per error reply, with the host it came from and the
    last command sent before it (``CONN`` when none was sent yet: the refusal was the
    greeting). Sendmail writes ``>>>`` for commands and ``<<<`` for replies; Postfix's
    postmaster notice ``In:`` and ``Out:``, and the host is the one that greeted."""
    exchanges: list[Exchange] = []
    host: str | None = None
    command: str | None = None
    mentioning = False
    since_command: list[Exchange] = []  # the refusals since the last command was sent
    pipelined_data = False  # the last command was DATA itself (not the final ".")
    for line in lines:
        talking = _TALKING_TO.search(line)
        if talking:
            host, command = talking.group(1), "CONN"
            continue
        stripped = line.strip()
        served = _SERVER_SENT.match(stripped)
        if served is not None:
            reply = stripped[served.end() :]
            if reply.startswith("220") and host is None:
                words = reply[4:].split()
                host = words[0] if words else None
                command = "CONN"
            elif reply[:1] in ("4", "5"):
                exchanges.append(Exchange(host, command, [reply]))
            continue
        client = _CLIENT_SENT.match(stripped)
        if client is not None or stripped.startswith(">>>"):
            words = stripped[client.end() if client else 3 :].split()
            command = words[0].upper().rstrip(":") if words else None
            pipelined_data = command == "DATA"
            command = {".": "DATA"}.get(command or "", command)
            since_command = []
            continue
        if stripped.startswith("<<<") and re.match(r"<<<\s*[45]\d\d", stripped):
            last = since_command[-1].lines[-1] if since_command else ""
            if re.match(rf"<<<\s*{stripped[3:].strip()[:3]}-", last):
                since_command[-1].lines.append(stripped)  # a multi-line reply goes on
                continue
            if pipelined_data and since_command:
                # With PIPELINING, MAIL, RCPT and DATA go out together and their replies come
                # back in order: of several refusals after ">>> DATA" only the last answers
                # DATA ("503 Need RCPT"); the ones before answered RCPT TO.
                for earlier in since_command:
                    earlier.command = "RCPT"
            exchange = Exchange(host, command, [stripped])
            exchanges.append(exchange)
            since_command.append(exchange)
            mentioning = True
        elif exchanges and stripped and mentioning:
            # Sendmail's lines after a refusal name the addresses it stopped ("554 <a@b>...
            # Remote protocol error"); a line about another host ("550 other.example
            # (smtp)... 550 Host unknown") starts a failure of its own.
            about = _HOST_FAILURE.match(stripped)
            mentioning = "@" in stripped or (about is not None and about.group(1) == host)
            if mentioning:
                exchanges[-1].mentions += " " + stripped
    return exchanges


def own_failures(lines: list[str]) -> str:
    """Sendmail's failure lines for one address ("554 <a@b>... 550 Host unknown"), lower case:
    an address named there but not after a refusal failed for a reason of its own."""
    return " ".join(line for line in lines if _ADDRESS_FAILURE.match(line)).lower()


def command_word(command: str | None) -> str | None:
    known = ("CONN", "HELO", "EHLO", "MAIL", "RCPT", "DATA", "STARTTLS")
    return command if command in known else None


def exchange_for(address: str, exchanges: list[Exchange], failures: str) -> Exchange | None:
    """The refusal that stopped ``address``: the one whose reply or following lines name it;
    when none does, the first one, unless ``failures`` (the transcript's failure lines) names
    the address ("554 <a@b>... 550 Host unknown": not a refusal in the session)."""
    address = address.lower()
    for exchange in exchanges:
        if address in (" ".join(exchange.lines) + exchange.mentions).lower():
            return exchange
    if address in failures:
        return None
    return exchanges[0] if exchanges else None
