"""The lab's DNS lists, described with the core's Zone type (the demo and the tests use them).

bl.dnsbl.test behaves (RFC 5782 test points, 127.0.25.66 and 2001:db8::66 listed);
refuse.dnsbl.test refuses everyone (127.255.255.254, as Spamhaus does through public
resolvers); everything.dnsbl.test lists every address (a dead list); dbl.dnsbl.test is a
domain list; dnsbl.blackhole.test never answers and dnsbl.servfail.test fails.

The sending-side lab (sender.zone) adds two lists that cannot vouch for anything:
nxdomain.dnsbl.sender.test answers NXDOMAIN to everything, its own test entry too (what a dead
list, or a resolver that blocks DNSBL queries, looks like: unverified), and
refused.dnsbl.sender.test answers 127.255.255.254 to everything with no list-specific codes
(refused by the general 127.255.255.0/24 rule).
"""

from __future__ import annotations

from smtp_tui.core.dnsbl_catalogue import Zone

LISTED_IP = "127.0.25.66"
LISTED_IPV6 = "2001:db8::66"
LISTED_DOMAIN = "listed.test"
_ERRORS = ("127.255.255.0/24",)

LAB_ZONES: tuple[Zone, ...] = (
    Zone(
        "bl.dnsbl.test",
        ipv6=True,
        zone_id="lab-bl",
        operator="Lab",
        listed={
            "127.0.0.2": "spam source",
            "127.0.0.4": "exploited host",
            "127.0.0.10": "dynamic range (policy)",
        },
        error_ranges=_ERRORS,
        lookup_url="https://bl.dnsbl.test/lookup",
    ),
    Zone(
        "refuse.dnsbl.test",
        zone_id="lab-refuse",
        operator="Lab (refuses public resolvers)",
        listed={"127.0.0.2": "spam source"},
        errors={"127.255.255.254": "query via a public or open resolver"},
        error_ranges=_ERRORS,
        lookup_url="https://refuse.dnsbl.test/",
    ),
    Zone(
        "everything.dnsbl.test",
        zone_id="lab-everything",
        operator="Lab (a dead list)",
        listed={"127.0.0.2": "listed"},
        lookup_url="https://everything.dnsbl.test/",
    ),
    Zone(
        "dbl.dnsbl.test",
        kind="domain",
        ipv4=False,
        zone_id="lab-dbl",
        operator="Lab",
        listed={"127.0.1.2": "spam domain"},
        errors={"127.0.1.255": "IP queried"},
        error_ranges=_ERRORS,
        lookup_url="https://dbl.dnsbl.test/",
    ),
    Zone("dnsbl.blackhole.test", zone_id="lab-silent", operator="Lab (never answers)"),
    Zone("dnsbl.servfail.test", zone_id="lab-servfail", operator="Lab (broken servers)"),
)

UNVERIFIABLE_ZONE = Zone(
    "nxdomain.dnsbl.sender.test", zone_id="lab-nxdomain", operator="Lab (NXDOMAIN to everything)"
)
REFUSING_ZONE = Zone(
    "refused.dnsbl.sender.test", zone_id="lab-refused", operator="Lab (127.255.255.254 to all)"
)
SENDER_LAB_ZONES: tuple[Zone, ...] = (UNVERIFIABLE_ZONE, REFUSING_ZONE)

# What the demo checks: all but the silent list, which would only make everyone wait for its
# timeout (the tests and `smtp-tui blacklist --demo` still use it).
DEMO_ZONES: tuple[Zone, ...] = tuple(zone for zone in LAB_ZONES if zone.zone_id != "lab-silent")
