"""Meeting rules (domain.md §3): types, full names, attendance, vote tallies, late entry."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.domain.errors import ValidationError
from desktop.domain.meetings import (
    AttendanceEntry,
    Attendee,
    Speech,
    Tally,
    attendance_rate,
    check_attendance,
    check_full_name,
    check_kinds,
    check_speeches,
    check_tally,
    check_time_span,
    entry_deadline,
    is_late_entry,
    tally_problems,
)

DAY = dt.date(2026, 3, 13)  # a Friday
EXPECTED = [Attendee(1, "王建国", False), Attendee(2, "李芳", False), Attendee(3, "张子涵", True)]


def test_combined_kinds_are_kept_once_in_canonical_order() -> None:
    assert check_kinds(["主题党日", "支部党员大会"], None) == ("支部党员大会", "主题党日")


@pytest.mark.parametrize("kinds, group, message", [
    ([], None, "请选择会议类型"),
    (["茶话会"], None, "未知的会议类型"),
    (["党课", "党课"], None, "重复"),
    (["党小组会"], None, "须选择党小组"),
])
def test_bad_kinds_are_refused(kinds: list[str], group: int | None, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        check_kinds(kinds, group)


@pytest.mark.parametrize("name", ["张", "王书记", "老李", "小张", "大家", "全体党员", " "])
def test_chair_must_be_a_full_name(name: str) -> None:
    with pytest.raises(ValidationError) as info:
        check_full_name(name, "主持人", "chair")
    assert info.value.field == "chair"


@pytest.mark.parametrize("name", ["王芳", "欧阳子涵", "买买提·艾力"])
def test_full_names_pass(name: str) -> None:
    assert check_full_name(f" {name} ", "记录人", "recorder") == name


def test_speeches_need_named_speakers_and_points() -> None:
    assert check_speeches([Speech("王建国", "同意")]) == (Speech("王建国", "同意"),)
    with pytest.raises(ValidationError, match="不能写“大家一致认为”|须是具体的人"):
        check_speeches([Speech("大家一致认为", "同意")])
    with pytest.raises(ValidationError, match="没有发言要点"):
        check_speeches([Speech("王建国", " ")])


def test_time_span() -> None:
    assert check_time_span("9:05", "11：30") == ("09:05", "11:30")
    with pytest.raises(ValidationError, match="不晚于开始时间"):
        check_time_span("14:30", "14:00")
    with pytest.raises(ValidationError, match="时:分"):
        check_time_span("下午", None)


def test_attendance_complete_and_reasoned() -> None:
    entries = [AttendanceEntry(1, "出席"), AttendanceEntry(2, "请假", "病假"), AttendanceEntry(3, "缺席", note="未请假，已谈话")]
    assert len(check_attendance(entries, EXPECTED, DAY)) == 3
    assert attendance_rate(entries) == pytest.approx(1 / 3)


@pytest.mark.parametrize("entries, message", [
    ([AttendanceEntry(1, "出席"), AttendanceEntry(2, "出席"), AttendanceEntry(9, "出席")], "不在本支部"),
    ([AttendanceEntry(1, "出席"), AttendanceEntry(2, "出席"), AttendanceEntry(3, "缺席")], "张子涵”缺席，请写明缺席原因"),
    ([AttendanceEntry(1, "出席"), AttendanceEntry(2, "请假"), AttendanceEntry(3, "出席")], "李芳”请假，请选择请假类别"),
    ([AttendanceEntry(1, "出席"), AttendanceEntry(2, "请假", "其他"), AttendanceEntry(3, "出席")], "请写明事由"),
    ([AttendanceEntry(1, "出席"), AttendanceEntry(2, "出席")], "没有考勤情况：张子涵"),
    ([AttendanceEntry(1, "出席"), AttendanceEntry(1, "出席"), AttendanceEntry(2, "出席")], "出现了两次"),
])
def test_bad_attendance_is_refused_naming_the_member(entries: list[AttendanceEntry], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        check_attendance(entries, EXPECTED, DAY)


def test_tally_must_add_up_and_meet_quorum() -> None:
    assert check_tally(Tally(10, 6, 6, 0, 0)).passed
    assert "不等于实到" in "".join(tally_problems(Tally(10, 6, 5, 0, 0)))
    assert "未超过应到 10 人的半数" in "".join(tally_problems(Tally(10, 5, 5, 0, 0)))
    assert "与考勤不符" in "".join(tally_problems(Tally(10, 6, 6, 0, 0), expected_voting=10, present_voting=7))
    # absentees' written opinions count among the votes, not towards the quorum
    assert tally_problems(Tally(10, 6, 8, 0, 0, written=2)) == []
    assert "书面意见" in "".join(tally_problems(Tally(10, 6, 10, 0, 0, written=5)))


def test_a_motion_needs_yes_from_more_than_half_of_the_expected() -> None:
    assert not Tally(10, 9, 5, 4, 0).passed  # 5 of 10 is not more than half
    assert Tally(10, 9, 6, 3, 0).passed


@given(expected=st.integers(1, 60), data=st.data())
def test_tally_rules_over_ranges(expected: int, data: st.DataObject) -> None:
    present = data.draw(st.integers(0, expected))
    yes = data.draw(st.integers(0, present))
    no = data.draw(st.integers(0, present - yes))
    tally = Tally(expected, present, yes, no, present - yes - no)
    problems = tally_problems(tally)
    assert (problems == []) == (2 * present > expected)
    assert tally.passed == (2 * yes > expected)
    assert tally_problems(Tally(expected, present, yes, no, present - yes - no + 1))  # one vote too many


def test_late_entry_counts_working_days() -> None:
    # Friday 13 March + 3 working days = Wednesday 18 March
    assert entry_deadline(DAY, 3) == dt.date(2026, 3, 18)
    assert not is_late_entry(DAY, dt.date(2026, 3, 18), 3)
    assert is_late_entry(DAY, dt.date(2026, 3, 19), 3)
    assert not is_late_entry(DAY, DAY, 3)
