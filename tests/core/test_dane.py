"""DANE (RFC 7672): which TLSA records count, and matching them against a presented chain."""

import hashlib

import pytest
from cryptography.hazmat.primitives import serialization

from smtp_tui.core.dane import DaneStatus, TlsaRecord, match_chain, record_matches
from smtp_tui.lab.policy_mx import tlsa_text
from smtp_tui.lab.tls import make_lab_authority, self_signed


def der(certificate):
    return certificate.public_bytes(serialization.Encoding.DER)


def record(text):
    usage, selector, matching, data = text.split()
    return TlsaRecord(int(usage), int(selector), int(matching), bytes.fromhex(data))


@pytest.fixture(scope="module")
def authority():
    return make_lab_authority()


@pytest.fixture(scope="module")
def issued(authority):
    leaf, _key = authority.issue(("mx.example.test",))
    return leaf


@pytest.mark.parametrize("selector", [0, 1])
@pytest.mark.parametrize("matching", [0, 1, 2])
def test_dane_ee_matches_every_selector_and_matching_type(issued, selector, matching):
    tlsa = record(tlsa_text(3, selector, matching, issued))
    assert record_matches(tlsa, issued)
    outcome = match_chain((tlsa,), (der(issued),), ("mx.example.test",))
    assert outcome.status is DaneStatus.MATCH


def test_a_self_signed_certificate_is_fine_under_dane_ee():
    leaf, _ = self_signed("whatever.invalid")
    tlsa = record(tlsa_text(3, 1, 1, leaf))
    outcome = match_chain((tlsa,), (der(leaf),), ("mx.example.test",))
    assert outcome.status is DaneStatus.MATCH  # no name or trust check under DANE-EE


def test_a_rolled_key_no_longer_matches(authority, issued):
    renewed, _ = authority.issue(("mx.example.test",))
    tlsa = record(tlsa_text(3, 1, 1, issued))
    outcome = match_chain((tlsa,), (der(renewed),), ("mx.example.test",))
    assert outcome.status is DaneStatus.MISMATCH
    assert "no TLSA record matches" in outcome.reason


def test_dane_ta_matches_the_ca_in_the_presented_chain(authority, issued):
    tlsa = record(tlsa_text(2, 0, 1, authority.certificate))
    chain = (der(issued), der(authority.certificate))
    assert match_chain((tlsa,), chain, ("mx.example.test",)).status is DaneStatus.MATCH


def test_dane_ta_needs_the_ca_in_the_chain(authority, issued):
    tlsa = record(tlsa_text(2, 1, 2, authority.certificate))
    assert match_chain((tlsa,), (der(issued),), ("mx.example.test",)).status is (
        DaneStatus.MISMATCH
    )


def test_dane_ta_checks_the_name_of_the_leaf(authority):
    other, _ = authority.issue(("mail.other.test",))
    tlsa = record(tlsa_text(2, 0, 1, authority.certificate))
    outcome = match_chain(
        (tlsa,), (der(other), der(authority.certificate)), ("mx.example.test", "example.test")
    )
    assert outcome.status is DaneStatus.MISMATCH
    assert "mail.other.test" in outcome.reason


@pytest.mark.parametrize("usage", [0, 1])
def test_pkix_usages_are_not_used_for_smtp(issued, usage):
    tlsa = record(tlsa_text(usage, 0, 1, issued))
    assert not tlsa.usable
    outcome = match_chain((tlsa,), (der(issued),), ("mx.example.test",))
    assert outcome.status is DaneStatus.NONE


def test_unknown_selectors_and_matching_types_are_unusable(issued):
    digest = hashlib.sha256(der(issued)).digest()
    assert not TlsaRecord(3, 2, 1, digest).usable
    assert not TlsaRecord(3, 0, 3, digest).usable


def test_no_certificate_is_a_mismatch(issued):
    tlsa = record(tlsa_text(3, 1, 1, issued))
    assert match_chain((tlsa,), (), ("mx.example.test",)).status is DaneStatus.MISMATCH


def test_record_text_reads_as_in_a_zone_file(issued):
    text = tlsa_text(3, 1, 1, issued)
    assert record(text).text() == text
