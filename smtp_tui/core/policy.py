"""The destination's transport policy, checked against what its MX hosts really present.

For a domain: MTA-STS (RFC 8461), DANE (RFC 7672) and TLS-RPT (RFC 8460), and per address of
each MX whether a sender that enforces them would deliver. Independent questions travel
together, so a run costs about its longest chain of dependent look-ups (MX -> host addresses
and TLSA -> STARTTLS; TXT and the policy host's address -> HTTPS), not their sum.
"""

from __future__ import annotations

import asyncio

import dns.asyncresolver
import dns.flags
import dns.rdatatype

from smtp_tui.core.addresses import DomainName
from smtp_tui.core.connection import Timeouts
from smtp_tui.core.dane import DaneStatus, TlsaLookup, ask_for_dnssec, lookup_tlsa, match_chain
from smtp_tui.core.dns import DnsError, DnsFailure, is_ip_address, query
from smtp_tui.core.mta_sts import (
    PolicyError,
    StsMode,
    StsPolicy,
    StsRecord,
    TrustStore,
    fetch_policy,
    lookup_sts_record,
    mx_matches,
    resolve_policy_host,
)
from smtp_tui.core.policy_probe import PROBE_TIMEOUTS, AddressProbe, probe_address
from smtp_tui.core.policy_report import (
    AddressCheck,
    DnssecView,
    MxCheck,
    PolicyReport,
    StsMatch,
)
from smtp_tui.core.record import frozen_record
from smtp_tui.core.tls_rpt import lookup_tls_rpt


@frozen_record
class PolicySettings:
    """Where to reach things: the MX hosts' SMTP port, the policy host's HTTPS port, and an
    extra CA trusted for both (the practice lab's)."""

    port: int = 25
    https_port: int = 443
    cafile: str | None = None
    helo: str = "localhost"
    timeouts: Timeouts = PROBE_TIMEOUTS  # the session's own limits when run beside it
    https_timeout: float = 10.0  # the whole policy fetch, per address of the policy host


@frozen_record
class _Answer:
    """A DNS answer's records as text, and what its header said about DNSSEC."""

    values: tuple[str, ...]
    authenticated: bool
    signed: bool
    canonical: str = ""  # the name at the end of any CNAME chain


@frozen_record
class _MxFacts:
    """What was learnt of one MX before judging it against the policies."""

    preference: int
    host: str
    probes: tuple[AddressProbe, ...]
    tlsa: TlsaLookup
    dane_applies: bool
    dane_note: str
    answers: list[_Answer]
    expanded: str | None = None  # the MX name's CNAME target, when it is an alias


async def _ask(resolver: dns.asyncresolver.Resolver, name: str, rdtype: str) -> _Answer:
    answer = await query(resolver, name, rdtype)
    response = answer.response
    return _Answer(
        tuple(rdata.to_text() for rdata in answer),
        bool(response.flags & dns.flags.AD),
        any(rrset.rdtype == dns.rdatatype.RRSIG for rrset in response.answer),
        answer.canonical_name.to_text(omit_final_dot=True).lower(),
    )


async def _addresses(
    resolver: dns.asyncresolver.Resolver, host: str
) -> tuple[tuple[str, ...], bool, list[_Answer]]:
    """A and AAAA together; authenticated only when every answer that came back was."""
    if is_ip_address(host):
        return (host.strip("[]"),), False, []
    found = await asyncio.gather(
        _ask(resolver, host, "A"), _ask(resolver, host, "AAAA"), return_exceptions=True
    )
    answers = [result for result in found if isinstance(result, _Answer)]
    for result in found:
        if isinstance(result, BaseException) and not isinstance(result, DnsError):
            raise result
    addresses = tuple(value for answer in answers for value in answer.values)
    return addresses, bool(answers) and all(a.authenticated for a in answers), answers


async def _mx_records(
    resolver: dns.asyncresolver.Resolver, domain: DomainName
) -> tuple[list[tuple[int, str]], _Answer | None]:
    """(preference, host) sorted; the implicit MX when there is none; DnsError when the
    domain cannot receive mail (as `check` says: exit 3)."""
    try:
        answer = await _ask(resolver, domain.ascii, "MX")
    except DnsError as error:
        if error.kind is not DnsFailure.NO_ANSWER:
            raise
        return [(0, domain.ascii)], None
    records = []
    for value in answer.values:
        preference, _, exchange = value.partition(" ")
        records.append((int(preference), exchange.rstrip(".").lower()))
    records.sort()
    if any(host == "" for _, host in records):
        raise DnsError(
            DnsFailure.NO_ANSWER, domain.ascii, "MX", "null MX: this domain accepts no mail"
        )
    return records, answer


async def _check_mx(
    resolver: dns.asyncresolver.Resolver,
    domain: str,
    preference: int,
    host: str,
    mx_authenticated: bool,
    settings: PolicySettings,
    trust: TrustStore,
) -> _MxFacts:
    (addresses, addresses_authenticated, answers), tlsa = await asyncio.gather(
        _addresses(resolver, host), lookup_tlsa(resolver, host, 25)
    )
    expanded = _expanded_name(answers, host)
    if expanded and addresses_authenticated:
        # RFC 7672 §2.2.2: for an alias whose chain is secure, TLSA is looked up at the
        # CNAME-expanded name first, and at the MX name only when there is none there.
        # The MX name's own look-up went out alongside the addresses, so this costs one
        # dependent round trip only for aliases.
        at_target = await lookup_tlsa(resolver, expanded, 25)
        if at_target.records or at_target.problem:
            tlsa = at_target
    probes = await asyncio.gather(
        *(
            probe_address(
                address,
                host,
                port=settings.port,
                helo=settings.helo,
                trust=trust,
                timeouts=settings.timeouts,
            )
            for address in addresses
        )
    )
    note = ""
    applies = tlsa.authenticated and bool(tlsa.records)
    if tlsa.problem and mx_authenticated and addresses_authenticated:
        # RFC 7672 §2.2: a failed TLSA look-up for a secure host makes DANE senders defer.
        applies, note = True, f"the TLSA look-up failed: {tlsa.problem}"
    elif tlsa.records and not tlsa.authenticated:
        note = "TLSA records found, but the answer is not DNSSEC-authenticated: not DANE"
    elif applies and not mx_authenticated:
        applies, note = False, "the MX records are not DNSSEC-authenticated, so DANE does not apply"
    elif applies and not addresses_authenticated:
        applies = False
        note = "the MX host's addresses are not DNSSEC-authenticated, so DANE does not apply"
    elif tlsa.problem:
        note = f"the TLSA look-up failed: {tlsa.problem}"
    return _MxFacts(preference, host, tuple(probes), tlsa, applies, note, answers, expanded)


def _expanded_name(answers: list[_Answer], host: str) -> str | None:
    """The name a CNAME'd MX host leads to (None when it is no alias)."""
    wanted = host.rstrip(".").lower()
    for answer in answers:
        if answer.canonical and answer.canonical != wanted:
            return answer.canonical
    return None


def _judge_mx(facts: _MxFacts, domain: str, policy: StsPolicy | None) -> MxCheck:
    preference, host, probes, tlsa = facts.preference, facts.host, facts.probes, facts.tlsa
    applies, note = facts.dane_applies, facts.dane_note
    checks = []
    for probe in probes:
        valid = probe.certificate_valid_for(host)
        dane: DaneStatus | None = None
        reason = ""
        if applies:
            if tlsa.problem:
                dane = DaneStatus.MISMATCH
                reason = f"{note}; DANE senders defer mail to this MX"
            elif probe.starttls is False:
                dane, reason = DaneStatus.MISMATCH, "no STARTTLS, which DANE requires"
            elif probe.starttls and not probe.chain:
                dane, reason = DaneStatus.MISMATCH, probe.problem or "the TLS handshake failed"
            elif probe.chain:
                # DANE-TA names (RFC 7672 §3.2.3): the MX name, its expansion, the domain.
                names = (host, facts.expanded, domain) if facts.expanded else (host, domain)
                outcome = match_chain(tlsa.records, probe.chain, names)
                dane, reason = outcome.status, f"{probe.address}: {outcome.reason}"
        else:
            dane = DaneStatus.INSECURE if tlsa.records else DaneStatus.NONE
        checks.append(AddressCheck(probe, valid, dane, reason))
    matched = bool(policy) and any(
        mx_matches(p, host) for p in (policy.mx_patterns if policy else ())
    )
    check = MxCheck(host, preference, tuple(checks), tlsa, applies, None, matched, note)
    sts: StsMatch | None
    if policy is None or policy.mode is StsMode.NONE:
        sts = StsMatch.NONE
    elif not matched or check.starttls is False or check.certificate_valid is False:
        sts = StsMatch.MISMATCH
    elif check.certificate_valid is None:
        sts = None
    else:
        sts = StsMatch.MATCH
    problems = _problems(check, policy, sts)
    return MxCheck(host, preference, tuple(checks), tlsa, applies, sts, matched, note, problems)


def _problems(check: MxCheck, policy: StsPolicy | None, sts: StsMatch | None) -> tuple[str, ...]:
    """Why a policy-enforcing sender would refuse this MX, in words."""
    found: list[str] = []
    if sts is StsMatch.MISMATCH and policy is not None:
        if not check.pattern_matched:
            patterns = ", ".join(policy.mx_patterns)
            found.append(f"it is not among the MTA-STS policy's mx patterns ({patterns})")
        if check.starttls is False:
            found.append("it does not offer STARTTLS")
        elif check.certificate_valid is False:
            names = check.certificate_names
            if names and not all(
                c.probe.name_valid_for(check.host) for c in check.addresses if c.probe.chain
            ):
                found.append(f"its certificate is for {', '.join(names)}")
            else:
                trust = next(
                    (c.probe.trust for c in check.addresses if c.probe.trust != "trusted"), None
                )
                why = trust[4:-1] if trust and trust.startswith("no (") else trust
                found.append(f"its certificate does not validate ({why or 'no certificate'})")
    if check.dane is DaneStatus.MISMATCH:
        reason = next((c.dane_reason for c in check.addresses if c.dane is DaneStatus.MISMATCH), "")
        if any(word in reason for word in ("no STARTTLS", "handshake", "look-up failed")):
            found.append(f"DANE: {reason}")
        else:
            found.append(
                "their DANE record no longer matches their certificate: their side must publish "
                f"the new TLSA record ({reason})"
            )
    return tuple(dict.fromkeys(found))


async def _policy(
    resolver: dns.asyncresolver.Resolver,
    domain: str,
    settings: PolicySettings,
    trust: TrustStore,
) -> tuple[StsRecord, StsPolicy | None, str | None]:
    record, host = await asyncio.gather(
        lookup_sts_record(resolver, domain), resolve_policy_host(resolver, domain)
    )
    if record.text is None:
        return record, None, record.problem
    if record.problem:
        return record, None, record.problem
    try:
        policy = await fetch_policy(
            host, port=settings.https_port, trust=trust, timeout=settings.https_timeout
        )
    except PolicyError as error:
        return record, None, str(error)
    return record, policy, None


async def _resolver_validates(resolver: dns.asyncresolver.Resolver) -> DnssecView | None:
    """Ask for the root's SOA: signed everywhere, so a validating resolver sets AD."""
    try:
        answer = await _ask(resolver, ".", "SOA")
    except DnsError:
        return None
    if answer.authenticated:
        return DnssecView.RESOLVER_AD
    return DnssecView.NOT_VALIDATING


async def check_policy(
    domain: DomainName, resolver: dns.asyncresolver.Resolver, settings: PolicySettings
) -> PolicyReport:
    """The whole check; raises DnsError when the domain's MX look-up fails (exit 3).

    ``resolver`` is switched to ask for DNSSEC (DO and AD) for the run."""
    ask_for_dnssec(resolver)
    name = domain.ascii
    trust = TrustStore(settings.cafile)
    trust.start()  # loads while the first answers are awaited

    async def mx_chain() -> tuple[_Answer | None, list[_MxFacts]]:
        records, answer = await _mx_records(resolver, domain)
        authenticated = bool(answer and answer.authenticated)
        checked = await asyncio.gather(
            *(
                _check_mx(resolver, name, preference, host, authenticated, settings, trust)
                for preference, host in records
            )
        )
        return answer, list(checked)

    (mx_answer, raw), (record, policy, policy_error), tls_rpt, root = await asyncio.gather(
        mx_chain(),
        _policy(resolver, name, settings, trust),
        lookup_tls_rpt(resolver, name),
        _resolver_validates(resolver),
    )
    checks = tuple(_judge_mx(item, name, policy) for item in raw)
    answers = [mx_answer] if mx_answer else []
    answers += [a for item in raw for a in item.answers]
    dnssec = _dnssec_view(answers, [item.tlsa for item in raw], root)
    blocked: list[str] = []
    if (
        policy
        and policy.mode is StsMode.ENFORCE
        and any(c.mta_sts is StsMatch.MISMATCH for c in checks)
    ):
        blocked.append("mta-sts")
    if any(c.dane is DaneStatus.MISMATCH for c in checks):
        blocked.append("dane")
    warnings = _warnings(record, policy, policy_error, checks, dnssec)
    summary = _summary(checks, policy, blocked, warnings)
    return PolicyReport(
        name,
        record,
        policy,
        policy_error,
        tls_rpt,
        checks,
        dnssec,
        tuple(blocked),
        summary,
        tuple(warnings),
    )


def _dnssec_view(
    answers: list[_Answer], tlsa: list[TlsaLookup], root: DnssecView | None
) -> DnssecView | None:
    if any(a.authenticated for a in answers) or any(t.authenticated for t in tlsa):
        return DnssecView.RESOLVER_AD
    if any(a.signed for a in answers) or any(t.signed_data_seen for t in tlsa):
        return DnssecView.NOT_VALIDATING  # signatures came back, yet no AD
    return root


def _warnings(
    record: StsRecord,
    policy: StsPolicy | None,
    policy_error: str | None,
    checks: tuple[MxCheck, ...],
    dnssec: DnssecView | None,
) -> list[str]:
    found: list[str] = []
    if record.text and policy_error:
        found.append(
            f"the MTA-STS policy could not be used: {policy_error}. Senders fall back to a "
            "cached policy, or none (RFC 8461 §5)"
        )
    if policy and policy.mode is StsMode.TESTING:
        for check in checks:
            if check.mta_sts is StsMatch.MISMATCH:
                found.append(
                    f"MTA-STS is in testing mode: {check.host} would fail the policy, which "
                    "senders only report (TLS-RPT)"
                )
    if dnssec is DnssecView.NOT_VALIDATING:
        found.append(
            "the resolver does not validate DNSSEC (no AD bit), so DANE cannot be checked "
            "through it; ask a validating resolver with --dns"
        )
    found += [f"{check.host}: {check.dane_note}" for check in checks if check.dane_note]
    return found


def _summary(
    checks: tuple[MxCheck, ...], policy: StsPolicy | None, blocked: list[str], warnings: list[str]
) -> str:
    sentences = []
    for check in checks:
        sts = [p for p in check.problems if not p.startswith(("DANE", "their DANE"))]
        dane = [p for p in check.problems if p.startswith(("DANE", "their DANE"))]
        if sts and "mta-sts" in blocked:
            sentences.append(
                f"senders that enforce MTA-STS would refuse to deliver to {check.host}: "
                + "; ".join(sts)
            )
        if dane:
            text = "; ".join(p.removeprefix("DANE: ") for p in dane)
            sentences.append(
                f"senders that use DANE would refuse to deliver to {check.host}: {text}"
            )
    if sentences:
        return ". ".join(s[0].upper() + s[1:] for s in sentences) + "."
    ok = "Nothing here would stop a sender that enforces MTA-STS or DANE"
    if warnings:
        return f"{ok}, but: {warnings[0]}."
    return f"{ok}."
