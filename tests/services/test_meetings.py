"""MeetingService: plan and record, attendance against the roster, tallies, 补记, calendar, figures."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest

from desktop.domain.errors import NotFoundError, ValidationError
from desktop.domain.meetings import AttendanceEntry, Speech
from desktop.domain.roster import MemberFields

NAMES = ("王建国", "李芳", "张子涵", "刘洋", "陈静", "赵明")  # the last is probationary


@pytest.fixture
def branch(services):  # type: ignore[no-untyped-def]
    from desktop.services.branch import BranchProfile

    services.branch.save_profile(BranchProfile(name="测试党支部", founded_on=dt.date(2020, 1, 1)))
    g1 = services.roster.add_group("第一党小组", dt.date(2020, 1, 1))
    g2 = services.roster.add_group("新党小组", dt.date(2026, 6, 10))
    ids = []
    for index, name in enumerate(NAMES):
        probationary = index == 5
        fields = MemberFields(name=name, joined_on=dt.date(2026, 3, 1) if probationary else dt.date(2010, 7, 1),
                              confirmed_on=None if probationary else dt.date(2011, 7, 1),
                              stage="预备党员" if probationary else "正式党员",
                              party_group_id=g1.id if index < 3 else g2.id if index < 5 else g1.id)
        ids.append(services.roster.add_member(fields, effective_on=fields.joined_on).id)
    services.branch.elect_committee(dt.date(2025, 1, 10), [(ids[0], "书记"), (ids[1], "组织委员"), (ids[2], "宣传委员")])
    services.test_ids = ids
    services.test_groups = (g1, g2)
    return services


def record_input(services, day: dt.date, kinds=("支部党员大会",), group=None, **changes):  # type: ignore[no-untyped-def]
    from desktop.services.meetings import MeetingInput

    expected = services.meetings.expected_attendees(kinds, group, day)
    data = MeetingInput(
        kinds=tuple(kinds), held_on=day, topic="学习党章", party_group_id=group, starts_at="14:30", ends_at="16:00",
        place="党员活动室", chair="王建国", recorder="李芳", agenda=("学习党章第一章",),
        speeches=(Speech("张子涵", "结合工作谈体会"),),
        attendance=tuple(AttendanceEntry(a.member_id, "出席") for a in expected),
    )
    return replace(data, **changes)


def count_meetings(services, year: int = 2026) -> int:  # type: ignore[no-untyped-def]
    return len(services.meetings.list_meetings(year))


def test_record_reads_back_with_attendance_and_rates(branch) -> None:  # type: ignore[no-untyped-def]
    ids = branch.test_ids
    day = dt.date(2026, 11, 20)
    data = record_input(branch, day)
    data = replace(data, attendance=tuple(
        AttendanceEntry(e.member_id, "请假", "病假", "住院") if e.member_id == ids[3] else e for e in data.attendance))
    detail = branch.meetings.record_meeting(None, data)
    again = branch.meetings.get_meeting(detail.meeting.id)
    m = again.meeting
    assert m.held and m.number == "2026-001" and m.recorded_on == dt.date(2026, 11, 21) and not m.late_entry
    assert (m.expected_count, m.present_count, m.leave_count) == (6, 5, 1)
    assert m.attendance_rate == pytest.approx(5 / 6)
    leave = next(a for a in again.attendance if a.member_id == ids[3])
    assert leave.detail == "请假（病假：住院）"
    assert next(a for a in again.attendance if a.member_id == ids[5]).probationary
    assert again.speeches == (Speech("张子涵", "结合工作谈体会"),)
    assert m.created_at is not None and m.updated_at is not None


@pytest.mark.parametrize("change, field, message", [
    ({"chair": ""}, "chair", "请填写主持人"),
    ({"recorder": "王"}, "recorder", "不是全名"),
    ({"place": None}, "place", "请填写会议地点"),
    ({"agenda": ()}, "agenda", "议程"),
    ({"held_on": dt.date(2026, 11, 30)}, "held_on", "晚于今天"),
])
def test_bad_records_are_refused_and_nothing_is_saved(branch, change, field, message) -> None:  # type: ignore[no-untyped-def]
    data = record_input(branch, dt.date(2026, 11, 20), **change)
    before = count_meetings(branch)
    with pytest.raises(ValidationError, match=message) as info:
        branch.meetings.record_meeting(None, data)
    assert info.value.field == field
    assert count_meetings(branch) == before


def test_member_not_on_the_roster_that_day_is_refused(branch) -> None:  # type: ignore[no-untyped-def]
    # the probationary member joined on 1 March: not expected at a February meeting
    day = dt.date(2026, 2, 20)
    data = record_input(branch, day)
    data = replace(data, attendance=data.attendance + (AttendanceEntry(branch.test_ids[5], "出席"),), late_reason="补录")
    with pytest.raises(ValidationError, match="不在本支部") as info:
        branch.meetings.record_meeting(None, data)
    assert info.value.field == "attendance"
    assert count_meetings(branch) == 0


def test_absentee_without_reason_is_refused(branch) -> None:  # type: ignore[no-untyped-def]
    data = record_input(branch, dt.date(2026, 11, 20))
    data = replace(data, attendance=(AttendanceEntry(data.attendance[0].member_id, "缺席"),) + data.attendance[1:])
    with pytest.raises(ValidationError, match="王建国”缺席，请写明缺席原因"):
        branch.meetings.record_meeting(None, data)
    assert count_meetings(branch) == 0


def test_vote_tally_is_checked_against_attendance(branch) -> None:  # type: ignore[no-untyped-def]
    from desktop.services.meetings import ResolutionInput

    day = dt.date(2026, 11, 20)
    # 5 voting members (the probationary one does not vote), all present
    bad = record_input(branch, day, resolutions=(ResolutionInput("接收赵明为预备党员", True, 6, 6, 6, 0, 0),))
    with pytest.raises(ValidationError, match="与考勤不符"):
        branch.meetings.record_meeting(None, bad)
    wrong_sum = record_input(branch, day, resolutions=(ResolutionInput("通过计划", True, 5, 5, 3, 0, 0),))
    with pytest.raises(ValidationError, match="不等于实到"):
        branch.meetings.record_meeting(None, wrong_sum)
    good = record_input(branch, day, resolutions=(ResolutionInput("通过计划", True, 5, 5, 4, 1, 0),))
    detail = branch.meetings.record_meeting(None, good)
    assert detail.resolutions[0].passed and detail.resolutions[0].tally.yes == 4
    assert count_meetings(branch) == 1


def test_quorum_broken_is_refused(branch) -> None:  # type: ignore[no-untyped-def]
    from desktop.services.meetings import ResolutionInput

    ids = branch.test_ids
    data = record_input(branch, dt.date(2026, 11, 20))
    away = set(ids[:3])
    attendance = tuple(AttendanceEntry(e.member_id, "请假", "因公") if e.member_id in away else e for e in data.attendance)
    data = replace(data, attendance=attendance, resolutions=(ResolutionInput("通过计划", True, 5, 2, 2, 0, 0),))
    with pytest.raises(ValidationError, match="未超过应到 5 人的半数"):
        branch.meetings.record_meeting(None, data)


def test_late_entry_needs_a_reason_and_is_marked(branch) -> None:  # type: ignore[no-untyped-def]
    day = dt.date(2026, 11, 13)  # Friday; 3 working days → Wednesday 18th; today is the 21st
    with pytest.raises(ValidationError, match="属于补记，请填写补记原因") as info:
        branch.meetings.record_meeting(None, record_input(branch, day))
    assert info.value.field == "late_reason"
    detail = branch.meetings.record_meeting(None, record_input(branch, day, late_reason="记录人出差"))
    assert detail.meeting.late_entry and detail.meeting.late_reason == "记录人出差"
    assert detail.meeting.status_label == "已记录（补记）"
    figures = branch.meetings.year_figures(2026)
    assert figures.late_count == 1 and figures.late_entries[0].reason == "记录人出差"


def test_late_limit_is_a_setting(branch) -> None:  # type: ignore[no-untyped-def]
    settings = branch.meetings.settings()
    branch.meetings.save_settings(replace(settings, late_entry_working_days=10))
    detail = branch.meetings.record_meeting(None, record_input(branch, dt.date(2026, 11, 13)))
    assert not detail.meeting.late_entry
    with pytest.raises(ValidationError, match="1 至 30"):
        branch.meetings.save_settings(replace(settings, late_entry_working_days=0))


def test_plan_then_record_keeps_the_meeting_and_number(branch) -> None:  # type: ignore[no-untyped-def]
    plan = branch.meetings.plan_meeting(("主题党日",), dt.date(2026, 11, 20), "参观纪念馆")
    assert not plan.held and plan.status_label == "计划"
    detail = branch.meetings.record_meeting(plan.id, record_input(branch, dt.date(2026, 11, 20), kinds=("主题党日",)))
    assert detail.meeting.id == plan.id and detail.meeting.number == plan.number and detail.meeting.held
    assert count_meetings(branch) == 1


def test_combined_meeting_is_stored_once_and_fulfils_both(branch) -> None:  # type: ignore[no-untyped-def]
    branch.meetings.record_meeting(None, record_input(branch, dt.date(2026, 11, 20), kinds=("主题党日", "支部党员大会")))
    assert count_meetings(branch) == 1
    calendar = {o.kind: o.status for o in branch.meetings.calendar("month", 2026, 11)}
    assert calendar["主题党日"] == "done" and calendar["支部党员大会"] == "done"
    figures = {t.kind: t for t in branch.meetings.year_figures(2026).types}
    assert figures["主题党日"].held == 1 and figures["支部党员大会"].held == 1


def test_group_meeting_expects_the_group_as_of_its_date(branch) -> None:  # type: ignore[no-untyped-def]
    g1, g2 = branch.test_groups
    ids = branch.test_ids
    moved = branch.roster.get_member(ids[2])
    branch.roster.update_member(ids[2], replace(moved.to_fields(), party_group_id=g2.id), effective_on=dt.date(2026, 7, 1))
    assert [a.member_id for a in branch.meetings.expected_attendees(("党小组会",), g1.id, dt.date(2026, 6, 20))] \
        == [ids[0], ids[1], ids[2], ids[5]]
    assert [a.member_id for a in branch.meetings.expected_attendees(("党小组会",), g1.id, dt.date(2026, 11, 2))] \
        == [ids[0], ids[1], ids[5]]
    assert [a.member_id for a in branch.meetings.expected_attendees(("党小组会",), g2.id, dt.date(2026, 11, 2))] \
        == [ids[2], ids[3], ids[4]]
    committee = branch.meetings.expected_attendees(("支部委员会",), None, dt.date(2026, 11, 2))
    assert [a.member_id for a in committee] == ids[:3]
    with pytest.raises(ValidationError, match="新党小组.*不存在"):
        branch.meetings.record_meeting(None, record_input(branch, dt.date(2026, 5, 6), kinds=("党小组会",),
                                                          group=g1.id, party_group_id=g2.id, late_reason="x"))


def test_calendar_for_group_created_mid_year(branch) -> None:  # type: ignore[no-untyped-def]
    _, g2 = branch.test_groups
    year = [o for o in branch.meetings.calendar("year", 2026) if o.group_id == g2.id]
    assert [o.period.index for o in year] == list(range(6, 13))
    assert all(o.status == "overdue" for o in year if o.period.index <= 10)


def test_home_items_list_open_items_and_lapse(branch) -> None:  # type: ignore[no-untyped-def]
    texts = [i.text for i in branch.meetings.home_items()]
    assert any("本月尚未开展主题党日" in t for t in texts)
    assert any("本季度尚未开展支部党员大会" in t for t in texts)
    assert all(i.area == "meetings" for i in branch.meetings.home_items())


def test_lapse_warnings_from_consecutive_absences(branch) -> None:  # type: ignore[no-untyped-def]
    ids = branch.test_ids
    days = [dt.date(2026, m, 10) for m in (8, 9, 10, 11)]
    for day in days:
        data = record_input(branch, day, late_reason="集中补录")
        data = replace(data, attendance=tuple(AttendanceEntry(e.member_id, "缺席", note="未请假")
                                              if e.member_id == ids[4] else e for e in data.attendance))
        branch.meetings.record_meeting(None, data)
    [warning] = branch.meetings.lapse_warnings()
    assert (warning.member_id, warning.months, warning.level) == (ids[4], 4, "warning")
    assert "陈静已连续 4 个月" in warning.text
    assert any("陈静" in i.text for i in branch.meetings.home_items())


def test_edit_and_delete(branch) -> None:  # type: ignore[no-untyped-def]
    detail = branch.meetings.record_meeting(None, record_input(branch, dt.date(2026, 11, 20)))
    edited = branch.meetings.record_meeting(detail.meeting.id, replace(detail.to_input(), topic="改后主题"))
    assert edited.meeting.topic == "改后主题" and edited.meeting.recorded_on == detail.meeting.recorded_on
    assert [a.id for a in edited.attendance] == [a.id for a in detail.attendance]  # rows kept, not replaced
    branch.meetings.delete_meeting(detail.meeting.id)
    with pytest.raises(NotFoundError):
        branch.meetings.get_meeting(detail.meeting.id)


def test_attachments_are_stored_and_listed(branch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    photo = tmp_path / "签到表.png"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    text = tmp_path / "notes.jpg"
    text.write_text("not an image")
    with pytest.raises(ValidationError, match="notes.jpg 不是"):
        branch.meetings.record_meeting(None, record_input(branch, dt.date(2026, 11, 20)), attach=[text])
    assert count_meetings(branch) == 0
    detail = branch.meetings.record_meeting(None, record_input(branch, dt.date(2026, 11, 20)), attach=[photo, photo])
    [attachment] = detail.attachments
    assert attachment.filename == "签到表.png" and attachment.path.read_bytes() == photo.read_bytes()
    assert attachment.path.is_relative_to(branch.ctx.data_dir / "attachments")
    kept = branch.meetings.record_meeting(detail.meeting.id, detail.to_input(), detach=[attachment.id])
    assert kept.attachments == ()


def test_demo_year_figures(demo_copy) -> None:  # type: ignore[no-untyped-def]
    figures = demo_copy.meetings.year_figures(2026)
    types = {t.kind: t for t in figures.types}
    assert types["主题党日"].months_missed == (8,)
    assert types["支部委员会"].months_missed == (2, 7)
    assert figures.late_count == 1
    assert 0.8 < figures.average_attendance_rate < 1
    assert len(figures.theme_days) == 10
    by_month = demo_copy.meetings.attendance_by_month(2026)
    assert sorted(by_month) == list(range(1, 12))
    warnings = demo_copy.meetings.lapse_warnings()
    assert len(warnings) == 1 and warnings[0].level == "warning"
    planned = [m for m in demo_copy.meetings.list_meetings(2026) if not m.held]
    assert [m.kinds for m in planned] == [("组织生活会", "民主评议党员")]


def test_cli_lists_meetings_and_prints_a_signin_sheet(demo_template, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    import shutil

    from desktop.cli import main

    folder = tmp_path / "demo"
    shutil.copytree(demo_template, folder, ignore=shutil.ignore_patterns("*.lock"))
    assert main(["--data-dir", str(folder), "meetings", "list", "--year", "2026"]) == 0
    listing = capsys.readouterr().out
    planned_line = next(line for line in listing.splitlines() if "计划" in line)
    meeting_id = planned_line.split("\t")[0]
    out = tmp_path / "sheet.pdf"
    assert main(["--data-dir", str(folder), "signin-sheet", meeting_id, "--out", str(out)]) == 0
    assert out.exists() and "签到表" in capsys.readouterr().out
    assert main(["--data-dir", str(folder), "signin-sheet", "99999", "--out", str(out)]) == 1
    assert "找不到编号为 99999 的会议" in capsys.readouterr().err


def test_fast_roster_read_agrees_with_the_roster_service(demo_copy) -> None:  # type: ignore[no-untyped-def]
    for day in (dt.date(2026, 1, 1), dt.date(2026, 6, 15), dt.date(2026, 11, 21)):
        assert demo_copy.meetings._members_on(day) == demo_copy.roster.members_on(day)


def test_records_of_a_signed_ledger_change_only_with_an_amendment(demo_copy, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from desktop.domain.errors import RecordLockedError

    rendered = demo_copy.meetings.render_ledger(2026, tmp_path / "ledger.pdf")
    demo_copy.ledgers.record_output("meetings", rendered.title, rendered.path, records=rendered.records, year=2026)
    held = next(m for m in demo_copy.meetings.list_meetings(2026) if m.held and m.held_on.month == 3)
    detail = demo_copy.meetings.get_meeting(held.id)
    with pytest.raises(RecordLockedError):
        demo_copy.meetings.record_meeting(held.id, replace(detail.to_input(), topic="改写"))
    with pytest.raises(RecordLockedError):
        demo_copy.meetings.delete_meeting(held.id)
    assert demo_copy.meetings.get_meeting(held.id).meeting.topic == held.topic  # untouched
    fixed = demo_copy.meetings.record_meeting(held.id, replace(detail.to_input(), topic="更正后的主题"),
                                              amendment_reason="主题录入有误")
    assert fixed.meeting.topic == "更正后的主题"
    assert demo_copy.ledgers.amendments_for("meeting", held.id)


def test_committee_votes_need_more_than_half_of_the_committee(branch) -> None:  # type: ignore[no-untyped-def]
    from desktop.services.meetings import ResolutionInput

    ids = branch.test_ids
    day = dt.date(2026, 11, 20)
    data = record_input(branch, day, kinds=("支部委员会",))
    assert [e.member_id for e in data.attendance] == ids[:3]
    one_present = tuple(AttendanceEntry(e.member_id, "请假", "因公") if e.member_id != ids[0] else e
                        for e in data.attendance)
    with pytest.raises(ValidationError, match="未超过应到 3 人的半数"):
        branch.meetings.record_meeting(None, replace(data, attendance=one_present, resolutions=(
            ResolutionInput("同意王建国同志的发展对象人选", True, 3, 1, 1, 0, 0),)))
    two_present = tuple(AttendanceEntry(e.member_id, "请假", "因公") if e.member_id == ids[2] else e
                        for e in data.attendance)
    detail = branch.meetings.record_meeting(None, replace(data, attendance=two_present, resolutions=(
        ResolutionInput("同意发展对象人选", True, 3, 2, 2, 0, 0),)))
    assert detail.resolutions[0].passed
