"""A question on the wire and an answer matched to it, both through dnspython (issue 15).

A blacklist sweep puts about 160 one-question queries on the wire at once and reads as many
answers; the client's CPU for them is what the sweep costs beyond one round trip. So each query
is written by dnspython's own :class:`dns.renderer.Renderer` (what ``Message.to_wire`` uses)
without building a whole :class:`dns.message.Message` per question, and without name
compression: a query holds one name, so there is nothing to compress, yet the compressing
writer builds a Name for every suffix of it (a DNSBL name has seven). The name is written as
dnspython's own uncompressed ``Name.to_wire()`` gives it (:mod:`dns_query_name`). The bytes
are those of ``make_query(...).to_wire()`` (tests/core/test_dns_query_wire.py compares them),
for about an eighth of the CPU.

An answer is read by dnspython up to its question (``question_only``) and matched as
``Message.is_response`` matches it, against the question asked instead of a Message.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import dns.asyncresolver
    import dns.message
    import dns.name
    import dns.rrset

# The rdtypes a caller names as text, as numbers: a sweep names the same three 160 times.
_RDTYPES: dict[str, int] = {}


def rdtype_number(rdtype: str) -> int:
    """``"A"`` -> 1, once per type for the process."""
    number = _RDTYPES.get(rdtype)
    if number is None:
        import dns.rdatatype

        number = _RDTYPES[rdtype] = int(dns.rdatatype.from_text(rdtype))
    return number


class QueryWire:
    """The resolver's query settings (flags, EDNS), read once; each question rendered alone."""

    def __init__(self, resolver: dns.asyncresolver.Resolver) -> None:
        import dns.message
        import dns.name

        # A template made as dnspython's resolver makes its queries, for its flags and OPT
        # record (EDNS version, flags, payload, options).
        self._resolver = resolver
        template = self.message(dns.name.root, "A", 0)
        self.flags = template.flags
        self.opt: dns.rrset.RRset | None = template.opt
        self.max_size = min(max(template.request_payload or 65535, 512), 65535)

    def message(self, qname: dns.name.Name, rdtype: str, query_id: int) -> dns.message.QueryMessage:
        """The query as a dnspython Message (for a retry over TCP)."""
        import dns.message

        resolver = self._resolver
        message = dns.message.make_query(
            qname,
            rdtype,
            use_edns=resolver.edns,
            ednsflags=resolver.ednsflags,
            payload=resolver.payload,
            options=resolver.ednsoptions,
        )
        if resolver.flags is not None:
            message.flags = resolver.flags
        message.id = query_id
        return message

    def render(self, qname: dns.name.Name, rdtype: int, query_id: int) -> bytes:
        """The wire form of one question, as ``self.message(...).to_wire()`` gives it."""
        import dns.renderer

        from smtp_tui.core.dns_query_name import UncompressedName

        renderer = dns.renderer.Renderer(query_id, self.flags, self.max_size)
        renderer.compress = None  # one name: nothing to compress
        renderer.add_question(UncompressedName(qname.labels), rdtype)
        if self.opt is not None:
            renderer.add_opt(self.opt)
        renderer.write_header()
        return renderer.get_wire()


def answers_question(head: dns.message.Message, qname: dns.name.Name, rdtype: int) -> bool:
    """Is ``head`` (an answer read up to its question) the answer to (``qname``, ``rdtype``)?

    What ``Message.is_response`` checks for a plain query, the id aside (the caller found the
    question by it): a response (QR), opcode QUERY, and the same single question, IN class,
    names compared without case; an error answer (FORMERR, SERVFAIL, NOTIMP, REFUSED) may carry
    no question at all."""
    import dns.flags
    import dns.opcode
    import dns.rcode
    import dns.rdataclass

    if not head.flags & dns.flags.QR or dns.opcode.from_flags(head.flags) != dns.opcode.QUERY:
        return False
    if len(head.question) != 1:
        return not head.question and head.rcode() in _ERRORS_WITHOUT_QUESTION
    asked = head.question[0]
    if asked.rdtype != rdtype or asked.rdclass != dns.rdataclass.IN:
        return False
    # The same bytes (the usual echo of the question) before the case-insensitive comparison.
    return asked.name.labels == qname.labels or asked.name == qname


# FORMERR, SERVFAIL, NOTIMP, REFUSED (dns.rcode): as dnspython's is_response, their question
# section may be empty.
_ERRORS_WITHOUT_QUESTION = frozenset({1, 2, 4, 5})
