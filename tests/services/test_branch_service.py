"""BranchService: the profile, the committee terms, the settings, and the §1 warnings."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop.domain.errors import ValidationError
from desktop.domain.roster import MemberFields
from desktop.services.branch import BranchProfile


def add_members(services, count: int, stage: str = "正式党员") -> list[int]:  # type: ignore[no-untyped-def]
    return [services.roster.add_member(MemberFields(name=f"党员{chr(0x4e00 + i)}{chr(0x4e01 + i)}", stage=stage,
                                                    joined_on=dt.date(2010, 1, 1))).id for i in range(count)]


def test_profile_round_trip(services) -> None:  # type: ignore[no-untyped-def]
    assert services.branch.profile() is None
    services.branch.save_profile(BranchProfile(name=" 某某联合党支部 ", org_type="联合组建", units=("甲公司", " 乙公司 ", ""),
                                               parent_org="某街道党工委", founded_on=dt.date(2018, 3, 1)))
    profile = services.branch.profile()
    assert profile.name == "某某联合党支部" and profile.units == ("甲公司", "乙公司")
    assert services.branch.branch_name() == "某某联合党支部"


def test_profile_rules(services) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError, match="至少两个"):
        services.branch.save_profile(BranchProfile(name="某联合支部", org_type="联合组建", units=("甲",)))
    with pytest.raises(ValidationError, match="成立日期"):
        services.branch.save_profile(BranchProfile(name="某支部", founded_on=dt.date(2027, 1, 1)))
    assert services.branch.profile() is None


def test_too_few_full_members_warns(services) -> None:  # type: ignore[no-untyped-def]
    services.branch.save_profile(BranchProfile(name="某支部"))
    add_members(services, 2)
    assert any("不足3名" in w.text for w in services.branch.warnings())
    add_members(services, 1)
    assert not any("不足3名" in w.text for w in services.branch.warnings())


def test_seven_full_members_want_a_committee(services) -> None:  # type: ignore[no-untyped-def]
    services.branch.save_profile(BranchProfile(name="某支部"))
    ids = add_members(services, 7)
    services.branch.elect_committee(dt.date(2026, 1, 5), [(ids[0], "书记")])
    assert any("应设立支部委员会" in w.text for w in services.branch.warnings())
    services.branch.elect_committee(dt.date(2026, 2, 5), [(ids[0], "书记"), (ids[1], "组织委员"), (ids[2], "宣传委员")])
    assert not any("应设立支部委员会" in w.text for w in services.branch.warnings())


def test_term_expiry_warning_and_new_term(services) -> None:  # type: ignore[no-untyped-def]
    services.branch.save_profile(BranchProfile(name="某支部"))
    ids = add_members(services, 3)
    old = services.branch.elect_committee(dt.date(2023, 12, 20), [(ids[0], "书记")])
    assert old.ends_on == dt.date(2026, 12, 20)
    assert any("将于2026-12-20届满" in w.text for w in services.branch.warnings())  # within two months of 11-21
    services.branch.elect_committee(dt.date(2026, 11, 20), [(ids[1], "书记"), (ids[0], "副书记")])
    term = services.branch.current_term()
    assert term.holder("书记") == services.roster.get_member(ids[1]).name
    assert not any("届满" in w.text for w in services.branch.warnings())


def test_committee_rules(services) -> None:  # type: ignore[no-untyped-def]
    ids = add_members(services, 3)
    with pytest.raises(ValidationError, match="书记"):
        services.branch.elect_committee(dt.date(2026, 1, 1), [(ids[0], "组织委员")])
    with pytest.raises(ValidationError, match="3至5年"):
        services.branch.elect_committee(dt.date(2026, 1, 1), [(ids[0], "书记")], years=2)
    with pytest.raises(ValidationError, match="两次"):
        services.branch.elect_committee(dt.date(2026, 1, 1), [(ids[0], "书记"), (ids[0], "组织委员")])
    assert services.branch.current_term() is None


def test_update_term_and_default_years_setting(services) -> None:  # type: ignore[no-untyped-def]
    ids = add_members(services, 3)
    services.branch.set_setting("branch.committee_term_years", "5")
    term = services.branch.elect_committee(dt.date(2026, 1, 1), [(ids[0], "书记")])
    assert term.years == 5
    fixed = services.branch.update_term(term.id, dt.date(2026, 1, 2), [(ids[0], "书记"), (ids[1], "副书记")], 4)
    assert fixed.id == term.id and fixed.years == 4 and len(fixed.seats) == 2
    assert services.branch.setting("missing.key", "默认") == "默认"
