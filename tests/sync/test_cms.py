"""Detached CMS signatures over the tag manifest: what verifies, and every way it must not."""

from __future__ import annotations

import datetime as dt

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from desktop.sync.cms import KeyPair, SignatureError, code_of, sign_detached, verify_detached

TODAY = dt.date(2026, 11, 21)


def _cert(subject: str, key, issuer_key, issuer_name: x509.Name | None = None, *, code: str | None = None,
          start: dt.date = dt.date(2026, 1, 1), days: int = 1000, ca: bool = False) -> x509.Certificate:
    attrs = [x509.NameAttribute(NameOID.COMMON_NAME, subject)]
    if code:
        attrs.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, code))
    name = x509.Name(attrs)
    begin = dt.datetime.combine(start, dt.time(), tzinfo=dt.timezone.utc)
    return (x509.CertificateBuilder().subject_name(name).issuer_name(issuer_name or name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(begin).not_valid_after(begin + dt.timedelta(days=days))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
            .sign(issuer_key, hashes.SHA256()))


@pytest.fixture(scope="module")
def pki():
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = _cert("某区委组织部 根证书", ca_key, ca_key, ca=True)
    key = ec.generate_private_key(ec.SECP256R1())
    cert = _cert("第一支部", key, ca_key, ca.subject, code="B001")
    return ca_key, ca, key, cert


def test_signature_verifies_and_names_the_signer(pki) -> None:
    _, ca, key, cert = pki
    content = b"abc  data/x.json\n"
    signature = sign_detached(content, KeyPair(key, cert))
    signer = verify_detached(signature, content, [ca], today=TODAY)
    assert signer == cert
    assert code_of(signer) == "B001"


def test_changed_content_is_refused(pki) -> None:
    _, ca, key, cert = pki
    signature = sign_detached(b"original", KeyPair(key, cert))
    with pytest.raises(SignatureError, match="摘要不符"):
        verify_detached(signature, b"originaL", [ca], today=TODAY)


def test_certificate_from_another_ca_is_unknown(pki) -> None:
    _, ca, _, _ = pki
    other_ca_key = ec.generate_private_key(ec.SECP256R1())
    other_ca = _cert("别的区 根证书", other_ca_key, other_ca_key, ca=True)
    key = ec.generate_private_key(ec.SECP256R1())
    cert = _cert("冒名支部", key, other_ca_key, other_ca.subject, code="B001")
    signature = sign_detached(b"x", KeyPair(key, cert))
    with pytest.raises(SignatureError, match="不被信任"):
        verify_detached(signature, b"x", [ca], today=TODAY)


def test_self_signed_branch_certificate_is_unknown(pki) -> None:
    _, ca, _, _ = pki
    key = ec.generate_private_key(ec.SECP256R1())
    cert = _cert("自签名支部", key, key, code="B001")
    with pytest.raises(SignatureError, match="不被信任"):
        verify_detached(sign_detached(b"x", KeyPair(key, cert)), b"x", [ca], today=TODAY)


def test_revoked_and_expired_certificates_are_refused(pki) -> None:
    ca_key, ca, key, cert = pki
    signature = sign_detached(b"x", KeyPair(key, cert))
    with pytest.raises(SignatureError, match="已被吊销"):
        verify_detached(signature, b"x", [ca], today=TODAY, revoked_serials={format(cert.serial_number, "x")})
    old = _cert("第一支部", key, ca_key, ca.subject, code="B001", start=dt.date(2020, 1, 1), days=365)
    with pytest.raises(SignatureError, match="有效期"):
        verify_detached(sign_detached(b"x", KeyPair(key, old)), b"x", [ca], today=TODAY)


def test_signature_by_another_key_with_the_right_certificate_is_refused(pki) -> None:
    _, ca, _, cert = pki
    thief = ec.generate_private_key(ec.SECP256R1())
    # cryptography refuses to pair a certificate with a key that is not its own, so forge by
    # swapping the signature value of a genuine signature for one made with another key.
    from asn1crypto import cms

    genuine = cms.ContentInfo.load(sign_detached(b"x", KeyPair(pki[2], cert)))
    signer_info = genuine["content"]["signer_infos"][0]
    attrs = b"\x31" + signer_info["signed_attrs"].dump()[1:]
    signer_info["signature"] = thief.sign(attrs, ec.ECDSA(hashes.SHA256()))
    with pytest.raises(SignatureError, match="签名值校验失败"):
        verify_detached(genuine.dump(force=True), b"x", [ca], today=TODAY)


@pytest.mark.parametrize("garbage", [b"", b"not a signature", b"\x30\x03\x02\x01\x01"])
def test_garbage_is_a_broken_signature_file(pki, garbage: bytes) -> None:
    with pytest.raises(SignatureError, match="无法解析"):
        verify_detached(garbage, b"x", [pki[1]], today=TODAY, what="a.p7s")
