"""Printed forms read back: the sign-in sheet, the meeting record, the annual meetings ledger."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader


def text_of(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def test_signin_sheet_lists_expected_names_with_signature_column(demo_copy, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    planned = next(m for m in demo_copy.meetings.list_meetings(2026) if not m.held)
    rendered = demo_copy.meetings.render_signin_sheet(planned.id, tmp_path / "sheet.pdf")
    text = text_of(rendered.path)
    expected = demo_copy.meetings.expected_attendees(planned.kinds, planned.party_group_id, planned.held_on)
    assert len(expected) >= 20
    for person in expected:
        assert person.name in text
    assert "本人签名" in text and "组织生活会、民主评议党员签到表" in text
    assert "第 1 页 共" in text and "星链优选电子商务有限公司党支部" in text
    assert rendered.records == (("meeting", planned.id),)


def test_minutes_of_a_late_record_show_buji_and_signature_lines(demo_copy, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    late = next(m for m in demo_copy.meetings.list_meetings(2026) if m.late_entry)
    rendered = demo_copy.meetings.render_minutes(late.id, tmp_path / "minutes.pdf")
    text = text_of(rendered.path)
    assert "【补记】" in text and late.late_reason[:6] in text.replace("\n", "")
    assert "主持人（签字）" in text and "记录人（签字）" in text
    assert late.chair in text and late.topic in text
    assert ("meeting", late.id) in rendered.records and any(t == "meeting_attendance" for t, _ in rendered.records)


def test_minutes_of_a_vote_show_the_tally(demo_copy, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    june = next(m for m in demo_copy.meetings.list_meetings(2026) if m.held_on.month == 6 and "支部党员大会" in m.kinds)
    detail = demo_copy.meetings.get_meeting(june.id)
    [vote] = detail.resolutions
    text = text_of(demo_copy.meetings.render_minutes(june.id, tmp_path / "june.pdf").path)
    assert f"应到有表决权党员 {vote.expected} 人" in text and f"赞成 {vote.yes}" in text and "通过" in text


def test_annual_ledger_has_summary_every_record_and_settings(demo_copy, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rendered = demo_copy.meetings.render_ledger(2026, tmp_path / "ledger.pdf", footer_note="审计链 abc123")
    reader = PdfReader(rendered.path)
    text = "\n".join(p.extract_text() for p in reader.pages)
    held = [m for m in demo_copy.meetings.list_meetings(2026) if m.held]
    assert "2026年度组织生活台账" in text and "开展情况汇总" in text
    assert "主题党日固定日：每月15日" in text and "3 个工作日内录入" in text
    assert f"全年共记录会议 {len(held)} 次，其中补记 1 次" in text
    for m in held:
        assert m.number in text
    assert f"第 {len(reader.pages)} 页 共 {len(reader.pages)} 页" in text
    assert "审计链 abc123" in text
    shown = {row for row in rendered.records}
    assert {("meeting", m.id) for m in held} <= shown
    assert not any(("meeting", m.id) in shown for m in demo_copy.meetings.list_meetings(2026) if not m.held)
    assert rendered.kind == "meetings" and rendered.year == 2026
    # the summary row of 主题党日 shows August missed as 0/1 and the year total
    first = reader.pages[0].extract_text()
    assert "10/12" in first


def test_ledger_of_an_empty_year_still_prints(services, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rendered = services.meetings.render_ledger(2025, tmp_path / "empty.pdf")
    assert "本年度尚无会议记录" in text_of(rendered.path) and rendered.records == ()
