"""The lab's DNS server answers like an authoritative server should."""

import dns.asyncquery
import dns.message
import dns.rcode


async def ask(lab, name, rdtype, tcp=False):
    query = dns.message.make_query(name, rdtype)
    send = dns.asyncquery.tcp if tcp else dns.asyncquery.udp
    return await send(query, lab.dns_host, port=lab.dns_port, timeout=2)


async def test_answers_over_udp_and_tcp(lab):
    for tcp in (False, True):
        response = await ask(lab, "example.test", "MX", tcp=tcp)
        assert response.rcode() == dns.rcode.NOERROR
        assert len(response.answer[0]) == 2


async def test_wildcards_answer_any_name_below_them(lab):
    response = await ask(lab, "9.9.9.9.refuse.dnsbl.test", "A")
    assert response.answer[0][0].to_text() == "127.255.255.254"


async def test_unknown_names_are_nxdomain_and_existing_names_nodata(lab):
    assert (await ask(lab, "nowhere.test", "A")).rcode() == dns.rcode.NXDOMAIN
    nodata = await ask(lab, "empty.test", "MX")
    assert nodata.rcode() == dns.rcode.NOERROR and not nodata.answer


async def test_reverse_zone_and_txt_reasons(lab):
    ptr = await ask(lab, "1.0.0.127.in-addr.arpa", "PTR")
    assert ptr.answer[0][0].to_text() == "client.lab.test."
    txt = await ask(lab, "66.25.0.127.bl.dnsbl.test", "TXT")
    assert "spam trap" in txt.answer[0][0].to_text()


async def test_names_outside_the_lab_are_refused(lab):
    assert (await ask(lab, "example.com", "A")).rcode() == dns.rcode.REFUSED
