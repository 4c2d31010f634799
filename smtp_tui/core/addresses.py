"""Check domains and mail addresses the user types, with errors a person can act on."""

from __future__ import annotations

from smtp_tui.core.record import frozen_record

_LDH = set("abcdefghijklmnopqrstuvwxyz0123456789-")
_MAX_LABEL = 63  # octets (RFC 1035)
_MAX_NAME = 255  # octets on the wire, with the length bytes and the root label


class InputError(ValueError):
    """Something the user typed is not usable; the message says what and how to fix it."""


@frozen_record
class DomainName:
    """A domain both ways: as the user reads it and as DNS carries it (IDNA 2008 A-labels)."""

    unicode: str
    ascii: str

    @property
    def is_international(self) -> bool:
        return self.unicode != self.ascii

    def shown(self) -> str:
        """``bücher.example (xn--bcher-kva.example)`` for IDNs, else just the name."""
        return f"{self.unicode} ({self.ascii})" if self.is_international else self.ascii


def parse_domain(text: str) -> DomainName:
    """Validate a domain name and convert it with IDNA 2008; raise InputError if unusable."""
    raw = text.strip().rstrip(".")
    if not raw:
        raise InputError("The domain is empty.")
    if any(ch.isspace() or ord(ch) < 0x20 for ch in raw):
        raise InputError(f"The domain {raw!r} contains spaces or control characters.")
    if "@" in raw:
        raise InputError(f"{raw!r} looks like an address, not a domain.")
    if raw.startswith("[") or _is_ip(raw):
        raise InputError(f"{raw!r} is an IP address, not a domain name.")
    if _is_plain_ascii(raw):
        return _parse_ascii_domain(raw)
    return _parse_idna_domain(raw)


def _is_plain_ascii(raw: str) -> bool:
    """ASCII with no backslash escapes and no A-labels: nothing for IDNA to convert."""
    return raw.isascii() and "\\" not in raw and "xn--" not in raw.lower()


def _parse_ascii_domain(raw: str) -> DomainName:
    """The same checks and messages as the IDNA path, without loading dnspython (~60 ms at
    start-up, issue 15): an ASCII name is its own A-label."""
    labels = raw.split(".")
    for label in labels:
        if not label:
            raise InputError(f"{raw!r} has an empty label (two dots in a row?).")
        if len(label) > _MAX_LABEL:
            raise InputError(f"A label of {raw!r} is longer than 63 characters.")
    if sum(len(label) + 1 for label in labels) + 1 > _MAX_NAME:
        raise InputError(f"{raw!r} is longer than 255 octets.")
    ascii_name = raw.lower()
    _check_host_name(raw, ascii_name)
    return DomainName(unicode=raw, ascii=ascii_name)


def _parse_idna_domain(raw: str) -> DomainName:
    import dns.name

    try:
        name = dns.name.from_unicode(raw, idna_codec=dns.name.IDNA_2008_Practical)
    except dns.name.LabelTooLong:
        raise InputError(f"A label of {raw!r} is longer than 63 characters.") from None
    except dns.name.NameTooLong:
        raise InputError(f"{raw!r} is longer than 255 octets.") from None
    except dns.name.EmptyLabel:
        raise InputError(f"{raw!r} has an empty label (two dots in a row?).") from None
    except Exception as error:  # dnspython raises IDNAException and others
        raise InputError(f"{raw!r} is not a valid domain name: {error}") from None
    ascii_name = name.to_text(omit_final_dot=True).lower()
    _check_host_name(raw, ascii_name)
    try:
        unicode_name = name.to_unicode(omit_final_dot=True, idna_codec=dns.name.IDNA_2008_Practical)
    except Exception:
        unicode_name = ascii_name
    return DomainName(unicode=unicode_name, ascii=ascii_name)


def _check_host_name(raw: str, ascii_name: str) -> None:
    for label in ascii_name.split("."):
        if not set(label) <= _LDH or label.startswith("-") or label.endswith("-"):
            raise InputError(
                f"{raw!r} is not a valid host name: labels may hold only letters, digits and "
                "hyphens, and may not start or end with a hyphen."
            )
    if "." not in ascii_name:
        raise InputError(f"{raw!r} has no dot; give a full domain such as example.com.")


def check_helo_name(text: str) -> None:
    """An EHLO name as --helo and the config take it: a domain, or an address literal such as
    [192.0.2.1] (InputError otherwise)."""
    if not (text.startswith("[") and text.endswith("]")):
        parse_domain(text)


def check_sending_ip(text: str) -> None:
    """The sending server's address as --ip and the config take it: IPv4 or IPv6, no
    brackets (InputError otherwise)."""
    if not _is_ip(text):
        raise InputError("give your mail server's public IPv4 or IPv6 address.")


def is_ip_address(host: str) -> bool:
    """True for an IPv4 or IPv6 address, with or without [brackets]."""
    return _is_ip(host.strip("[]"))


# An IPv4 address is ASCII digits and dots; an IPv6 address has colons. Anything else is no
# address, said without loading ipaddress; a dotted quad is checked by the C library, which
# accepts exactly what ipaddress does (four decimal octets up to 255, no leading zeros): tested
# against ipaddress on glibc; musl and the BSDs' libc behave the same (unverified on Windows). So a
# check with --server and an IPv4 address never imports ipaddress (issue 15).
_IPV4_CHARACTERS = frozenset("0123456789.")


def _is_ip(text: str) -> bool:
    if ":" not in text:
        if not set(text) <= _IPV4_CHARACTERS:
            return False
        import socket

        try:
            socket.inet_pton(socket.AF_INET, text)
        except OSError:
            return False
        return True
    import ipaddress

    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


@frozen_record
class MailAddress:
    """``local@domain`` with the domain checked; ``text`` is what goes between the brackets."""

    local: str
    domain: DomainName

    @property
    def text(self) -> str:
        return f"{self.local}@{self.domain.ascii}"


def parse_address(text: str) -> MailAddress:
    """Validate a mail address (brackets optional); raise InputError if unusable."""
    raw = text.strip()
    if raw.startswith("<") and raw.endswith(">"):
        raw = raw[1:-1].strip()
    if any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in raw):
        raise InputError(f"The address {raw!r} contains spaces or control characters.")
    local, at, domain = raw.rpartition("@")
    if not at or not local:
        raise InputError(f"{raw!r} is not a mail address: it needs a local part, @ and a domain.")
    if len(local.encode()) > 64:
        raise InputError(f"The local part of {raw!r} is longer than 64 octets (RFC 5321).")
    if "<" in local or ">" in local:
        raise InputError(f"The address {raw!r} has stray angle brackets.")
    return MailAddress(local=local, domain=parse_domain(domain))


def parse_target(text: str) -> tuple[DomainName, MailAddress | None]:
    """A recipient address or a bare domain -> (domain to look up, address or None)."""
    if "@" in text:
        address = parse_address(text)
        return address.domain, address
    return parse_domain(text), None
