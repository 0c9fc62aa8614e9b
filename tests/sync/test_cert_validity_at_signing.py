"""A package is judged by its certificate's validity WHEN IT WAS SIGNED (the CMS signingTime), not on
the day the district imports it; revocation still applies on the import day."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from asn1crypto import cms as acms
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.domain.errors import LedgerError
from desktop.services.district import DistrictService
from desktop.sync import cms
from desktop.sync.cms import CLOCK_SKEW, KeyPair, SignatureError, sign_detached, verify_signature
from desktop.sync.district import CERT_YEARS, _check_export_time, check_package
from desktop.sync.package import (
    BRANCH_KIND,
    NOTICE_KIND,
    Package,
    PackageError,
    build_bag,
    json_bytes,
    package_info,
    package_stem,
    write_package,
)

SECRET = "district-secret"
EXPIRY = dt.date(2026, 12, 31)  # the branch certificate's last day ("valid to 31 Dec")
ISSUED = EXPIRY - dt.timedelta(days=365 * CERT_YEARS)  # issue_certificate: valid CERT_YEARS * 365 days
UTC = dt.timezone.utc


def _at(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=UTC)


class Clock:
    def __init__(self, day: dt.date) -> None:
        self.day = day

    def __call__(self) -> dt.date:
        return self.day


@pytest.fixture
def world(tmp_path: Path):
    """A district (CA made and certificate issued on ISSUED, so the branch certificate ends on
    EXPIRY) and the branch's key pair."""
    clock = Clock(ISSUED)
    district = DistrictService(tmp_path / "district", today=clock)
    district.init(SECRET, name="某区委组织部")
    key = ec.generate_private_key(ec.SECP256R1())
    csr = (x509.CertificateSigningRequestBuilder()
           .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "第一支部")]))
           .sign(key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM))
    cert = x509.load_pem_x509_certificate(district.issue_certificate(csr, code="B001", passphrase=SECRET).read_bytes())
    assert cert.not_valid_after_utc.date() == EXPIRY
    yield district, clock, KeyPair(key, cert), tmp_path
    district.close()


def _package(out: Path, signer: KeyPair, *, day: dt.date, exported_at: dt.datetime | None,
             signing_time: dt.datetime | None = None, sequence: int = 1) -> Path:
    """A branch package made on `day`; `signing_time` (when given) overrides the signature's time."""
    payload = {"data/figures.json": json_bytes({"schema_version": 1, "years": []})}
    info = package_info(kind=BRANCH_KIND, code_key="Branch-Code", code="B001", sequence=sequence,
                        previous_hash=None, today=day, period_end=day, exported_at=exported_at)
    files, _ = build_bag(payload, info, lambda c: sign_detached(c, signer, signing_time=signing_time))
    return write_package(out, package_stem("B001", sequence, day), files)


def test_signed_while_valid_is_accepted_after_expiry(world) -> None:
    district, clock, signer, tmp = world
    signed_on = EXPIRY - dt.timedelta(days=1)
    path = _package(tmp / "usb", signer, day=signed_on, exported_at=_at(signed_on))
    clock.day = EXPIRY + dt.timedelta(days=5)  # the USB stick reaches the district on 5 Jan
    check = district.verify([path])[0]
    assert check.ok, check.message
    assert "签名时间 2026-12-30 证书有效期内（至 2026-12-31）" in check.message
    result = district.import_packages([path])[0]
    assert result.status == "imported", result.message
    assert "签名时间 2026-12-30 证书有效期内（至 2026-12-31）" in result.message
    assert district.store.received_sequences("B001") == [1]


def test_signed_after_expiry_is_refused_naming_the_expiry(world) -> None:
    district, clock, signer, tmp = world
    signed_on = EXPIRY + dt.timedelta(days=1)
    path = _package(tmp / "usb", signer, day=signed_on, exported_at=_at(signed_on))
    clock.day = EXPIRY + dt.timedelta(days=5)
    result = district.import_packages([path])[0]
    assert result.status == "rejected"
    assert "证书在签名时（2027-01-01）已过期（有效期至 2026-12-31）" in result.message
    assert path.name in result.message
    assert district.store.counts()["packages"] == 0
    assert (district.folder.quarantine / f"{path.name}.reason.txt").exists()


def test_signing_time_in_the_future_is_refused(world) -> None:
    district, clock, signer, tmp = world
    clock.day = dt.date(2026, 6, 1)
    signed_on = clock.day + CLOCK_SKEW + dt.timedelta(days=1)
    path = _package(tmp / "usb", signer, day=signed_on, exported_at=_at(signed_on))
    result = district.import_packages([path])[0]
    assert result.status == "rejected"
    assert "晚于今天" in result.message and "检查：签名时间" in result.message
    # within the allowed skew (the branch's clock a few hours ahead) it is accepted
    ahead = _package(tmp / "usb2", signer, day=clock.day, exported_at=_at(clock.day + dt.timedelta(days=1), 2))
    assert district.import_packages([ahead])[0].status == "imported"


def test_export_time_far_from_the_signing_time_is_refused(world) -> None:
    district, clock, signer, tmp = world
    clock.day = dt.date(2026, 6, 10)
    exported = _at(dt.date(2026, 6, 1))
    far = _package(tmp / "far", signer, day=dt.date(2026, 6, 1), exported_at=exported,
                   signing_time=exported + CLOCK_SKEW + dt.timedelta(hours=1))
    result = district.import_packages([far])[0]
    assert result.status == "rejected" and "签名时间与导出时间" in result.message
    near = _package(tmp / "near", signer, day=dt.date(2026, 6, 1), exported_at=exported,
                    signing_time=exported + dt.timedelta(hours=3))
    assert district.import_packages([near])[0].status == "imported"


def test_a_package_without_export_time_is_judged_against_its_bagging_date() -> None:
    def package(bagging: str) -> Package:
        return Package(name="p.zip", stem="p", bag_info={"Bagging-Date": bagging}, payload={}, tagmanifest=b"",
                       signature=b"", size=0)

    _check_export_time(package("2026-06-01"), _at(dt.date(2026, 6, 1), 23))
    _check_export_time(package("2026-06-01"), _at(dt.date(2026, 5, 31), 1))  # one day's skew
    with pytest.raises(PackageError, match="签名时间与导出时间"):
        _check_export_time(package("2026-06-01"), _at(dt.date(2026, 6, 4)))


def test_revoked_before_the_import_is_refused_even_if_signed_before(world) -> None:
    district, clock, signer, tmp = world
    signed_on = dt.date(2026, 6, 1)
    path = _package(tmp / "usb", signer, day=signed_on, exported_at=_at(signed_on))
    clock.day = dt.date(2026, 6, 3)
    district.revoke(cms.serial_hex(signer.certificate), reason="密钥丢失")
    clock.day = dt.date(2026, 6, 5)
    result = district.import_packages([path])[0]
    assert result.status == "rejected"
    assert "已被吊销（吊销日期 2026-06-03）" in result.message
    assert "已被吊销（吊销日期 2026-06-03）" in district.verify([path])[0].message


def test_builder_signs_at_the_declared_export_time_and_a_fixed_clock_never_reads_the_real_one(world) -> None:
    _district, _clock, signer, tmp = world
    day = dt.date(2026, 6, 1)
    assert cms.signing_moment(day) == _at(day, 12)  # a fixed day that is not the real one: noon UTC
    real_today = dt.datetime.now(UTC).astimezone().date()
    assert cms.signing_moment(real_today).astimezone().date() == real_today
    path = _package(tmp / "usb", signer, day=day, exported_at=None)
    data = path.read_bytes()
    checked = check_package(data, path.name, trust_roots=[_ca(tmp)], today=day, expected_kind=BRANCH_KIND)
    assert checked.signing_time == _at(day, 12)
    assert checked.package.info("Export-Time") == "2026-06-01T12:00:00Z"


def _ca(tmp: Path) -> x509.Certificate:
    return cms.load_certificate(tmp / "district" / "ca.pem")


def test_every_flipped_byte_of_a_timed_signature_is_refused(world) -> None:
    _district, _clock, signer, tmp = world
    ca = _ca(tmp)
    content = b"tag manifest"
    signature = sign_detached(content, signer, signing_time=_at(dt.date(2026, 6, 1)))
    day = dt.date(2026, 6, 2)
    assert verify_signature(signature, content, [ca], today=day).signing_time == _at(dt.date(2026, 6, 1))
    for index in range(len(signature)):
        damaged = bytearray(signature)
        damaged[index] ^= 0x01
        with pytest.raises(SignatureError):
            verify_signature(bytes(damaged), content, [ca], today=day)


def test_a_signature_without_signing_time_is_refused(world) -> None:
    """Every package this program wrote carries signingTime (PKCS7SignatureBuilder always adds it),
    so one without is not ours: refused, naming the check."""
    _district, _clock, signer, tmp = world
    content = b"tag manifest"
    info = acms.ContentInfo.load(sign_detached(content, signer))
    signer_info = info["content"]["signer_infos"][0]
    attrs = acms.CMSAttributes([a for a in signer_info["signed_attrs"] if a["type"].native != "signing_time"])
    signer_info["signed_attrs"] = attrs
    signer_info["signature"] = signer.private_key.sign(attrs.dump(force=True), ec.ECDSA(hashes.SHA256()))
    stripped = info.dump(force=True)
    ca = _ca(tmp)
    assert cms.verify_detached(stripped, content, [ca], today=dt.date(2026, 6, 1))  # well-formed and genuine
    with pytest.raises(SignatureError, match="缺少签名时间.*检查：签名时间"):
        verify_signature(stripped, content, [ca], today=dt.date(2026, 6, 1))


def test_the_branch_refuses_a_district_package_signed_in_the_future(world) -> None:
    district, clock, _signer, tmp = world
    ca = district.folder.ca_cert
    ca_pair = KeyPair(cms.load_private_key(district.folder.ca_key, SECRET), cms.load_certificate(ca))
    day = dt.date(2026, 6, 10)
    info = package_info(kind=NOTICE_KIND, code_key="Recipient-Code", code="B001", sequence=1, previous_hash=None,
                        today=day, period_end=day, exported_at=_at(day))
    payload = {"data/notice/notices.json": json_bytes({"schema_version": 1, "notices": []})}
    files, _ = build_bag(payload, info, lambda c: sign_detached(c, ca_pair))
    path = write_package(tmp / "out", package_stem("B001", 1, day), files)
    kwargs = dict(trust_roots=[ca_pair.certificate], expected_kind=NOTICE_KIND, signer_must_be_ca=True)
    assert check_package(path.read_bytes(), path.name, today=day, **kwargs).signing_time == _at(day)
    with pytest.raises(LedgerError, match="晚于今天"):
        check_package(path.read_bytes(), path.name, today=day - dt.timedelta(days=3), **kwargs)


@pytest.fixture(scope="module")
def chain(tmp_path_factory):
    """The district helpers' CA and a branch certificate valid to EXPIRY (module-wide: the rule is pure)."""
    from desktop.sync.district import DistrictFolder, create_ca, issue_certificate, load_ca

    folder = DistrictFolder(tmp_path_factory.mktemp("chain"))
    create_ca(folder, SECRET, name="某区委组织部", today=ISSUED)
    ca = load_ca(folder, SECRET)
    key = ec.generate_private_key(ec.SECP256R1())
    csr = (x509.CertificateSigningRequestBuilder()
           .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "第一支部")]))
           .sign(key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM))
    return ca.certificate, issue_certificate(ca, csr, code="B001", today=ISSUED)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(signed_hours=st.integers(-24 * 400, 24 * 400), import_days=st.integers(-5, 400))
def test_accepted_exactly_when_valid_at_signing_and_not_from_the_future(chain, signed_hours: int,
                                                                         import_days: int) -> None:
    ca, cert = chain
    signing_time = _at(EXPIRY, 0) + dt.timedelta(hours=signed_hours)
    today = EXPIRY + dt.timedelta(days=import_days)
    valid = cert.not_valid_before_utc <= signing_time <= cert.not_valid_after_utc
    not_future = signing_time.date() <= today + CLOCK_SKEW
    try:
        note = cms.check_certificate_at(cert, [ca], signing_time, today=today)
    except SignatureError as exc:
        assert not (valid and not_future)
        assert ("晚于今天" in exc.message) == (not not_future)
        if not_future:
            assert "已过期" in exc.message or "尚未生效" in exc.message
    else:
        assert valid and not_future
        assert note == f"签名时间 {signing_time.date()} 证书有效期内（至 {EXPIRY}）"
