"""The branch's signing identity: create, request, import the district's certificate, and the
bad inputs (wrong passphrase, foreign certificate, expired, a CA that is not a CA)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from desktop.domain.errors import LedgerError
from desktop.sync import identity

TODAY = dt.date(2026, 11, 21)
PASS = "correct horse"


def make_ca(name: str = "某区党工委", *, is_ca: bool = True, start: dt.date = dt.date(2025, 1, 1),
            days: int = 3650) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    begin = dt.datetime.combine(start, dt.time(), tzinfo=dt.timezone.utc)
    cert = (
        x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(begin)
        .not_valid_after(begin + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=is_ca, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=is_ca,
                                     crl_sign=is_ca, encipher_only=False, decipher_only=False), critical=True)
        .sign(key, hashes.SHA256())
    )
    return key, cert


def issue(ca_key, ca_cert, csr_pem: bytes, *, code: str = "BR-0042", start: dt.date = dt.date(2026, 1, 1),  # type: ignore[no-untyped-def]
          days: int = 1000) -> bytes:
    csr = x509.load_pem_x509_csr(csr_pem)
    subject = x509.Name(list(csr.subject) + [x509.NameAttribute(NameOID.SERIAL_NUMBER, code)])
    begin = dt.datetime.combine(start, dt.time(), tzinfo=dt.timezone.utc)
    cert = (
        x509.CertificateBuilder().subject_name(subject).issuer_name(ca_cert.subject)
        .public_key(csr.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(begin).not_valid_after(begin + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                     crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM)


def pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


@pytest.fixture
def keys(tmp_path: Path) -> Path:
    folder = tmp_path / "keys"
    identity.create_identity(folder, PASS, branch_name="某某科技有限公司第一党支部", secretary="王喆", today=TODAY)
    return folder


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_created_identity_is_self_signed_encrypted_and_loads_with_the_passphrase(keys: Path) -> None:
    key_pem = (keys / "branch-key.pem").read_bytes()
    assert b"ENCRYPTED PRIVATE KEY" in key_pem
    loaded = identity.load_identity(keys, PASS)
    assert loaded.self_signed
    assert identity.subject_name(loaded.certificate) == "某某科技有限公司第一党支部"
    assert identity.secretary_of(loaded.certificate) == "王喆"
    assert isinstance(loaded.private_key.curve, ec.SECP256R1)
    assert identity.branch_code(loaded.certificate) is None
    assert not list(keys.rglob("*.partial"))


def test_wrong_passphrase_is_named(keys: Path) -> None:
    with pytest.raises(LedgerError, match="口令错误"):
        identity.load_identity(keys, "wrong passphrase")


def test_missing_identity_is_named(tmp_path: Path) -> None:
    with pytest.raises(LedgerError, match="尚未创建"):
        identity.load_identity(tmp_path / "none", PASS)


def test_short_passphrase_refused_and_nothing_written(tmp_path: Path) -> None:
    with pytest.raises(LedgerError, match="口令至少"):
        identity.create_identity(tmp_path / "k", "123", branch_name="支部", secretary=None, today=TODAY)
    assert not (tmp_path / "k").exists()


def test_request_import_and_branch_code(keys: Path) -> None:
    csr = x509.load_pem_x509_csr(identity.make_csr(keys, PASS))
    assert csr.is_signature_valid
    assert csr.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "某某科技有限公司第一党支部"
    ca_key, ca_cert = make_ca()
    old = identity.current_certificate(keys)
    issued = identity.import_certificate(keys, issue(ca_key, ca_cert, pem_csr(csr)), pem(ca_cert), today=TODAY)
    assert not issued.self_signed
    assert identity.branch_code(issued.certificate) == "BR-0042"
    loaded = identity.load_identity(keys, PASS)
    assert loaded.ca_certificate == ca_cert and not loaded.self_signed
    assert old in identity.archived_certificates(keys)  # kept for verifying older ledgers


def pem_csr(csr: x509.CertificateSigningRequest) -> bytes:
    return csr.public_bytes(serialization.Encoding.PEM)


@pytest.mark.parametrize(
    "case, message",
    [
        ("foreign", "不匹配"),
        ("expired", "已过期"),
        ("not_yet", "尚未生效"),
        ("ca_not_ca", "不是证书颁发机构"),
        ("other_ca", "不是由所选 CA"),
        ("garbage", "不是有效的证书"),
    ],
)
def test_bad_certificates_are_refused_and_nothing_changes(keys: Path, case: str, message: str) -> None:
    ca_key, ca_cert = make_ca()
    csr = identity.make_csr(keys, PASS)
    cert_pem, ca_pem = issue(ca_key, ca_cert, csr), pem(ca_cert)
    if case == "foreign":
        other = ec.generate_private_key(ec.SECP256R1())
        foreign_csr = (x509.CertificateSigningRequestBuilder()
                       .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "别的支部")]))
                       .sign(other, hashes.SHA256()).public_bytes(serialization.Encoding.PEM))
        cert_pem = issue(ca_key, ca_cert, foreign_csr)
    elif case == "expired":
        cert_pem = issue(ca_key, ca_cert, csr, start=dt.date(2024, 1, 1), days=365)
    elif case == "not_yet":
        cert_pem = issue(ca_key, ca_cert, csr, start=dt.date(2027, 1, 1))
    elif case == "ca_not_ca":
        leaf_key, leaf = make_ca("普通证书", is_ca=False)
        cert_pem, ca_pem = issue(leaf_key, leaf, csr), pem(leaf)
    elif case == "other_ca":
        _, other_ca = make_ca("另一个区")
        ca_pem = pem(other_ca)
    elif case == "garbage":
        cert_pem = b"this is not a certificate"
    before = snapshot(keys)
    with pytest.raises(LedgerError, match=message):
        identity.import_certificate(keys, cert_pem, ca_pem, today=TODAY)
    assert snapshot(keys) == before


def test_replacing_the_key_archives_the_old_certificate(keys: Path) -> None:
    first = identity.current_certificate(keys)
    identity.create_identity(keys, "another pass", branch_name="某某科技有限公司第一党支部", secretary="王喆", today=TODAY)
    assert identity.current_certificate(keys) != first
    assert first in identity.archived_certificates(keys)
    with pytest.raises(LedgerError, match="口令错误"):
        identity.load_identity(keys, PASS)
    assert identity.load_identity(keys, "another pass").self_signed
