"""The pure rules of the annual report: figures over plain histories, the tally, the lists, figure blocks."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.domain.annual import (
    ItemFields,
    PersonHistory,
    TransferFact,
    accept_current_figures,
    carry_candidates,
    changed_figures,
    figure_link,
    figure_refs,
    format_value,
    is_overdue,
    item_problems,
    parse_figure_href,
    percent,
    render_figures,
    roster_figures,
    tally,
    year_period,
)
from desktop.domain.errors import ValidationError
from desktop.domain.roster import Change

D = dt.date
TODAY = D(2026, 11, 21)


def person(pid: int, *changes: tuple[str, str, dt.date], joined: dt.date | None = None,
           confirmed: dt.date | None = None, applied: dt.date | None = None) -> PersonHistory:
    return PersonHistory(pid, f"党员{pid}", applied, joined, confirmed, tuple(Change(a, v, d) for a, v, d in changes))


def full_member(pid: int, since: dt.date) -> PersonHistory:
    return person(pid, ("stage", "正式党员", since), ("status", "正常", since), joined=since - dt.timedelta(days=400))


def values(figures):  # type: ignore[no-untyped-def]
    return {f.key: f.value for f in figures}


def test_members_at_start_and_end_follow_the_dated_history() -> None:
    people = [
        full_member(1, D(2020, 1, 1)),
        # transferred out mid-year: counted at the start, not at the end
        person(2, ("stage", "正式党员", D(2020, 1, 1)), ("status", "正常", D(2020, 1, 1)), ("status", "已转出", D(2025, 6, 15))),
        # transferred in mid-year: not at the start, at the end
        person(3, ("stage", "正式党员", D(2025, 7, 1)), ("status", "正常", D(2025, 7, 1)), joined=D(2010, 3, 1)),
        # admitted as probationary in the year, then 停止党籍 is not involved
        person(4, ("stage", "入党积极分子", D(2023, 1, 1)), ("status", "正常", D(2023, 1, 1)), ("stage", "发展对象", D(2024, 3, 1)),
               ("stage", "预备党员", D(2025, 9, 1)), joined=D(2025, 9, 1), applied=D(2022, 12, 1)),
        # lost contact: 停止党籍 in the year
        person(5, ("stage", "正式党员", D(2015, 1, 1)), ("status", "正常", D(2015, 1, 1)), ("status", "停止党籍", D(2025, 3, 1))),
        # an applicant who applied this year
        person(6, ("stage", "入党申请人", D(2025, 4, 1)), ("status", "正常", D(2025, 4, 1)), applied=D(2025, 4, 1)),
        # joined on 1 January: not a member "at the start"
        person(7, ("stage", "预备党员", D(2025, 1, 1)), ("status", "正常", D(2025, 1, 1)), joined=D(2025, 1, 1)),
    ]
    transfers = [TransferFact(1, 2, "党员2", "转出", D(2025, 6, 15), "某某支部"),
                 TransferFact(2, 3, "党员3", "转入", D(2025, 7, 1), "另一支部")]
    figures = roster_figures(2025, people, transfers, TODAY)
    v = values(figures)
    assert v["roster.members_start"] == 3  # 1, 2, 5
    assert v["roster.members_end"] == 4  # 1, 3, 4, 7
    assert v["roster.probationary_end"] == 2  # 4, 7
    assert v["roster.joined"] == 2  # 4, 7 (3 came by transfer)
    assert v["roster.transferred_in"] == 1 and v["roster.transferred_out"] == 1
    assert v["roster.lapsed"] == 1
    assert v["roster.applied"] == 1
    assert v["roster.pipeline.入党申请人"] == 1
    assert v["roster.pipeline.发展对象"] == 0
    start = next(f for f in figures if f.key == "roster.members_start")
    assert {r.ref for r in start.rows} == {("member", 1), ("member", 2), ("member", 5)}
    out = next(f for f in figures if f.key == "roster.transferred_out")
    assert out.rows[0].ref == ("transfer", 1)


def test_year_in_progress_ends_today_and_future_year_is_refused() -> None:
    assert year_period(2026, TODAY) == (D(2026, 1, 1), TODAY)
    assert year_period(2025, TODAY) == (D(2025, 1, 1), D(2025, 12, 31))
    with pytest.raises(ValidationError, match="尚未开始"):
        year_period(2027, TODAY)


def test_values_without_records_read_as_no_data_never_zero() -> None:
    assert format_value(None, "名") == "暂无数据"
    assert format_value(0, "名") == "0名"
    assert format_value(Decimal("1234.5"), "元") == "1,234.50元"
    assert format_value(Decimal("93.45"), "%") == "93.5%"


def test_tally_refuses_more_votes_than_members_who_could_vote() -> None:
    lines = tally("好/较好/一般/差", [10, 5, 3, 0], eligible=20, participants=19)
    assert [(l.grade, l.count, str(l.percent)) for l in lines] == [
        ("好", 10, "52.6"), ("较好", 5, "26.3"), ("一般", 3, "15.8"), ("差", 0, "0.0")]
    with pytest.raises(ValidationError, match="超过实际参加测评的19人"):
        tally("好/较好/一般/差", [10, 5, 3, 2], eligible=20, participants=19)
    with pytest.raises(ValidationError, match="超过应参加测评的20人"):
        tally("好/较好/一般/差", [10, 5, 3, 2], eligible=20, participants=21)
    with pytest.raises(ValidationError, match="未知的测评等次"):
        tally("甲乙丙丁", [1, 1, 1, 1], eligible=5, participants=5)
    other = tally("优秀/称职/基本称职/不称职", [4, 1, 0, 0], eligible=5, participants=5)
    assert other[0].grade == "优秀" and other[0].percent == Decimal("80.0")


@given(st.integers(1, 200).flatmap(lambda n: st.tuples(
    st.just(n), st.integers(0, n), st.lists(st.integers(0, n), min_size=4, max_size=4))))
def test_tally_accepts_exactly_the_counts_within_the_ballots(case) -> None:  # type: ignore[no-untyped-def]
    eligible, participants, counts = case
    if sum(counts) <= participants:
        lines = tally("好/较好/一般/差", counts, eligible=eligible, participants=participants)
        assert [l.count for l in lines] == counts
        if participants:
            exact = sum(Decimal(c) * 100 / participants for c in counts)
            assert abs(sum(l.percent for l in lines) - exact) <= Decimal("0.2")
    else:
        with pytest.raises(ValidationError):
            tally("好/较好/一般/差", counts, eligible=eligible, participants=participants)


def test_percent_rounds_half_up() -> None:
    assert percent(1, 8) == Decimal("12.5")
    assert percent(1, 16) == Decimal("6.3")  # 6.25 → 6.3
    assert percent(0, 0) == Decimal("0.0")


def test_deadline_before_the_problem_was_raised_is_refused() -> None:
    item = ItemFields("学习不深入", D(2026, 3, 1), deadline=D(2026, 2, 28))
    assert item_problems(item, TODAY) == [("deadline", "整改时限2026-02-28早于问题提出日期2026-03-01")]
    assert item_problems(ItemFields("学习不深入", D(2026, 3, 1), deadline=D(2026, 3, 1)), TODAY) == []
    done = ItemFields("x", D(2026, 3, 1), status="已完成")
    assert item_problems(done, TODAY)[0][0] == "completed_on"
    assert item_problems(ItemFields(" ", D(2026, 3, 1)), TODAY)[0][0] == "problem"
    assert is_overdue(ItemFields("x", D(2026, 1, 1), deadline=D(2026, 6, 30)), TODAY)
    assert not is_overdue(ItemFields("x", D(2026, 1, 1), deadline=D(2026, 6, 30), status="已完成",
                                     completed_on=D(2026, 6, 1)), TODAY)


def test_open_items_are_carried_once() -> None:
    previous = [(1, "待整改"), (2, "已完成"), (3, "整改中")]
    assert carry_candidates(previous, []) == [1, 3]
    assert carry_candidates(previous, [1]) == [3]


def test_figure_blocks_keep_the_reference_and_show_changes() -> None:
    text = "现有党员" + figure_link("roster.members_end", "24名") + "，发展" + figure_link("roster.joined", "1名") + "。"
    refs = figure_refs(text)
    assert [(r.key, r.inserted) for r in refs] == [("roster.members_end", "24名"), ("roster.joined", "1名")]
    current = {"roster.members_end": "25名", "roster.joined": "1名"}
    assert render_figures(text, current) == "现有党员25名，发展1名。"
    assert render_figures(text, current, mark_changed="※") == "现有党员25名※，发展1名。"
    assert [(c.key, c.inserted, c.current) for c in changed_figures(text, current)] == [("roster.members_end", "24名", "25名")]
    accepted = accept_current_figures(text, current)
    assert changed_figures(accepted, current) == []
    assert render_figures(text, {}) == "现有党员暂无数据，发展暂无数据。"


@given(st.text(alphabet=st.characters(blacklist_characters="[]()\n", blacklist_categories=("Cs",)), min_size=1, max_size=20))
def test_figure_link_round_trips_any_value(display: str) -> None:
    key = "meetings.type.支部委员会"
    refs = figure_refs("前" + figure_link(key, display) + "后")
    assert [(r.key, r.inserted) for r in refs] == [(key, display)]
    assert parse_figure_href(f"figure:{key}?v=1") == (key, "1")
    assert parse_figure_href("https://example.org") is None
