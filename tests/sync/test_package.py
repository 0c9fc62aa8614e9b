"""Exchange packages: a canonical zip of a signed BagIt bag. Any changed byte is refused."""

from __future__ import annotations

import datetime as dt
import zipfile
import zlib
from pathlib import Path

import bagit
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.domain.errors import LedgerError
from desktop.sync.cms import KeyPair, sign_detached
from desktop.sync.district import check_package
from desktop.sync.package import (
    BRANCH_KIND,
    PackageError,
    build_bag,
    canonical_zip,
    package_info,
    package_stem,
    read_package,
    write_package,
)

TODAY = dt.date(2026, 11, 21)


def _name(cn: str, code: str | None = None) -> x509.Name:
    attrs = [x509.NameAttribute(NameOID.COMMON_NAME, cn)]
    if code:
        attrs.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, code))
    return x509.Name(attrs)


@pytest.fixture(scope="module")
def signed(tmp_path_factory: pytest.TempPathFactory):
    ca_key = ec.generate_private_key(ec.SECP256R1())
    start = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    ca = (x509.CertificateBuilder().subject_name(_name("区 CA")).issuer_name(_name("区 CA"))
          .public_key(ca_key.public_key()).serial_number(1).not_valid_before(start)
          .not_valid_after(start + dt.timedelta(days=3650)).sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder().subject_name(_name("第一支部", "B001")).issuer_name(ca.subject)
            .public_key(key.public_key()).serial_number(2).not_valid_before(start)
            .not_valid_after(start + dt.timedelta(days=3650)).sign(ca_key, hashes.SHA256()))
    payload = {
        "data/records/member.json": '{"rows": [{"id": 1, "name": "张喆"}], "table": "member"}'.encode(),
        "data/audit/entries.json": b'{"entries": []}',
        "data/ledgers/roster-2026.pdf": b"%PDF-1.7\n" + bytes(range(256)) * 40,
    }
    info = package_info(kind=BRANCH_KIND, code_key="Branch-Code", code="B001", sequence=1, previous_hash=None,
                        today=TODAY, period_end=TODAY, extra={"Branch-Name": "第一支部"})
    files, digest = build_bag(payload, info, lambda content: sign_detached(content, KeyPair(key, cert)))
    path = write_package(tmp_path_factory.mktemp("pkg"), package_stem("B001", 1, TODAY), files)
    return path, ca, digest


def _check(data: bytes, ca: x509.Certificate, name: str = "B001-00001-20261121.zip"):
    return check_package(data, name, trust_roots=[ca], today=TODAY, expected_kind=BRANCH_KIND)


def test_package_reads_back_with_its_bag_info_and_hash(signed) -> None:
    path, ca, digest = signed
    assert path.name == "B001-00001-20261121.zip"
    checked = _check(path.read_bytes(), ca)
    assert checked.code == "B001" and checked.sequence == 1 and checked.previous_hash is None
    assert checked.package_hash == digest
    assert checked.package.info("Branch-Name") == "第一支部"
    assert checked.package.payload["data/records/member.json"].decode().count("张喆") == 1


def test_unzipped_bag_passes_the_bagit_library(signed, tmp_path: Path) -> None:
    path, _, _ = signed
    zipfile.ZipFile(path).extractall(tmp_path)
    bag = bagit.Bag(str(tmp_path / path.stem))
    bag.validate()  # full: checksums too
    assert bag.info["Branch-Code"] == "B001"
    assert "data/ledgers/roster-2026.pdf" in bag.payload_files()


def test_existing_package_is_never_overwritten(signed) -> None:
    path, _, _ = signed
    before = path.read_bytes()
    with pytest.raises(PackageError, match="已存在"):
        write_package(path.parent, path.stem, {"bagit.txt": b"x"})
    assert path.read_bytes() == before


def test_truncated_zip_is_refused_naming_the_file(signed) -> None:
    data = signed[0].read_bytes()
    for cut in (0, 10, len(data) // 2, len(data) - 1):
        with pytest.raises(PackageError, match="B001-00001-20261121.zip"):
            read_package(data[:cut], "B001-00001-20261121.zip")


def _members(data: bytes) -> list[tuple[str, bytes, int]]:
    with zipfile.ZipFile(__import__("io").BytesIO(data)) as archive:
        return [(i.filename, archive.read(i), i.CRC) for i in archive.infolist()]


def _rezip(members: list[tuple[str, bytes]]) -> bytes:
    """A well-formed canonical zip of other members (what a careful forger would make)."""
    return canonical_zip(sorted((n, d, zlib.crc32(d)) for n, d in members))


def test_missing_file_in_bag_is_refused(signed) -> None:
    members = [(n, d) for n, d, _ in _members(signed[0].read_bytes())]
    without = [(n, d) for n, d in members if not n.endswith("roster-2026.pdf")]
    with pytest.raises(PackageError, match="roster-2026.pdf.*不存在"):
        read_package(_rezip(without), "p.zip")


def test_extra_file_in_bag_is_refused(signed) -> None:
    members = [(n, d) for n, d, _ in _members(signed[0].read_bytes())]
    stem = members[0][0].split("/")[0]
    for extra in (f"{stem}/data/extra.txt", f"{stem}/notes.txt"):
        with pytest.raises(PackageError, match="多余文件"):
            read_package(_rezip([*members, (extra, b"hello")]), "p.zip")


def test_future_schema_version_is_refused(signed) -> None:
    ca = signed[1]
    key = ec.generate_private_key(ec.SECP256R1())  # the signature is checked after the version
    info = package_info(kind=BRANCH_KIND, code_key="Branch-Code", code="B001", sequence=1, previous_hash=None,
                        today=TODAY)
    info["Schema-Version"] = "99"
    files, _ = build_bag({"data/a.json": b"{}"}, info, lambda c: b"")
    data = canonical_zip([(f"B001-00001-20261121/{n}", d, zlib.crc32(d)) for n, d in sorted(files.items())])
    with pytest.raises(PackageError, match="版本 99"):
        _check(data, ca)
    del key


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(position=st.floats(0, 1, exclude_max=True), flip=st.integers(1, 255))
def test_any_changed_byte_of_the_zip_is_refused(signed, position: float, flip: int) -> None:
    data = bytearray(signed[0].read_bytes())
    index = int(position * len(data))
    data[index] ^= flip
    with pytest.raises(LedgerError):
        _check(bytes(data), signed[1])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(choice=st.integers(0, 10_000), position=st.floats(0, 1, exclude_max=True), flip=st.integers(1, 255))
def test_any_changed_byte_of_any_member_is_refused_even_in_a_well_formed_zip(signed, choice: int,
                                                                             position: float, flip: int) -> None:
    members = [(n, bytearray(d)) for n, d, _ in _members(signed[0].read_bytes())]
    name, content = members[choice % len(members)]
    content[int(position * len(content))] ^= flip
    with pytest.raises(LedgerError) as caught:
        _check(_rezip([(n, bytes(d)) for n, d in members]), signed[1])
    assert "B001-00001-20261121.zip" in str(caught.value)
