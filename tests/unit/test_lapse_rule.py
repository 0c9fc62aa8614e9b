"""The lapse rule (党章): 6 consecutive months without Party life, warned at 3, escalated at 5."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.domain.meetings import (
    ATTENDED,
    EXCUSED,
    MISSED,
    NOT_EXPECTED,
    AttendanceEntry,
    lapse_level,
    missed_streak,
    month_participation,
)


def test_month_participation() -> None:
    assert month_participation([]) == NOT_EXPECTED
    assert month_participation([AttendanceEntry(1, "缺席", note="x"), AttendanceEntry(1, "迟到")]) == ATTENDED
    assert month_participation([AttendanceEntry(1, "请假", "病假")]) == EXCUSED
    assert month_participation([AttendanceEntry(1, "请假", "病假"), AttendanceEntry(1, "缺席", note="x")]) == MISSED


@pytest.mark.parametrize("months, streak, level", [
    ([ATTENDED, MISSED, MISSED], 2, None),
    ([ATTENDED, MISSED, MISSED, MISSED], 3, "warning"),
    ([MISSED] * 5, 5, "escalate"),
    ([MISSED] * 6, 6, "lapsed"),
    ([MISSED] * 5 + [ATTENDED], 0, None),  # taking part again ends it
    ([MISSED, MISSED, EXCUSED, MISSED], 1, None),  # leave with a reason is a good reason
    # months when nothing was expected of the member (no meeting held) neither count nor break
    ([MISSED, NOT_EXPECTED, MISSED, NOT_EXPECTED, MISSED], 3, "warning"),
])
def test_streaks(months: list[str], streak: int, level: str | None) -> None:
    assert missed_streak(months) == streak
    assert lapse_level(streak) == level


def test_member_joining_mid_quarter_is_not_counted_before_joining() -> None:
    # joined in month 3 of a quarter: months 1–2 expected nothing of them
    months = [NOT_EXPECTED, NOT_EXPECTED, MISSED, MISSED]
    assert missed_streak(months) == 2 and lapse_level(2) is None


@given(st.lists(st.sampled_from([ATTENDED, EXCUSED, MISSED, NOT_EXPECTED]), max_size=24))
def test_streak_counts_only_missed_months_since_the_last_participation(months: list[str]) -> None:
    streak = missed_streak(months)
    assert 0 <= streak <= months.count(MISSED)
    tail = []
    for state in reversed(months):
        if state in (ATTENDED, EXCUSED):
            break
        tail.append(state)
    assert streak == tail.count(MISSED)
    assert (lapse_level(streak) is not None) == (streak >= 3)
