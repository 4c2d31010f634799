"""Queries written without a Message are the bytes dnspython's make_query gives; answers are
matched as Message.is_response matches them."""

import dns.asyncresolver
import dns.edns
import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdatatype
import pytest

from smtp_tui.core.dns_query_wire import QueryWire, answers_question, rdtype_number

NAME = dns.name.from_text("66.2.0.192.zen.example.test.")


def resolver_with(**settings):
    resolver = dns.asyncresolver.Resolver(configure=False)
    resolver.nameservers = ["127.0.0.1"]
    edns = settings.pop("edns", None)
    if edns is not None:
        resolver.use_edns(*edns)
    for key, value in settings.items():
        setattr(resolver, key, value)
    return resolver


def expected_wire(resolver, name, rdtype, query_id):
    message = dns.message.make_query(
        name,
        rdtype,
        use_edns=resolver.edns,
        ednsflags=resolver.ednsflags,
        payload=resolver.payload,
        options=resolver.ednsoptions,
    )
    if resolver.flags is not None:
        message.flags = resolver.flags
    message.id = query_id
    return message.to_wire()


RESOLVERS = {
    "no EDNS": {},
    "EDNS0, 1232 bytes": {"edns": (0, 0, 1232)},
    "EDNS0 with DO and a cookie option": {
        "edns": (0, dns.flags.DO, 4096, [dns.edns.CookieOption(b"12345678", b"")])
    },
    "recursion not desired": {"flags": 0},
}


@pytest.mark.parametrize("settings", RESOLVERS.values(), ids=RESOLVERS.keys())
@pytest.mark.parametrize("rdtype", ["A", "TXT", "PTR", "MX", "AAAA"])
def test_a_rendered_question_is_the_query_make_query_gives(settings, rdtype):
    resolver = resolver_with(**settings)
    wire = QueryWire(resolver).render(NAME, rdtype_number(rdtype), 4242)
    assert wire == expected_wire(resolver, NAME, rdtype, 4242)


def test_the_message_for_a_tcp_retry_carries_the_id_on_the_wire():
    resolver = resolver_with(edns=(0, 0, 1232))
    query_wire = QueryWire(resolver)
    message = query_wire.message(NAME, "TXT", 777)
    assert message.id == 777
    assert message.to_wire() == query_wire.render(NAME, rdtype_number("TXT"), 777)


def response_to(name, rdtype, rcode=dns.rcode.NOERROR):
    response = dns.message.make_response(dns.message.make_query(name, rdtype))
    response.set_rcode(rcode)
    return dns.message.from_wire(response.to_wire(), question_only=True)


def test_the_answer_to_the_question_asked_matches_whatever_the_case():
    shouted = dns.name.from_text("66.2.0.192.ZEN.Example.TEST.")
    assert answers_question(response_to(shouted, "A"), NAME, dns.rdatatype.A)


def test_an_answer_to_another_name_or_type_does_not_match():
    other = dns.name.from_text("66.2.0.192.other.example.test.")
    assert not answers_question(response_to(other, "A"), NAME, dns.rdatatype.A)
    assert not answers_question(response_to(NAME, "TXT"), NAME, dns.rdatatype.A)


def test_a_query_is_not_an_answer():
    query = dns.message.make_query(NAME, "A")
    head = dns.message.from_wire(query.to_wire(), question_only=True)
    assert not answers_question(head, NAME, dns.rdatatype.A)


def test_an_error_without_a_question_answers_but_a_bare_noerror_does_not():
    for rcode, matches in ((dns.rcode.SERVFAIL, True), (dns.rcode.REFUSED, True),
                           (dns.rcode.NOERROR, False), (dns.rcode.NXDOMAIN, False)):  # fmt: skip
        query = dns.message.make_query(NAME, "A")
        response = dns.message.make_response(query)
        response.question = []
        response.set_rcode(rcode)
        head = dns.message.from_wire(response.to_wire(), question_only=True)
        assert answers_question(head, NAME, dns.rdatatype.A) is matches, rcode
        assert query.is_response(head) is matches, rcode  # dnspython's own check agrees
