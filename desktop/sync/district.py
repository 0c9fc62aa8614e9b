"""The district side (区县/上级党组织): its CA, certificates for branches, checking branch packages,
and the packages it sends back (notices, members transferring in, evaluation results).

The district folder:

    DIR/ca.pem             the district CA certificate (given to every branch)
    DIR/ca-key.pem         its key, encrypted PKCS#8 (passphrase: BRANCH_LEDGER_DISTRICT_PASSPHRASE)
    DIR/district.sqlite3   the district database (default; `--db URL` may name another)
    DIR/issued/            every certificate issued, as <code>-<serial>.pem
    DIR/quarantine/        rejected packages, each with <name>.reason.txt
    DIR/attachments/       attachments received, by SHA-256
    DIR/outbox/            packages built for branches"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from desktop.domain.errors import LedgerError
from desktop.sync import cms
from desktop.sync.package import BRANCH_KIND, NOTICE_KIND, SCHEMA_VERSION, Package, PackageError, read_package

__all__ = ["BRANCH_KIND", "NOTICE_KIND", "CheckedPackage", "DistrictFolder", "VerifiedPackage", "check_package",
           "create_ca", "issue_certificate", "load_ca", "verify_for_import"]
CERT_YEARS = 5
CA_YEARS = 20


@dataclass(frozen=True)
class DistrictFolder:
    root: Path

    @property
    def ca_cert(self) -> Path:
        return self.root / "ca.pem"

    @property
    def ca_key(self) -> Path:
        return self.root / "ca-key.pem"

    @property
    def database(self) -> Path:
        return self.root / "district.sqlite3"

    @property
    def issued(self) -> Path:
        return self.root / "issued"

    @property
    def quarantine(self) -> Path:
        return self.root / "quarantine"

    @property
    def attachments(self) -> Path:
        return self.root / "attachments"

    @property
    def outbox(self) -> Path:
        return self.root / "outbox"

    def default_db_url(self) -> str:
        return f"sqlite:///{self.database.as_posix()}"

    def require_initialized(self) -> None:
        if not self.ca_cert.exists() or not self.ca_key.exists():
            raise LedgerError(f"{self.root} 不是已初始化的区县文件夹（缺少 ca.pem / ca-key.pem）：请先运行 district init")


def _utc(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=dt.timezone.utc)


def create_ca(folder: DistrictFolder, passphrase: str, *, name: str, today: dt.date) -> x509.Certificate:
    """Make the district CA key (encrypted) and its self-signed certificate. Refuses to replace one."""
    if folder.ca_key.exists() or folder.ca_cert.exists():
        raise LedgerError(f"{folder.root} 中已有区县根证书：不会覆盖。如需重建请换一个文件夹。")
    if not passphrase:
        raise LedgerError("区县口令不能为空")
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, name),
        x509.NameAttribute(NameOID.COMMON_NAME, f"{name} 同步包根证书"),
    ])
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject).issuer_name(subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(_utc(today) - dt.timedelta(days=1))
        .not_valid_after(_utc(today) + dt.timedelta(days=365 * CA_YEARS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                     content_commitment=False, key_encipherment=False, data_encipherment=False,
                                     key_agreement=False, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    folder.root.mkdir(parents=True, exist_ok=True)
    cms.write_private_key(folder.ca_key, key, passphrase)
    cms.write_atomically(folder.ca_cert, cms.cert_pem(cert))
    return cert


def load_ca(folder: DistrictFolder, passphrase: str) -> cms.KeyPair:
    folder.require_initialized()
    cert = cms.load_certificate(folder.ca_cert)
    key = cms.load_private_key(folder.ca_key, passphrase)
    return cms.KeyPair(key, cert, cert)


def issue_certificate(ca: cms.KeyPair, csr_pem: bytes, *, code: str, today: dt.date,
                      name: str | None = None) -> x509.Certificate:
    """A branch certificate from its request: CN = branch name, serialNumber = the assigned code."""
    code = code.strip()
    if not code or not all(c.isalnum() or c in "-_." for c in code) or not code.isascii():
        raise LedgerError(f"支部代码“{code}”不合规：只允许字母、数字、-、_、.")
    try:
        csr = x509.load_pem_x509_csr(csr_pem)
    except ValueError:
        try:
            csr = x509.load_der_x509_csr(csr_pem)
        except ValueError:
            raise LedgerError("证书请求文件不是有效的 CSR（PEM 或 DER）") from None
    if not csr.is_signature_valid:
        raise LedgerError("证书请求的签名无效（文件被改动或损坏）")
    requested = csr.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    branch_name = name or (str(requested[0].value) if requested else code)
    attrs = [x509.NameAttribute(NameOID.COMMON_NAME, branch_name[:64])]
    attrs += csr.subject.get_attributes_for_oid(NameOID.TITLE)  # the secretary, as requested
    attrs.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, code))
    subject = x509.Name(attrs)
    return (
        x509.CertificateBuilder()
        .subject_name(subject).issuer_name(ca.certificate.subject).public_key(csr.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(_utc(today) - dt.timedelta(days=1))
        .not_valid_after(_utc(today) + dt.timedelta(days=365 * CERT_YEARS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_cert_sign=False,
                                     crl_sign=False, key_encipherment=False, data_encipherment=False,
                                     key_agreement=False, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.certificate.public_key()), critical=False)
        .sign(ca.private_key, hashes.SHA256())
    )


# -- checking a package's signature and declarations -------------------------------------------------

@dataclass(frozen=True)
class CheckedPackage:
    """A package whose fixity, form, signature and certificate chain are verified."""

    package: Package
    kind: str
    code: str  # Branch-Code (branch packages) or Recipient-Code (district packages)
    sequence: int
    previous_hash: str | None
    schema_version: int
    period_start: dt.date | None
    period_end: dt.date | None
    signer: x509.Certificate
    signing_time: dt.datetime | None = None  # the signature's signingTime (UTC)
    signature_note: str = ""  # e.g. "签名时间 2026-12-30 证书有效期内（至 2026-12-31）"

    @property
    def package_hash(self) -> str:
        return self.package.package_hash

    @property
    def name(self) -> str:
        return self.package.name

    def json(self, member: str) -> dict:
        return _json_member(self.name, self.package.payload, member)


    def for_import(self) -> VerifiedPackage:
        """What importing needs, in a form that crosses process boundaries (no certificate object,
        no ledger PDFs: the district keeps records, audit entries, figures and attachments)."""
        return VerifiedPackage(
            name=self.name, kind=self.kind, code=self.code, sequence=self.sequence, previous_hash=self.previous_hash,
            schema_version=self.schema_version, period_start=self.period_start, period_end=self.period_end,
            package_hash=self.package_hash, size=self.package.size, signer_serial=cms.serial_hex(self.signer),
            payload={k: v for k, v in self.package.payload.items() if not k.startswith("data/ledgers/")},
            audit_from=self.package.info("Audit-From"), audit_head=self.package.info("Audit-Head"),
            signing_time=self.signing_time, signature_note=self.signature_note,
        )


@dataclass(frozen=True)
class VerifiedPackage:
    """A checked branch package reduced to what the district database stores (picklable)."""

    name: str
    kind: str
    code: str
    sequence: int
    previous_hash: str | None
    schema_version: int
    period_start: dt.date | None
    period_end: dt.date | None
    package_hash: str
    size: int
    signer_serial: str
    payload: dict[str, bytes]
    audit_from: str | None = None  # bag-info Audit-From: the chain sequence the entries follow
    audit_head: str | None = None  # bag-info Audit-Head: "<seq> <hash>" when the package was made
    signing_time: dt.datetime | None = None
    signature_note: str = ""

    def json(self, member: str) -> dict:
        return _json_member(self.name, self.payload, member)


def _json_member(name: str, payload: dict[str, bytes], member: str) -> dict:
    data = payload.get(member)
    if data is None:
        return {}
    try:
        value = json.loads(data)
    except ValueError:
        raise PackageError(f"{name}：{member} 不是有效的 JSON") from None
    if not isinstance(value, dict):
        raise PackageError(f"{name}：{member} 的格式不对（应为 JSON 对象）")
    return value


def verify_for_import(path: str, ca_pem: bytes, revoked_serials: frozenset[str], today: dt.date,
                      revoked_on: dict[str, dt.date] | None = None) -> VerifiedPackage | str:
    """Read and check one branch package (run in worker processes): the verified package, or
    the reason it was rejected. `revoked_on` gives the revocation dates the district knows."""
    from pathlib import Path as _Path

    try:
        data = _Path(path).read_bytes()
    except OSError as exc:
        return f"无法读取 {path}：{exc.strerror or exc}"
    try:
        ca = x509.load_pem_x509_certificate(ca_pem)
        checked = check_package(data, _Path(path).name, trust_roots=[ca], today=today,
                                revoked_serials=set(revoked_serials), expected_kind=BRANCH_KIND, revoked_on=revoked_on)
        return checked.for_import()
    except LedgerError as exc:
        return exc.message


def _date(package: Package, key: str) -> dt.date | None:
    value = package.info(key)
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise PackageError(f"{package.name}：bag-info.txt 的 {key} 不是日期：{value}") from None


def check_package(data: bytes, name: str, *, trust_roots: list[x509.Certificate], today: dt.date,
                  revoked_serials: set[str] = frozenset(), expected_kind: str,
                  signer_must_be_ca: bool = False, revoked_on: dict[str, dt.date] | None = None) -> CheckedPackage:
    """Everything that can be checked from the file and the certificates alone (not continuity).

    The certificate chain must be valid at the signing time (the signature's signingTime), which
    must not be later than `today` + `cms.CLOCK_SKEW` and must agree with the export time in
    bag-info.txt within the same skew; revocation applies on `today`."""
    package = read_package(data, name)
    kind = package.require("Package-Kind")
    if kind != expected_kind:
        raise PackageError(f"{name}：包类型为 {kind}，这里需要 {expected_kind}（检查：包类型）")
    try:
        schema = int(package.require("Schema-Version"))
        sequence = int(package.require("Package-Sequence"))
    except ValueError:
        raise PackageError(f"{name}：bag-info.txt 的 Schema-Version/Package-Sequence 不是整数") from None
    if schema > SCHEMA_VERSION:
        raise PackageError(f"{name}：数据格式版本 {schema} 高于本程序支持的 {SCHEMA_VERSION}（来自更新的版本），请先升级本程序")
    if schema < 1 or sequence < 1:
        raise PackageError(f"{name}：bag-info.txt 的版本或序号无效")
    what = f"{name} 的签名文件 tagmanifest-sha256.txt.p7s"
    verified = cms.verify_signature(package.signature, package.tagmanifest, trust_roots, today=today,
                                    revoked_serials=revoked_serials, revoked_on=revoked_on, what=what)
    signer = verified.signer
    _check_export_time(package, verified.signing_time)
    code_key = "Branch-Code" if kind == BRANCH_KIND else "Recipient-Code"
    code = package.require(code_key)
    if signer_must_be_ca:
        if signer.subject != signer.issuer:
            raise PackageError(f"{name}：下发包必须由区县根证书签名（检查：签名者）")
    else:
        signer_code = cms.code_of(signer)
        if signer_code != code:
            raise PackageError(
                f"{name}：包声明的支部代码 {code} 与签名证书中的代码 {signer_code} 不符（检查：别的支部的包）"
            )
    if not package.stem.startswith(f"{code}-"):
        raise PackageError(f"{name}：包文件夹名 {package.stem} 与支部代码 {code} 不符（检查：包名）")
    previous = package.info("Previous-Package-Hash")
    return CheckedPackage(
        package=package, kind=kind, code=code, sequence=sequence,
        previous_hash=None if previous in (None, "", "none") else previous,
        schema_version=schema, period_start=_date(package, "Period-Start"), period_end=_date(package, "Period-End"),
        signer=signer, signing_time=verified.signing_time, signature_note=verified.note,
    )


def _check_export_time(package: Package, signing_time: dt.datetime | None) -> None:
    """The signing time agrees with the export time bag-info declares (`Export-Time`; packages
    that have none: the whole `Bagging-Date`, as a UTC day) within `cms.CLOCK_SKEW`."""
    if signing_time is None:  # verify_signature refuses these; kept for safety
        return
    skew = cms.CLOCK_SKEW
    exported = package.info("Export-Time")
    if exported:
        try:
            moment = cms.parse_utc(exported)
        except ValueError:
            raise PackageError(f"{package.name}：bag-info.txt 的 Export-Time 不是时间：{exported}") from None
        earliest, latest, shown = moment - skew, moment + skew, cms.utc_text(moment)
    else:
        day = _date(package, "Bagging-Date")
        if day is None:
            raise PackageError(f"{package.name}：bag-info.txt 缺少必填项 Bagging-Date")
        start = dt.datetime.combine(day, dt.time(0), tzinfo=dt.timezone.utc)
        earliest, latest, shown = start - skew, start + dt.timedelta(days=1) + skew, day.isoformat()
    if not earliest <= signing_time <= latest:
        raise PackageError(
            f"{package.name}：签名时间 {cms.utc_text(signing_time)} 与 bag-info.txt 的导出时间 {shown} "
            f"相差超过 {skew.days} 天（检查：签名时间与导出时间）"
        )
