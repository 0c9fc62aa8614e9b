"""RosterService: validation before writing, dated history, transfers, the as-of-date roster."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from desktop.domain.errors import ValidationError
from desktop.domain.idnumber import check_digit
from desktop.domain.roster import MemberFields


def make_id(birth: dt.date, sex_digit: int) -> str:
    first17 = f"110105{birth:%Y%m%d}33{sex_digit}"
    return first17 + check_digit(first17)


def member(name: str = "陈思远", **changes) -> MemberFields:  # type: ignore[no-untyped-def]
    base = MemberFields(name=name, sex="男", birth_date=dt.date(1990, 1, 2), id_number=make_id(dt.date(1990, 1, 2), 1),
                        joined_on=dt.date(2015, 7, 1), confirmed_on=dt.date(2016, 7, 1))
    return replace(base, **changes)


def test_bad_id_number_is_refused_and_nothing_written(services) -> None:  # type: ignore[no-untyped-def]
    bad = member(id_number=make_id(dt.date(1990, 1, 2), 1)[:17] + "0")
    if bad.id_number == member().id_number:
        bad = replace(bad, id_number=bad.id_number[:17] + "1")
    with pytest.raises(ValidationError) as raised:
        services.roster.add_member(bad)
    assert raised.value.field == "id_number" and "校验位" in raised.value.message
    assert services.roster.list_members() == []


def test_id_number_must_agree_with_birth_date_and_sex(services) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError, match="性别"):
        services.roster.add_member(member(sex="女"))
    with pytest.raises(ValidationError, match="出生日期"):
        services.roster.add_member(member(birth_date=dt.date(1991, 1, 2)))


def test_same_id_number_is_not_added_twice(services) -> None:  # type: ignore[no-untyped-def]
    services.roster.add_member(member())
    with pytest.raises(ValidationError, match="已属于"):
        services.roster.add_member(member(name="陈思源", id_number=member().id_number.lower()))
    assert len(services.roster.list_members()) == 1


def test_stage_change_is_dated_history(services) -> None:  # type: ignore[no-untyped-def]
    saved = services.roster.add_member(member(stage="预备党员", confirmed_on=None, joined_on=dt.date(2025, 6, 1)))
    services.roster.update_member(saved.id, replace(saved.to_fields(), stage="正式党员", confirmed_on=dt.date(2026, 6, 1)),
                                  effective_on=dt.date(2026, 6, 1))
    before = {m.member_id: m for m in services.roster.members_on(dt.date(2026, 5, 31))}
    after = {m.member_id: m for m in services.roster.members_on(dt.date(2026, 6, 1))}
    assert before[saved.id].probationary and not after[saved.id].probationary
    stages = [(c.value, c.effective_on) for c in services.roster.history(saved.id) if c.attribute == "stage"]
    assert stages == [("预备党员", dt.date(2025, 6, 1)), ("正式党员", dt.date(2026, 6, 1))]


def test_group_change_shows_the_group_name_in_history(services) -> None:  # type: ignore[no-untyped-def]
    first = services.roster.add_group("第一党小组", dt.date(2015, 1, 1))
    second = services.roster.add_group("第二党小组", dt.date(2015, 1, 1))
    saved = services.roster.add_member(member(party_group_id=first.id))
    services.roster.update_member(saved.id, replace(saved.to_fields(), party_group_id=second.id),
                                  effective_on=dt.date(2026, 3, 1))
    groups = [c.value for c in services.roster.history(saved.id) if c.attribute == "party_group"]
    assert groups == ["第一党小组", "第二党小组"]
    on_day = {m.member_id: m.party_group_id for m in services.roster.members_on(dt.date(2026, 2, 28))}
    assert on_day[saved.id] == first.id


def test_transfer_out_and_in(services) -> None:  # type: ignore[no-untyped-def]
    leaving = services.roster.add_member(member())
    services.roster.transfer_out(leaving.id, on=dt.date(2026, 9, 30), organization="中共某县委组织部",
                                 letter_number="No.0012", dues_paid_to="2026-09")
    assert leaving.id in {m.member_id for m in services.roster.members_on(dt.date(2026, 9, 29))}
    assert leaving.id not in {m.member_id for m in services.roster.members_on(dt.date(2026, 9, 30))}
    assert services.roster.get_member(leaving.id).status == "已转出"
    with pytest.raises(ValidationError, match="不能转出"):
        services.roster.transfer_out(leaving.id, on=dt.date(2026, 10, 1), organization="别处", letter_number=None,
                                     dues_paid_to=None)

    arriving = services.roster.transfer_in(
        member(name="林晓", sex="女", birth_date=dt.date(1995, 4, 4), id_number=make_id(dt.date(1995, 4, 4), 2)),
        on=dt.date(2026, 10, 15), organization="中共某大学委员会", letter_number="校组〔2026〕7号", dues_paid_to="2026-09")
    assert arriving.id not in {m.member_id for m in services.roster.members_on(dt.date(2026, 10, 14))}
    assert arriving.id in {m.member_id for m in services.roster.members_on(dt.date(2026, 10, 15))}
    transfers = {(t.member_name, t.direction, t.dues_paid_to) for t in services.roster.transfers()}
    assert transfers == {("陈思远", "转出", "2026-09"), ("林晓", "转入", "2026-09")}


def test_transfer_needs_an_organization(services) -> None:  # type: ignore[no-untyped-def]
    saved = services.roster.add_member(member())
    with pytest.raises(ValidationError) as raised:
        services.roster.transfer_out(saved.id, on=dt.date(2026, 1, 1), organization=" ", letter_number=None, dues_paid_to=None)
    assert raised.value.field == "organization"


def test_home_items_remind_of_probation_end_and_lost_contact(services) -> None:  # type: ignore[no-untyped-def]
    services.roster.add_member(member(name="周预备", id_number=None, stage="预备党员", confirmed_on=None,
                                      joined_on=dt.date(2025, 12, 10)))
    services.roster.add_member(member(name="吴失联", id_number=None, is_lost_contact=True,
                                      lost_contact_since=dt.date(2026, 4, 1)))
    services.roster.add_member(member(name="郑正常", id_number=None))
    items = services.roster.home_items()
    texts = [i.text for i in items]
    assert any("周预备" in t and "2026-12-10" in t and "转正" in t for t in texts)
    assert any("吴失联" in t and "停止" in t for t in texts)
    assert not any("郑正常" in t for t in texts)
    assert {i.area for i in items} == {"roster"}


def test_stage_counts_count_members_on_the_roll(services) -> None:  # type: ignore[no-untyped-def]
    services.roster.add_member(member(name="甲正式", id_number=None))
    services.roster.add_member(member(name="乙预备", id_number=None, stage="预备党员", confirmed_on=None,
                                      joined_on=dt.date(2026, 3, 1)))
    gone = services.roster.add_member(member(name="丙转出", id_number=None))
    services.roster.transfer_out(gone.id, on=dt.date(2026, 10, 1), organization="别处", letter_number=None, dues_paid_to=None)
    assert services.roster.stage_counts() == {"正式党员": 1, "预备党员": 1}
