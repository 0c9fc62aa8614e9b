"""The organizational-life calendar: done/due/overdue over edge dates."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from desktop.domain.meeting_calendar import (
    DONE,
    DUE,
    OVERDUE,
    Group,
    HeldMeeting,
    Period,
    held_count,
    obligations,
    period_of,
    required_count,
)

ONLY = {t: "none" for t in ("支部党员大会", "支部委员会", "党小组会", "党课", "主题党日", "组织生活会", "民主评议党员",
                            "谈心谈话", "其他学习")}


def only(**freqs: str) -> dict[str, str]:
    return {**ONLY, **freqs}


def test_quarter_boundaries() -> None:
    q1 = Period("quarter", 2026, 1)
    assert (q1.start, q1.end) == (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    q4 = Period("quarter", 2026, 4)
    assert (q4.start, q4.end) == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    assert Period("month", 2024, 2).end == dt.date(2024, 2, 29)
    assert period_of("quarter", dt.date(2026, 3, 31)) == q1
    assert period_of("quarter", dt.date(2026, 4, 1)) == Period("quarter", 2026, 2)


@given(st.dates(dt.date(2000, 1, 1), dt.date(2099, 12, 31)), st.sampled_from(["month", "quarter", "year"]))
def test_every_day_is_in_exactly_its_period(day: dt.date, kind: str) -> None:
    period = period_of(kind, day)
    assert period.contains(day)
    assert period.start <= day <= period.end
    assert not period.contains(period.end + dt.timedelta(days=1))
    assert not period.contains(period.start - dt.timedelta(days=1))


def test_quarter_end_meeting_fulfils_its_quarter_not_the_next() -> None:
    held = [HeldMeeting(1, ("支部党员大会",), dt.date(2026, 3, 31))]
    freqs = only(**{"支部党员大会": "quarter"})
    today = dt.date(2026, 4, 1)
    year = obligations(Period("year", 2026, 1), held, frequencies=freqs, groups=[], today=today)
    assert [o.status for o in year] == [DONE, DUE, DUE, DUE]
    # the day after Q2 ends, Q2 without a meeting is overdue
    later = obligations(Period("quarter", 2026, 2), held, frequencies=freqs, groups=[], today=dt.date(2026, 7, 1))
    assert [o.status for o in later] == [OVERDUE]
    on_last_day = obligations(Period("quarter", 2026, 2), held, frequencies=freqs, groups=[], today=dt.date(2026, 6, 30))
    assert [o.status for o in on_last_day] == [DUE]


def test_combined_meeting_fulfils_both_types_and_a_plan_fulfils_nothing() -> None:
    held = [HeldMeeting(1, ("支部党员大会", "主题党日"), dt.date(2026, 5, 15)),
            HeldMeeting(2, ("党课",), dt.date(2026, 5, 20), held=False)]
    freqs = only(**{"支部党员大会": "quarter", "主题党日": "month", "党课": "quarter"})
    result = {o.kind: o for o in obligations(Period("month", 2026, 5), held, frequencies=freqs, groups=[],
                                             today=dt.date(2026, 5, 25))}
    assert result["支部党员大会"].status == DONE and result["支部党员大会"].period == Period("quarter", 2026, 2)
    assert result["主题党日"].status == DONE and result["主题党日"].meeting_ids == (1,)
    assert result["党课"].status == DUE and result["党课"].planned_on == dt.date(2026, 5, 20)


def test_group_created_mid_year_owes_meetings_only_from_its_creation() -> None:
    groups = [Group(1, "一组", dt.date(2020, 1, 1)), Group(2, "新组", dt.date(2026, 6, 10)),
              Group(3, "撤销组", dt.date(2020, 1, 1), dissolved_on=dt.date(2026, 3, 1))]
    held = [HeldMeeting(5, ("党小组会",), dt.date(2026, 6, 20), party_group_id=2)]
    year = obligations(Period("year", 2026, 1), held, frequencies=only(**{"党小组会": "month"}), groups=groups,
                       today=dt.date(2026, 11, 21))
    months = {g: sorted(o.period.index for o in year if o.group_id == g) for g in (1, 2, 3)}
    assert months[1] == list(range(1, 13))
    assert months[2] == list(range(6, 13))  # June (created on the 10th) onwards
    assert months[3] == [1, 2]  # dissolved on 1 March
    june = next(o for o in year if o.group_id == 2 and o.period.index == 6)
    july = next(o for o in year if o.group_id == 2 and o.period.index == 7)
    assert (june.status, july.status) == (DONE, OVERDUE)
    assert june.label == "党小组会（新组）"
    # another group's meeting does not count for group 1
    assert next(o for o in year if o.group_id == 1 and o.period.index == 6).status == OVERDUE


def test_nothing_is_owed_before_the_branch_existed() -> None:
    year = obligations(Period("year", 2026, 1), [], frequencies=only(**{"支部委员会": "month"}), groups=[],
                       today=dt.date(2026, 11, 21), since=dt.date(2026, 9, 5))
    assert [o.period.index for o in year] == [9, 10, 11, 12]


def test_theme_day_is_the_due_date_of_the_month() -> None:
    [ob] = obligations(Period("month", 2026, 2), [], frequencies=only(**{"主题党日": "month"}), groups=[],
                       today=dt.date(2026, 2, 1), theme_day=15)
    assert ob.due_on == dt.date(2026, 2, 15)


def test_summary_counts() -> None:
    held = [HeldMeeting(1, ("党课", "主题党日"), dt.date(2026, 3, 2)), HeldMeeting(2, ("党课",), dt.date(2026, 3, 9), held=False)]
    assert held_count("党课", held, 2026, 3) == 1
    assert [required_count("quarter", m) for m in (1, 2, 3, 12)] == [0, 0, 1, 1]
    assert required_count("month", 4, groups_in_month=3) == 3
    assert required_count("year", 11) == 0 and required_count("year", 12) == 1
