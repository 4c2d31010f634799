"""The sending host's identity, against the lab's DNS."""

from smtp_tui.core.sender import DiscoveryProvider, check_identity, discover_public_ip, spf_record


async def test_ptr_forward_confirmed_and_matching_the_ehlo_name(resolver):
    report = await check_identity(resolver, "127.0.0.1", "client.lab.test")
    assert report.ptr_names == ("client.lab.test",)
    assert report.fcrdns and report.helo_matches
    assert report.problems == ()


async def test_ptr_mismatch_and_no_forward_confirmation(resolver):
    report = await check_identity(resolver, "127.0.25.66", "client.lab.test")
    assert report.ptr_names == ("mismatch.lab.test",)
    assert not report.fcrdns and report.helo_matches is False
    assert len(report.problems) == 2


async def test_no_ptr_at_all(resolver):
    report = await check_identity(resolver, "127.0.25.99", "client.lab.test")
    assert report.ptr_names == () and "no reverse DNS" in report.problems[0]


async def test_spf_record_is_shown(resolver):
    assert await spf_record(resolver, "lab.test") == "v=spf1 ip4:127.0.0.1 -all"
    assert await spf_record(resolver, "nowhere.test") is None


async def test_public_address_discovery_says_where_it_came_from(lab):
    found = await discover_public_ip((DiscoveryProvider("Lab", "myip.lab.test", "A", lab.dns),))
    assert found.address == "127.0.0.1"
    assert "DNS (Lab)" in found.describe() and "can differ" in found.describe()
    txt = await discover_public_ip((DiscoveryProvider("Lab", "myip.lab.test", "TXT", lab.dns),))
    assert txt.address == "127.0.0.1"
