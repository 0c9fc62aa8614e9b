"""The district side: its CA, certificates, verifying and importing packages, quarantine, summary."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from desktop.domain.errors import LedgerError
from desktop.services.district import DistrictService
from desktop.sync.cms import KeyPair, code_of, sign_detached
from desktop.sync.package import BRANCH_KIND, build_bag, json_bytes, package_info, package_stem, write_package

TODAY = dt.date(2026, 11, 21)
SECRET = "district-secret"


class Branch:
    """A branch reduced to its key and certificate, making packages by hand."""

    def __init__(self, district: DistrictService, code: str, name: str) -> None:
        self.code = code
        self.key = ec.generate_private_key(ec.SECP256R1())
        csr = (x509.CertificateSigningRequestBuilder()
               .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
               .sign(self.key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM))
        path = district.issue_certificate(csr, code=code, passphrase=SECRET, out=district.folder.root / f"{code}.pem")
        self.cert = x509.load_pem_x509_certificate(path.read_bytes())
        self.hashes: dict[int, str] = {}

    def package(self, out: Path, sequence: int, *, members: int = 3, previous: str | None = "auto",
                code: str | None = None, signer: KeyPair | None = None, extra_info: dict | None = None) -> Path:
        if previous == "auto":
            previous = self.hashes.get(sequence - 1)
        rows = [{"id": i, "name": f"党员{i}", "status": "正常", "stage": "正式党员",
                 "new_employment_group": "外卖骑手" if i == 1 else None} for i in range(1, members + 1)]
        payload = {
            "data/records/member.json": json_bytes({"schema_version": 1, "table": "member", "key": "id", "rows": rows}),
            "data/audit/entries.json": json_bytes({"schema_version": 1, "entries": [
                {"seq": sequence, "table_name": "member", "row_id": "1", "action": "update", "hash": "a" * 64,
                 "data": {"name": "党员1"}}]}),
            "data/figures.json": json_bytes({"schema_version": 1, "years": [{
                "year": 2026, "members": members, "new_employment": 1,
                "meetings": {"held": {"支部党员大会": 3}, "required": {"支部党员大会": 4}, "attendance_rate": 0.92,
                             "late_entries": 1},
                "dues": {"due": "1200.00", "paid": "1100.50", "remitted": "1000.00"}}]}),
        }
        audit = {"Audit-From": str(sequence - 1), "Audit-Head": f"{sequence} {'a' * 64}"}
        info = package_info(kind=BRANCH_KIND, code_key="Branch-Code", code=code or self.code, sequence=sequence,
                            previous_hash=previous, today=TODAY, period_end=TODAY, extra={**audit, **(extra_info or {})})
        files, digest = build_bag(payload, info, lambda c: sign_detached(c, signer or KeyPair(self.key, self.cert)))
        self.hashes.setdefault(sequence, digest)
        return write_package(out, package_stem(code or self.code, sequence, TODAY), files)


@pytest.fixture
def district(tmp_path: Path):
    service = DistrictService(tmp_path / "district", today=lambda: TODAY)
    service.init(SECRET, name="某区委组织部")
    yield service
    service.close()


@pytest.fixture
def branch(district: DistrictService) -> Branch:
    return Branch(district, "B001", "第一支部")


def _snapshot(district: DistrictService) -> tuple:
    return district.store.counts(), district.store.received_sequences("B001"), district.store.rows_of("B001", "member")


def test_init_writes_ca_and_encrypted_key_and_refuses_to_overwrite(district: DistrictService) -> None:
    ca = x509.load_pem_x509_certificate(district.folder.ca_cert.read_bytes())
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert b"ENCRYPTED" in district.folder.ca_key.read_bytes()
    with pytest.raises(LedgerError, match="不会覆盖"):
        district.init(SECRET)
    with pytest.raises(LedgerError, match="口令不正确"):
        district.issue_certificate(b"", code="X1", passphrase="wrong-passphrase")


def test_issued_certificate_carries_code_and_name_and_chains_to_the_ca(district: DistrictService, branch: Branch) -> None:
    ca = x509.load_pem_x509_certificate(district.folder.ca_cert.read_bytes())
    branch.cert.verify_directly_issued_by(ca)
    assert code_of(branch.cert) == "B001"
    assert branch.cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "第一支部"
    assert district.store.branches() == [("B001", "第一支部")]
    with pytest.raises(LedgerError, match="不合规"):
        district.issue_certificate(b"x", code="第一", passphrase=SECRET)


def test_packages_import_in_order_and_reimport_changes_nothing(district: DistrictService, branch: Branch,
                                                               tmp_path: Path) -> None:
    paths = [branch.package(tmp_path / "in", seq, members=seq + 2) for seq in (1, 2, 3)]
    assert all(r.ok for r in district.verify(paths))
    results = district.import_packages(list(reversed(paths)))  # sorted by sequence inside
    assert [r.status for r in results] == ["imported"] * 3
    assert district.store.received_sequences("B001") == [1, 2, 3]
    assert len(district.store.rows_of("B001", "member")) == 5  # upserted by id, latest wins
    assert district.store.counts()["audit"] == 3  # one audit entry in each package's range
    before = _snapshot(district)
    again = district.import_packages(paths)
    assert [r.status for r in again] == ["already"] * 3
    assert _snapshot(district) == before
    assert not list(district.folder.quarantine.glob("*.zip"))


def test_gap_is_reported_and_can_be_filled_later(district: DistrictService, branch: Branch, tmp_path: Path) -> None:
    p1, p2, p3 = (branch.package(tmp_path / "in", seq) for seq in (1, 2, 3))
    district.import_packages([p1])
    result = district.import_packages([p3])[0]
    assert result.status == "imported" and result.gaps == (2,)
    assert "缺少第 2 号包" in result.message
    assert district.import_packages([p2])[0].status == "imported"
    assert district.store.received_sequences("B001") == [1, 2, 3]


@pytest.mark.parametrize("case", ["backwards", "previous-hash", "other-branch", "future-schema", "truncated"])
def test_bad_packages_are_quarantined_with_a_reason_and_nothing_is_imported(
        district: DistrictService, branch: Branch, tmp_path: Path, case: str) -> None:
    p1 = branch.package(tmp_path / "in", 1)
    p2 = branch.package(tmp_path / "in", 2)
    district.import_packages([p1, p2])
    before = _snapshot(district)
    out = tmp_path / "bad"
    if case == "backwards":
        bad, expected = branch.package(out, 2, members=9, previous=branch.hashes[1]), "序号倒退"
    elif case == "previous-hash":
        bad, expected = branch.package(out, 3, previous="0" * 64), "上一包哈希"
    elif case == "other-branch":
        Branch(district, "B002", "第二支部")
        bad, expected = branch.package(out, 1, code="B002"), "别的支部"
    elif case == "future-schema":
        bad, expected = branch.package(out, 3, extra_info={"Schema-Version": "7"}), "版本 7"
    else:
        bad = out / "B001-00003-20261121.zip"
        out.mkdir()
        bad.write_bytes(branch.package(tmp_path / "whole", 3).read_bytes()[:-100])
        expected = "不是完整的 zip"
    assert not district.verify([bad])[0].ok
    result = district.import_packages([bad])[0]
    assert result.status == "rejected" and expected in result.message and bad.name in result.message
    reason = (district.folder.quarantine / f"{bad.name}.reason.txt").read_text(encoding="utf-8")
    assert expected in reason
    assert (district.folder.quarantine / bad.name).read_bytes() == bad.read_bytes()
    assert _snapshot(district) == before


def test_revoked_and_unknown_certificates_are_refused(district: DistrictService, branch: Branch, tmp_path: Path) -> None:
    p1 = branch.package(tmp_path / "in", 1)
    district.revoke(str(district.folder.root / "B001.pem"), reason="密钥丢失")
    result = district.import_packages([p1])[0]
    assert result.status == "rejected" and "已被吊销" in result.message
    # a certificate from a CA the district does not know, claiming the same code
    other = DistrictService(tmp_path / "other-district", today=lambda: TODAY)
    other.init(SECRET)
    impostor = Branch(other, "B001", "冒名支部")
    other.close()
    result = district.import_packages([impostor.package(tmp_path / "impostor", 1)])[0]
    assert result.status == "rejected" and "不被信任" in result.message
    assert district.store.counts()["packages"] == 0


def test_verify_checks_continuity_across_the_packages_given(district: DistrictService, branch: Branch,
                                                           tmp_path: Path) -> None:
    p1, p2 = branch.package(tmp_path / "a", 1), branch.package(tmp_path / "a", 2)
    forged = branch.package(tmp_path / "b", 2, members=7, previous=branch.hashes[1])
    results = district.verify([p1, p2, forged])
    assert [r.ok for r in results] == [True, True, False]
    assert "序号 2 已被另一个包占用" in results[2].message
    assert district.store.counts()["packages"] == 0  # verify writes nothing


def test_summary_xlsx_and_pdf_show_each_branch(district: DistrictService, branch: Branch, tmp_path: Path) -> None:
    from openpyxl import load_workbook
    from pypdf import PdfReader

    Branch(district, "B002", "第二支部")  # registered, nothing received yet
    district.import_packages([branch.package(tmp_path / "in", 1, members=4)])
    rows = {r.code: r for r in district.summary_rows(2026)}
    assert rows["B001"].members == 4 and rows["B001"].meetings["支部党员大会"] == (3, 4)
    assert str(rows["B001"].dues_paid) == "1100.50" and rows["B002"].last_sequence is None
    sheet = load_workbook(district.summary(2026, tmp_path / "s.xlsx")).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[1][0] == "支部代码"
    b001 = next(r for r in values if r[0] == "B001")
    assert b001[1] == "第一支部" and b001[2] == "4" and "3/4" in b001
    assert next(r for r in values if r[0] == "B002")[-1] == "未收到"
    text = PdfReader(district.summary(2026, tmp_path / "s.pdf")).pages[0].extract_text()
    assert "第一支部" in text and "第二支部" in text and "92%" in text
    with pytest.raises(LedgerError, match=".xlsx 或 .pdf"):
        district.summary(2026, tmp_path / "s.csv")


def test_import_into_another_database_url(tmp_path: Path, branch: Branch, district: DistrictService) -> None:
    package = branch.package(tmp_path / "in", 1)
    url = f"sqlite:///{(tmp_path / 'elsewhere.sqlite3').as_posix()}"
    other = DistrictService(district.folder.root, db_url=url, today=lambda: TODAY)
    try:
        # the other database has no registered branches: refused, and the default one untouched
        assert other.import_packages([package])[0].status == "rejected"
        assert district.store.counts()["packages"] == 0
    finally:
        other.close()


def test_worker_processes_give_the_same_results(district: DistrictService, branch: Branch, tmp_path: Path) -> None:
    good = [branch.package(tmp_path / "in", seq) for seq in (1, 2)]
    bad = tmp_path / "bad" / "B001-00003-20261121.zip"
    bad.parent.mkdir()
    bad.write_bytes(b"PK\x03\x04 not really")
    results = district.import_packages([bad, *good], workers=2)
    assert [r.status for r in results] == ["rejected", "imported", "imported"]
    assert "不是完整的 zip" in results[0].message
    assert district.store.received_sequences("B001") == [1, 2]


def test_a_bad_package_in_a_batch_is_rolled_back_alone(district: DistrictService, branch: Branch,
                                                       tmp_path: Path) -> None:
    p1, p2 = branch.package(tmp_path / "a", 1), branch.package(tmp_path / "a", 2)
    forged = branch.package(tmp_path / "b", 2, members=9, previous=branch.hashes[1])
    p3 = branch.package(tmp_path / "a", 3)
    results = district.import_packages([p3, p1, p2, forged])  # one batch, sorted by sequence inside
    assert [r.status for r in results] == ["imported", "imported", "imported", "rejected"]
    assert "已被另一个包占用" in results[3].message
    assert district.store.received_sequences("B001") == [1, 2, 3]
    assert len(district.store.rows_of("B001", "member")) == 3  # nothing of the forged one's 9 members
    assert len(list(district.folder.quarantine.glob("*.reason.txt"))) == 1
