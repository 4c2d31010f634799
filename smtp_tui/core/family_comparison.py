"""One address family's result of a run, and the comparison of IPv4 with IPv6: the two results
side by side and the verdict, which is the difference between them.

Split from :mod:`smtp_tui.core.families`, which runs the two dialogues.
"""

from __future__ import annotations

from smtp_tui.core.connection import AddressFamily, HostUnreachable
from smtp_tui.core.dns import DnsError
from smtp_tui.core.evidence import Evidence
from smtp_tui.core.explain import explain_reply
from smtp_tui.core.family_identity import (
    VERSIONS,
    FamilyIdentity,
    IdentityProblem,
    family_name,
    ip_version,
)
from smtp_tui.core.flow import GuidedRun
from smtp_tui.core.record import frozen_record, replace
from smtp_tui.core.replies import Reply
from smtp_tui.core.steps import Step, StepStatus
from smtp_tui.core.verdict import Verdict, judge

_STEP_ORDER = (Step.MX, Step.CONNECT, Step.EHLO, Step.STARTTLS, Step.MAIL, Step.RCPT, Step.DATA)
# Which identity finding a refusal points at, by the explanation's category.
_KINDS_FOR_CATEGORY = {
    "reverse-dns": ("reverse-dns",),
    "helo-rejected": ("reverse-dns",),
    "sender-rejected": ("spf",),
    "authentication": ("spf",),
}


# --- one family's result --------------------------------------------------------------------


@frozen_record
class FamilyResult:
    """How the dialogue went over one family."""

    family: AddressFamily
    verdict: Verdict | None
    identity: FamilyIdentity
    mx_host: str | None = None
    mx_address: str | None = None
    failed_step: Step | None = None  # the first step that failed (None: none did)
    reply: Reply | None = None  # that step's reply, if the server gave one
    untested: str | None = None  # why this family could not be tried at all

    @property
    def name(self) -> str:
        return family_name(self.family)

    @property
    def accepted(self) -> bool:
        return self.verdict is not None and self.verdict.category == "accepted"

    def outcome(self) -> str:
        """A few words: ``accepted``, ``refused at RCPT TO (550 5.7.25)``, ``not tested: ...``."""
        if self.untested:
            return f"not tested: {self.untested}"
        if self.failed_step is None:
            return "accepted" if self.accepted else "stopped before a verdict"
        return f"{self._failure_words()}{self._code()}"

    def _failure_words(self) -> str:
        step = self.failed_step
        assert step is not None
        reply = self.reply
        if step is Step.MX:
            return "DNS failed"
        if step is Step.CONNECT and reply is None:
            return "not reached"
        if reply is None:
            return f"broken off at {step.title}"
        kind = "temporarily refused" if 400 <= reply.code < 500 else "refused"
        return f"{kind} at {step.title}"

    def _code(self) -> str:
        reply = self.reply
        if reply is None:
            return ""
        return f" ({reply.code}{' ' + reply.enhanced if reply.enhanced else ''})"

    def same_as(self, other: FamilyResult) -> bool:
        """The same outcome: the same step failed with the same code (or both accepted)."""
        return (self.failed_step, self._code(), self.accepted) == (
            other.failed_step,
            other._code(),
            other.accepted,
        )

    def as_json(self) -> dict[str, object]:
        return {
            "family": self.family.value,
            "outcome": self.outcome(),
            "mx_host": self.mx_host,
            "mx_address": self.mx_address,
            "failed_step": self.failed_step.value if self.failed_step else None,
            "code": self.reply.code if self.reply else None,
            "enhanced": self.reply.enhanced if self.reply else None,
            "untested": self.untested,
            "verdict": self.verdict.as_json() if self.verdict else None,
            "identity": self.identity.as_json(),
        }


def family_result(run: GuidedRun, identity: FamilyIdentity) -> FamilyResult:
    """Freeze what one finished run found (the run may already be closed)."""
    family = run.options.family
    evidence = _family_evidence(run)
    if evidence is None:
        return FamilyResult(family, None, identity, untested="the session did not start")
    failed = next(
        (
            step
            for step in _STEP_ORDER
            if step in evidence.records and evidence.records[step].status is StepStatus.FAILED
        ),
        None,
    )
    outcome = evidence.records[failed] if failed else None
    return FamilyResult(
        family,
        judge(evidence),
        identity,
        mx_host=evidence.mx_host,
        mx_address=run.transcript.meta.mx_address if run.session else None,
        failed_step=failed,
        reply=outcome.reply if outcome else None,
        untested=_untested(run, evidence, failed),
    )


def _family_evidence(run: GuidedRun) -> Evidence | None:
    """The run's evidence without the addresses of the other family: they were never tried
    (the session lists every address of an MX; those of the wrong family fail at once), so
    they are no fail-over."""
    evidence = run.evidence()
    if evidence is None:
        return None
    version = VERSIONS.get(run.options.family)
    kept = tuple(f for f in evidence.connect_failures if ip_version(f.address) in (version, None))
    return replace(evidence, connect_failures=kept)


def _untested(run: GuidedRun, evidence: Evidence, failed: Step | None) -> str | None:
    """Why a family could not be tried at all: the MX has no address of it, or this machine
    has no route over it. Neither stops mail (a sender's MTA uses the other family), so
    neither is a difference between the families."""
    if failed is not Step.CONNECT or evidence.records[Step.CONNECT].reply is not None:
        return None
    name = family_name(run.options.family)
    failures = evidence.connect_failures
    if failures and all(isinstance(f.error, HostUnreachable) for f in failures):
        return f"no {name} route from this machine to the MX"
    kind = "A" if run.options.family is AddressFamily.IPV4 else "AAAA"
    if isinstance(evidence.records[Step.CONNECT].error, DnsError):
        # The session keeps to the family asked for: no address of it was there to try.
        return f"the MX has no {name} address ({kind} record)"
    everything = run.evidence()
    if failures or everything is None or not everything.connect_failures:
        return None
    return f"the MX has no {name} address ({kind} record)"


# --- the comparison -------------------------------------------------------------------------


@frozen_record
class FamilyComparison:
    """Both families' results, and the verdict: the difference between them (if any)."""

    ipv4: FamilyResult
    ipv6: FamilyResult
    verdict: Verdict

    @property
    def results(self) -> tuple[FamilyResult, FamilyResult]:
        return (self.ipv4, self.ipv6)

    @property
    def differs(self) -> bool:
        tested = not (self.ipv4.untested or self.ipv6.untested)
        return tested and not self.ipv4.same_as(self.ipv6)

    def summary_lines(self) -> list[str]:
        """The two results side by side, as plain text columns."""
        rows = [("", self.ipv4.name, self.ipv6.name)]
        rows.append(("MX", _mx_cell(self.ipv4), _mx_cell(self.ipv6)))
        rows.append(("Result", self.ipv4.outcome(), self.ipv6.outcome()))
        left, right = self.ipv4.identity, self.ipv6.identity
        rows.append(("Sending address", left.address or "not known", right.address or "not known"))
        rows.append(("PTR", _ptr_cell(left), _ptr_cell(right)))
        rows.append(("Forward-confirmed", _confirmed_cell(left), _confirmed_cell(right)))
        rows.append(("EHLO matches PTR", _helo_cell(left), _helo_cell(right)))
        spf = left.spf or right.spf
        if spf is not None:
            rows.append((f"SPF ({spf.domain})", _spf_cell(left), _spf_cell(right)))
        widths = [max(len(row[column]) for row in rows) for column in range(2)]
        return [
            f"{label:<{widths[0]}}  {first:<{widths[1]}}  {second}".rstrip()
            for label, first, second in rows
        ]

    def as_json(self) -> dict[str, object]:
        """The verdict object, with both families' results under ``families``."""
        record = self.verdict.as_json()
        record["families"] = {result.family.value: result.as_json() for result in self.results}
        record["differs"] = self.differs
        return record


def _mx_cell(result: FamilyResult) -> str:
    if result.mx_address and result.mx_host and result.mx_host != result.mx_address:
        return f"{result.mx_host} [{result.mx_address}]"
    return result.mx_address or result.mx_host or "-"


def _ptr_cell(identity: FamilyIdentity) -> str:
    reverse = identity.reverse
    if reverse is None:
        return "-"
    if reverse.error:
        return "could not check"
    return ", ".join(reverse.ptr_names) or "none"


def _yes_no(value: bool | None) -> str:
    return {True: "yes", False: "no", None: "-"}[value]


def _confirmed_cell(identity: FamilyIdentity) -> str:
    return _yes_no(identity.reverse.forward_confirmed if identity.reverse else None)


def _helo_cell(identity: FamilyIdentity) -> str:
    return _yes_no(identity.reverse.matches_helo if identity.reverse else None)


def _spf_cell(identity: FamilyIdentity) -> str:
    return identity.spf.result.value if identity.spf else "-"


def compare(ipv4: FamilyResult, ipv6: FamilyResult) -> FamilyComparison:
    """The verdict over both families: the difference when there is one, else the common one."""
    return FamilyComparison(ipv4, ipv6, _combined_verdict(ipv4, ipv6))


def _combined_verdict(ipv4: FamilyResult, ipv6: FamilyResult) -> Verdict:
    facts = tuple(f"{r.name}: {r.outcome()}" for r in (ipv4, ipv6))
    identity_facts = tuple(p.text for r in (ipv4, ipv6) for p in r.identity.problems())
    tested = [r for r in (ipv4, ipv6) if not r.untested and r.verdict is not None]
    if not tested:
        return Verdict(
            "Neither IPv4 nor IPv6 could be tested.",
            "unclear",
            "other",
            facts,
            ("Check the MX records (A and AAAA) and this machine's network.",),
        )
    if len(tested) == 1:
        only = tested[0]
        assert only.verdict is not None
        return replace(
            only.verdict,
            verdict=f"Only {only.name} could be tested. {only.verdict.verdict}",
            evidence=facts + only.verdict.evidence + identity_facts,
        )
    first, second = ipv4.verdict, ipv6.verdict
    assert first is not None and second is not None
    if ipv4.same_as(ipv6):
        return replace(
            first,
            verdict=f"The same over IPv4 and IPv6. {first.verdict}",
            evidence=facts + first.evidence + identity_facts,
        )
    worse, better = _worse_first(ipv4, ipv6)
    assert worse.verdict is not None
    reason, steps = _reason(worse, better)
    text = f"{_over(ipv4)}, {_over(ipv6)}"
    text = text[0].upper() + text[1:] + (f": {reason}." if reason else ".")
    side = "yours" if steps else worse.verdict.side
    return Verdict(
        text,
        side,
        worse.verdict.category,
        facts + worse.verdict.evidence + identity_facts,
        tuple(dict.fromkeys(steps + list(worse.verdict.next_steps))),
    )


def _over(result: FamilyResult) -> str:
    """``accepted over IPv4``, ``refused over IPv6 at RCPT TO (550 5.7.25)``."""
    if result.failed_step is None:
        return f"{'accepted' if result.accepted else 'no refusal'} over {result.name}"
    words = result._failure_words()
    kind, _, where = words.partition(" at ")
    return f"{kind} over {result.name}{' at ' + where if where else ''}{result._code()}"


def _worse_first(ipv4: FamilyResult, ipv6: FamilyResult) -> tuple[FamilyResult, FamilyResult]:
    """The family that failed (earlier): its refusal is what the difference explains."""

    def reached(result: FamilyResult) -> int:
        step = result.failed_step
        return _STEP_ORDER.index(step) if step is not None else len(_STEP_ORDER)

    return (ipv6, ipv4) if reached(ipv6) <= reached(ipv4) else (ipv4, ipv6)


def _reason(worse: FamilyResult, better: FamilyResult) -> tuple[str, list[str]]:
    """What the failing family has against it that the other has not, preferring what the
    refusal itself points at (a 5.7.25 points at reverse DNS, a 5.7.23/5.7.26 at SPF)."""
    theirs = {problem.kind for problem in better.identity.problems()}
    own = [p for p in worse.identity.problems() if p.kind not in theirs]
    category = str(explain_reply(worse.reply).category) if worse.reply else ""
    wanted = _KINDS_FOR_CATEGORY.get(category, ())
    own.sort(key=lambda problem: problem.kind not in wanted)
    if own:
        return own[0].text, _fixes(worse, own[0])
    if worse.reply is not None and worse.reply.code >= 400:
        return f"the server says: {explain_reply(worse.reply).meaning.rstrip('.')}", []
    return "", []


def _fixes(worse: FamilyResult, problem: IdentityProblem) -> list[str]:
    address = worse.identity.address or "the address"
    name = worse.name
    if problem.kind == "spf":
        spf = worse.identity.spf
        domain = spf.domain if spf else "your domain"
        mechanism = "ip6" if worse.family is AddressFamily.IPV6 else "ip4"
        fix = f"Add {mechanism}:{address} to the SPF record of {domain}"
    else:
        kind = "AAAA" if worse.family is AddressFamily.IPV6 else "A"
        fix = f"Set a PTR for {address} whose name has an {kind} record leading back to it"
    return [
        f"{fix}, or have your server send over {_other(worse.family)} only until it is "
        f"fixed (Postfix: smtp_address_preference; Exim: dns_ipv4_lookup / "
        f"disable_ipv6) — only {name} is refused.",
    ]


def _other(family: AddressFamily) -> str:
    return "IPv4" if family is AddressFamily.IPV6 else "IPv6"
