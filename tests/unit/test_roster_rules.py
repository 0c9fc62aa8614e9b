"""domain.roster and domain.idnumber: history as of a date, member validation, reminders, ID numbers."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from desktop.domain.idnumber import check_digit, mask, parse_id_number
from desktop.domain.roster import Change, MemberFields, is_member_on, member_problems, roster_reminders, value_on

TODAY = dt.date(2026, 11, 21)


def id_for(birth: dt.date, sequence: int, area: str = "440305") -> str:
    first17 = f"{area}{birth:%Y%m%d}{sequence:03d}"
    return first17 + check_digit(first17)


@given(st.dates(min_value=dt.date(1920, 1, 1), max_value=dt.date(2008, 12, 31)), st.integers(0, 999))
def test_generated_id_numbers_parse_and_agree(birth: dt.date, sequence: int) -> None:
    number = id_for(birth, sequence)
    info = parse_id_number(number)
    assert info.birth_date == birth and info.sex == ("男" if sequence % 2 else "女")
    fields = MemberFields(name="测试人", id_number=number, birth_date=birth, sex=info.sex, joined_on=None, stage="入党申请人")
    assert member_problems(fields, TODAY) == []
    assert mask(number) == number[:6] + "********" + number[-4:]


@given(st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2008, 12, 31)), st.integers(0, 999), st.integers(0, 16))
def test_any_single_digit_change_is_caught(birth: dt.date, sequence: int, position: int) -> None:
    number = id_for(birth, sequence)
    digit = str((int(number[position]) + 1) % 10)
    changed = number[:position] + digit + number[position + 1:]
    problems = member_problems(MemberFields(name="测试人", id_number=changed, stage="入党申请人"), TODAY)
    assert any(field == "id_number" for field, _ in problems)


def test_value_on_reads_the_latest_change_in_force() -> None:
    changes = [Change("stage", "预备党员", dt.date(2025, 6, 1)), Change("stage", "正式党员", dt.date(2026, 6, 1)),
               Change("status", "正常", dt.date(2025, 6, 1)), Change("status", "已转出", dt.date(2026, 9, 1))]
    assert value_on(changes, "stage", dt.date(2025, 5, 31)) is None
    assert value_on(changes, "stage", dt.date(2026, 5, 31)) == "预备党员"
    assert value_on(changes, "stage", dt.date(2026, 6, 1)) == "正式党员"
    assert is_member_on(changes, dt.date(2026, 8, 31))
    assert not is_member_on(changes, dt.date(2026, 9, 1))
    assert not is_member_on(changes, dt.date(2025, 5, 1))


def test_member_problems_name_their_field() -> None:
    problems = dict(member_problems(MemberFields(name="王", stage="正式党员", phone="138-abc",
                                                 birth_date=dt.date(2010, 1, 1), is_mobile=True), TODAY))
    assert set(problems) >= {"name", "joined_on", "phone", "mobile_since"}
    young = member_problems(MemberFields(name="王小明", birth_date=dt.date(2000, 1, 1), joined_on=dt.date(2017, 1, 1)), TODAY)
    assert ("joined_on", "入党日期时未满18周岁") in young


def test_roster_reminders() -> None:
    members = [
        MemberFields(name="甲乙", stage="预备党员", joined_on=dt.date(2025, 11, 1)),  # ended 2026-11-01
        MemberFields(name="丙丁", stage="预备党员", joined_on=dt.date(2025, 12, 21)),  # ends within a month
        MemberFields(name="戊己", stage="预备党员", joined_on=dt.date(2026, 3, 1)),  # not yet
        MemberFields(name="庚辛", stage="预备党员", joined_on=dt.date(2025, 10, 1), probation_extension="延长6个月"),
        MemberFields(name="壬癸", joined_on=dt.date(2001, 1, 1), is_lost_contact=True, lost_contact_since=dt.date(2026, 5, 21)),
        MemberFields(name="子丑", joined_on=dt.date(2001, 1, 1), is_lost_contact=True, lost_contact_since=dt.date(2026, 5, 22)),
    ]
    reminders = roster_reminders(members, TODAY)
    names = {text[:2]: level for level, text in reminders}
    assert names == {"甲乙": "danger", "丙丁": "warning", "壬癸": "warning"}
