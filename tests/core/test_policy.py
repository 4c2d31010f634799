"""The whole transport-policy check against the practice lab's policy.test domains."""

import dns.asyncresolver
import dns.flags
import pytest

from smtp_tui.core.addresses import parse_domain
from smtp_tui.core.dane import DaneStatus
from smtp_tui.core.dns import DnsError, make_resolver, parse_dns_server
from smtp_tui.core.policy import PolicySettings, check_policy
from smtp_tui.core.policy_report import DnssecView


@pytest.fixture
def settings(lab):
    return PolicySettings(
        port=lab.smtp_port, https_port=lab.https_port, cafile=str(lab.ca_file), helo=lab.helo
    )


async def check(lab, settings, domain):
    resolver = make_resolver(parse_dns_server(lab.dns), timeout=2.0)
    return await check_policy(parse_domain(domain), resolver, settings)


# domain, what would block, per MX: (host, starttls, certificate valid, MTA-STS, DANE)
CASES = [
    ("enforce.policy.test", [], [("mx1.policy.test", True, True, "match", "match")]),
    (
        "testing.policy.test",
        [],
        [("mx-selfsigned.policy.test", True, False, "mismatch", "match")],
    ),
    ("mismatch.policy.test", ["mta-sts"], [("mx1.policy.test", True, True, "mismatch", "match")]),
    (
        "wrongcert.policy.test",
        ["mta-sts"],
        [
            ("mx1.policy.test", True, True, "match", "match"),
            ("mx-wrongname.policy.test", True, False, "mismatch", "none"),
        ],
    ),
    # The MX name is an alias: DANE looks for TLSA at the CNAME's target first.
    ("alias.policy.test", [], [("mx-alias.policy.test", True, False, "none", "match")]),
    ("rolled.policy.test", ["dane"], [("mx-rolled.policy.test", True, True, "none", "mismatch")]),
    (
        "plain.policy.test",
        ["mta-sts", "dane"],
        [("mx-plain.policy.test", False, False, "mismatch", "mismatch")],
    ),
    ("ta.policy.test", [], [("mx-ta.policy.test", True, True, "none", "match")]),
    (
        "multi.policy.test",
        ["mta-sts", "dane"],
        [("mx-multi.policy.test", True, False, "mismatch", "mismatch")],
    ),
    ("silent.policy.test", [], [("mx1.policy.test", True, True, "none", "match")]),
    (
        "unsigned.policy.test",
        [],
        [("mx.unsigned.policy.test", True, False, "none", "insecure")],
    ),
]


@pytest.mark.parametrize(("domain", "blocked", "hosts"), CASES, ids=[c[0] for c in CASES])
async def test_each_lab_domain_is_judged_as_a_policy_enforcing_sender_would(
    lab, settings, domain, blocked, hosts
):
    report = await check(lab, settings, domain)
    assert list(report.blocked_for) == blocked
    found = [
        (mx.host, mx.starttls, mx.certificate_valid, mx.mta_sts.value, mx.dane.value)
        for mx in report.mx
    ]
    assert found == hosts


async def test_a_certificate_for_another_name_is_named_in_the_summary(lab, settings):
    report = await check(lab, settings, "wrongcert.policy.test")
    assert report.summary.startswith(
        "Senders that enforce MTA-STS would refuse to deliver to mx-wrongname.policy.test: "
        "its certificate is for mail.other.test"
    )


async def test_a_stale_tlsa_record_is_their_side_to_fix(lab, settings):
    report = await check(lab, settings, "rolled.policy.test")
    assert "their side must publish the new TLSA record" in report.summary


async def test_an_mx_is_as_good_as_its_worst_address(lab, settings):
    report = await check(lab, settings, "multi.policy.test")
    (mx,) = report.mx
    by_address = {check.probe.address: check for check in mx.addresses}
    assert by_address["127.0.27.7"].certificate_valid is True
    assert by_address["127.0.27.7"].dane is DaneStatus.MATCH
    assert by_address["127.0.27.8"].certificate_valid is False
    assert by_address["127.0.27.8"].dane is DaneStatus.MISMATCH
    assert mx.certificate_valid is False and mx.dane is DaneStatus.MISMATCH


async def test_a_policy_host_that_does_not_answer_is_a_warning_not_a_blocker(lab, settings):
    report = await check(lab, settings, "silent.policy.test")
    assert report.sts_record.text == "v=STSv1; id=6;"
    assert report.policy is None
    assert "connection refused" in (report.policy_error or "")
    assert not report.blocked
    assert "fall back to a cached policy" in report.summary


async def test_a_policy_host_with_a_certificate_for_other_names_is_not_trusted(lab, settings):
    report = await check(lab, settings, "badcert.policy.test")
    assert "not valid for mta-sts.badcert.policy.test" in (report.policy_error or "")
    assert not report.blocked


async def test_a_malformed_policy_is_reported(lab, settings):
    report = await check(lab, settings, "broken.policy.test")
    assert "mode is 'enforced'" in (report.policy_error or "")


async def test_without_the_lab_ca_the_policy_host_is_not_trusted(lab, settings):
    untrusting = PolicySettings(port=lab.smtp_port, https_port=lab.https_port, helo=lab.helo)
    report = await check(lab, untrusting, "enforce.policy.test")
    assert "certificate" in (report.policy_error or "")
    (mx,) = report.mx
    assert mx.certificate_valid is False
    assert mx.dane is DaneStatus.MATCH  # DANE needs no CA


async def test_tls_rpt_says_where_reports_go(lab, settings):
    report = await check(lab, settings, "testing.policy.test")
    assert report.tls_rpt.rua == (
        "mailto:tlsrpt@policy.test",
        "https://reports.policy.test/tlsrpt",
    )


async def test_the_lab_resolver_is_seen_validating(lab, settings):
    assert (await check(lab, settings, "enforce.policy.test")).dnssec is DnssecView.RESOLVER_AD


async def test_tlsa_from_an_unsigned_zone_is_never_dane(lab, settings):
    report = await check(lab, settings, "unsigned.policy.test")
    (mx,) = report.mx
    assert mx.tlsa.records and not mx.tlsa.authenticated
    assert mx.dane is DaneStatus.INSECURE
    assert any("not DNSSEC-authenticated" in warning for warning in report.warnings)


async def test_a_resolver_that_does_not_validate_is_named(lab, settings, monkeypatch):
    # A resolver that passes signatures through but never sets AD: strip AD from answers.
    original = dns.asyncresolver.Resolver.resolve

    async def no_ad(self, *args, **kwargs):
        answer = await original(self, *args, **kwargs)
        answer.response.flags &= ~dns.flags.AD
        return answer

    monkeypatch.setattr(dns.asyncresolver.Resolver, "resolve", no_ad)
    report = await check(lab, settings, "rolled.policy.test")
    assert report.dnssec is DnssecView.NOT_VALIDATING
    assert report.mx[0].dane is DaneStatus.INSECURE
    assert not report.blocked  # never treat an unauthenticated TLSA as DANE
    assert any("does not validate" in warning for warning in report.warnings)


async def test_a_domain_that_does_not_exist_fails_the_lookup(lab, settings):
    with pytest.raises(DnsError):
        await check(lab, settings, "nowhere.policy.test")


def test_the_json_object_has_the_documented_keys():
    from smtp_tui.core.dane import TlsaLookup
    from smtp_tui.core.mta_sts import StsRecord
    from smtp_tui.core.policy_report import PolicyReport
    from smtp_tui.core.tls_rpt import TlsRptRecord

    report = PolicyReport(
        "example.test", StsRecord(None), None, None, TlsRptRecord(None), (), None, (), "ok"
    )
    data = report.as_json()
    assert list(data) == ["domain", "mta_sts", "tls_rpt", "mx", "dnssec", "blocked_for", "summary"]
    assert list(data["mta_sts"]) == ["record", "mode", "mx_patterns", "max_age", "error"]
    assert list(data["tls_rpt"]) == ["record", "rua"]
    assert TlsaLookup("x").records == ()


async def test_a_failed_tlsa_lookup_for_a_signed_host_blocks_dane_senders(
    lab, settings, monkeypatch
):
    from smtp_tui.core import policy
    from smtp_tui.core.dane import TlsaLookup

    async def servfail(resolver, host, port=25):
        return TlsaLookup(f"_25._tcp.{host}", problem="TLSA look-up: SERVFAIL")

    monkeypatch.setattr(policy, "lookup_tlsa", servfail)
    report = await check(lab, settings, "enforce.policy.test")
    assert report.blocked_for == ("dane",)
    assert "DANE senders defer mail to this MX" in report.summary


async def test_an_aliased_mx_is_pinned_by_the_tlsa_record_at_its_target(lab, settings):
    report = await check(lab, settings, "alias.policy.test")
    (mx,) = report.mx
    assert mx.tlsa.name == "_25._tcp.mx-selfsigned.policy.test"
    assert mx.dane_applies
