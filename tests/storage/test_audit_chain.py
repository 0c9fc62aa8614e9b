"""The audit chain: every write appends a hash-linked entry; `check` names the first broken link
and any row changed, added or deleted in the file outside the app."""

from __future__ import annotations

import dataclasses
import shutil
import sqlite3
from pathlib import Path

from sqlalchemy import update

from desktop.services.audit import AuditService
from desktop.storage.models import MemberRecord


def db_of(services) -> Path:  # type: ignore[no-untyped-def]
    return services.ctx.folder.database


def raw(services, sql: str, *params) -> None:  # type: ignore[no-untyped-def]
    with sqlite3.connect(db_of(services)) as conn:
        conn.execute(sql, params)


def test_every_write_appends_a_linked_entry(demo_copy) -> None:  # type: ignore[no-untyped-def]
    audit = AuditService(demo_copy.ctx)
    seq, digest = audit.head()
    assert seq > 0 and len(digest) == 64
    member = demo_copy.roster.list_members()[3]
    demo_copy.roster.update_member(member.id, dataclasses.replace(member.to_fields(), phone="13911112222"))
    entries = audit.entries_since(seq)
    mine = [e for e in entries if e.table_name == "member" and e.row_id == str(member.id)]
    assert mine and mine[-1].action == "update" and mine[-1].data["phone"] == "13911112222"
    assert entries[0].prev_hash == digest
    assert all(a.hash == b.prev_hash for a, b in zip(entries, entries[1:]))
    assert audit.head() == (entries[-1].seq, entries[-1].hash)
    assert demo_copy.maintenance.check().ok


def test_orm_bulk_update_is_audited_too(demo_copy) -> None:  # type: ignore[no-untyped-def]
    with demo_copy.ctx.unit_of_work() as session:
        session.execute(update(MemberRecord).where(MemberRecord.id <= 3).values(notes="批量更新"))
    assert demo_copy.maintenance.check().ok  # no row reads as changed outside the app
    assert {e.row_id for e in AuditService(demo_copy.ctx).entries_since(0)
            if e.table_name == "member" and e.data and e.data.get("notes") == "批量更新"} == {"1", "2", "3"}


def test_row_changed_by_raw_sql_is_reported_by_check(demo_copy) -> None:  # type: ignore[no-untyped-def]
    raw(demo_copy, "UPDATE member SET name = '改名' WHERE id = 4")
    problems = demo_copy.maintenance.check().problems
    assert any("member #4" in p and "name" in p and "本程序之外" in p for p in problems), problems


def test_rows_added_or_deleted_by_raw_sql_are_reported(demo_copy) -> None:  # type: ignore[no-untyped-def]
    raw(demo_copy, "INSERT INTO setting (key, value) VALUES ('x.secret', '1')")
    raw(demo_copy, "DELETE FROM member_change WHERE id = (SELECT max(id) FROM member_change)")
    problems = AuditService(demo_copy.ctx).verify()
    assert any("setting #x.secret" in p and "不在审计记录中" in p for p in problems), problems
    assert any("member_change" in p and "被删除" in p for p in problems), problems


def test_first_broken_link_is_named(demo_copy) -> None:  # type: ignore[no-untyped-def]
    raw(demo_copy, "UPDATE audit_entry SET data = replace(data, '\"name\"', '\"nam\"') WHERE seq = 5")
    problems = AuditService(demo_copy.ctx).verify()
    assert problems[0].startswith("审计链断开：第 5 条"), problems


def test_removed_entry_is_named(demo_copy) -> None:  # type: ignore[no-untyped-def]
    raw(demo_copy, "DELETE FROM audit_entry WHERE seq = 7")
    assert AuditService(demo_copy.ctx).verify()[0] == "审计链断开：第 7 条记录缺失（下一条是第 8 条）。"


def test_old_file_with_data_starts_its_chain_with_a_baseline(tmp_path: Path, today) -> None:  # type: ignore[no-untyped-def]
    from desktop.services.bundle import Services
    from desktop.services.context import open_ledger

    fixture = Path(__file__).resolve().parents[1] / "fixtures" / "dbs" / "v0.1.0-0001_foundation.sqlite3"
    folder = tmp_path / "old"
    folder.mkdir()
    shutil.copy(fixture, folder / "ledger.sqlite3")
    with sqlite3.connect(folder / "ledger.sqlite3") as conn:
        rows = conn.execute("SELECT count(*) FROM member").fetchone()[0]
    services = Services(open_ledger(folder, today=lambda: today))
    try:
        entries = AuditService(services.ctx).entries_since(0)
        assert sum(1 for e in entries if e.table_name == "member" and e.action == "baseline") == rows
        assert services.maintenance.check().ok
    finally:
        services.close()
