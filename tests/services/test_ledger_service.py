"""LedgerService: exports recorded with their checksum and the audit head, verification of any
PDF, bad input refused with nothing written; IdentityService around it."""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path

import pytest
from pypdf import PdfReader

from desktop.domain.errors import LedgerError, ValidationError
from desktop.services.audit import AuditService
from desktop.services.identity import IdentityService

PASS = "service-pass"


def test_unsigned_export_is_recorded_with_checksum_and_audit_head(demo_copy, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    seq, digest = AuditService(demo_copy.ctx).head()
    produced = demo_copy.ledgers.export("roster", 2026, tmp_path / "out" / "roster.pdf")
    assert produced.path.exists() and produced.sha256 == hashlib.sha256(produced.path.read_bytes()).hexdigest()
    assert (produced.audit_seq, produced.audit_hash) == (seq, digest)
    assert produced.signature_state == "未签名"
    footer = PdfReader(produced.path).pages[0].extract_text()
    assert f"审计链 #{seq} {digest[:16]}" in footer
    assert demo_copy.ledgers.produced()[0] == produced
    result = demo_copy.ledgers.verify_pdf(produced.path)
    assert not result.signed and not result.ok and "没有数字签名" in result.summary
    assert not list((tmp_path / "out").glob(".*"))  # no temporary files left


def test_signed_export_verifies_and_is_recognised(demo_copy, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    IdentityService(demo_copy.ctx).create(PASS, PASS)
    produced = demo_copy.ledgers.export("roster", None, tmp_path / "r.pdf", sign=True, passphrase=PASS)
    assert produced.signed and produced.self_signed and produced.signature_state.startswith("已签名（自签名")
    result = demo_copy.ledgers.verify_pdf(produced.path)
    assert result.signed and result.intact and result.whole_file and not result.trusted and not result.ok
    assert result.known_ledger == produced and "未经区级认证" in result.summary


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"kind": "nonsense"}, ValidationError, "未知的台账种类"),
        ({"out_name": "r.docx"}, ValidationError, ".pdf"),
        ({"sign": True, "passphrase": None}, ValidationError, "口令"),
        ({"sign": True, "passphrase": "wrong-pass"}, LedgerError, "口令错误"),
    ],
)
def test_bad_export_requests_write_nothing(demo_copy, tmp_path: Path, kwargs, error, message) -> None:  # type: ignore[no-untyped-def]
    IdentityService(demo_copy.ctx).create(PASS)
    kind = kwargs.pop("kind", "roster")
    out = tmp_path / "exports" / kwargs.pop("out_name", "r.pdf")
    with pytest.raises(error, match=message):
        demo_copy.ledgers.export(kind, 2026, out, **kwargs)
    assert not out.parent.exists() or not list(out.parent.iterdir())
    assert demo_copy.ledgers.produced() == []


def test_signing_without_identity_is_explained(demo_copy, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(LedgerError, match="尚未创建签名证书"):
        demo_copy.ledgers.export("roster", 2026, tmp_path / "r.pdf", sign=True, passphrase=PASS)
    assert any("尚未创建签名证书" in item.text for item in demo_copy.ledgers.home_items())


def test_verify_refuses_a_non_pdf_and_a_bad_ca(demo_copy, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    junk = tmp_path / "x.pdf"
    junk.write_bytes(b"PK\x03\x04 a zip file")
    with pytest.raises(LedgerError, match="不是 PDF"):
        demo_copy.ledgers.verify_pdf(junk)
    bad_ca = tmp_path / "ca.pem"
    bad_ca.write_text("not a certificate", encoding="utf-8")
    with pytest.raises(LedgerError, match="不是有效的证书"):
        demo_copy.ledgers.verify_pdf(junk, bad_ca)


def test_identity_needs_a_branch_and_matching_passphrases(services) -> None:  # type: ignore[no-untyped-def]
    identity = IdentityService(services.ctx)
    assert not identity.status().exists
    with pytest.raises(LedgerError, match="支部名称"):
        identity.create(PASS)
    from desktop.services.branch import BranchProfile

    services.branch.save_profile(BranchProfile(name="测试党支部"))
    with pytest.raises(ValidationError, match="不一致"):
        identity.create(PASS, "other")
    status = identity.create(PASS, PASS)
    assert status.exists and status.self_signed and status.branch_name == "测试党支部"
    assert "未经区级认证" in status.summary


def test_imported_certificate_sets_the_branch_code(services, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "sync"))
    import test_identity as helpers

    from desktop.services.branch import BranchProfile

    services.branch.save_profile(BranchProfile(name="测试党支部"))
    identity = IdentityService(services.ctx)
    identity.create(PASS)
    csr = identity.write_request(tmp_path / "b.csr", PASS)
    ca_key, ca_cert = helpers.make_ca()
    (tmp_path / "cert.pem").write_bytes(helpers.issue(ca_key, ca_cert, csr.read_bytes(), code="BR-0815"))
    (tmp_path / "ca.pem").write_bytes(helpers.pem(ca_cert))
    status = identity.import_certificate(tmp_path / "cert.pem", tmp_path / "ca.pem")
    assert not status.self_signed and status.branch_code == "BR-0815" and status.has_district_ca
    assert services.branch.profile().code == "BR-0815"
    assert status.archived == 1
    assert not any("自签名" in item.text for item in services.ledgers.home_items())


def test_any_printed_record_can_be_signed_and_locked(demo_copy, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A dues receipt (another area's printed record) through export_rendered."""
    from sqlalchemy import select

    from desktop.storage.models.dues import DuesPaymentRecord

    with demo_copy.ctx.reading() as session:
        payment_id = session.scalar(select(DuesPaymentRecord.id).limit(1))
    IdentityService(demo_copy.ctx).create(PASS)
    produced = demo_copy.ledgers.export_rendered(
        lambda path, note: demo_copy.dues.render_receipt(payment_id, path), tmp_path / "out" / "receipt.pdf",
        sign=True, passphrase=PASS,
    )
    assert produced.kind == "receipt" and produced.signed and produced.path.exists()
    assert demo_copy.ledgers.verify_pdf(produced.path).intact
    assert demo_copy.ledgers.is_locked("dues_payment", payment_id)
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["receipt.pdf"]
