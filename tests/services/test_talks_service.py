"""谈心谈话 counted per pair, as a secretary sees it: the calendar's progress, the home page naming
the missing pairs, the 述职 figure, and a talk recorded through the service closing a pair."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop.domain.errors import ValidationError
from desktop.domain.meetings import LEAVE, PRESENT, AttendanceEntry
from desktop.services.meetings import MeetingInput


def talk_obligation(services):  # type: ignore[no-untyped-def]
    return next(o for o in services.meetings.calendar("year", 2026) if o.kind == "谈心谈话")


def talk_items(services) -> list[str]:  # type: ignore[no-untyped-def]
    return [i.text for i in services.meetings.home_items() if "谈心谈话" in i.text]


def ids_by_name(services) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return {m.name: m.id for m in services.roster.list_members()}


def a_talk(chair: str, day: dt.date, attendance: tuple[AttendanceEntry, ...]) -> MeetingInput:
    return MeetingInput(kinds=("谈心谈话",), held_on=day, topic="年度谈心谈话", place="党员活动室", chair=chair,
                        recorder=chair, agenda=("了解思想工作情况",), attendance=attendance)


def test_the_demo_year_shows_two_missing_pairs_until_they_are_talked_with(demo_copy) -> None:  # type: ignore[no-untyped-def]
    services = demo_copy
    ob = talk_obligation(services)
    assert ob.status == "due" and ob.progress == "谈心谈话：已谈 67/69 对"
    assert len(ob.missing_pairs) == 2
    [item] = talk_items(services)
    assert item.startswith("今年谈心谈话已谈 67/69 对，尚缺 2 对（截止 12月31日）：")
    for label in ob.missing_pairs:
        assert label in item  # few missing: the home page names them, "支委—党员"
    figures = services.annual.figures(2026)
    line = figures.get("meetings.type.谈心谈话")
    assert (line.value, line.unit, line.note) == (67, "对", "已谈 67/69 对")
    assert "应谈69对" in line.label
    missed = figures.get("meetings.missed.谈心谈话")
    assert missed.value == 2 and {"—".join(r.cells) for r in missed.rows} == set(ob.missing_pairs)

    # the secretary records the two talks (each chair with the one person talked with)
    names = ids_by_name(services)
    for label in ob.missing_pairs:
        chair, other = label.split("—")
        services.meetings.record_meeting(None, a_talk(chair, dt.date(2026, 11, 20),
                                                      (AttendanceEntry(names[other], PRESENT),)))
    ob = talk_obligation(services)
    assert (ob.status, ob.progress, ob.missing_pairs) == ("done", "谈心谈话：已谈 69/69 对", ())
    assert talk_items(services) == []
    figures = services.annual.figures(2026)
    assert figures.get("meetings.type.谈心谈话").value == 69
    assert figures.get("meetings.missed.谈心谈话").value == 0


def test_a_talk_lists_only_the_people_talked_with(demo_copy) -> None:  # type: ignore[no-untyped-def]
    services = demo_copy
    day = dt.date(2026, 11, 20)
    expected = services.meetings.expected_attendees(("谈心谈话",), None, day)
    on_roster = services.roster.members_on(day)
    assert len(expected) == len(on_roster) and all(a.optional for a in expected)  # anyone may be talked with
    ob = talk_obligation(services)
    chair, other = ob.missing_pairs[0].split("—")
    names = ids_by_name(services)
    someone = next(i for n, i in names.items() if n not in (chair, other))
    # one person talked with, one on leave (not talked with: that pair stays missing)
    detail = services.meetings.record_meeting(None, a_talk(chair, day, (
        AttendanceEntry(someone, PRESENT), AttendanceEntry(names[other], LEAVE, "因公", "出差"))))
    assert (detail.meeting.expected_count, detail.meeting.present_count) == (2, 1)
    assert talk_obligation(services).progress == ob.progress
    for nobody in ((), (AttendanceEntry(names[other], LEAVE, "因公", "出差"),)):
        with pytest.raises(ValidationError, match="谈话对象"):
            services.meetings.record_meeting(None, a_talk(chair, day, nobody))
    # the other meeting types still require every expected member
    with pytest.raises(ValidationError, match="没有考勤情况"):
        services.meetings.record_meeting(None, MeetingInput(
            kinds=("支部委员会",), held_on=day, topic="支委会", place="会议室", chair=chair, recorder=chair,
            agenda=("研究工作",), attendance=()))


def test_pairs_follow_the_committee_and_the_roster(services) -> None:  # type: ignore[no-untyped-def]
    """A fresh branch: 3 members, a committee of 2 → 3 pairs; a talk by a chair who is not on the
    committee covers nothing."""
    from desktop.domain.roster import MemberFields

    joined = dt.date(2020, 7, 1)
    added = [services.roster.add_member(MemberFields(name=name, joined_on=joined, confirmed_on=dt.date(2021, 7, 1)),
                                        effective_on=joined)
             for name in ("李明远", "王芳华", "张伟东")]
    services.branch.elect_committee(dt.date(2025, 1, 10), [(added[0].id, "书记"), (added[1].id, "组织委员")], years=3)
    coverage = services.meetings.talk_coverage(2026)
    assert [p.label for p in coverage.required] == ["李明远—王芳华", "李明远—张伟东", "王芳华—张伟东"]
    services.meetings.record_meeting(None, a_talk("张伟东", dt.date(2026, 11, 19), (AttendanceEntry(added[0].id, PRESENT),)))
    assert len(services.meetings.talk_coverage(2026).covered) == 0
    services.meetings.record_meeting(None, a_talk("王芳华", dt.date(2026, 11, 19),
                                                  (AttendanceEntry(added[0].id, PRESENT), AttendanceEntry(added[2].id, PRESENT))))
    coverage = services.meetings.talk_coverage(2026)
    assert [p.label for p in coverage.missing] == ["李明远—张伟东"]
    [item] = talk_items(services)
    assert item.endswith("已谈 2/3 对，尚缺 1 对（截止 12月31日）：李明远—张伟东")
