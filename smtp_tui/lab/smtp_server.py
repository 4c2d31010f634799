"""The lab's SMTP servers, built on aiosmtpd and served on the caller's event loop.

:class:`LabHandler` is a well-behaved MX: it knows its domains' users, rejects unknown users
with 550 5.1.1 and other domains with 554 5.7.1 (relay denied), and announces
ENHANCEDSTATUSCODES. Subclasses change one decision each (greylisting, a blocked client).
"""

from __future__ import annotations

import itertools
import logging
import re
import ssl
from collections.abc import Iterable

from aiosmtpd.smtp import SMTP, Envelope, Session

# aiosmtpd logs every connection; the lab is quiet (a log line would tear the full screen).
logging.getLogger("mail.log").setLevel(logging.CRITICAL)

_BRACKETED = re.compile(r"^\s*(FROM|TO)\s*:\s*<", re.IGNORECASE)
_queue_ids = itertools.count(0x4A1B2C)


class LabSMTP(SMTP):
    """aiosmtpd's SMTP, but strict about angle brackets, as many real servers are."""

    async def smtp_MAIL(self, arg: str) -> None:
        if arg and not _BRACKETED.match(arg):
            await self.push("501 5.5.4 Syntax: MAIL FROM:<address> (angle brackets required)")
            return
        await super().smtp_MAIL(arg)

    async def smtp_RCPT(self, arg: str) -> None:
        if arg and not _BRACKETED.match(arg):
            await self.push("501 5.5.4 Syntax: RCPT TO:<address> (angle brackets required)")
            return
        await super().smtp_RCPT(arg)


class NoEhloSMTP(LabSMTP):
    """An old-fashioned server: EHLO is not understood, HELO is."""

    async def smtp_EHLO(self, hostname: str) -> None:
        await self.push("500 5.5.1 Command unrecognized: EHLO")


def _client(session: Session) -> str:
    """The client's address (aiosmtpd keeps the socket's peer tuple in ``session.peer``)."""
    peer = session.peer
    return str(peer[0]) if peer else "?"


class LabHandler:
    """A normal MX for ``domains``, which hold ``users``."""

    def __init__(self, hostname: str, domains: Iterable[str], users: Iterable[str]) -> None:
        self.hostname = hostname
        self.domains = {domain.lower() for domain in domains}
        self.users = {user.lower() for user in users}
        self.messages: list[Envelope] = []

    async def handle_EHLO(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        hostname: str,
        responses: list[str],
    ) -> list[str]:
        session.host_name = hostname
        # Put ENHANCEDSTATUSCODES before the last line, which must stay the "250 " one.
        last = responses.pop()
        responses.append("250-ENHANCEDSTATUSCODES")
        responses.append(last)
        return responses

    async def handle_MAIL(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        mail_options: list[str],
    ) -> str:
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 2.1.0 Sender OK"

    def recipient_verdict(self, session: Session, envelope: Envelope, address: str) -> str | None:
        """A rejection reply for ``address``, or None to accept it."""
        local, _, domain = address.rpartition("@")
        if domain.lower() not in self.domains:
            return f"554 5.7.1 <{address}>: Relay access denied"
        if local.lower() not in self.users and local.lower() != "postmaster":
            return (
                f"550 5.1.1 <{address}>: Recipient address rejected: "
                "User unknown in virtual mailbox table"
            )
        return None

    async def handle_RCPT(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        rejection = self.recipient_verdict(session, envelope, address)
        if rejection:
            return rejection
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 Recipient OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.messages.append(envelope)
        return f"250 2.0.0 Ok: queued as {next(_queue_ids):X}"


class GreylistHandler(LabHandler):
    """Defers the first try of each (client, sender, recipient); the lab lets a retry in at once."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        # The demo's greylisting bounce (smtp_tui/lab/bounces/sendmail-greylisted.eml) tried
        # "this morning": a re-test now is the retry a greylister lets in.
        self.seen: set[tuple[str, str, str]] = {
            ("127.0.0.1", "newsletter@lab.test", "alice@greylist.test")
        }

    def recipient_verdict(self, session: Session, envelope: Envelope, address: str) -> str | None:
        rejection = super().recipient_verdict(session, envelope, address)
        if rejection:
            return rejection
        triple = (_client(session), str(envelope.mail_from), address.lower())
        if triple not in self.seen:
            self.seen.add(triple)
            return (
                f"450 4.2.0 <{address}>: Recipient address rejected: Greylisted, "
                "see https://postgrey.schweikert.ch/help/greylist.test.html"
            )
        return None


BLOCKED_PUBLIC_ADDRESS = "127.0.25.66"


class BlockedClientHandler(LabHandler):
    """Rejects every recipient because the client's address is on a blacklist."""

    def recipient_verdict(self, session: Session, envelope: Envelope, address: str) -> str | None:
        # The lab's NAT: this MX sees every client as the public address 127.0.25.66, which
        # bl.dnsbl.test lists, so smtp-tui can check the claim and find it true.
        client = BLOCKED_PUBLIC_ADDRESS
        return (
            f"554 5.7.1 Service unavailable; Client host [{client}] blocked using "
            f"bl.dnsbl.test; https://bl.dnsbl.test/lookup?ip={client}"
        )


def smtp_factory(
    handler: LabHandler,
    ident: str = "ESMTP Lab",
    *,
    tls_context: ssl.SSLContext | None = None,
    smtp_class: type[LabSMTP] = LabSMTP,
) -> SMTP:
    """A fresh protocol object for one connection (loop.create_server calls this).

    With ``tls_context`` the server announces STARTTLS and upgrades on request."""
    return smtp_class(
        handler,
        hostname=handler.hostname,
        ident=ident,
        data_size_limit=10485760,
        tls_context=tls_context,
    )
