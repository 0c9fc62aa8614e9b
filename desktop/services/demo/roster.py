"""Demo roster: 星链优选电子商务有限公司党支部, ~25 members in 3 party groups."""

from __future__ import annotations

import datetime as dt
import random

from desktop.domain.dates import add_months
from desktop.domain.idnumber import check_digit
from desktop.domain.roster import MemberFields
from desktop.services.branch import BranchProfile

BRANCH_NAME = "星链优选电子商务有限公司党支部"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍建国志红文博宇轩浩然子涵欣怡梓萱诗雨思远嘉懿喆堃玥珺镕"
# Administrative division codes of districts in 浙江/江苏/安徽/河南 (real prefixes, generated persons).
AREAS = ("330106", "330108", "320506", "340104", "410105", "330482", "321002")
GROUPS = ("运营党小组", "技术党小组", "物流配送党小组")


def make_id_number(rng: random.Random, birth: dt.date, sex: str) -> str:
    seq = rng.randint(10, 99)
    sex_digit = rng.choice("13579" if sex == "男" else "02468")
    first17 = f"{rng.choice(AREAS)}{birth:%Y%m%d}{seq:02d}{sex_digit}"
    return first17 + check_digit(first17)


def _name(rng: random.Random, used: set[str]) -> str:
    while True:
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        if name not in used:
            used.add(name)
            return name


def demo_members(today: dt.date, seed: int = 20260701) -> list[tuple[MemberFields, str]]:
    """(fields, party group name) for each demo member; deterministic for a given seed."""
    rng = random.Random(seed)
    used: set[str] = set()
    people: list[tuple[MemberFields, str]] = []
    jobs = ("运营专员", "客服主管", "前端工程师", "后端工程师", "产品经理", "仓储主管", "财务会计", "人力资源经理", "设计师", "数据分析师")
    for index in range(25):
        sex = "男" if rng.random() < 0.55 else "女"
        kind = "regular"
        if index in (3, 17):
            kind = "retired"
        elif index in (8, 21):
            kind = "rider"
        elif index == 12:
            kind = "mobile"
        elif index == 24:
            kind = "probationary"
        age = rng.randint(58, 70) if kind == "retired" else rng.randint(23, 48)
        birth = dt.date(today.year - age, rng.randint(1, 12), rng.randint(1, 28))
        joined = dt.date(birth.year + rng.randint(19, 30), rng.randint(1, 12), rng.randint(1, 28))
        if joined > today - dt.timedelta(days=400):
            joined = today - dt.timedelta(days=400 + rng.randint(0, 300))
        if kind == "probationary":
            joined = add_months(today, -5).replace(day=15)
        group = GROUPS[2] if kind == "rider" else GROUPS[index % 2] if kind != "retired" else GROUPS[0]
        fields = MemberFields(
            name=_name(rng, used),
            sex=sex,
            ethnicity="汉族" if index != 14 else "回族",
            birth_date=birth,
            id_number=make_id_number(rng, birth, sex),
            education=rng.choice(("大学本科", "大学本科", "研究生", "大学专科")) if kind != "rider" else "高中",
            degree=None,
            category="离退休" if kind == "retired" else "在职",
            work_unit_post="星链优选电子商务有限公司 " + ("退休" if kind == "retired" else "配送骑手" if kind == "rider" else rng.choice(jobs)),
            phone=f"1{rng.choice('3578')}{rng.randint(100000000, 999999999)}",
            residence="浙江省杭州市西湖区文三路" + str(rng.randint(1, 500)) + "号",
            household_registration=rng.choice(("浙江省杭州市", "安徽省合肥市", "河南省郑州市", "江苏省苏州市")),
            applied_on=joined - dt.timedelta(days=900),
            joined_on=joined,
            confirmed_on=None if kind == "probationary" else add_months(joined, 12),
            stage="预备党员" if kind == "probationary" else "正式党员",
            is_mobile=kind == "mobile",
            mobile_where="广东省深圳市（外派驻点）" if kind == "mobile" else None,
            mobile_since=add_months(today, -8) if kind == "mobile" else None,
            is_migrant_worker=kind == "rider",
            new_employment_group="外卖骑手" if kind == "rider" else None,
            new_social_stratum="民营企业和外资企业管理技术人员" if kind == "regular" and index % 3 == 0 else None,
            party_post={0: "书记", 1: "组织委员", 2: "宣传委员"}.get(index),
        )
        people.append((fields, group))
    return people


def populate(services, today: dt.date) -> None:  # type: ignore[no-untyped-def]
    services.branch.save_profile(BranchProfile(
        name=BRANCH_NAME, org_type="单独组建", code=None, parent_org="杭州市西湖区文新街道两新组织综合党委",
        founded_on=dt.date(2019, 7, 1), contact_person=None, contact_phone="0571-88886666",
        address="浙江省杭州市西湖区文三路 259 号",
    ))
    founded = dt.date(2019, 7, 1)
    groups = {name: services.roster.add_group(name, founded) for name in GROUPS}
    ids = []
    for fields, group in demo_members(today):
        from dataclasses import replace

        effective = max(fields.joined_on or founded, founded)
        member = services.roster.add_member(replace(fields, party_group_id=groups[group].id), effective_on=effective)
        ids.append(member.id)
    term_start = add_months(today, -34).replace(day=10)
    services.branch.elect_committee(term_start, [(ids[0], "书记"), (ids[1], "组织委员"), (ids[2], "宣传委员")], years=3)
    services.branch.save_profile(BranchProfile(
        name=BRANCH_NAME, org_type="单独组建", parent_org="杭州市西湖区文新街道两新组织综合党委",
        founded_on=founded, contact_person=services.roster.get_member(ids[0]).name, contact_phone="0571-88886666",
        address="浙江省杭州市西湖区文三路 259 号",
    ))
