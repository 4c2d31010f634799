"""The transport-policy lab: a signed zone with AD as a validating resolver sets it, an
unsigned zone without, TLSA records made at start, and the HTTPS policy host."""

import asyncio
import ssl

import dns.asyncquery
import dns.dnssec
import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdatatype

from smtp_tui.lab.policy_server import POLICIES, PolicyServer


async def ask(lab, name, rdtype, *, dnssec=False, ad=False, tcp=False):
    query = dns.message.make_query(name, rdtype, want_dnssec=dnssec)
    if ad:
        query.flags |= dns.flags.AD
    send = dns.asyncquery.tcp if tcp else dns.asyncquery.udp
    return await send(query, lab.dns_host, port=lab.dns_port, timeout=2)


async def test_answers_from_the_signed_zone_carry_ad_when_asked(lab):
    for flags in ({"dnssec": True}, {"ad": True}):
        response = await ask(lab, "_25._tcp.mx1.policy.test", "TLSA", **flags)
        assert response.flags & dns.flags.AD
        assert len(response.answer[0]) == 2


async def test_no_ad_unless_the_query_asks_for_dnssec(lab):
    response = await ask(lab, "enforce.policy.test", "MX")
    assert not response.flags & dns.flags.AD


async def test_the_unsigned_zone_never_gets_ad(lab):
    response = await ask(lab, "_25._tcp.mx.unsigned.policy.test", "TLSA", dnssec=True)
    assert response.answer  # the TLSA record is there ...
    assert not response.flags & dns.flags.AD  # ... but not authenticated


async def test_other_lab_zones_are_unsigned(lab):
    response = await ask(lab, "example.test", "MX", dnssec=True, ad=True)
    assert not response.flags & dns.flags.AD


async def test_authenticated_denial_for_a_missing_name_in_the_signed_zone(lab):
    response = await ask(lab, "_25._tcp.nothing.policy.test", "TLSA", dnssec=True)
    assert response.rcode() == dns.rcode.NXDOMAIN
    assert response.flags & dns.flags.AD


async def test_the_signatures_are_real(lab):
    keys = await ask(lab, "policy.test", "DNSKEY", dnssec=True, tcp=True)
    tlsa = await ask(lab, "_25._tcp.mx1.policy.test", "TLSA", dnssec=True, tcp=True)
    dnskey = keys.find_rrset(
        keys.answer, dns.name.from_text("policy.test."), 1, dns.rdatatype.DNSKEY
    )
    name = dns.name.from_text("_25._tcp.mx1.policy.test.")
    records = tlsa.find_rrset(tlsa.answer, name, 1, dns.rdatatype.TLSA)
    signature = tlsa.find_rrset(tlsa.answer, name, 1, dns.rdatatype.RRSIG, dns.rdatatype.TLSA)
    dns.dnssec.validate(records, signature, {dns.name.from_text("policy.test."): dnskey})


async def test_udp_answers_without_edns_still_fit_512_bytes(lab):
    # A signed answer is big; over UDP without EDNS the lab still truncates, as before.
    query = dns.message.make_query("_25._tcp.mx1.policy.test", "TLSA", use_edns=False)
    response = await dns.asyncquery.udp(query, lab.dns_host, port=lab.dns_port, timeout=2)
    assert len(response.to_wire()) <= 512


async def test_the_policy_host_serves_each_domain_its_policy(lab):
    context = ssl.create_default_context(cafile=str(lab.ca_file))
    reader, writer = await asyncio.open_connection(
        "127.0.27.80", lab.https_port, ssl=context, server_hostname="mta-sts.enforce.policy.test"
    )
    writer.write(
        b"GET /.well-known/mta-sts.txt HTTP/1.1\r\nHost: mta-sts.enforce.policy.test\r\n\r\n"
    )
    answer = await reader.read()
    writer.close()
    assert answer.startswith(b"HTTP/1.1 200 OK\r\n")
    assert answer.endswith(POLICIES["mta-sts.enforce.policy.test"].encode())


def test_unknown_hosts_and_paths_are_404():
    request = b"GET /.well-known/mta-sts.txt HTTP/1.1\r\nHost: mta-sts.nowhere.test\r\n\r\n"
    assert PolicyServer.response(request).startswith(b"HTTP/1.1 404")
    other = b"GET /index.html HTTP/1.1\r\nHost: mta-sts.enforce.policy.test\r\n\r\n"
    assert PolicyServer.response(other).startswith(b"HTTP/1.1 404")


async def test_the_policy_mx_hosts_listen_on_the_lab_smtp_port(lab):
    reader, writer = await asyncio.open_connection("127.0.27.1", lab.smtp_port)
    greeting = await reader.readline()
    writer.close()
    assert greeting.startswith(b"220 mx1.policy.test")
