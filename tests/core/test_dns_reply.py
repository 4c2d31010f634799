"""Reading an answer: the quick path for the usual answer gives what dnspython's resolver reads."""

import dns.exception
import dns.flags
import dns.message
import dns.rrset
import pytest

from smtp_tui.core.dns import DnsError, DnsFailure
from smtp_tui.core.dns_reply import asked_rrset, read_response


def response_to(name, rdtype, *records, qr=True):
    """A response (read back from the wire) to ``name``/``rdtype`` with ``records`` as its
    answer section: each a (owner, type, text) triple, one RRset each."""
    query = dns.message.make_query(name, rdtype)
    response = dns.message.make_response(query)
    for owner, kind, text in records:
        response.answer.append(dns.rrset.from_text(owner, 60, "IN", kind, text))
    if not qr:
        response.flags &= ~dns.flags.QR
    return dns.message.from_wire(response.to_wire())


def chained(response):
    """What dnspython's resolver takes from a response (None when it raises)."""
    try:
        return response.resolve_chaining().answer
    except dns.exception.DNSException:
        return None


ANSWERS = {
    "an address": response_to("2.0.0.127.bl.test.", "A", ("2.0.0.127.bl.test.", "A", "127.0.0.2")),
    "a TXT reason": response_to("x.bl.test.", "TXT", ("x.bl.test.", "TXT", '"spam" "trap"')),
    "the owner in other case": response_to(
        "Mixed.Case.test.", "A", ("mixed.case.TEST.", "A", "192.0.2.1")
    ),
    "through a CNAME": response_to(
        "mail.test.", "A", ("mail.test.", "CNAME", "host.test."), ("host.test.", "A", "192.0.2.7")
    ),
    "only the CNAME": response_to("mail.test.", "A", ("mail.test.", "CNAME", "host.test.")),
    "another name only": response_to("a.test.", "A", ("b.test.", "A", "192.0.2.9")),
    "another type only": response_to("a.test.", "A", ("a.test.", "AAAA", "2001:db8::1")),
    "no records": response_to("a.test.", "A"),
    "two sets": response_to(
        "a.test.", "A", ("a.test.", "A", "192.0.2.1"), ("a.test.", "TXT", '"extra"')
    ),
    "not a response": response_to("a.test.", "A", ("a.test.", "A", "192.0.2.1"), qr=False),
}


@pytest.mark.parametrize("case", ANSWERS)
def test_the_quick_path_takes_only_what_resolve_chaining_takes(case):
    response = ANSWERS[case]
    quick = asked_rrset(response)
    assert quick is None or quick is chained(response)


@pytest.mark.parametrize("case", ["an address", "a TXT reason", "the owner in other case"])
def test_the_usual_answer_takes_the_quick_path(case):
    assert asked_rrset(ANSWERS[case]) is not None


@pytest.mark.parametrize("case", ANSWERS)
def test_read_response_gives_what_resolve_chaining_gives(case):
    response = ANSWERS[case]
    read = read_response(response, "shown.test", "A")
    expected = chained(response)
    if expected is None:
        assert isinstance(read, DnsError)
        assert read.kind in (DnsFailure.NO_ANSWER, DnsFailure.OTHER)
    else:
        assert read is expected
