"""The sending host as receivers see it, for the guided run: its IP on the block lists, its
reverse DNS, SPF evaluated for it, DMARC and the receivers' checklist.

Nothing here is loaded or asked before it is needed: the zone catalogue, the list checker and
the discovery providers come on first use, so a plain check that never looks at the sending
side pays nothing for it.
"""

from __future__ import annotations

from collections.abc import Callable

from smtp_tui.core.evidence import SenderFindings
from smtp_tui.core.options import SessionOptions, effective_helo, effective_sender, sender_domain
from smtp_tui.core.record import replace

TYPE_CHECKING = False  # as typing's, without importing typing (issue 15)
if TYPE_CHECKING:
    import dns.asyncresolver

    from smtp_tui.core.block_claim import BlockClaim
    from smtp_tui.core.dnsbl import DnsblChecker, ZoneResult
    from smtp_tui.core.dnsbl_catalogue import Zone
    from smtp_tui.core.sender import DiscoveryProvider, PublicAddress, SenderReport
    from smtp_tui.core.sender_report import SendingSideReport


class SendingSide:
    """What the sending-side checks found; both front ends read it, the verdict uses it."""

    def __init__(self) -> None:
        self._zones: list[Zone] | None = None
        self.zone_problems: list[str] = []
        self.discovery: tuple[DiscoveryProvider, ...] = ()  # () means the public providers
        self.checker: DnsblChecker | None = None
        self.public_address: PublicAddress | None = None
        self.report: SenderReport | None = None  # the lists and the reverse DNS
        self.identity: SendingSideReport | None = None  # SPF, DMARC, the checklist
        self.claims: tuple[str, ...] = ()  # rejections' "[IP] blocked using LIST", checked

    def use_zones(self, zones: list[Zone]) -> None:
        """Check these lists instead of the catalogue's (the practice lab's)."""
        self._zones = list(zones)

    def zones(self, options: SessionOptions) -> list[Zone]:
        """The lists to check: the lab's, or the catalogue's with the config's choices."""
        if self._zones is None:
            from smtp_tui.core.dnsbl_catalogue import select_zones

            self._zones = select_zones(
                list(options.zones_enable), list(options.zones_disable), self.zone_problems
            )
        return self._zones

    def list_checker(self, resolver: dns.asyncresolver.Resolver) -> DnsblChecker:
        """One checker for the whole run, so self-tests and the cache are shared."""
        if self.checker is None:
            from smtp_tui.core.dnsbl import DnsblChecker

            self.checker = DnsblChecker(resolver)
        return self.checker

    async def address(self, options: SessionOptions) -> PublicAddress:
        """--ip or the config's, else found through DNS (DiscoveryFailed if not)."""
        from smtp_tui.core.sender import DEFAULT_PROVIDERS, PublicAddress, discover_public_ip

        if options.ip:
            return PublicAddress(options.ip, "--ip or the config file")
        providers = self.discovery or DEFAULT_PROVIDERS
        return await discover_public_ip(providers, timeout=options.dns_timeout)

    async def check(
        self,
        options: SessionOptions,
        resolver: dns.asyncresolver.Resolver,
        address: PublicAddress,
        on_result: Callable[[ZoneResult], None] | None = None,
    ) -> tuple[SenderReport, str | None]:
        """Sweep the lists for the sending IP and the MAIL FROM domain (results as they
        arrive) and its reverse DNS, and alongside them SPF, DMARC and the checklist (their
        look-ups depend on none of the sweep's). Returns the report and, when the evaluation
        failed, why (never fatal)."""
        import asyncio

        from smtp_tui.core.sender import check_sending_side
        from smtp_tui.core.sender_report import SenderInput, check_sender

        self.public_address = address
        given = SenderInput(
            ips=(address.address,),
            mail_from=effective_sender(options),
            helo=effective_helo(options),
        )
        identity = asyncio.ensure_future(check_sender(resolver, [], given))
        try:
            self.report = await check_sending_side(
                self.list_checker(resolver),
                self.zones(options),
                address.address,
                effective_helo(options),
                sender_domain(options),
                on_result,
            )
        except BaseException:
            identity.cancel()
            raise
        try:
            self.identity = await identity
        except Exception as error:  # an unusable input or a DNS failure: said, never fatal
            return self.report, f"The sender's SPF and DMARC could not be checked: {error}"
        return self.report, None

    async def check_claim(
        self, claim: BlockClaim, resolver: dns.asyncresolver.Resolver
    ) -> str | None:
        """Ask the list a rejection names about the address it names; one line saying what
        the list answers (None when the list is one smtp-tui never queries)."""
        from smtp_tui.core.dnsbl import BlStatus, parse_target
        from smtp_tui.core.dnsbl_catalogue import ZoneRefused, zone_named

        # A list this run already knows (the lab's, or the catalogue's) brings its documented
        # return codes; any other name the catalogue does not refuse is asked as it is.
        known = {zone.zone: zone for zone in self._zones or ()}
        try:
            zone = known.get(claim.zone) or zone_named(claim.zone)
        except ZoneRefused:
            return None
        result = await self.list_checker(resolver).check(zone, parse_target(claim.address))
        if result.status is BlStatus.LISTED:
            meanings = "; ".join(result.meanings)
            line = f"Checked the server's claim: {claim.address} is listed on {claim.zone}"
            if meanings:
                line += f" ({meanings})"
            if result.url:
                line += f"; removal: {result.url}"
        elif result.status is BlStatus.NOT_LISTED:
            line = (
                f"Checked the server's claim: {claim.zone} does not list {claim.address} now "
                "(the listing has expired, or the server's data is old)"
            )
        else:
            line = f"Checked the server's claim: {claim.zone} could not be asked ({result.detail})"
        sending = self.public_address.address if self.public_address else None
        if sending and sending != claim.address:
            line += (
                f". The server sees you as {claim.address}, not {sending} (the sending IP "
                "checked): behind NAT or a relay, receivers judge that other address"
            )
        self.claims = (*self.claims, line)
        return line

    def findings(self) -> SenderFindings:
        """What the sending-side checks hold against this sender, for the verdict."""
        from smtp_tui.core.verdict import sender_findings

        found = replace(sender_findings(self.report), claims=self.claims)
        if self.identity is None:
            return found
        extra = tuple(p for p in self.identity.problems() if " is listed on " not in p)
        problems = tuple(dict.fromkeys((*found.identity_problems, *extra)))
        return replace(found, identity_problems=problems)

    def warnings(self) -> list[str]:
        """Shown before EHLO: a listed sending IP or domain, or a PTR that does not fit."""
        if self.report is None:
            return []
        warnings = [f"! {line}." for line in self.findings().listings]
        return warnings + [f"! {problem}" for problem in self.report.problems()]
