"""Records in a signed, exported ledger are locked; a change needs a reason and becomes an
amendment (更正) that keeps the original; the next export carries it."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import update

from desktop.domain.errors import RecordLockedError
from desktop.services.identity import IdentityService
from desktop.storage.models import MemberRecord, SettingRecord

PASS = "lock-test-pass"


@pytest.fixture
def locked(demo_copy, tmp_path: Path):  # type: ignore[no-untyped-def]
    IdentityService(demo_copy.ctx).create(PASS)
    produced = demo_copy.ledgers.export("roster", 2026, tmp_path / "roster.pdf", sign=True, passphrase=PASS)
    return demo_copy, produced


def text_of(path: Path) -> str:
    return "".join(page.extract_text() for page in PdfReader(path).pages).replace("\n", "")


def test_signed_export_locks_what_it_shows(locked) -> None:  # type: ignore[no-untyped-def]
    services, produced = locked
    members = [m for m in services.roster.list_members() if m.is_party_member]
    assert produced.signed and produced.record_count == len(members)
    assert all(services.ledgers.is_locked("member", m.id) for m in members)


def test_change_without_reason_is_refused_and_nothing_changes(locked) -> None:  # type: ignore[no-untyped-def]
    services, produced = locked
    member = services.roster.list_members()[0]
    with pytest.raises(RecordLockedError) as info:
        services.roster.update_member(member.id, dataclasses.replace(member.to_fields(), phone="13900000000"))
    assert member.name in info.value.message and produced.title in info.value.message
    assert ("member", member.id) in info.value.records
    assert services.roster.get_member(member.id).phone == member.phone
    assert services.ledgers.amendments_for("member", member.id) == []


def test_change_with_reason_is_an_amendment_keeping_the_original(locked, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    services, produced = locked
    member = services.roster.list_members()[1]
    services.roster.update_member(member.id, dataclasses.replace(member.to_fields(), phone="13900000000"),
                                  amendment_reason="手机号码登记错误")
    assert services.roster.get_member(member.id).phone == "13900000000"
    [amendment] = services.ledgers.amendments_for("member", member.id)
    assert amendment.old_values == {"phone": member.phone}
    assert amendment.new_values == {"phone": "13900000000"}
    assert amendment.reason == "手机号码登记错误" and amendment.locked_by_ledger_id == produced.id
    assert amendment.carried_in_ledger_id is None

    # the next export carries it, printed after the ledger, and marks it carried
    again = services.ledgers.export("roster", 2026, tmp_path / "roster-2.pdf", sign=True, passphrase=PASS)
    text = text_of(again.path)
    assert "更正记录" in text and "手机号码登记错误" in text and "13900000000" in text
    [amendment] = services.ledgers.amendments_for("member", member.id)
    assert amendment.carried_in_ledger_id == again.id
    assert services.ledgers.verify_pdf(again.path).intact
    assert services.maintenance.check().ok  # the amendment rows are in the audit chain too


def test_bulk_statements_and_deletes_are_locked_too(locked) -> None:  # type: ignore[no-untyped-def]
    services, _ = locked
    member = services.roster.list_members()[2]
    with pytest.raises(RecordLockedError):
        with services.ctx.unit_of_work() as session:
            session.execute(update(MemberRecord).where(MemberRecord.id == member.id).values(notes="批量"))
    with pytest.raises(RecordLockedError):
        with services.ctx.unit_of_work() as session:
            session.delete(session.get(MemberRecord, member.id))
    assert services.roster.get_member(member.id).notes == member.notes
    with services.ctx.unit_of_work(amendment_reason="补充备注") as session:
        session.execute(update(MemberRecord).where(MemberRecord.id == member.id).values(notes="批量"))
    [amendment] = services.ledgers.amendments_for("member", member.id)
    assert amendment.new_values == {"notes": "批量"} and amendment.reason == "补充备注"


def test_lock_api_with_a_text_key(locked) -> None:  # type: ignore[no-untyped-def]
    services, produced = locked
    services.branch.set_setting("ledgers.test", "a")
    services.ledgers.lock([("setting", "ledgers.test")], produced.id)
    with pytest.raises(RecordLockedError, match="setting #ledgers.test"):
        services.branch.set_setting("ledgers.test", "b")
    with services.ctx.unit_of_work(amendment_reason="口径调整") as session:
        session.get(SettingRecord, "ledgers.test").value = "b"
    assert services.branch.setting("ledgers.test", "") == "b"
    assert services.ledgers.amendments_for("setting", "ledgers.test")[0].old_values == {"value": "a"}


def test_unsigned_export_locks_nothing(demo_copy, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    produced = demo_copy.ledgers.export("roster", 2026, tmp_path / "plain.pdf")
    member = demo_copy.roster.list_members()[0]
    assert not produced.signed and not demo_copy.ledgers.is_locked("member", member.id)
    demo_copy.roster.update_member(member.id, dataclasses.replace(member.to_fields(), phone="13900000001"))
    assert demo_copy.roster.get_member(member.id).phone == "13900000001"
