"""Amendments (更正) print next to the record they amend: under a meeting's record in the meetings
ledger, beneath the member's row in the roster, beneath the member's block in the dues ledger
(issue 6, part 4). The 更正记录 annex pages stay as a summary."""

from __future__ import annotations

import dataclasses
import re
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader

from desktop.services.identity import IdentityService

PASS = "amend-in-ledger-pass"


def page_texts(path: Path) -> list[str]:
    return [re.sub(r"\s+", "", page.extract_text() or "") for page in PdfReader(path).pages]


def page_with(path: Path, *needles: str) -> tuple[int, str]:
    """The first page (index, text) holding every needle."""
    for index, text in enumerate(page_texts(path)):
        if all(n in text for n in needles):
            return index, text
    raise AssertionError(f"no page of {path.name} holds all of {needles}")


def export_signed(services, kind: str, out: Path):  # type: ignore[no-untyped-def]
    return services.ledgers.export(kind, 2026, out, sign=True, passphrase=PASS)


@pytest.fixture
def signed(demo_copy):  # type: ignore[no-untyped-def]
    IdentityService(demo_copy.ctx).create(PASS)
    return demo_copy


def test_roster_prints_the_amendment_beneath_the_members_row(signed, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    services = signed
    export_signed(services, "roster", tmp_path / "roster-1.pdf")
    first = page_texts(tmp_path / "roster-1.pdf")
    members = [m for m in services.roster.list_members() if m.is_party_member]
    member = members[3]
    services.roster.update_member(member.id, dataclasses.replace(member.to_fields(), phone="13911112222"),
                                  amendment_reason="手机号码登记错误甲")
    again = export_signed(services, "roster", tmp_path / "roster-2.pdf")

    index, text = page_with(again.path, member.name, "手机号码登记错误甲")
    name_at, reason_at = text.index(member.name), text.index("手机号码登记错误甲")
    assert name_at < reason_at
    assert "更正：" in text[name_at:reason_at] and "13911112222" in text[name_at:reason_at]
    # the next member's row in the first export's order follows the amendment (on this page or the next)
    before = next(t for t in first if member.name in t)
    following = before[before.index(member.name) + len(member.name):]
    others = [m.name for m in members if m.id != member.id and m.name in following]
    nearest = min(others, key=following.index)
    assert text.find(nearest, reason_at) > reason_at or page_with(again.path, nearest)[0] > index
    # the annex is kept as the summary
    assert "更正记录" in page_texts(again.path)[-1] or any("更正记录" in t for t in page_texts(again.path)[index + 1:])


def test_meetings_ledger_prints_the_amendment_under_the_meetings_record(signed, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    services = signed
    export_signed(services, "meetings", tmp_path / "meetings-1.pdf")
    held = [m for m in services.meetings.list_meetings(2026) if m.held]
    held.sort(key=lambda m: (m.held_on, m.id))
    target = next(i for i, m in enumerate(held) if m.held_on.month == 3)
    meeting, following = held[target], held[target + 1]
    detail = services.meetings.get_meeting(meeting.id)
    services.meetings.record_meeting(meeting.id, dataclasses.replace(detail.to_input(), topic="更正后的会议主题"),
                                     amendment_reason="主题录入有误乙")
    again = export_signed(services, "meetings", tmp_path / "meetings-2.pdf")

    heading = f"{meeting.held_on:%Y年%m月%d日}"
    pages = page_texts(again.path)
    # the page of the record's own block (the index table lists the date as 2026-03-..)
    index, text = next((i, t) for i, t in enumerate(pages) if "主题录入有误乙" in t and "更正：" in t)
    reason_at = text.index("主题录入有误乙")
    assert text.rfind(heading, 0, reason_at) >= 0 and text.rfind(meeting.number, 0, reason_at) >= 0
    assert text.rfind("更正后的会议主题", 0, reason_at) > text.rfind(heading, 0, reason_at)
    next_heading = f"{following.held_on:%Y年%m月%d日}"
    later = text.find(next_heading, reason_at)
    assert later > reason_at or any(next_heading in t for t in pages[index + 1:])
    assert "更正记录" in "".join(pages[index + 1:]) or text.find("更正记录", reason_at) > 0


def test_dues_ledger_prints_the_amendment_beneath_the_members_block(signed, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    services = signed
    export_signed(services, "dues", tmp_path / "dues-1.pdf")
    data = services.dues.ledger_data(2026)
    dets = services.dues.determinations(2026)
    shown = [r.member_id for r in data.rows]
    det = next(d for d in dets if d.member_id in shown and d.base is not None and d.category == "在职"
               and shown.index(d.member_id) + 1 < len(shown))
    position = shown.index(det.member_id)
    member_name, next_name = data.rows[position].name, data.rows[position + 1].name
    services.dues.determine(det.member_id, 2026, category=det.category, base=det.base + Decimal("100"),
                            from_month=det.from_month, reason=det.reason, determined_by=det.determined_by,
                            determined_on=det.determined_on, amendment_reason="基数核定有误丙")
    again = export_signed(services, "dues", tmp_path / "dues-2.pdf")

    index, text = page_with(again.path, member_name, "基数核定有误丙")
    name_at, reason_at = text.index(member_name), text.index("基数核定有误丙")
    assert name_at < reason_at and "更正：" in text[name_at:reason_at]
    assert text.find(next_name, reason_at) > reason_at or page_with(again.path, next_name)[0] > index


def test_a_deleted_record_is_carried_into_the_next_ledger(signed, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    services = signed
    export_signed(services, "meetings", tmp_path / "meetings-1.pdf")
    held = sorted((m for m in services.meetings.list_meetings(2026) if m.held), key=lambda m: (m.held_on, m.id))
    victim = held[3]
    services.meetings.delete_meeting(victim.id, amendment_reason="重复录入的会议记录丙")
    again = export_signed(services, "meetings", tmp_path / "meetings-2.pdf")
    text = "".join(page_texts(again.path))
    assert "重复录入的会议记录丙" in text
    assert "记录被删除" in text
    assert victim.number not in [m.number for m in services.meetings.list_meetings(2026)]
