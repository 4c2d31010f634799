"""What the transport-policy check found, as values: per address, per MX, for the domain.

``PolicyReport.as_json()`` is the object `smtp-tui policy --json` prints; the screen's Policy
tab and the verdict read the same values.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

from smtp_tui.core.dane import DaneStatus, TlsaLookup
from smtp_tui.core.mta_sts import StsPolicy, StsRecord
from smtp_tui.core.policy_probe import AddressProbe
from smtp_tui.core.record import field, frozen_record
from smtp_tui.core.tls_rpt import TlsRptRecord


class StsMatch(Enum):
    """An MX against the MTA-STS policy: its name matches a pattern and its certificate is
    valid for that name (match), not (mismatch), or there is no policy in force (none)."""

    MATCH = "match"
    MISMATCH = "mismatch"
    NONE = "none"


class DnssecView(Enum):
    """What the run learnt of the resolver: does it validate DNSSEC?"""

    RESOLVER_AD = "resolver-ad"
    NOT_VALIDATING = "resolver-does-not-validate"


@frozen_record
class AddressCheck:
    """One address of an MX, judged for both policies."""

    probe: AddressProbe
    certificate_valid: bool | None
    dane: DaneStatus | None
    dane_reason: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "address": self.probe.address,
            "starttls": self.probe.starttls,
            "certificate_valid": self.certificate_valid,
            "certificate_names": list(self.probe.names),
            "dane": self.dane.value if self.dane else None,
        }


def _worst(values: list[bool | None]) -> bool | None:
    """False if any is False, else None if any is unknown (or none given), else True."""
    if False in values:
        return False
    if None in values or not values:
        return None
    return True


@frozen_record
class MxCheck:
    """One MX host: its addresses' checks and its TLSA answer; per-MX values are the worst
    over its addresses (an MX is only as good as its worst address)."""

    host: str
    preference: int
    addresses: tuple[AddressCheck, ...]
    tlsa: TlsaLookup
    dane_applies: bool
    mta_sts: StsMatch | None  # None when it cannot be told (an address did not answer)
    pattern_matched: bool
    dane_note: str = ""
    problems: tuple[str, ...] = ()

    @property
    def starttls(self) -> bool | None:
        return _worst([check.probe.starttls for check in self.addresses])

    @property
    def certificate_valid(self) -> bool | None:
        return _worst([check.certificate_valid for check in self.addresses])

    @property
    def certificate_names(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(n for check in self.addresses for n in check.probe.names))

    @property
    def dane(self) -> DaneStatus | None:
        if not self.dane_applies:
            return DaneStatus.INSECURE if self.tlsa.records else DaneStatus.NONE
        found = [check.dane for check in self.addresses]
        if DaneStatus.MISMATCH in found:
            return DaneStatus.MISMATCH
        if None in found or not found:
            return None
        return found[0] if len(set(found)) == 1 else DaneStatus.MISMATCH

    def as_json(self) -> dict[str, Any]:
        dane = self.dane
        return {
            "host": self.host,
            "preference": self.preference,
            "starttls": self.starttls,
            "certificate_valid": self.certificate_valid,
            "certificate_names": list(self.certificate_names),
            "mta_sts": self.mta_sts.value if self.mta_sts else None,
            "dane": dane.value if dane else None,
            "tlsa": [record.text() for record in self.tlsa.records],
            "addresses": [check.as_json() for check in self.addresses],
        }


@frozen_record
class PolicyReport:
    """The whole check of one domain."""

    domain: str
    sts_record: StsRecord
    policy: StsPolicy | None
    policy_error: str | None
    tls_rpt: TlsRptRecord
    mx: tuple[MxCheck, ...]
    dnssec: DnssecView | None
    blocked_for: tuple[str, ...]
    summary: str
    warnings: tuple[str, ...] = field(default=())

    @property
    def blocked(self) -> bool:
        return bool(self.blocked_for)

    def as_json(self) -> dict[str, Any]:
        """The object `smtp-tui policy --json` prints (missing values null)."""
        policy = self.policy
        return {
            "domain": self.domain,
            "mta_sts": {
                "record": self.sts_record.text,
                "mode": policy.mode.value if policy else None,
                "mx_patterns": list(policy.mx_patterns) if policy else None,
                "max_age": policy.max_age if policy else None,
                "error": self.policy_error,
            },
            "tls_rpt": {"record": self.tls_rpt.text, "rua": list(self.tls_rpt.rua) or None},
            "mx": [check.as_json() for check in self.mx],
            "dnssec": self.dnssec.value if self.dnssec else None,
            "blocked_for": list(self.blocked_for),
            "summary": self.summary,
        }
