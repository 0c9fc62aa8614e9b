"""谈心谈话 counted per pair (domain.md §3): the required pairs, the covered and the missing ones,
and the yearly obligation that stays open until every pair is covered."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from desktop.domain.meeting_calendar import DONE, DUE, OVERDUE, HeldMeeting, Period, obligations
from desktop.domain.talks import Person, Talk, TalkCoverage, required_pairs, talk_coverage

TODAY = dt.date(2026, 11, 21)
ONLY_TALKS = {t: "none" for t in ("支部党员大会", "支部委员会", "党小组会", "党课", "主题党日", "组织生活会",
                                  "民主评议党员", "其他学习")} | {"谈心谈话": "year"}


def people(*names: str, start: int = 1) -> list[Person]:
    return [Person(start + i, name) for i, name in enumerate(names)]


def test_pairs_of_a_small_branch() -> None:
    committee = people("李明", "王芳")
    members = committee + people("张伟", "刘洋", start=3)
    pairs = required_pairs(committee, members)
    # 李明 with 3 others, 王芳 with 2 more (李明—王芳 once): 5 pairs, committee member first
    assert [p.label for p in pairs] == ["李明—王芳", "李明—张伟", "李明—刘洋", "王芳—张伟", "王芳—刘洋"]
    talks = [Talk(1, dt.date(2026, 3, 1), 1, (2, 3)),  # 李明 talked with 王芳 and 张伟
             Talk(2, dt.date(2026, 4, 1), 2, (4, 2))]  # 王芳 with 刘洋 (and herself: no self-pair)
    coverage = talk_coverage(committee, members, talks, year=2026, today=TODAY)
    assert coverage.progress == "谈心谈话：已谈 3/5 对"
    assert [p.label for p in coverage.missing] == ["李明—刘洋", "王芳—张伟"]
    assert coverage.missing_names() == ("李明—刘洋", "王芳—张伟")
    assert not coverage.complete


def test_talks_of_another_year_later_or_without_a_committee_chair_do_not_count() -> None:
    committee = people("李明")
    members = committee + people("张伟", start=2)
    talks = [Talk(1, dt.date(2025, 12, 31), 1, (2,)), Talk(2, dt.date(2026, 12, 1), 1, (2,)),
             Talk(3, dt.date(2026, 5, 1), None, (2,))]
    coverage = talk_coverage(committee, members, talks, year=2026, today=TODAY)
    assert [p.label for p in coverage.missing] == ["李明—张伟"]
    done = talk_coverage(committee, members, [*talks, Talk(4, dt.date(2026, 1, 1), 2, (1,))], year=2026, today=TODAY)
    assert done.complete  # the pair is unordered: a talk recorded the other way round covers it too


def test_many_missing_pairs_are_counted_not_named() -> None:
    committee = people("李明")
    members = committee + people(*(f"党员{i:02d}" for i in range(6)), start=2)
    coverage = talk_coverage(committee, members, [], year=2026, today=TODAY)
    assert len(coverage.missing) == 6 and coverage.missing_names() == ()


ids = st.integers(min_value=1, max_value=12)


@st.composite
def branches(draw: st.DrawFn) -> tuple[list[Person], list[Person], list[Talk]]:
    member_ids = draw(st.sets(ids, min_size=1, max_size=10))
    committee_ids = draw(st.sets(st.sampled_from(sorted(member_ids)), max_size=4))
    members = [Person(i, f"党员{i}") for i in sorted(member_ids)]
    committee = [p for p in members if p.id in committee_ids]
    talks = draw(st.lists(st.builds(
        Talk, st.integers(1, 1000), st.dates(dt.date(2026, 1, 1), dt.date(2026, 12, 31)),
        st.one_of(st.none(), ids), st.lists(ids, max_size=6).map(tuple)), max_size=8))
    return committee, members, talks


@given(branches(), st.randoms(use_true_random=False))
def test_coverage_invariants(branch: tuple[list[Person], list[Person], list[Talk]], rnd) -> None:  # type: ignore[no-untyped-def]
    committee, members, talks = branch
    coverage = talk_coverage(committee, members, talks, year=2026, today=TODAY)
    required = {p.key for p in coverage.required}
    covered = {p.key for p in coverage.covered}
    missing = {p.key for p in coverage.missing}
    # covered ∪ missing = required, disjoint, each pair once, no self-pairs
    assert covered | missing == required and not covered & missing
    assert len(required) == len(coverage.required)
    assert all(len(key) == 2 for key in required)
    # every pair has a committee member, and its first is one
    chairs = {p.id for p in committee}
    assert all(p.first in chairs for p in coverage.required)
    n, c = len(members), len(chairs)
    assert len(required) == c * (n - 1) - c * (c - 1) // 2
    # order-independence: shuffled committee, members, talks and talked-with lists give the same pairs
    shuffled = [Talk(t.meeting_id, t.held_on, t.chair_id, tuple(rnd.sample(t.talked_with, len(t.talked_with))))
                for t in rnd.sample(talks, len(talks))]
    again = talk_coverage(rnd.sample(committee, len(committee)), rnd.sample(members, len(members)), shuffled,
                          year=2026, today=TODAY)
    assert again == coverage
    # a talk held by a committee member covers each person talked with (on the roster, not the chair)
    for talk in talks:
        if talk.chair_id in chairs and talk.held_on <= TODAY:
            for other in talk.talked_with:
                if other != talk.chair_id and other in {p.id for p in members}:
                    assert frozenset((talk.chair_id, other)) in covered


def test_the_yearly_obligation_stays_open_until_every_pair_is_covered() -> None:
    committee = people("李明")
    members = committee + people("张伟", "刘洋", start=2)
    held = [HeldMeeting(1, ("谈心谈话",), dt.date(2026, 3, 1))]
    half = talk_coverage(committee, members, [Talk(1, dt.date(2026, 3, 1), 1, (2,))], year=2026, today=TODAY)
    [ob] = obligations(Period("year", 2026, 1), held, frequencies=ONLY_TALKS, groups=[], today=TODAY, talks=half)
    assert (ob.status, ob.progress, ob.missing_pairs) == (DUE, "谈心谈话：已谈 1/2 对", ("李明—刘洋",))
    [late] = obligations(Period("year", 2026, 1), held, frequencies=ONLY_TALKS, groups=[],
                         today=dt.date(2027, 1, 1), talks=half)
    assert late.status == OVERDUE
    full = talk_coverage(committee, members, [Talk(1, dt.date(2026, 3, 1), 1, (2, 3))], year=2026, today=TODAY)
    [done] = obligations(Period("year", 2026, 1), held, frequencies=ONLY_TALKS, groups=[], today=TODAY, talks=full)
    assert (done.status, done.progress) == (DONE, "谈心谈话：已谈 2/2 对")
    # without pairs to count (no committee), one talk record still fulfils the year as before
    [plain] = obligations(Period("year", 2026, 1), held, frequencies=ONLY_TALKS, groups=[], today=TODAY,
                          talks=TalkCoverage(2026))
    assert (plain.status, plain.progress) == (DONE, "")
