"""MTA-STS (RFC 8461): the ``_mta-sts`` TXT record, the policy fetched over HTTPS, its parse,
and matching MX host names against its ``mx`` patterns.

The policy host ``mta-sts.<domain>`` is resolved through the resolver the caller gives (the
one the user chose), never the system's behind their back; the connection goes to that
address with SNI and Host set to the policy host, and its certificate must validate for that
name (system trust store, plus an extra CA file when given). Redirects are not followed
(RFC 8461 §3.3). The HTTP client is a small HTTP/1.1 GET on asyncio streams: one request,
``Connection: close``, Content-Length, chunked or read-to-close bodies, with size caps.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import ssl
from enum import Enum

import dns.asyncresolver

from smtp_tui.core.dns import DnsError, DnsFailure, query, resolve_addresses
from smtp_tui.core.record import frozen_record
from smtp_tui.core.sanitize import sanitize_text
from smtp_tui.core.tls import name_matches

POLICY_PATH = "/.well-known/mta-sts.txt"
MAX_POLICY_BYTES = 64 * 1024  # RFC 8461 §3.3 suggests senders cap the body (64 KiB here)
MAX_HEADER_BYTES = 16 * 1024
READ_CHUNK = 8192
MAX_AGE_LIMIT = 31557600  # RFC 8461 §3.2: at most about a year
_ID = re.compile(r"^[A-Za-z0-9]{1,32}$")
_KEY = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
_VALUE = re.compile(r"^[\x20-\x7e]*$")  # printable ASCII (sts-policy-vchar and spaces)


class StsMode(Enum):
    ENFORCE = "enforce"
    TESTING = "testing"
    NONE = "none"


@frozen_record
class StsRecord:
    """The ``_mta-sts`` TXT record (sanitized text) and its id, or why it is not usable."""

    text: str | None
    policy_id: str | None = None
    problem: str | None = None


@frozen_record
class StsPolicy:
    mode: StsMode
    mx_patterns: tuple[str, ...]
    max_age: int
    text: str


class PolicyError(Exception):
    """A policy that could not be fetched or parsed; ``str()`` is meant for a person."""


class _WrongName(Exception):
    """The policy host's certificate chains to a trusted CA but is for other names."""


def parse_sts_record(texts: list[str]) -> StsRecord:
    """Pick the ``v=STSv1`` record among a name's TXT strings (RFC 8461 §3.1).

    Records not starting with ``v=STSv1`` are ignored; more than one is an error (senders
    then treat the domain as having no policy)."""
    candidates = [t for t in texts if re.match(r"^v\s*=\s*STSv1\s*(;|$)", t)]
    if not candidates:
        return StsRecord(None)
    shown = sanitize_text(candidates[0], max_chars=512)
    if len(candidates) > 1:
        return StsRecord(shown, problem="several v=STSv1 records: senders ignore them all")
    fields = [field.strip() for field in candidates[0].split(";")[1:] if field.strip()]
    policy_id = None
    for field in fields:
        key, equals, value = field.partition("=")
        if not equals:
            return StsRecord(shown, problem=f"malformed field {sanitize_text(field)!r}")
        if key.strip() == "id":
            policy_id = value.strip()
    if policy_id is None:
        return StsRecord(shown, problem="no id= field (RFC 8461 §3.1 requires one)")
    if not _ID.match(policy_id):
        return StsRecord(shown, problem="the id must be 1 to 32 letters and digits")
    return StsRecord(shown, policy_id)


def parse_policy(body: bytes) -> StsPolicy:
    """Parse a policy body strictly (RFC 8461 §3.2); raises PolicyError.

    Lines are ``key: value`` ended by LF or CRLF; ``mx`` may repeat; unknown keys are
    ignored; for the other keys the first occurrence counts."""
    try:
        text = body.decode("ascii")
    except UnicodeDecodeError:
        raise PolicyError("the policy is not plain ASCII text") from None
    fields: dict[str, str] = {}
    patterns: list[str] = []
    for number, line in enumerate(text.replace("\r\n", "\n").split("\n"), start=1):
        if not line.strip():
            continue
        key, colon, value = line.partition(":")
        key, value = key.strip(), value.strip()
        if not colon or not _KEY.match(key) or not _VALUE.match(value):
            raise PolicyError(f"line {number} is not 'key: value': {sanitize_text(line)!r}")
        if key == "mx":
            patterns.append(value.lower())
        else:
            fields.setdefault(key, value)
    if fields.get("version") != "STSv1":
        raise PolicyError(
            f"version is {sanitize_text(fields.get('version', 'missing'))!r}, not 'STSv1'"
        )
    modes = {mode.value: mode for mode in StsMode}
    mode_text = fields.get("mode", "")
    if mode_text not in modes:
        raise PolicyError(
            f"mode is {sanitize_text(mode_text or 'missing')!r}: it must be enforce, testing or "
            "none"
        )
    age_text = fields.get("max_age", "")
    if (
        not (age_text.isascii() and age_text.isdigit())
        or len(age_text) > 10
        or int(age_text) > MAX_AGE_LIMIT
    ):
        raise PolicyError(
            f"max_age is {sanitize_text(age_text or 'missing')!r}: it must be a number of seconds "
            f"up to {MAX_AGE_LIMIT}"
        )
    mode = modes[mode_text]
    if mode is not StsMode.NONE and not patterns:
        raise PolicyError(f"mode {mode.value} needs at least one mx: line")
    for pattern in patterns:
        if not _valid_pattern(pattern):
            raise PolicyError(f"mx pattern {sanitize_text(pattern)!r} is not a host name")
    return StsPolicy(mode, tuple(patterns), int(age_text), sanitize_text(text))


def _valid_pattern(pattern: str) -> bool:
    name = pattern[2:] if pattern.startswith("*.") else pattern
    labels = name.rstrip(".").split(".")
    return all(re.match(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$", label) for label in labels)


def mx_matches(pattern: str, host: str) -> bool:
    """RFC 8461 §4.1: exact, or ``*.`` standing for exactly one left-most label."""
    pattern, host = pattern.lower().rstrip("."), host.lower().rstrip(".")
    if pattern.startswith("*."):
        head, _, rest = host.partition(".")
        return bool(head) and rest == pattern[2:]
    return pattern == host


async def lookup_sts_record(resolver: dns.asyncresolver.Resolver, domain: str) -> StsRecord:
    """``_mta-sts.<domain>`` TXT; a missing name is no record, other failures a problem."""
    try:
        answer = await query(resolver, f"_mta-sts.{domain}", "TXT")
    except DnsError as error:
        if error.kind in (DnsFailure.NXDOMAIN, DnsFailure.NO_ANSWER):
            return StsRecord(None)
        return StsRecord(None, problem=str(error))
    texts = [b"".join(rdata.strings).decode("utf-8", "replace") for rdata in answer]
    return parse_sts_record(texts)


def trust_context(cafile: str | None) -> ssl.SSLContext:
    """The system trust store plus ``cafile``. Names are compared by the caller (so a wrong
    name and an untrusted chain can be told apart); SNI is still sent."""
    context = ssl.create_default_context()
    context.check_hostname = False
    if cafile:
        context.load_verify_locations(cafile)
    return context


class TrustStore:
    """One verifying context for a whole run, loaded once in a thread: reading the system
    trust store takes 100 ms or more, so it loads while the first DNS answers are awaited,
    and every connection of the run shares it."""

    def __init__(self, cafile: str | None) -> None:
        self.cafile = cafile
        self._loading: asyncio.Future[ssl.SSLContext] | None = None

    def start(self) -> None:
        if self._loading is None:
            self._loading = asyncio.ensure_future(asyncio.to_thread(trust_context, self.cafile))

    async def context(self) -> ssl.SSLContext:
        self.start()
        assert self._loading is not None
        return await asyncio.shield(self._loading)


def peer_names(ssl_object: ssl.SSLObject) -> tuple[str, ...]:
    """DNS names in the verified peer certificate's SAN."""
    certificate = ssl_object.getpeercert() or {}
    found: tuple[tuple[str, str], ...] = certificate.get("subjectAltName", ())  # type: ignore[assignment]
    return tuple(str(value) for kind, value in found if kind == "DNS")


@frozen_record
class PolicyHost:
    name: str
    addresses: tuple[str, ...]
    problem: str | None = None


async def resolve_policy_host(resolver: dns.asyncresolver.Resolver, domain: str) -> PolicyHost:
    """``mta-sts.<domain>`` through the given resolver (it may be looked up before the TXT
    answer is in, so both questions travel together)."""
    name = f"mta-sts.{domain}"
    found = await resolve_addresses(resolver, name)
    problem = found.problems[0] if found.problems else None
    return PolicyHost(name, found.addresses, problem)


async def fetch_policy(
    host: PolicyHost,
    *,
    port: int = 443,
    trust: TrustStore,
    timeout: float = 10.0,
    user_agent: str = "smtp-tui",
) -> StsPolicy:
    """GET the policy from the first address of ``host`` that answers; raises PolicyError.

    The certificate must chain to ``trust`` and carry the policy host's name."""
    if not host.addresses:
        raise PolicyError(host.problem or f"{host.name} has no address")
    context = await trust.context()
    errors: list[str] = []
    for address in host.addresses:
        try:
            async with asyncio.timeout(timeout):
                body = await _get(address, port, host.name, context, user_agent)
        except TimeoutError:
            errors.append(f"{address}: no answer within {timeout:g} s")
            continue
        except _WrongName as error:
            errors.append(f"{address}: {error}")
            continue
        except ssl.SSLCertVerificationError as error:
            errors.append(
                f"{address}: its certificate is not valid for {host.name} ({error.verify_message})"
            )
            continue
        except ConnectionRefusedError:
            errors.append(f"{address}: connection refused (nothing answers on port {port})")
            continue
        except (OSError, ssl.SSLError) as error:
            detail = error.strerror if isinstance(error, OSError) and error.strerror else error
            errors.append(f"{address}: {detail}")
            continue
        return parse_policy(body)
    raise PolicyError(
        f"https://{host.name}{POLICY_PATH} could not be fetched: " + "; ".join(errors)
    )


async def _get(
    address: str, port: int, name: str, context: ssl.SSLContext, user_agent: str
) -> bytes:
    reader, writer = await asyncio.open_connection(
        address, port, ssl=context, server_hostname=name, limit=MAX_HEADER_BYTES
    )
    try:
        ssl_object = writer.get_extra_info("ssl_object")
        names = peer_names(ssl_object) if ssl_object is not None else ()
        if not any(name_matches(found, name) for found in names):
            shown = ", ".join(sanitize_text(found) for found in names) or "no name"
            raise _WrongName(f"its certificate is not valid for {name} (it is for {shown})")
        request = (
            f"GET {POLICY_PATH} HTTP/1.1\r\nHost: {name}\r\nUser-Agent: {user_agent}\r\n"
            "Accept: text/plain\r\nConnection: close\r\n\r\n"
        )
        writer.write(request.encode("ascii"))
        await writer.drain()
        return await read_response(reader, name)
    finally:
        writer.close()
        # An abrupt close after the body is common and harmless here.
        with contextlib.suppress(OSError, ssl.SSLError):
            await writer.wait_closed()


async def read_response(reader: asyncio.StreamReader, name: str) -> bytes:
    """Status line, headers and body of one HTTP/1.1 response; raises PolicyError unless
    it is a 200 with a text/plain body under the size cap."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.LimitOverrunError:
        raise PolicyError(f"{name} sent headers over {MAX_HEADER_BYTES} bytes") from None
    except asyncio.IncompleteReadError:
        raise PolicyError(f"{name} closed the connection before a complete answer") from None
    lines = head.decode("latin-1").split("\r\n")
    status = lines[0].split(" ", 2)
    if (
        len(status) < 2
        or not status[0].startswith("HTTP/1.")
        or not (status[1].isascii() and status[1].isdigit())
    ):
        raise PolicyError(f"{name} did not answer HTTP: {sanitize_text(lines[0][:80])!r}")
    headers: dict[str, str] = {}
    for line in lines[1:]:
        key, colon, value = line.partition(":")
        if colon:
            headers[key.strip().lower()] = value.strip()
    code = int(status[1])
    if code != 200:
        where = headers.get("location")
        moved = (
            f" (to {sanitize_text(where)}; RFC 8461 forbids following redirects)" if where else ""
        )
        raise PolicyError(f"{name} answered HTTP {code}{moved}")
    body = await _body(reader, headers, name)
    media = headers.get("content-type", "").split(";")[0].strip().lower()
    if media != "text/plain":
        raise PolicyError(
            f"{name} served the policy as {sanitize_text(media or 'no type')!r}, "
            "not text/plain (RFC 8461 §3.2)"
        )
    return body


async def _body(reader: asyncio.StreamReader, headers: dict[str, str], name: str) -> bytes:
    too_big = PolicyError(f"the policy from {name} is over {MAX_POLICY_BYTES} bytes")
    try:
        if "chunked" in headers.get("transfer-encoding", "").lower():
            body = bytearray()
            while True:
                size_line = await reader.readuntil(b"\r\n")
                size = int(size_line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    return bytes(body)
                if len(body) + size > MAX_POLICY_BYTES:
                    raise too_big
                body += await reader.readexactly(size)
                await reader.readexactly(2)
        if "content-length" in headers:
            length = int(headers["content-length"])
            if length > MAX_POLICY_BYTES:
                raise too_big
            return await reader.readexactly(length)
        body = bytearray()
        while chunk := await reader.read(READ_CHUNK):
            body += chunk
            if len(body) > MAX_POLICY_BYTES:
                raise too_big
        return bytes(body)
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError):
        raise PolicyError(f"{name} sent a malformed or cut HTTP body") from None
