"""domain.branch: the warnings of domain.md §1 and the committee-term rules."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from desktop.domain.branch import branch_warnings, committee_problems, term_end
from desktop.domain.dates import add_months

TODAY = dt.date(2026, 11, 21)


def warnings(**overrides):  # type: ignore[no-untyped-def]
    args = dict(full_members=10, total_members=10, org_type="单独组建", committee_size=3, term_start=None,
                term_years=3, joint_units=0, today=TODAY)
    args.update(overrides)
    return [w.text for w in branch_warnings(**args)]


def test_a_sound_branch_has_no_warnings() -> None:
    assert warnings() == []


def test_size_rules() -> None:
    assert any("不足3名" in w for w in warnings(full_members=2, total_members=2, committee_size=1))
    assert not any("不足3名" in w for w in warnings(full_members=2, total_members=2, org_type="联合组建", committee_size=1))
    assert any("超过50名" in w for w in warnings(full_members=51, total_members=51))
    assert any("应设立支部委员会" in w for w in warnings(committee_size=1))
    assert any("不超过7人" in w for w in warnings(committee_size=8))
    assert any("一般不设委员会" in w for w in warnings(full_members=5, total_members=5))
    assert any("不超过5个" in w for w in warnings(org_type="联合组建", joint_units=6))


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2030, 12, 31)), st.integers(3, 5))
def test_term_reminder_window(start: dt.date, years: int) -> None:
    """Warned from two months before the end on; not before."""
    end = term_end(start, years)
    texts = warnings(term_start=start, term_years=years)
    expired = any("已于" in w for w in texts)
    ending = any("将于" in w for w in texts)
    assert expired == (end <= TODAY)
    assert ending == (TODAY < end <= add_months(TODAY, 2))


def test_term_end_is_the_same_day_years_later() -> None:
    assert term_end(dt.date(2024, 2, 29), 3) == dt.date(2027, 2, 28)
    assert term_end(dt.date(2023, 12, 20), 3) == dt.date(2026, 12, 20)


def test_committee_problems() -> None:
    ok = [(1, "书记"), (2, "组织委员"), (3, "宣传委员")]
    assert committee_problems(ok, 3, dt.date(2026, 1, 1), TODAY) == []
    assert any("3至5年" in m for _, m in committee_problems(ok, 6, dt.date(2026, 1, 1), TODAY))
    assert any("晚于今天" in m for _, m in committee_problems(ok, 3, dt.date(2026, 12, 1), TODAY))
    assert any("书记" in m for _, m in committee_problems([(1, "副书记")], 3, TODAY, TODAY))
    assert any("只能有一名" in m for _, m in committee_problems([(1, "书记"), (2, "书记")], 3, TODAY, TODAY))
    assert any("两次" in m for _, m in committee_problems([(1, "书记"), (1, "纪检委员")], 3, TODAY, TODAY))
    assert any("第2行" in m for _, m in committee_problems([(1, "书记"), (None, "委员")], 3, TODAY, TODAY))
    eight = [(i, "书记" if i == 1 else "委员") for i in range(1, 9)]
    assert any("不超过7人" in m for _, m in committee_problems(eight, 3, TODAY, TODAY))
