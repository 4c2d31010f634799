"""One guided SMTP test over the network: the five steps, then STARTTLS and a test message.

:class:`TestSession` drives the pure :class:`~smtp_tui.core.steps.StepBook` with the core's
DNS and connection layers; both front ends (the screen and plain mode) call its methods.
"""

from __future__ import annotations

from collections.abc import Callable

from smtp_tui.core.addresses import DomainName, MailAddress, is_ip_address, parse_target
from smtp_tui.core.commands import command_verb
from smtp_tui.core.connect_settings import AddressFamily, Timeouts
from smtp_tui.core.dns_errors import DnsError, DnsFailure
from smtp_tui.core.loopless import cancellations, new_connection
from smtp_tui.core.replies import Reply
from smtp_tui.core.smtp_errors import SmtpError, TlsFailed
from smtp_tui.core.steps import (
    STEP_FOR_VERB,
    Step,
    StepBook,
    StepOutcome,
    StepStatus,
    status_for_reply,
)
from smtp_tui.core.transcript import Transcript

# TLS (which loads cryptography), the port probes, the test message (email) and the DNS
# look-ups are imported where they are used: a plain RCPT check with --server and an address,
# without TLS, needs none of them (issue 15). Neither is asyncio imported here: the connection
# comes from the driver running the session (loopless.new_connection), and the except clauses
# take loopless.cancellations().
TYPE_CHECKING = False  # as typing's, without importing typing (issue 15)
if TYPE_CHECKING:
    import dns.asyncresolver

    from smtp_tui.core.blocking_connection import BlockingConnection
    from smtp_tui.core.connection import SmtpConnection
    from smtp_tui.core.dns import MxHost, MxResult
    from smtp_tui.core.probes import PortProbe
    from smtp_tui.core.tls import CertificateReport

    Resolver = dns.asyncresolver.Resolver

__all__ = ["Step", "StepBook", "StepOutcome", "StepStatus", "TestSession", "status_for_reply"]


class TestSession:
    """One guided test: the steps, the transcript, the DNS answer and the live connection."""

    __test__ = False  # not a pytest class, despite the name

    def __init__(
        self,
        transcript: Transcript,
        resolver: Resolver | None,
        *,
        make_resolver: Callable[[], Resolver] | None = None,
        timeouts: Timeouts | None = None,
        family: AddressFamily = AddressFamily.ANY,
        source: str | None = None,
        tls_cafile: str | None = None,
    ) -> None:
        self.transcript = transcript
        # A resolver, or (None) how to make one on first use: a session that looks nothing
        # up (--server with an address) then never loads dnspython.
        self._resolver = resolver
        self._make_resolver = make_resolver
        self.timeouts = timeouts or Timeouts()
        self.family = family
        self.source = source
        self.book = StepBook()
        self.domain: DomainName | None = None
        self.recipient: MailAddress | None = None
        self.mx: MxResult | None = None
        self.connection: SmtpConnection | BlockingConnection = new_connection(
            transcript, self.timeouts
        )
        self.host: str | None = None
        self.port: int = 25
        # Every failed connection attempt, in order: (host label, address, error).
        self.connect_failures: list[tuple[str, str, SmtpError]] = []
        self.host_name: str | None = None  # the MX name: TLS's SNI and the name to match
        self.tls_cafile = tls_cafile  # trust this CA too when checking chains (the lab's)
        self.certificate: CertificateReport | None = None
        self.port_probes: list[PortProbe] = []
        # Set when a signal (not the user's Esc) ends a wait, so the journal says which.
        self.interrupted_by: str | None = None

    @property
    def resolver(self) -> Resolver:
        """The session's resolver; made on first use when only ``make_resolver`` was given
        (which may raise DnsError then, where a look-up would)."""
        if self._resolver is None:
            assert self._make_resolver is not None
            self._resolver = self._make_resolver()
        return self._resolver

    @resolver.setter
    def resolver(self, resolver: Resolver) -> None:
        self._resolver = resolver

    @property
    def keywords(self) -> dict[str, str]:
        return self.connection.keywords

    async def lookup(self, target: str) -> StepOutcome:
        """Step 1: parse the recipient or domain (InputError if unusable), look up its MX."""
        domain, address = parse_target(target)
        self.domain, self.recipient = domain, address
        self.connect_failures = []
        self.transcript.meta.target = domain.shown()
        self.book.start(Step.MX)
        self.transcript.info(f"Looking up the MX records of {domain.shown()} ...")
        from smtp_tui.core.dns import lookup_mx

        try:
            mx = await lookup_mx(domain, self.resolver)
        except DnsError as error:
            self.transcript.error(str(error))
            return self._finish(Step.MX, StepStatus.FAILED, str(error), error=error)
        except cancellations():
            self._cancelled(Step.MX)
            raise
        self.mx = mx
        for host in mx.hosts:
            addresses = ", ".join(host.addresses) or "no address"
            self.transcript.info(f"MX {host.preference:>3} {host.host}  [{addresses}]")
            for note in host.notes:
                self.transcript.warning(f"{host.host}: {note}")
        for note in mx.notes:
            self.transcript.warning(note)
        if mx.null_mx:
            return self._finish(Step.MX, StepStatus.FAILED, "Null MX: the domain accepts no mail.")
        if not any(host.usable for host in mx.hosts):
            return self._finish(Step.MX, StepStatus.FAILED, "No MX host has an address.")
        best = mx.hosts[0]
        status = StepStatus.WARNING if (mx.implicit or best.notes) else StepStatus.PASSED
        count = len(mx.hosts)
        summary = f"{count} MX record{'s' if count != 1 else ''}; best: {best.host}"
        if mx.implicit:
            summary = f"No MX; implicit MX {best.host}"
        return self._finish(Step.MX, status, summary)

    def usable_hosts(self) -> list[MxHost]:
        return [host for host in (self.mx.hosts if self.mx else ()) if host.usable]

    async def connect(
        self, host: str, port: int = 25, *, label: str | None = None, implicit_tls: bool = False
    ) -> StepOutcome:
        """Step 2: connect to ``host`` (a name or an address) and read the greeting.

        ``implicit_tls``: TLS from the first byte (port 465), before the greeting."""
        if self.connection.is_open:
            await self.connection.close()
        self.connection = new_connection(self.transcript, self.timeouts)
        self.host, self.port = host, port
        self.host_name = label if label and not is_ip_address(label) else None
        self.certificate = None
        self.transcript.meta.mx_host = label or host
        self.book.start(Step.CONNECT)
        if implicit_tls:
            from smtp_tui.core.tls import opportunistic_context
        try:
            banner = await self.connection.connect(
                host,
                port,
                family=self.family,
                source=self.source,
                label=label,
                ssl_context=opportunistic_context() if implicit_tls else None,
                server_hostname=self.host_name,
            )
        except SmtpError as error:
            self.connect_failures.append((label or host, host, error))
            return self._finish(Step.CONNECT, StepStatus.FAILED, str(error), error=error)
        except cancellations():
            await self.connection.abort()
            self._cancelled(Step.CONNECT)
            raise
        if self.connection.peer:
            self.transcript.meta.mx_address = self.connection.peer[0]
        status = status_for_reply(Step.CONNECT, banner)
        seconds = self.connection.banner_seconds or 0.0
        summary = f"Greeting {banner.code} after {seconds:.2f} s" + (
            "" if status is StepStatus.PASSED else ": the server refuses to talk to us"
        )
        if implicit_tls:
            await self._report_certificate(implicit=True)
        return self._finish(Step.CONNECT, status, summary, banner)

    # --- beyond the five steps: STARTTLS and a test message -------------------------------

    async def starttls(self, text: str = "STARTTLS", *, helo: str = "localhost") -> StepOutcome:
        """Send STARTTLS; on 220 upgrade the stream, discarding anything sent before the
        handshake, and report the certificate. EHLO must be sent again afterwards."""
        self.book.start(Step.STARTTLS)
        try:
            reply = await self.connection.send(text)
        except cancellations():
            await self.connection.abort()
            self._cancelled(Step.STARTTLS)
            raise
        except SmtpError as error:
            return self._finish(Step.STARTTLS, StepStatus.FAILED, str(error), error=error)
        if reply.code != 220:
            summary = f"STARTTLS refused ({reply.code})"
            return self._finish(Step.STARTTLS, StepStatus.FAILED, summary, reply)
        from smtp_tui.core.tls import opportunistic_context

        try:
            discarded = await self.connection.start_tls(opportunistic_context(), self.host_name)
        except TlsFailed as error:
            return self._finish(Step.STARTTLS, StepStatus.FAILED, str(error), reply, error=error)
        report = await self._report_certificate(implicit=False, helo=helo)
        summary = f"TLS started ({self.connection.tls_version()}); say EHLO again"
        if discarded:
            summary += f"; {discarded} bytes sent before the handshake were discarded"
        status = StepStatus.WARNING if discarded else StepStatus.PASSED
        outcome = StepOutcome(Step.STARTTLS, status, summary, reply, certificate=report)
        self.book.record(outcome)
        return outcome

    async def _report_certificate(
        self, *, implicit: bool, helo: str = "localhost"
    ) -> CertificateReport | None:
        from smtp_tui.core.tls import certificate_report
        from smtp_tui.core.tls_check import check_chain

        ssl_object = self.connection.ssl_object()
        if ssl_object is None or self.host is None:
            return None
        chain = await check_chain(
            self.host,
            self.port,
            server_hostname=self.host_name,
            helo=helo,
            implicit=implicit,
            timeouts=self.timeouts,
            cafile=self.tls_cafile,
            family=self.family,
        )
        report = certificate_report(ssl_object, self.host_name or self.host, chain)
        self.certificate = report
        if report is None:
            self.transcript.warning("The server sent no certificate.")
            return None
        self.transcript.info("(a second, short connection checked the certificate chain)")
        for line in report.lines():
            self.transcript.info(line)
        return report

    async def send_test_message(
        self, sender: str, recipient: str, *, helo: str, body: str | None = None
    ) -> StepOutcome:
        """DATA, then a short test message; the queue id is read from the final 250."""
        from smtp_tui.core.message import DEFAULT_BODY, build_test_message, queue_id

        self.book.start(Step.DATA)
        try:
            reply = await self.connection.send("DATA")
            if reply.code != 354:
                summary = f"DATA refused ({reply.code})"
                return self._finish(Step.DATA, StepStatus.FAILED, summary, reply)
            message = build_test_message(
                sender, recipient, helo, body=DEFAULT_BODY if body is None else body
            )
            final = await self.connection.send_lines(
                list(message.lines), message.payload, timeout=self.timeouts.command * 2
            )
        except cancellations():
            await self.connection.abort()
            self._cancelled(Step.DATA)
            raise
        except SmtpError as error:
            return self._finish(Step.DATA, StepStatus.FAILED, str(error), error=error)
        if final.code != 250:
            summary = f"message refused ({final.code})"
            return self._finish(Step.DATA, status_for_reply(Step.DATA, final), summary, final)
        found = queue_id(final.text)
        summary = f"message accepted; queue id {found}" if found else "message accepted"
        outcome = StepOutcome(Step.DATA, StepStatus.PASSED, summary, final, queue_id=found)
        self.book.record(outcome)
        return outcome

    async def probe_other_ports(
        self, address: str, ports: list[tuple[int, bool]], *, timeout: float = 8.0
    ) -> list[PortProbe]:
        """After port 25 failed: does the same host answer on 587 and 465?"""
        from smtp_tui.core.probes import probe_ports

        shown = ", ".join(str(port) for port, _ in ports)
        self.transcript.info(f"Probing {address} on ports {shown} ...")
        self.port_probes = await probe_ports(address, ports, timeout=timeout, family=self.family)
        for probe in self.port_probes:
            self.transcript.info(probe.line())
        return self.port_probes

    async def addresses_for(self, host: str) -> tuple[str, ...]:
        """Addresses to try for ``host``: itself if an IP, the MX answer's, or a fresh look-up."""
        if is_ip_address(host):
            return (host.strip("[]"),)
        for known in self.mx.hosts if self.mx else ():
            if known.host.lower() == host.lower().rstrip(".") and known.addresses:
                allowed = tuple(a for a in known.addresses if self._family_allows(a))
                if allowed:
                    return allowed
        from smtp_tui.core.dns import resolve_addresses

        found = await resolve_addresses(self.resolver, host)
        addresses = tuple(a for a in found.addresses if self._family_allows(a))
        if not addresses:
            wanted = {AddressFamily.IPV4: " IPv4", AddressFamily.IPV6: " IPv6"}.get(self.family, "")
            problems = "; ".join(found.problems) or f"no{wanted} address"
            raise DnsError(DnsFailure.NO_ANSWER, host, "A/AAAA", problems)
        return addresses

    def _family_allows(self, address: str) -> bool:
        """--ipv4/--ipv6: only addresses of that family are tried."""
        if self.family is AddressFamily.ANY:
            return True
        return (":" in address) == (self.family is AddressFamily.IPV6)

    async def connect_host(
        self, host: str, port: int = 25, *, implicit_tls: bool = False
    ) -> StepOutcome:
        """Step 2 by name: find the host's addresses and try them in order until one greets."""
        self.book.start(Step.CONNECT)
        try:
            addresses = await self.addresses_for(host)
        except DnsError as error:
            self.transcript.error(str(error))
            return self._finish(Step.CONNECT, StepStatus.FAILED, str(error), error=error)
        except cancellations():
            self._cancelled(Step.CONNECT)
            raise
        result: StepOutcome | None = None
        for address in addresses:
            result = await self.connect(address, port, label=host, implicit_tls=implicit_tls)
            if result.reply is not None:
                break
        assert result is not None
        return result

    async def command(self, text: str) -> StepOutcome | Reply:
        """Send a command typed by the user. For EHLO/HELO, MAIL and RCPT the matching step is
        recorded and a StepOutcome returned; for anything else (RSET, NOOP, ...) the Reply.

        Raises CommandRefused (nothing sent) and SmtpError subclasses (connection gone).
        """
        verb = command_verb(text)
        step = STEP_FOR_VERB.get(verb)
        if step is Step.STARTTLS:
            return await self.starttls(text)
        if step is not None:
            self.book.start(step)
        try:
            reply = await self.connection.send(text)
        except SmtpError as error:
            if step is not None:
                self._finish(step, StepStatus.FAILED, str(error), error=error)
            raise
        except cancellations():
            await self.connection.abort()
            if step is not None:
                self._cancelled(step)
            raise
        except Exception:
            self.book.stopped()
            raise
        if step is None:
            if verb == "RSET" and reply.code == 250:
                self.book.forget_transaction()
            return reply
        status = status_for_reply(step, reply)
        return self._finish(step, status, f"{verb} answered {reply.code}", reply)

    async def close(self) -> None:
        await self.connection.close()

    def _finish(
        self,
        step: Step,
        status: StepStatus,
        summary: str,
        reply: Reply | None = None,
        *,
        error: Exception | None = None,
    ) -> StepOutcome:
        outcome = StepOutcome(step, status, summary, reply, error)
        self.book.record(outcome)
        return outcome

    def _cancelled(self, step: Step) -> None:
        by = self.interrupted_by or "the user"
        verb = "interrupted" if self.interrupted_by else "cancelled"
        self.transcript.warning(f"{step.title}: {verb} by {by}.")
        self.book.stopped()
