"""Detached CMS (PKCS#7) signatures over a package's tag manifest, and their verification.

Signing uses `cryptography`'s PKCS7SignatureBuilder (SHA-256, signed attributes, the signer's
certificate embedded). `cryptography` cannot verify CMS, so verification is done here by hand:
asn1crypto parses the SignedData, the messageDigest attribute must equal SHA-256 of the content,
the signature must verify over the DER SET of the signed attributes with the signer's public key,
and the signer's certificate must be issued directly by one of the trusted CA certificates, be
valid, and not be on the revoked list. Every failure is a `SignatureError` whose Chinese message
names the check.

Validity: `verify_detached` checks it on the given day (the old rule, kept for callers that have no
signing time). `verify_signature` (what packages use) checks the chain AT THE SIGNING TIME, the
signed attribute signingTime, which must not be later than the import day plus `CLOCK_SKEW`;
revocation still applies on the import day."""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import hashlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric import padding as rsa_padding
from cryptography.hazmat.primitives.serialization import pkcs7
from cryptography.x509.oid import NameOID

from desktop.domain.errors import LedgerError


class SignatureError(LedgerError):
    """A signature that does not verify, or a certificate that is not trusted."""


# How far a signer's clock may be ahead of the verifier's day, and how far the signing time may be
# from the export time the package declares in bag-info.txt.
CLOCK_SKEW = dt.timedelta(days=1)

_DEFAULT_SIGNING_TIME: contextvars.ContextVar[dt.datetime | None] = contextvars.ContextVar(
    "branch_ledger_signing_time", default=None)


@contextlib.contextmanager
def signing_time_default(moment: dt.datetime | None) -> Iterator[None]:
    """Within the block, `sign_detached` without an explicit `signing_time` signs at `moment`
    (`build_bag` uses it so a package's signature carries the export time of its bag-info)."""
    token = _DEFAULT_SIGNING_TIME.set(moment)
    try:
        yield
    finally:
        _DEFAULT_SIGNING_TIME.reset(token)


def signing_moment(day: dt.date) -> dt.datetime:
    """The moment to sign at on `day` (a date the caller's clock gives): now, when `day` is the
    real local date; noon UTC of `day` otherwise (a fixed clock: tests, demos), so signatures made
    under a fixed clock do not depend on the real one."""
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    if now.astimezone().date() == day:
        return now
    return dt.datetime.combine(day, dt.time(12), tzinfo=dt.timezone.utc)


def utc_text(moment: dt.datetime) -> str:
    """2026-12-30T09:15:00Z"""
    return moment.astimezone(dt.timezone.utc).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_utc(text: str) -> dt.datetime:
    """The inverse of `utc_text` (a time without a zone is read as UTC); ValueError if not a time."""
    moment = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(dt.timezone.utc)


@dataclass(frozen=True)
class SignatureCheck:
    """A verified signature: its signer, when it says it signed, and the validity note."""

    signer: x509.Certificate
    signing_time: dt.datetime | None
    note: str  # e.g. "签名时间 2026-12-30 证书有效期内（至 2026-12-31）"


@dataclass(frozen=True)
class KeyPair:
    """A private key and its certificate (the branch's or the district's)."""

    private_key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey
    certificate: x509.Certificate
    ca_certificate: x509.Certificate | None = None


def sign_detached(content: bytes, signer: KeyPair, *, signing_time: dt.datetime | None = None) -> bytes:
    """DER-encoded detached CMS SignedData over `content` (SHA-256, certificate included), with the
    signed attributes content type, signing time, message digest and S/MIME capabilities.

    The signing time is `signing_time`, else the one set by `signing_time_default`, else now."""
    builder = (
        pkcs7.PKCS7SignatureBuilder()
        .set_data(content)
        .add_signer(signer.certificate, signer.private_key, hashes.SHA256())
    )
    options = [pkcs7.PKCS7Options.DetachedSignature, pkcs7.PKCS7Options.Binary]
    der = builder.sign(serialization.Encoding.DER, options)  # signs at the real clock's "now"
    moment = signing_time or _DEFAULT_SIGNING_TIME.get()
    if moment is None:
        return der
    return _resign_at(der, signer, moment)


def _resign_at(der: bytes, signer: KeyPair, moment: dt.datetime) -> bytes:
    """`der` with its signingTime attribute set to `moment` and the signed attributes signed again:
    every other byte stays as `PKCS7SignatureBuilder` wrote it (what the strict form expects)."""
    from asn1crypto import cms as acms

    moment = moment.astimezone(dt.timezone.utc).replace(microsecond=0)
    info = acms.ContentInfo.load(der)
    signer_info = info["content"]["signer_infos"][0]
    attrs = []
    for attr in signer_info["signed_attrs"]:
        if attr["type"].native == "signing_time":
            choice = "utc_time" if 1950 <= moment.year < 2050 else "general_time"  # RFC 5652 §11.3
            attr = acms.CMSAttribute({"type": "signing_time", "values": [acms.Time({choice: moment})]})
        attrs.append(attr)
    signed_attrs = acms.CMSAttributes(attrs)
    to_sign = signed_attrs.dump(force=True)
    key = signer.private_key
    if isinstance(key, ec.EllipticCurvePrivateKey):
        value = key.sign(to_sign, ec.ECDSA(hashes.SHA256()))
    else:
        value = key.sign(to_sign, rsa_padding.PKCS1v15(), hashes.SHA256())
    signer_info["signed_attrs"] = signed_attrs
    signer_info["signature"] = value
    return info.dump(force=True)


def signing_time_of(signed_attrs: object) -> dt.datetime | None:
    """The signingTime signed attribute (UTC), or None when the signature has none."""
    for attr in signed_attrs or ():  # type: ignore[attr-defined]
        if attr["type"].native == "signing_time":
            value = attr["values"][0].native
            if not isinstance(value, dt.datetime):
                return None
            return (value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)).astimezone(dt.timezone.utc)
    return None


def code_of(cert: x509.Certificate) -> str | None:
    """The branch code the district put in the subject's serialNumber (None for the CA)."""
    values = cert.subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER)
    return str(values[0].value) if values else None


def common_name(cert: x509.Certificate) -> str:
    values = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(values[0].value) if values else ""


def serial_hex(cert: x509.Certificate) -> str:
    return format(cert.serial_number, "x")


def verify_detached(signature: bytes, content: bytes, trust_roots: Iterable[x509.Certificate], *,
                    today: dt.date, revoked_serials: Iterable[str] = (), what: str = "签名") -> x509.Certificate:
    """Verify a detached CMS signature over `content`; return the signer's certificate. The
    certificate must be valid on `today` (see `verify_signature` for validity at signing time).

    `what` names the signature file in messages (e.g. "tagmanifest-sha256.txt.p7s")."""
    return _verify(signature, content, trust_roots, today=today, revoked_serials=revoked_serials, revoked_on=None,
                   what=what, at_signing_time=False).signer


def verify_signature(signature: bytes, content: bytes, trust_roots: Iterable[x509.Certificate], *,
                     today: dt.date, revoked_serials: Iterable[str] = (),
                     revoked_on: Mapping[str, dt.date] | None = None, what: str = "签名") -> SignatureCheck:
    """Verify a detached CMS signature whose certificate chain must be valid AT ITS SIGNING TIME
    (the signed signingTime attribute); the signing time must not be later than `today` plus
    `CLOCK_SKEW`; a certificate revoked by `today` is refused (`revoked_on` gives the dates known).
    A signature without signingTime is refused: every package this program wrote carries one."""
    return _verify(signature, content, trust_roots, today=today, revoked_serials=revoked_serials,
                   revoked_on=revoked_on, what=what, at_signing_time=True)


def _verify(signature: bytes, content: bytes, trust_roots: Iterable[x509.Certificate], *, today: dt.date,
            revoked_serials: Iterable[str], revoked_on: Mapping[str, dt.date] | None, what: str,
            at_signing_time: bool) -> SignatureCheck:
    from asn1crypto import cms

    try:
        info = cms.ContentInfo.load(signature)
        if info["content_type"].native != "signed_data":
            raise ValueError("not SignedData")
        signed = info["content"]
        signer_infos = signed["signer_infos"]
        if len(signer_infos) != 1:
            raise ValueError("expected one signer")
        signer_info = signer_infos[0]
        certificates = [x509.load_der_x509_certificate(c.chosen.dump()) for c in (signed["certificates"] or [])]
        signed_attrs = signer_info["signed_attrs"]
        digest_algorithm = signer_info["digest_algorithm"]["algorithm"].native
        sid = signer_info["sid"]
    except Exception as exc:  # noqa: BLE001 - any parse failure is a broken signature file
        raise SignatureError(f"{what} 无法解析（签名文件损坏或不是 CMS 签名）：{exc}") from None
    _check_strict_form(info, signature, what)
    if digest_algorithm != "sha256":
        raise SignatureError(f"{what} 使用了不接受的摘要算法 {digest_algorithm}（应为 SHA-256）")
    try:
        signer_cert = _verify_parsed(certificates, sid, signed_attrs, signer_info, content, what=what)
        try:
            signing_time = signing_time_of(signed_attrs)
        except Exception:  # noqa: BLE001 - a signingTime that does not parse
            raise SignatureError(f"{what} 的签名时间无法解析（检查：签名时间）") from None
        if not at_signing_time:
            check_certificate(signer_cert, trust_roots, today=today, revoked_serials=revoked_serials, what=what)
            return SignatureCheck(signer_cert, signing_time, f"证书在 {today} 有效")
        note = check_certificate_at(signer_cert, trust_roots, signing_time, today=today,
                                    revoked_serials=revoked_serials, revoked_on=revoked_on, what=what)
        return SignatureCheck(signer_cert, signing_time, note)
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:  # a damaged certificate parses lazily
        raise SignatureError(f"{what} 中的证书或签名数据已损坏：{exc}") from None


def _verify_parsed(certificates: list[x509.Certificate], sid: object, signed_attrs: object, signer_info: object,
                   content: bytes, *, what: str) -> x509.Certificate:
    signer_cert = _find_signer(certificates, sid)
    if signer_cert is None:
        raise SignatureError(f"{what} 中没有签名者的证书")
    if not signed_attrs:
        raise SignatureError(f"{what} 缺少签名属性")
    message_digest = None
    for attr in signed_attrs:  # type: ignore[attr-defined]
        if attr["type"].native == "message_digest":
            message_digest = attr["values"][0].native
    if message_digest != hashlib.sha256(content).digest():
        raise SignatureError(f"{what} 所签的内容与包中的文件不一致（摘要不符：文件被改动过）")
    to_verify = b"\x31" + signed_attrs.dump()[1:]  # type: ignore[attr-defined]  # DER SET OF, not [0]
    raw_signature = signer_info["signature"].native  # type: ignore[index]
    _verify_with_key(signer_cert, raw_signature, to_verify, what)
    return signer_cert


# The DER of every field of our SignedData that the signature value does not cover, as
# `PKCS7SignatureBuilder` writes them (SHA-256; ECDSA or RSA keys).
_FIXED = {
    "content_type": bytes.fromhex("06092a864886f70d010702"),
    "version": bytes.fromhex("020101"),
    "digest_algorithms": bytes.fromhex("310f300d06096086480165030402010500"),
    "encap_content_info": bytes.fromhex("300b06092a864886f70d010701"),
    "digest_algorithm": bytes.fromhex("300d06096086480165030402010500"),
}
_SIGNATURE_ALGORITHMS = {
    bytes.fromhex("300a06082a8648ce3d040302"),  # ecdsa-with-SHA256
    bytes.fromhex("300d06092a864886f70d01010b0500"),  # sha256WithRSAEncryption
    bytes.fromhex("300d06092a864886f70d0101010500"),  # rsaEncryption (OpenSSL's choice for RSA)
}
_DER_CERTIFICATES: dict[bytes, bool] = {}


def _check_strict_form(info: object, signature: bytes, what: str) -> None:
    """Only the signed attributes and the signature value are covered by the signature: every
    other field must be byte-for-byte what we write, so no byte of the file changes unnoticed."""
    try:
        signed = info["content"]  # type: ignore[index]
        signer_info = signed["signer_infos"][0]
        certificates = signed["certificates"] or []
        expected = (
            info["content_type"].dump() == _FIXED["content_type"]  # type: ignore[index]
            and signed["version"].dump() == _FIXED["version"]
            and signed["digest_algorithms"].dump() == _FIXED["digest_algorithms"]
            and signed["encap_content_info"].dump() == _FIXED["encap_content_info"]
            and signed["crls"].native is None
            and len(certificates) == 1
            and signer_info["version"].dump() == _FIXED["version"]
            and signer_info["sid"].name == "issuer_and_serial_number"
            and signer_info["digest_algorithm"].dump() == _FIXED["digest_algorithm"]
            and signer_info["signature_algorithm"].dump() in _SIGNATURE_ALGORITHMS
            and not signer_info["unsigned_attrs"].native
            and _certificate_is_der(certificates[0].chosen.dump())
            and info.dump() == signature  # type: ignore[attr-defined]
        )
    except Exception:  # noqa: BLE001 - a field that does not even parse is a variation too
        expected = False
    if not expected:
        raise SignatureError(f"{what} 的结构不符合规范（签名文件被改动）")


def _certificate_is_der(original: bytes) -> bool:
    """The embedded certificate is exactly what a strict DER parser reads back (remembered: the
    same branch certificate comes in every package)."""
    known = _DER_CERTIFICATES.get(original)
    if known is None:
        from asn1crypto import x509 as ax509

        # the certificate's signature BIT STRING lies outside what its issuer signed, and its
        # "unused bits" octet is ignored by the signature check: it must be 0 (a signature is whole octets)
        known = (x509.load_der_x509_certificate(original).public_bytes(serialization.Encoding.DER) == original
                 and ax509.Certificate.load(original)["signature_value"].contents[:1] == b"\x00")
        if len(_DER_CERTIFICATES) < 10_000:
            _DER_CERTIFICATES[original] = known
    return known


def _find_signer(certificates: list[x509.Certificate], sid: object) -> x509.Certificate | None:
    name = getattr(sid, "name", None)
    if name == "issuer_and_serial_number":
        serial = sid.chosen["serial_number"].native  # type: ignore[attr-defined]
        issuer = sid.chosen["issuer"].dump()  # type: ignore[attr-defined]
        for cert in certificates:
            if cert.serial_number == serial and cert.issuer.public_bytes() == issuer:
                return cert
        return None
    return certificates[0] if len(certificates) == 1 else None


def _verify_with_key(cert: x509.Certificate, raw_signature: bytes, data: bytes, what: str) -> None:
    key = cert.public_key()
    try:
        if isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(raw_signature, data, ec.ECDSA(hashes.SHA256()))
        elif isinstance(key, rsa.RSAPublicKey):
            key.verify(raw_signature, data, rsa_padding.PKCS1v15(), hashes.SHA256())
        else:
            raise SignatureError(f"{what} 的签名密钥类型不受支持")
    except InvalidSignature:
        raise SignatureError(f"{what} 的签名值校验失败（签名被改动或不是由该证书签出）") from None


def check_certificate(cert: x509.Certificate, trust_roots: Iterable[x509.Certificate], *, today: dt.date,
                      revoked_serials: Iterable[str] = (), what: str = "签名") -> x509.Certificate:
    """The CA among `trust_roots` that issued `cert`; refuses expired, not-yet-valid and revoked ones."""
    issuer = _trusted_issuer(cert, trust_roots, what)
    _check_not_revoked(cert, revoked_serials, None, what)
    moment = dt.datetime.combine(today, dt.time(12), tzinfo=dt.timezone.utc)
    if not cert.not_valid_before_utc <= moment <= cert.not_valid_after_utc:
        raise SignatureError(
            f"{what} 的签名证书不在有效期内（{cert.not_valid_before_utc.date()} 至 {cert.not_valid_after_utc.date()}）"
        )
    return issuer


def check_certificate_at(cert: x509.Certificate, trust_roots: Iterable[x509.Certificate],
                         signing_time: dt.datetime | None, *, today: dt.date, revoked_serials: Iterable[str] = (),
                         revoked_on: Mapping[str, dt.date] | None = None, what: str = "签名") -> str:
    """The rule for packages: `cert` and the CA that issued it valid at `signing_time`, which is
    not later than `today` + `CLOCK_SKEW`; `cert` not revoked (on `today`). Returns the
    acceptance note; raises SignatureError naming the check."""
    issuer = _trusted_issuer(cert, trust_roots, what)
    _check_not_revoked(cert, revoked_serials, revoked_on, what)
    if signing_time is None:
        raise SignatureError(f"{what} 缺少签名时间（signingTime），无法确定签名时证书是否有效；"
                             "本程序写出的包都带有签名时间（检查：签名时间）")
    signed_day = signing_time.date()
    if signed_day > today + CLOCK_SKEW:
        raise SignatureError(f"{what}：签名时间 {signed_day} 晚于今天（{today}），超出允许的时钟误差"
                             f" {CLOCK_SKEW.days} 天（检查：签名时间）")
    for certificate, label in ((cert, "证书"), (issuer, "区县根证书")):
        if signing_time > certificate.not_valid_after_utc:
            raise SignatureError(f"{what}：{label}在签名时（{signed_day}）已过期"
                                 f"（有效期至 {certificate.not_valid_after_utc.date()}）（检查：证书有效期）")
        if signing_time < certificate.not_valid_before_utc:
            raise SignatureError(f"{what}：{label}在签名时（{signed_day}）尚未生效"
                                 f"（有效期自 {certificate.not_valid_before_utc.date()}）（检查：证书有效期）")
    return f"签名时间 {signed_day} 证书有效期内（至 {cert.not_valid_after_utc.date()}）"


def _trusted_issuer(cert: x509.Certificate, trust_roots: Iterable[x509.Certificate], what: str) -> x509.Certificate:
    for root in trust_roots:
        if root.subject == cert.issuer and _issued_by(cert, root):
            return root
    raise SignatureError(f"{what} 的签名证书不是由区县（上级）党组织的根证书签发的：证书未知，不被信任")


def _check_not_revoked(cert: x509.Certificate, revoked_serials: Iterable[str],
                       revoked_on: Mapping[str, dt.date] | None, what: str) -> None:
    serial = serial_hex(cert)
    dates = {k.lower(): v for k, v in (revoked_on or {}).items()}
    if serial in dates or serial in {s.lower() for s in revoked_serials}:
        when = f"（吊销日期 {dates[serial]}）" if dates.get(serial) else ""
        raise SignatureError(f"{what} 的签名证书（序列号 {serial}）已被吊销{when}（检查：吊销）")


_ISSUED: dict[tuple[x509.Certificate, x509.Certificate], bool] = {}


def _issued_by(cert: x509.Certificate, root: x509.Certificate) -> bool:
    """Whether `root` signed `cert` (remembered per pair: a branch's certificate recurs)."""
    key = (cert, root)
    known = _ISSUED.get(key)
    if known is None:
        try:
            cert.verify_directly_issued_by(root)
            known = True
        except (ValueError, TypeError, InvalidSignature):
            known = False
        if len(_ISSUED) < 10_000:
            _ISSUED[key] = known
    return known


# -- keys on disk ------------------------------------------------------------------------------------

def load_private_key(path: Path, passphrase: str) -> ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey:
    """An encrypted PKCS#8 PEM key; a wrong passphrase is a LedgerError, not a traceback."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise LedgerError(f"无法读取密钥文件 {path}：{exc.strerror or exc}") from None
    try:
        key = serialization.load_pem_private_key(data, password=passphrase.encode("utf-8") if passphrase else None)
    except (ValueError, TypeError):
        raise LedgerError(f"无法解开密钥文件 {path.name}：口令不正确") from None
    if not isinstance(key, ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey):
        raise LedgerError(f"密钥文件 {path.name} 的密钥类型不受支持")
    return key


def load_certificate(path: Path) -> x509.Certificate:
    try:
        return x509.load_pem_x509_certificate(path.read_bytes())
    except OSError as exc:
        raise LedgerError(f"无法读取证书文件 {path}：{exc.strerror or exc}") from None
    except ValueError:
        raise LedgerError(f"证书文件 {path.name} 不是有效的 PEM 证书") from None


def write_private_key(path: Path, key: ec.EllipticCurvePrivateKey, passphrase: str) -> None:
    if not passphrase:
        raise LedgerError("口令不能为空")
    data = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.BestAvailableEncryption(passphrase.encode("utf-8")))
    write_atomically(path, data)


def cert_pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def write_atomically(path: Path, data: bytes) -> Path:
    from desktop.storage.files import write_atomically as write

    return write(path, data)
