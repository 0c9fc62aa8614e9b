"""The branch's signing identity: an ECDSA P-256 key (encrypted with a passphrase) and its
certificate — self-signed until the district (the CA) issues one.

Key folder (`<data>/keys/`): `branch-key.pem` (PKCS#8 PEM, BestAvailableEncryption),
`branch-cert.pem` (current certificate), `district-ca.pem` (the district CA, once imported),
`archive/` (earlier certificates, and earlier keys still encrypted, kept for old ledgers).
Every file is written to a temporary name and renamed. The private key never leaves the folder."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from desktop.domain.errors import LedgerError, ValidationError
from desktop.storage.files import write_atomically

KEY_FILE = "branch-key.pem"
CERT_FILE = "branch-cert.pem"
CA_FILE = "district-ca.pem"
ARCHIVE_DIR = "archive"
SELF_SIGNED_ORG = "支部工作台账（自签名）"
MIN_PASSPHRASE = 6


@dataclass(frozen=True)
class SigningIdentity:
    private_key: Any  # ec.EllipticCurvePrivateKey; None when loaded without the passphrase
    certificate: x509.Certificate
    ca_certificate: x509.Certificate | None
    self_signed: bool

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.certificate)


def fingerprint(cert: x509.Certificate) -> str:
    """SHA-256 of the certificate (hex, upper case); print the first 16 as the short form."""
    return cert.fingerprint(hashes.SHA256()).hex().upper()


def short_fingerprint(cert: x509.Certificate) -> str:
    fp = fingerprint(cert)
    return " ".join(fp[i:i + 4] for i in range(0, 16, 4))


def subject_name(cert: x509.Certificate) -> str:
    names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(names[0].value) if names else cert.subject.rfc4514_string()


def secretary_of(cert: x509.Certificate) -> str | None:
    names = cert.subject.get_attributes_for_oid(NameOID.TITLE)
    return str(names[0].value) if names else None


def branch_code(cert: x509.Certificate) -> str | None:
    """The branch code the district assigned (subject serialNumber), None on a self-signed cert."""
    values = cert.subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER)
    return str(values[0].value) if values else None


def is_self_signed(cert: x509.Certificate) -> bool:
    return cert.issuer == cert.subject


def has_identity(keys_dir: Path) -> bool:
    return (Path(keys_dir) / KEY_FILE).exists() and (Path(keys_dir) / CERT_FILE).exists()


# -- files ----------------------------------------------------------------------------------------
def _write_atomic(path: Path, data: bytes, *, private: bool = False) -> None:
    write_atomically(path, data, private=private)


def _cert_pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def _read_cert_file(path: Path, what: str) -> x509.Certificate:
    try:
        return parse_certificate(path.read_bytes(), what)
    except FileNotFoundError as exc:
        raise LedgerError(f"找不到{what}文件 {path}。") from exc


def parse_certificate(data: bytes, what: str = "证书") -> x509.Certificate:
    """A PEM or DER certificate; LedgerError naming `what` when it is not one."""
    try:
        if b"-----BEGIN" in data:
            return x509.load_pem_x509_certificate(data)
        return x509.load_der_x509_certificate(data)
    except ValueError as exc:
        raise LedgerError(f"{what}文件不是有效的证书（应为 PEM 或 DER 格式的 X.509 证书）。") from exc


def _archive(keys_dir: Path, today: dt.date, *, include_key: bool) -> None:
    """Keep the current certificate (and, when replacing the key, the encrypted key) in archive/."""
    archive = keys_dir / ARCHIVE_DIR
    cert_path = keys_dir / CERT_FILE
    if cert_path.exists():
        try:
            cert = parse_certificate(cert_path.read_bytes())
            stem = f"{today.isoformat()}-{fingerprint(cert)[:16]}"
        except LedgerError:
            stem = f"{today.isoformat()}-unreadable"
        _write_atomic(archive / f"cert-{stem}.pem", cert_path.read_bytes())
        if include_key and (keys_dir / KEY_FILE).exists():
            _write_atomic(archive / f"key-{stem}.pem", (keys_dir / KEY_FILE).read_bytes(), private=True)


def archived_certificates(keys_dir: Path) -> list[x509.Certificate]:
    """Earlier certificates of this branch (to verify ledgers signed before a key change)."""
    out = []
    for path in sorted((Path(keys_dir) / ARCHIVE_DIR).glob("cert-*.pem")):
        try:
            out.append(parse_certificate(path.read_bytes()))
        except LedgerError:
            continue
    return out


def district_ca(keys_dir: Path) -> x509.Certificate | None:
    path = Path(keys_dir) / CA_FILE
    return _read_cert_file(path, "区级 CA 证书") if path.exists() else None


def current_certificate(keys_dir: Path) -> x509.Certificate | None:
    path = Path(keys_dir) / CERT_FILE
    return _read_cert_file(path, "支部证书") if path.exists() else None


# -- the key --------------------------------------------------------------------------------------
def _load_private_key(keys_dir: Path, passphrase: str) -> ec.EllipticCurvePrivateKey:
    path = Path(keys_dir) / KEY_FILE
    if not path.exists():
        raise LedgerError("尚未创建签名证书：请先在“设置→签名证书”中创建（或运行 identity create）。")
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=passphrase.encode("utf-8"))
    except (ValueError, TypeError) as exc:
        raise LedgerError("口令错误：无法用此口令解开签名私钥。请重新输入创建证书时设置的口令。") from exc
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise LedgerError(f"签名私钥文件 {path} 不是 ECDSA 密钥。")
    return key


def _same_key(key_public: Any, cert: x509.Certificate) -> bool:
    fmt = (serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return key_public.public_bytes(*fmt) == cert.public_key().public_bytes(*fmt)


def load_identity(keys_dir: Path, passphrase: str) -> SigningIdentity:
    keys_dir = Path(keys_dir)
    if not has_identity(keys_dir):
        raise LedgerError("尚未创建签名证书：请先在“设置→签名证书”中创建（或运行 identity create）。")
    key = _load_private_key(keys_dir, passphrase)
    cert = _read_cert_file(keys_dir / CERT_FILE, "支部证书")
    if not _same_key(key.public_key(), cert):
        raise LedgerError(f"支部证书 {keys_dir / CERT_FILE} 与签名私钥不匹配。请重新导入区里签发的证书。")
    return SigningIdentity(key, cert, district_ca(keys_dir), is_self_signed(cert))


def _subject(branch_name: str, secretary: str | None, org: str | None = None) -> x509.Name:
    attrs = [x509.NameAttribute(NameOID.COMMON_NAME, branch_name[:64])]
    if secretary:
        attrs.append(x509.NameAttribute(NameOID.TITLE, secretary[:64]))
    if org:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, org))
    return x509.Name(attrs)


def _check_passphrase(passphrase: str) -> None:
    if len(passphrase) < MIN_PASSPHRASE:
        raise ValidationError(f"口令至少 {MIN_PASSPHRASE} 个字符。", field="passphrase")


def create_identity(keys_dir: Path, passphrase: str, *, branch_name: str, secretary: str | None,
                    today: dt.date) -> SigningIdentity:
    """A new key and a self-signed certificate (未经区级认证). An existing certificate and key are
    moved to archive/ first, so ledgers signed with them can still be verified."""
    _check_passphrase(passphrase)
    if not branch_name.strip():
        raise ValidationError("请先填写支部名称。", field="branch_name")
    keys_dir = Path(keys_dir)
    key = ec.generate_private_key(ec.SECP256R1())
    name = _subject(branch_name.strip(), secretary, SELF_SIGNED_ORG)
    start = dt.datetime.combine(today, dt.time(), tzinfo=dt.timezone.utc) - dt.timedelta(days=1)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=5 * 366))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                     crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(passphrase.encode("utf-8")),
    )
    _archive(keys_dir, today, include_key=True)
    _write_atomic(keys_dir / KEY_FILE, key_pem, private=True)
    _write_atomic(keys_dir / CERT_FILE, _cert_pem(cert))
    return SigningIdentity(key, cert, district_ca(keys_dir), True)


def make_csr(keys_dir: Path, passphrase: str) -> bytes:
    """A certificate request (PEM) for the district, with the branch name (and secretary) of the
    current certificate."""
    identity = load_identity(keys_dir, passphrase)
    cert = identity.certificate
    branch = subject_name(cert)
    csr = (
        x509.CertificateSigningRequestBuilder()
        .subject_name(_subject(branch, secretary_of(cert)))
        .sign(identity.private_key, hashes.SHA256())
    )
    return csr.public_bytes(serialization.Encoding.PEM)


def _check_validity(cert: x509.Certificate, today: dt.date, what: str) -> None:
    start = cert.not_valid_before_utc.date()
    end = cert.not_valid_after_utc.date()
    if today < start:
        raise LedgerError(f"{what}尚未生效（有效期 {start} 至 {end}，今天是 {today}）。请检查电脑日期或向区里确认。")
    if today > end:
        raise LedgerError(f"{what}已过期（有效期 {start} 至 {end}）。请向区里申请新证书。")


def check_ca_certificate(ca: x509.Certificate, today: dt.date) -> None:
    try:
        constraints = ca.extensions.get_extension_for_class(x509.BasicConstraints).value
    except x509.ExtensionNotFound:
        constraints = None
    if constraints is None or not constraints.ca:
        raise LedgerError(f"所选的 CA 文件（{subject_name(ca)}）不是证书颁发机构（CA）证书。请选择区里提供的 CA 证书。")
    _check_validity(ca, today, "区级 CA 证书")


def check_issued_by(cert: x509.Certificate, ca: x509.Certificate) -> None:
    try:
        cert.verify_directly_issued_by(ca)
    except (ValueError, TypeError, InvalidSignature) as exc:
        raise LedgerError(f"支部证书不是由所选 CA（{subject_name(ca)}）签发的。请确认两个文件来自同一个区。") from exc


def import_certificate(keys_dir: Path, cert_pem: bytes, ca_pem: bytes, *, today: dt.date,
                       passphrase: str | None = None) -> SigningIdentity:
    """Install the certificate the district issued for our key, and the district's CA certificate.

    Checks that the certificate matches our key, is valid today, that the CA is a CA valid today
    and signed it. Nothing is written unless every check passes; the old certificate is archived.
    Without `passphrase` the returned identity has no private key (the match is checked against
    the current certificate's public key, which is the key's)."""
    keys_dir = Path(keys_dir)
    if not has_identity(keys_dir):
        raise LedgerError("尚未创建签名密钥：请先创建签名证书并导出证书请求，再导入区里签发的证书。")
    cert = parse_certificate(cert_pem, "支部证书")
    ca = parse_certificate(ca_pem, "区级 CA 证书")
    key = _load_private_key(keys_dir, passphrase) if passphrase is not None else None
    public = key.public_key() if key is not None else _read_cert_file(keys_dir / CERT_FILE, "支部证书").public_key()
    if not _same_key(public, cert):
        raise LedgerError("导入的证书与本支部的签名密钥不匹配：它不是为本机导出的证书请求签发的。")
    check_ca_certificate(ca, today)
    check_issued_by(cert, ca)
    _check_validity(cert, today, "支部证书")
    _archive(keys_dir, today, include_key=False)
    _write_atomic(keys_dir / CA_FILE, _cert_pem(ca))
    _write_atomic(keys_dir / CERT_FILE, _cert_pem(cert))
    return SigningIdentity(key, cert, ca, False)
