"""SPF record syntax (RFC 7208 §4.6, §5, §6, §7): terms, CIDR lengths and macro expansion.

Pure functions, no DNS: a record's text in, typed terms out; a domain-spec and the check's
context in, a domain name out. Every syntax error raises :class:`SpfSyntaxError`, which the
evaluator turns into ``permerror`` before any term is evaluated (RFC 7208 §4.6).
"""

from __future__ import annotations

import ipaddress
import re
import urllib.parse

from smtp_tui.core.record import frozen_record

MECHANISMS = frozenset({"all", "include", "a", "mx", "ptr", "ip4", "ip6", "exists"})
DNS_MECHANISMS = frozenset({"include", "a", "mx", "ptr", "exists"})  # count toward the 10
QUALIFIERS = {"+": "pass", "-": "fail", "~": "softfail", "?": "neutral"}
_MODIFIER = re.compile(r"^([A-Za-z][A-Za-z0-9._-]*)=(.*)$", re.DOTALL)
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9._-]*$")
_DUAL_CIDR = re.compile(r"^(.*?)(?:/(0|[1-9][0-9]?))?(?://(0|[1-9][0-9]{0,2}))?$", re.DOTALL)
_MACRO = re.compile(r"%\{([A-Za-z])([0-9]*)(r?)([.\-+,/_=]*)\}|%%|%_|%-|%", re.IGNORECASE)
_EXP_ONLY = frozenset("crt")  # macros allowed only in explanation text (RFC 7208 §7.2)
MAX_DOMAIN_LENGTH = 253


class SpfSyntaxError(ValueError):
    """The record breaks RFC 7208's grammar; the message says where."""


@frozen_record
class Term:
    """One directive: qualifier, mechanism name, its argument and CIDR lengths."""

    text: str  # as written, for showing which term decided
    qualifier: str  # "+", "-", "~" or "?"
    name: str  # lower-case mechanism name
    value: str = ""  # domain-spec, or the network of ip4/ip6
    cidr4: int | None = None
    cidr6: int | None = None

    @property
    def result(self) -> str:
        return QUALIFIERS[self.qualifier]


@frozen_record
class SpfRecord:
    text: str
    terms: tuple[Term, ...]
    redirect: str | None = None


def is_spf_record(text: str) -> bool:
    """``v=spf1`` exactly, followed by a space or the end (RFC 7208 §4.5)."""
    lowered = text.lower()
    return lowered == "v=spf1" or lowered.startswith("v=spf1 ")


def parse_record(text: str) -> SpfRecord:
    """Every term of an SPF record; raises SpfSyntaxError on the first error."""
    terms: list[Term] = []
    redirect: str | None = None
    seen: set[str] = set()
    for token in text.split(" ")[1:]:
        if not token:
            continue  # several spaces in a row are allowed
        modifier = _MODIFIER.match(token)
        if modifier:
            name = modifier.group(1).lower()
            if name in ("redirect", "exp"):
                if name in seen:
                    raise SpfSyntaxError(f"the {name}= modifier appears twice")
                seen.add(name)
                check_macro_string(modifier.group(2), allow_exp=name == "exp")
                if name == "redirect":
                    redirect = modifier.group(2)
            continue  # exp= is ignored (no explanation is fetched); unknown modifiers too
        terms.append(parse_term(token))
    return SpfRecord(text, tuple(terms), redirect)


def parse_term(token: str) -> Term:
    qualifier = "+"
    rest = token
    if rest[:1] in QUALIFIERS:
        qualifier, rest = rest[0], rest[1:]
    cut = min((i for i in (rest.find(":"), rest.find("/")) if i >= 0), default=len(rest))
    name, argument = rest[:cut].lower(), rest[cut:]
    if not _NAME.match(name) or name not in MECHANISMS:
        raise SpfSyntaxError(f"unknown mechanism {token!r}")
    value = argument[1:] if argument.startswith(":") else ""
    cidr_text = argument if argument.startswith("/") else ""
    if argument.startswith(":") and not value:
        raise SpfSyntaxError(f"{token!r}: empty argument after ':'")
    if name == "all":
        if argument:
            raise SpfSyntaxError(f"{token!r}: 'all' takes no argument")
        return Term(token, qualifier, name)
    if name in ("ip4", "ip6"):
        _parse_network(token, name, value)
        return Term(token, qualifier, name, value)
    if name in ("include", "exists") and (not value or cidr_text):
        raise SpfSyntaxError(f"{token!r}: {name} needs a domain and takes no CIDR length")
    if name in ("a", "mx"):
        whole = _DUAL_CIDR.match(value + cidr_text if value else cidr_text)
        assert whole is not None  # every group is optional
        domain, v4, v6 = whole.group(1), whole.group(2), whole.group(3)
        bare = re.sub(r"%\{[^}]*\}", "", domain)  # macro delimiters may be '/'
        if (v4 and int(v4) > 32) or (v6 and int(v6) > 128) or "/" in bare:
            raise SpfSyntaxError(f"{token!r}: bad CIDR length")
        if domain:
            check_domain_spec(domain, token)
        return Term(token, qualifier, name, domain, _int(v4), _int(v6))
    if cidr_text:
        raise SpfSyntaxError(f"{token!r}: {name} takes no CIDR length")
    if value:
        check_domain_spec(value, token)
    return Term(token, qualifier, name, value)


def _int(text: str | None) -> int | None:
    return int(text) if text else None


def _parse_network(
    token: str, name: str, value: str
) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    address, _, length = value.partition("/")
    if "/" in value and not re.fullmatch(r"0|[1-9][0-9]{0,2}", length):
        raise SpfSyntaxError(f"{token!r}: bad CIDR length")
    try:
        network = ipaddress.ip_network(value, strict=False)
        ipaddress.ip_address(address)
    except ValueError:
        raise SpfSyntaxError(f"{token!r}: not a valid {name} network") from None
    if (network.version == 4) != (name == "ip4"):
        raise SpfSyntaxError(f"{token!r}: the address is not {name}")
    return network


def network_of(term: Term) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    return _parse_network(term.text, term.name, term.value)


def check_macro_string(text: str, *, allow_exp: bool = False) -> None:
    """Raise SpfSyntaxError for a bad macro (``%`` not followed by ``{``, ``%%``, ``_``, ``-``)."""
    for match in _MACRO.finditer(text):
        token = match.group(0)
        if token == "%":
            raise SpfSyntaxError(f"{text!r}: a '%' that starts no macro")
        letter = (match.group(1) or "").lower()
        if letter and letter not in "slodiphv" + ("crt" if allow_exp else ""):
            raise SpfSyntaxError(f"{text!r}: unknown macro letter {match.group(1)!r}")


def check_domain_spec(spec: str, token: str) -> None:
    """A domain-spec must end in a real top label (not all digits) unless it ends in a macro."""
    check_macro_string(spec)
    if spec.rstrip(".").endswith("}"):
        return
    last = spec.rstrip(".").rsplit(".", 1)[-1]
    if "." not in spec.strip(".") or not last or last.isdigit() or "%" in last:
        raise SpfSyntaxError(f"{token!r}: {spec!r} is not a domain name")


@frozen_record
class MacroContext:
    """What macros expand to (RFC 7208 §7.3) for one check."""

    sender: str  # <sender>: local@domain (postmaster@helo for the HELO identity)
    ip: ipaddress.IPv4Address | ipaddress.IPv6Address
    helo: str

    def letter(self, letter: str, domain: str) -> str:
        local, _, sender_domain = self.sender.rpartition("@")
        if letter == "s":
            return self.sender
        if letter == "l":
            return local or "postmaster"
        if letter == "o":
            return sender_domain
        if letter == "d":
            return domain
        if letter == "i":
            if self.ip.version == 4:
                return str(self.ip)
            return ".".join(self.ip.exploded.replace(":", ""))
        if letter == "v":
            return "in-addr" if self.ip.version == 4 else "ip6"
        if letter == "h":
            return self.helo
        # "p" would need a validated PTR name: RFC 7208 §7.3 says it SHOULD NOT be used and
        # lets a checker answer "unknown", which costs no look-up.
        return "unknown"


def expand(spec: str, context: MacroContext, domain: str) -> str:
    """A domain-spec with its macros expanded, cut to 253 characters from the left (§7.3)."""

    def replace(match: re.Match[str]) -> str:
        token = match.group(0)
        if token == "%%":
            return "%"
        if token == "%_":
            return " "
        if token == "%-":
            return "%20"
        if token == "%":
            raise SpfSyntaxError(f"{spec!r}: a '%' that starts no macro")
        letter = match.group(1)
        if letter.lower() in _EXP_ONLY:
            raise SpfSyntaxError(f"{spec!r}: %{{{letter}}} is allowed only in explanations")
        value = context.letter(letter.lower(), domain)
        delimiters = match.group(4) or "."
        parts = re.split("[" + re.escape(delimiters) + "]", value)
        if match.group(3):
            parts.reverse()
        if match.group(2):
            keep = int(match.group(2))
            if keep == 0:
                raise SpfSyntaxError(f"{spec!r}: a macro may not keep zero parts")
            parts = parts[-keep:]
        text = ".".join(parts)
        return urllib.parse.quote(text, safe="") if letter.isupper() else text

    expanded = _MACRO.sub(replace, spec).rstrip(".")
    while len(expanded) > MAX_DOMAIN_LENGTH and "." in expanded:
        expanded = expanded.split(".", 1)[1]
    return expanded
