"""The DNSBL zone catalogue: which lists exist, what their answers mean, which to avoid.

Loaded once from ``data/dnsbl_zones.toml``. A :class:`Zone` says how to read one list's
answers: listing codes (exact or bitmask), codes that mean the list refused the query, and
where to look an address up or ask for removal.
"""

from __future__ import annotations

import ipaddress
import tomllib
from functools import cache
from importlib import resources
from typing import Any

from smtp_tui.core.record import field, frozen_record, replace

REFUSAL_RANGE = ipaddress.ip_network("127.255.255.0/24")
POLICY_WORDS = ("policy", "pbl", "dyna", "noptr", "generic rdns", "no rdns", "neighbourhood")


@frozen_record
class Zone:
    """One DNS list and how to read its answers."""

    zone: str
    kind: str = "ip"  # "ip" or "domain"
    ipv4: bool = True
    ipv6: bool | None = None  # None: unverified, the self-test decides
    zone_id: str = ""
    operator: str = ""
    match: str = "exact"  # "exact", "bitmask" or "range"
    listed: dict[str, str] = field(default_factory=dict)
    bits: dict[int, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    error_ranges: tuple[str, ...] = ()
    lookup_url: str = ""
    access: str = "public"
    access_note: str = ""
    role: str = "default-candidate"
    test_name: str = "test"
    # False when the catalogue knows the list publishes no RFC 5782 "listed" test entry: its
    # silence then proves nothing, so "not listed" from it is reported as unverified.
    test_entry: bool = True
    # Codes that are real listings on this list although most lists use them for refusals
    # (127.0.0.1, 127.255.255.0/24): Validity's 127.0.0.1 "bot", for one.
    ordinary_codes: tuple[str, ...] = ()

    def is_error_code(
        self, code: str, address: ipaddress.IPv4Address | ipaddress.IPv6Address | None = None
    ) -> str | None:
        """The refusal meaning of an answer code, or None if it is not a refusal.

        Besides the list's own error codes, 127.0.0.1 (the RFC 5782 "not listed" point) and
        127.255.255.0/24 (Spamhaus' and others' "query refused / open resolver / over limit")
        are refusals on every list, unless the catalogue names them in ``ordinary_codes``.
        ``address`` is ``code`` already read as an address, if the caller has it."""
        if code in self.errors:
            return self.errors[code]
        if code in self.ordinary_codes:
            return None
        if address is None:
            address = ipaddress.ip_address(code)
        for cidr in self.error_ranges:
            if address in _network(cidr):
                return "the list refused or could not answer the query"
        if address in REFUSAL_RANGE:
            return (
                f"{code} is in 127.255.255.0/24, which lists use to say the query was refused "
                "(public or open resolver, or too many queries)"
            )
        if code == "127.0.0.1":
            return "127.0.0.1 is the 'not listed' test point: the list refused the query"
        return None

    def meaning_of(self, code: str) -> str:
        if self.match == "bitmask":
            octet = int(code.rsplit(".", 1)[1])
            labels = [label for bit, label in sorted(self.bits.items()) if octet & bit]
            return ", ".join(labels) or "no documented bit set"
        # Every caller already says "listed" and shows the code: only the meaning is missing.
        return self.listed.get(code, "not documented by the list")

    def is_policy(self, meaning: str) -> bool:
        lowered = meaning.lower()
        return any(word in lowered for word in POLICY_WORDS)


@cache
def _network(cidr: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    return ipaddress.ip_network(cidr)


@frozen_record
class DeadZone:
    zone: str
    since: str
    behaviour: str


def _data() -> dict[str, Any]:
    text = resources.files("smtp_tui.core").joinpath("data/dnsbl_zones.toml").read_text("utf-8")
    return tomllib.loads(text)


def _zone_from(item: dict[str, Any]) -> Zone:
    extra = item.get("extra") or {}
    assert isinstance(extra, dict)
    ipv6 = item.get("ipv6")
    test_name = item.get("test_name") or "test"
    return Zone(
        zone=str(item["zone"]),
        kind=str(item.get("kind", "ip")),
        ipv4=bool(item.get("ipv4", item.get("kind", "ip") == "ip")),
        ipv6=ipv6 if isinstance(ipv6, bool) else None,
        zone_id=str(item.get("id", "")),
        operator=str(item.get("operator", "")),
        match=str(item.get("match", "exact")),
        listed={str(k): str(v) for k, v in dict(item.get("listed") or {}).items()},
        bits={int(k): str(v) for k, v in dict(item.get("bits") or {}).items()},
        errors={str(k): str(v) for k, v in dict(item.get("errors") or {}).items()},
        error_ranges=tuple(extra.get("error_ranges", ())),
        lookup_url=str(item.get("lookup_url", "")),
        access=str(item.get("access", "public")),
        access_note=str(item.get("access_note", "")),
        role=str(item.get("role", "optional")),
        test_name=str(test_name),
        test_entry=bool(item.get("test_entry", True)),
        ordinary_codes=tuple(str(code) for code in item.get("ordinary_codes", ())),
    )


@cache
def catalogue() -> tuple[Zone, ...]:
    """Every zone in the shipped catalogue (including optional and key-only ones)."""
    data = _data()
    return tuple(_zone_from(item) for item in data["zone"])


@cache
def dead_zones() -> tuple[DeadZone, ...]:
    data = _data()
    return tuple(
        DeadZone(str(d["zone"]), str(d.get("since", "")), str(d.get("behaviour", "")))
        for d in data["dead"]
    )


def default_zones() -> list[Zone]:
    """The lists checked unless the user says otherwise: alive, no key or registration needed."""
    return [
        zone
        for zone in catalogue()
        if zone.role == "default-candidate" and "{key}" not in zone.zone
    ]


class ZoneRefused(ValueError):
    """A zone the user asked for that must not be queried; the message says why."""


@cache
def _never_query_patterns() -> tuple[tuple[str, DeadZone], ...]:
    """Each name or ``*.`` pattern of the never-query list, lowercased, with its entry (a
    ``--zone`` per list is checked against all of them: split once, not per zone)."""
    return tuple(
        (part.strip().lower(), dead) for dead in dead_zones() for part in dead.zone.split(",")
    )


def never_query_reason(name: str) -> str | None:
    """Why ``name`` is on the never-query list, or None."""
    name = name.lower().rstrip(".")
    for pattern, dead in _never_query_patterns():
        if pattern.startswith("*.") and (name.endswith(pattern[1:]) or name == pattern[2:]):
            return f"{dead.zone}: {dead.behaviour} (since {dead.since})"
        if name == pattern:
            return f"{dead.zone}: {dead.behaviour} (since {dead.since})"
    return None


def zone_named(name: str, *, kind: str | None = None) -> Zone:
    """The catalogue's zone of that name, or a plain RFC 5782 zone; refuses dead lists."""
    reason = never_query_reason(name)
    if reason:
        raise ZoneRefused(f"{name} is never queried: {reason}.")
    for zone in catalogue():
        if zone.zone == name.lower().rstrip(".") or zone.zone_id == name:
            return zone
    plain = Zone(zone=name.lower().rstrip("."), zone_id=name, operator="(not in the catalogue)")
    return replace(plain, kind=kind) if kind else plain


def select_zones(
    enable: list[str], disable: list[str], problems: list[str] | None = None
) -> list[Zone]:
    """The default zones plus ``enable`` (names or ids), minus ``disable``.

    A zone on the never-query list raises ZoneRefused, or, when ``problems`` is given, is
    left out and its reason appended there."""
    zones = default_zones()
    for name in enable:
        try:
            zone = zone_named(name)
        except ZoneRefused as error:
            if problems is None:
                raise
            problems.append(str(error))
            continue
        if zone not in zones:
            zones.append(zone)
    dropped = {name.lower() for name in disable}
    return [zone for zone in zones if zone.zone not in dropped and zone.zone_id not in dropped]
